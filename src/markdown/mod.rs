//! Markdown to HTML in one pass over pulldown-cmark's offset events: headings get anchors and a
//! table of contents, math and code-block outputs become placeholders (filled once KaTeX and
//! the lesson programs have run), code is highlighted, links are checked and rewritten, raw HTML
//! is shown as text, and `> **Answer:**` quotes become answers the reader reveals.

pub mod code;
pub mod fence;
pub mod fold;
pub(crate) mod headings;
pub mod links;
pub(crate) mod placeholder;

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use crate::content::SourceFile;
use crate::diagnostics::{Diagnostic, LineIndex, Location};
use crate::escape;
use code::{CodeBlock, CodeLine, classify};
use fence::{FenceAttrs, RunMode};
use headings::{Heading, IdAllocator, slugify};
use links::{LinkError, LinkRef, LinkResolver, LinkTarget};
use placeholder::Slot;

/// A formula found in a page.
#[derive(Clone, Debug, PartialEq)]
pub struct Formula {
    /// The TeX between the dollars.
    pub tex: String,
    /// `$$...$$` rather than `$...$`.
    pub display: bool,
    /// Where the TeX starts in the Markdown file.
    pub location: Location,
}

impl Formula {
    /// The location of a character position reported by KaTeX inside the TeX.
    pub fn location_of(&self, position: usize) -> Location {
        let before = self.tex.get(..position).unwrap_or(&self.tex);
        let newlines = before.matches('\n').count();
        let col = match before.rfind('\n') {
            Some(i) => before[i + 1..].chars().count() + 1,
            None => self.location.col + before.chars().count(),
        };
        Location::at(&self.location.path, self.location.line + newlines, col)
    }
}

/// Everything the Markdown pass learns about a page.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    /// The body HTML, with placeholders for formulas and block outputs.
    pub html: String,
    /// All headings, in order.
    pub headings: Vec<Heading>,
    /// All formulas; placeholder `Slot::Math(i)` is `formulas[i]`.
    pub formulas: Vec<Formula>,
    /// All fenced and indented code blocks; `Slot::Code(i)` and `Slot::Output(i)` belong to
    /// `code_blocks[i]`.
    pub code_blocks: Vec<CodeBlock>,
    /// Links and images, for checking once every page is known.
    pub links: Vec<LinkRef>,
    /// Ids on the page besides the headings': code blocks (`code-N`) and footnotes
    /// (`fn-label`), which links may point at.
    pub anchors: Vec<String>,
    /// Words of prose, for the reading time.
    pub words: usize,
    /// The prose's text, for the numbers it quotes: one entry per paragraph, list item, table
    /// cell or footnote, each the byte ranges of the body its text comes from (not headings,
    /// code, formulas, link targets or image descriptions).
    pub prose: Vec<Vec<Range<usize>>>,
    /// Problems found.
    pub diagnostics: Vec<Diagnostic>,
}

/// What a page's links resolve against.
pub struct RenderContext<'a> {
    /// Every page and file of the site.
    pub resolver: &'a LinkResolver,
    /// The folder of the source file, relative to `content/`.
    pub source_dir: &'a str,
    /// The page's URL path relative to the site root.
    pub page_url: &'a str,
    /// Fold solution blocks into boxes the reader opens.
    pub collapse_solutions: bool,
}

/// The Markdown extensions every page is parsed with.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_MATH
}

/// Splits text into runs, marking the numbers written with a negative exponent (`1.5e-7`,
/// `3e-4`) that must stay on one line.
fn exponent_runs(text: &str) -> Vec<(bool, &str)> {
    let bytes = text.as_bytes();
    let mut runs = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i + 2 < bytes.len() {
        let is_exponent = bytes[i] == b'e'
            && bytes[i + 1] == b'-'
            && bytes[i + 2].is_ascii_digit()
            && i > 0
            && bytes[i - 1].is_ascii_digit();
        if !is_exponent {
            i += 1;
            continue;
        }
        let mut from = i;
        while from > start && (bytes[from - 1].is_ascii_digit() || bytes[from - 1] == b'.') {
            from -= 1;
        }
        let mut to = i + 2;
        while to < bytes.len() && bytes[to].is_ascii_digit() {
            to += 1;
        }
        runs.push((false, &text[start..from]));
        runs.push((true, &text[from..to]));
        start = to;
        i = to;
    }
    runs.push((false, &text[start..]));
    runs
}

/// The id of a footnote's definition.
fn footnote_id(label: &str) -> String {
    format!("fn-{label}")
}

/// Labels that turn a block quote into an answer the reader reveals.
const REVEAL_LABELS: [&str; 4] = ["Answer", "Hint", "Solution", "Explanation"];

/// Renders the body of `source`.
pub fn render(source: &SourceFile, context: &RenderContext) -> Rendered {
    let mut pass = Pass::new(source, context);
    if let Some(at) = placeholder::contains_marker(source.body()) {
        let location = pass.location(at);
        pass.out.diagnostics.push(Diagnostic::error(
            location,
            "the text holds a Unicode noncharacter (U+FDD0 or U+FDD1); remove it",
        ));
        return pass.out;
    }
    let events: Vec<(Event, Range<usize>)> = Parser::new_ext(source.body(), options())
        .into_offset_iter()
        .collect();
    pass.run(events);
    pass.out
}

/// State of one pass over a page's events.
struct Pass<'s> {
    source: &'s SourceFile,
    context: &'s RenderContext<'s>,
    index: LineIndex,
    out: Rendered,
    events: Vec<Event<'s>>,
    ids: IdAllocator,
    /// Start of the current heading in `events`, with its level, id and text so far.
    heading: Option<(
        usize,
        pulldown_cmark::HeadingLevel,
        Option<String>,
        String,
        usize,
    )>,
    /// For each open block quote, whether it became a reveal box.
    quotes: Vec<bool>,
    /// Source range of the run of adjacent text events seen last, checked for stray `$$`.
    text_run: Option<Range<usize>>,
    /// How many images are open: their alt text is an HTML attribute, so formulas in it stay
    /// plain TeX.
    images: usize,
    /// The text ranges of the paragraph (or item, cell) being read, for [`Rendered::prose`].
    prose: Vec<Range<usize>>,
    /// The text ranges of the link being read, kept apart until its end shows whether they are
    /// prose (see [`Pass::end_link`]).
    link_text: Option<Vec<Range<usize>>>,
}

impl<'s> Pass<'s> {
    fn new(source: &'s SourceFile, context: &'s RenderContext<'s>) -> Self {
        Self {
            source,
            context,
            index: LineIndex::new(&source.text),
            out: Rendered::default(),
            events: Vec::new(),
            ids: IdAllocator::default(),
            heading: None,
            quotes: Vec::new(),
            text_run: None,
            images: 0,
            prose: Vec::new(),
            link_text: None,
        }
    }

    /// The location of a byte offset in the body.
    fn location(&self, body_offset: usize) -> Location {
        let (line, col) = self
            .index
            .line_col(&self.source.text, self.source.body_offset + body_offset);
        Location::at(&self.source.display, line, col)
    }

    fn error(&mut self, at: usize, message: impl Into<String>) {
        let location = self.location(at);
        self.out
            .diagnostics
            .push(Diagnostic::error(location, message));
    }

    fn warning(&mut self, at: usize, message: impl Into<String>) {
        let location = self.location(at);
        self.out
            .diagnostics
            .push(Diagnostic::warning(location, message));
    }

    /// Reserves the ids of code blocks and footnotes before any heading takes one.
    fn reserve_anchors(&mut self, events: &[(Event<'s>, Range<usize>)]) {
        let blocks = events
            .iter()
            .filter(|(e, _)| matches!(e, Event::Start(Tag::CodeBlock(_))))
            .count();
        let footnotes = events.iter().filter_map(|(e, _)| match e {
            Event::Start(Tag::FootnoteDefinition(label)) => Some(footnote_id(label)),
            _ => None,
        });
        let anchors: Vec<String> = (1..=blocks)
            .map(|n| format!("code-{n}"))
            .chain(footnotes)
            .collect();
        for id in &anchors {
            self.ids.reserve(id.clone());
        }
        self.out.anchors = anchors;
    }

    fn run(&mut self, events: Vec<(Event<'s>, Range<usize>)>) {
        self.reserve_anchors(&events);
        let mut i = 0;
        while i < events.len() {
            let (event, range) = events[i].clone();
            i += 1;
            match (&event, self.text_run.clone()) {
                (Event::Text(_), Some(run)) if run.end == range.start => {
                    self.text_run = Some(run.start..range.end);
                }
                (Event::Text(_), run) => {
                    self.check_dollars(run);
                    self.text_run = Some(range.clone());
                }
                (_, run) => {
                    self.check_dollars(run);
                    self.text_run = None;
                }
            }
            if let Event::Start(tag) = &event
                && !is_inline(tag)
            {
                self.end_prose();
            }
            if let Event::End(tag) = &event
                && !is_inline_end(tag)
            {
                self.end_prose();
            }
            match event {
                Event::Start(Tag::CodeBlock(kind)) => {
                    let end = events[i..]
                        .iter()
                        .position(|(e, _)| matches!(e, Event::End(TagEnd::CodeBlock)))
                        .map_or(events.len(), |p| i + p);
                    self.code_block(kind, range.start, &events[i..end]);
                    i = end + 1;
                }
                Event::Start(Tag::HtmlBlock) => {
                    let end = events[i..]
                        .iter()
                        .position(|(e, _)| matches!(e, Event::End(TagEnd::HtmlBlock)))
                        .map_or(events.len(), |p| i + p);
                    let raw: String = events[i..end]
                        .iter()
                        .filter_map(|(e, _)| match e {
                            Event::Html(t) | Event::Text(t) => Some(t.as_ref()),
                            _ => None,
                        })
                        .collect();
                    self.raw_html(&raw, range.start, true);
                    i = end + 1;
                }
                Event::Html(raw) | Event::InlineHtml(raw) => {
                    self.raw_html(&raw, range.start, false)
                }
                Event::Start(Tag::Heading { level, id, .. }) => {
                    let line = self.location(range.start).line;
                    self.heading = Some((
                        self.events.len(),
                        level,
                        id.map(|s| s.to_string()),
                        String::new(),
                        line,
                    ));
                }
                Event::End(TagEnd::Heading(_)) => self.end_heading(),
                Event::InlineMath(tex) => self.math(tex, false, range),
                Event::DisplayMath(tex) => self.math(tex, true, range),
                Event::Text(text) => {
                    self.out.words += text.split_whitespace().count();
                    if let Some(heading) = &mut self.heading {
                        heading.3.push_str(&text);
                    }
                    self.prose(range);
                    self.text(text);
                }
                Event::Code(text) => {
                    self.out.words += text.split_whitespace().count();
                    if let Some(heading) = &mut self.heading {
                        heading.3.push_str(&text);
                    }
                    self.events.push(Event::Code(text));
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let dest_url = self.link(link_type, dest_url, range.start, false);
                    self.link_text = Some(Vec::new());
                    self.events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
                Event::End(TagEnd::Link) => {
                    self.end_link();
                    self.events.push(Event::End(TagEnd::Link));
                }
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let dest_url = self.link(link_type, dest_url, range.start, true);
                    self.images += 1;
                    self.events.push(Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
                Event::End(TagEnd::Image) => {
                    self.images = self.images.saturating_sub(1);
                    self.events.push(Event::End(TagEnd::Image));
                }
                // Footnote ids get a prefix of their own, so `[^summary]` and `## Summary`
                // do not share an id.
                Event::FootnoteReference(label) => {
                    self.events
                        .push(Event::FootnoteReference(footnote_id(&label).into()));
                }
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    self.events.push(Event::Start(Tag::FootnoteDefinition(
                        footnote_id(&label).into(),
                    )));
                }
                Event::Start(Tag::BlockQuote(kind)) => {
                    let label = reveal_label(&events[i..]);
                    self.quotes.push(label.is_some());
                    match label {
                        Some(label) => {
                            self.events.push(Event::Html(
                                format!(
                                    "<details class=\"reveal\"><summary>{label}</summary>\n<div class=\"reveal-body\">\n"
                                )
                                .into(),
                            ));
                            self.events.push(Event::Start(Tag::Paragraph));
                            // Skip the paragraph start and the bold label.
                            i += 4;
                            if let Some((Event::Text(rest), range)) = events.get(i) {
                                self.prose(range.clone());
                                let trimmed = rest.trim_start_matches(':').trim_start();
                                if trimmed.is_empty() {
                                    i += 1;
                                } else if trimmed.len() != rest.len() {
                                    self.events.push(Event::Text(trimmed.to_string().into()));
                                    i += 1;
                                }
                            }
                        }
                        None => self.events.push(Event::Start(Tag::BlockQuote(kind))),
                    }
                }
                Event::End(TagEnd::BlockQuote(kind)) => {
                    if self.quotes.pop() == Some(true) {
                        self.events.push(Event::Html("</div></details>\n".into()));
                    } else {
                        self.events.push(Event::End(TagEnd::BlockQuote(kind)));
                    }
                }
                other => self.events.push(other),
            }
        }
        let run = self.text_run.take();
        self.check_dollars(run);
        self.end_prose();
        let mut html = String::with_capacity(self.source.body().len() * 2);
        pulldown_cmark::html::push_html(&mut html, std::mem::take(&mut self.events).into_iter());
        self.out.html = html;
    }

    /// Adds a text event's source to the current stretch of prose, unless it is a heading's or
    /// an image description's.
    fn prose(&mut self, range: Range<usize>) {
        if self.heading.is_some() || self.images > 0 {
            return;
        }
        if let Some(link) = &mut self.link_text {
            link.push(range);
            return;
        }
        match self.prose.last_mut() {
            Some(last) if last.end == range.start => last.end = range.end,
            _ => self.prose.push(range),
        }
    }

    /// Ends a link: its text is prose, unless it is a bare number (`[1.2](02-linear.md)`,
    /// `[3](#fn)`), which names the page or place it links to rather than a quantity.
    fn end_link(&mut self) {
        let Some(ranges) = self.link_text.take() else {
            return;
        };
        let body = self.source.body();
        let text: String = ranges.iter().filter_map(|r| body.get(r.clone())).collect();
        let text = text.trim();
        let bare_number = !text.is_empty() && text.chars().all(|c| c.is_ascii_digit() || c == '.');
        if !bare_number {
            for range in ranges {
                self.prose(range);
            }
        }
    }

    /// Ends the current stretch of prose at a paragraph, item or cell boundary.
    fn end_prose(&mut self) {
        if !self.prose.is_empty() {
            self.out.prose.push(std::mem::take(&mut self.prose));
        }
    }

    fn end_heading(&mut self) {
        let Some((start, level, explicit_id, text, line)) = self.heading.take() else {
            return;
        };
        let inner_events = self.events.split_off(start);
        let plain_events: Vec<Event> = inner_events
            .iter()
            .filter(|e| {
                !matches!(
                    e,
                    Event::Start(Tag::Link { .. })
                        | Event::End(TagEnd::Link)
                        | Event::FootnoteReference(_)
                )
            })
            .cloned()
            .collect();
        let mut toc_html = String::new();
        pulldown_cmark::html::push_html(&mut toc_html, plain_events.into_iter());
        let mut inner = String::new();
        pulldown_cmark::html::push_html(&mut inner, inner_events.into_iter());
        let text = text.trim().to_string();
        let id = self
            .ids
            .allocate(&explicit_id.unwrap_or_else(|| slugify(&text)));
        let level = level as u8;
        self.events.push(Event::Html(
            format!(
                "<h{level} id=\"{id}\">{inner}<a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{level}>\n",
                id = escape::attr(&id)
            )
            .into(),
        ));
        self.out.headings.push(Heading {
            level,
            id,
            text,
            html: inner,
            toc_html,
            line,
        });
    }

    fn math(&mut self, tex: CowStr<'s>, display: bool, range: Range<usize>) {
        let delimiter = if display { 2 } else { 1 };
        let location = self.location(range.start + delimiter);
        if !display && looks_like_prose(&tex) {
            self.out.diagnostics.push(Diagnostic::warning(
                self.location(range.start),
                "this $...$ looks like prose between two dollar signs, not math; write \\$ for a literal dollar",
            ));
        }
        if let Some(heading) = &mut self.heading {
            heading.3.push_str(&tex);
        }
        if self.images > 0 {
            // Typeset math is markup, which an alt attribute cannot hold: keep the TeX.
            self.events.push(Event::Text(tex));
            return;
        }
        let slot = Slot::Math(self.out.formulas.len());
        self.out.formulas.push(Formula {
            tex: tex.to_string(),
            display,
            location,
        });
        self.events.push(Event::InlineHtml(slot.marker().into()));
    }

    /// Prose text. Line breaks must not separate an inline formula from the punctuation right
    /// after it, nor split a number like `1.5e-7` at its hyphen, so those are kept together.
    fn text(&mut self, text: CowStr<'s>) {
        if self.images > 0 {
            self.events.push(Event::Text(text));
            return;
        }
        let mut rest: &str = &text;
        let punctuation = rest
            .char_indices()
            .take_while(|(_, c)| matches!(c, ',' | '.' | ';' | ':' | '!' | '?' | ')' | '’' | '”'))
            .last()
            .map_or(0, |(i, c)| i + c.len_utf8());
        let after_math = match self.events.last() {
            Some(Event::InlineHtml(marker)) => placeholder::math_index(marker)
                .and_then(|n| self.out.formulas.get(n))
                .is_some_and(|formula| !formula.display),
            _ => false,
        };
        let mut pieces: Vec<Event<'s>> = Vec::new();
        if after_math && punctuation > 0 {
            let marker = self.events.pop().expect("just matched");
            pieces.push(Event::InlineHtml("<span class=\"nowrap\">".into()));
            pieces.push(marker);
            pieces.push(Event::Text(rest[..punctuation].to_string().into()));
            pieces.push(Event::InlineHtml("</span>".into()));
            rest = &rest[punctuation..];
        }
        for (keep, run) in exponent_runs(rest) {
            if keep {
                pieces.push(Event::InlineHtml("<span class=\"nowrap\">".into()));
                pieces.push(Event::Text(run.to_string().into()));
                pieces.push(Event::InlineHtml("</span>".into()));
            } else if !run.is_empty() {
                pieces.push(Event::Text(run.to_string().into()));
            }
        }
        if pieces.len() == 1 && matches!(pieces[0], Event::Text(_)) {
            self.events.push(Event::Text(text));
        } else {
            self.events.extend(pieces);
        }
    }

    /// A `$$` left in prose is a display formula that was never closed.
    fn check_dollars(&mut self, range: Option<Range<usize>>) {
        let Some(range) = range else { return };
        let raw = &self.source.body()[range.clone()];
        let bytes = raw.as_bytes();
        let mut i = 0;
        while i + 1 < bytes.len() {
            if bytes[i] == b'\\' {
                i += 2;
                continue;
            }
            if bytes[i] == b'$' && bytes[i + 1] == b'$' {
                self.error(
                    range.start + i,
                    "unclosed display math: this `$$` has no closing `$$` (write `\\$` for a literal dollar)",
                );
                return;
            }
            if bytes[i] == b'$' && bytes[i + 1] == b'\\' {
                self.error(
                    range.start + i,
                    "this `$` starts a formula that never closes: check for a missing `$` or unbalanced braces (write `\\$` for a literal dollar)",
                );
                return;
            }
            // `$f = $`: a space before the closing dollar makes both dollars text. Amounts
            // (`$5 or $10`) start with a digit and are left alone.
            let opens = bytes[i] == b'$'
                && !bytes[i + 1].is_ascii_whitespace()
                && !bytes[i + 1].is_ascii_digit();
            if opens && let Some(close) = raw[i + 1..].find(" $") {
                let inner = &raw[i + 1..i + 1 + close];
                if !inner.contains('\n') {
                    self.warning(
                        range.start + i,
                        "this `$...$` is shown as text: a formula's closing `$` must follow its last character with no space before it",
                    );
                    return;
                }
            }
            i += 1;
        }
    }

    fn raw_html(&mut self, raw: &str, at: usize, block: bool) {
        let trimmed = raw.trim();
        if trimmed.starts_with("<!--") && trimmed.ends_with("-->") {
            return;
        }
        self.warning(
            at,
            "raw HTML is not allowed in posts; it is shown as text (use Markdown instead)",
        );
        if block {
            self.events.push(Event::Start(Tag::Paragraph));
            self.events
                .push(Event::Text(raw.trim_end().to_string().into()));
            self.events.push(Event::End(TagEnd::Paragraph));
        } else {
            self.events.push(Event::Text(raw.to_string().into()));
        }
    }

    fn link(
        &mut self,
        link_type: LinkType,
        dest: CowStr<'s>,
        at: usize,
        image: bool,
    ) -> CowStr<'s> {
        if link_type == LinkType::Email {
            return dest;
        }
        let what = if image { "image" } else { "link" };
        match self
            .context
            .resolver
            .resolve(&dest, self.context.source_dir, self.context.page_url)
        {
            Ok((target, href)) => {
                if image && matches!(target, LinkTarget::Page { .. } | LinkTarget::Anchor(_)) {
                    self.error(at, format!("{what} {dest:?} is a page, not an image file"));
                }
                self.out.links.push(LinkRef {
                    location: self.location(at),
                    written: dest.to_string(),
                    target,
                });
                href.into()
            }
            Err(LinkError::UnsafeScheme(scheme)) => {
                self.error(
                    at,
                    format!("{what} uses the `{scheme}:` scheme, which can run code in the reader's browser"),
                );
                "#".into()
            }
            Err(LinkError::NotFound(written)) => {
                self.error(
                    at,
                    format!("broken {what}: {written:?} is not a page or file of this site"),
                );
                dest
            }
        }
    }

    fn code_block(
        &mut self,
        kind: CodeBlockKind<'s>,
        fence_at: usize,
        inner: &[(Event<'s>, Range<usize>)],
    ) {
        let info = match &kind {
            CodeBlockKind::Fenced(info) => info.to_string(),
            CodeBlockKind::Indented => String::new(),
        };
        let attrs = FenceAttrs::parse(&info);
        for unknown in &attrs.unknown {
            self.warning(
                fence_at,
                format!("unknown code block attribute `{unknown}`"),
            );
        }
        for warning in attrs.warnings.clone() {
            self.warning(fence_at, warning);
        }
        for error in attrs.errors.clone() {
            self.error(fence_at, error);
        }
        if !attrs.lang.is_empty() && !crate::highlight::knows(&attrs.lang) {
            self.warning(
                fence_at,
                format!(
                    "no highlighting for language `{}`; it is shown as plain text",
                    attrs.lang
                ),
            );
        }
        let content: String = inner
            .iter()
            .filter_map(|(e, _)| match e {
                Event::Text(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        let first_line = inner
            .first()
            .map(|(_, r)| self.location(r.start).line)
            .unwrap_or(0);
        let hide = attrs.is_rust();
        let mut lines = Vec::new();
        for (k, raw) in content.lines().enumerate() {
            let (code, mut shown, hidden_offset) = classify(raw, hide);
            if let Some(prefix) = attrs.hidelines.as_deref().filter(|_| !hide)
                && raw.trim_start().starts_with(prefix)
            {
                shown = None;
            }
            let line = first_line + k;
            let md_line = self
                .index
                .line_start(line)
                .map(|start| {
                    let end = self.source.text[start..]
                        .find('\n')
                        .map_or(self.source.text.len(), |e| start + e);
                    self.source.text[start..end].trim_end_matches('\r')
                })
                .unwrap_or("");
            let indent = md_line.chars().count().saturating_sub(raw.chars().count());
            lines.push(CodeLine {
                code,
                shown,
                line,
                col_offset: indent + hidden_offset,
            });
        }
        let folds = if attrs.is_rust() {
            let (folds, errors) = fold::find(&lines);
            for error in errors {
                let line = &lines[error.line];
                let indent = line.code.len() - line.code.trim_start().len();
                let location = Location::at(
                    &self.source.display,
                    line.line,
                    line.col_offset + indent + 1,
                );
                self.out
                    .diagnostics
                    .push(Diagnostic::error(location, error.message));
            }
            folds
        } else {
            Vec::new()
        };
        let index = self.out.code_blocks.len();
        let block = CodeBlock {
            index,
            fence: self.location(fence_at),
            attrs,
            lines,
            variant: None,
            folds,
        };
        let mut html = code_block_html(&block);
        if block.attrs.solution && self.context.collapse_solutions {
            html = format!(
                "<details class=\"reveal solution-reveal\"><summary>Solution</summary>\n<div class=\"reveal-body\">\n{html}</div></details>\n"
            );
        }
        self.out.code_blocks.push(block);
        self.events.push(Event::Html(html.into()));
    }
}

/// Whether a tag is inline (inside a paragraph's text) rather than a block of its own.
fn is_inline(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

/// Whether a closing tag closes an inline tag.
fn is_inline_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Whether inline "math" is really prose caught between two dollar signs, as in "costs $10 to
/// print, and `$x`": it holds a backtick, or starts with a digit and has two plain words.
fn looks_like_prose(tex: &str) -> bool {
    if tex.contains('`') {
        return true;
    }
    if !tex.trim_start().starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let mut words = 0;
    let mut previous = ' ';
    let mut current = String::new();
    for c in tex.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphabetic() {
            if current.is_empty() && previous == '\\' {
                current.push('\\');
            }
            current.push(c);
        } else {
            if current.len() >= 3 && !current.starts_with('\\') {
                words += 1;
            }
            current.clear();
        }
        previous = c;
    }
    words >= 2
}

/// If the events after a block quote's start read `**Answer:** ...`, the label.
fn reveal_label(after: &[(Event, Range<usize>)]) -> Option<&'static str> {
    match after {
        [
            (Event::Start(Tag::Paragraph), _),
            (Event::Start(Tag::Strong), _),
            (Event::Text(label), _),
            (Event::End(TagEnd::Strong), _),
            ..,
        ] => {
            let label = label.trim().trim_end_matches(':').trim_end();
            REVEAL_LABELS.iter().copied().find(|known| *known == label)
        }
        _ => None,
    }
}

/// The HTML of a code block: a header naming the language and role, the highlighted code, and
/// the placeholder for what it printed and drew.
fn code_block_html(block: &CodeBlock) -> String {
    let attrs = &block.attrs;
    let mut classes = String::from("code-block");
    let mut badges = Vec::new();
    if attrs.solution {
        classes.push_str(" solution");
        badges.push("Solution");
    }
    if attrs.is_rust() {
        match attrs.mode {
            RunMode::Run => {}
            RunMode::Ignore => badges.push("not compiled"),
            RunMode::NoRun => badges.push("compiled, not run"),
            RunMode::ShouldPanic => badges.push("panics on purpose"),
            RunMode::CompileFail => badges.push("does not compile, on purpose"),
        }
    }
    let lang = block.lang();
    let mut html = format!(
        "<div class=\"{classes}\" id=\"code-{}\">\n<div class=\"code-head\"><span class=\"code-lang\">{}</span>",
        block.index + 1,
        escape::text(lang)
    );
    for badge in badges {
        html.push_str(&format!("<span class=\"code-badge\">{badge}</span>"));
    }
    // The copy button stays hidden until the page's script, which makes it work, shows it.
    html.push_str(&format!(
        "<button type=\"button\" class=\"code-copy\" title=\"{}\" hidden>Copy</button>",
        escape::attr(&block.copy_title())
    ));
    html.push_str("</div>\n<pre class=\"code\"><code>");
    html.push_str(&Slot::Code(block.index).marker());
    html.push_str("</code></pre>\n");
    html.push_str(&format!(
        "<template class=\"code-copied\">{}</template>\n",
        escape::text(&block.copied())
    ));
    if attrs.compiles() {
        html.push_str(&Slot::Output(block.index).marker());
    }
    html.push_str("</div>\n");
    html
}

#[cfg(test)]
mod tests;
