//! Spec tables for the Markdown pass: Markdown in, HTML (or diagnostics) out.

use std::path::PathBuf;

use super::*;

fn source(body: &str) -> SourceFile {
    let front = "+++\ntitle = \"t\"\n+++\n";
    SourceFile {
        path: PathBuf::from("/site/content/m/01-p.md"),
        display: PathBuf::from("content/m/01-p.md"),
        text: format!("{front}{body}"),
        body_offset: front.len(),
    }
}

fn resolver() -> LinkResolver {
    LinkResolver {
        sources: [
            ("m/01-p.md".to_string(), "m/p/".to_string()),
            ("m/02-q.md".to_string(), "m/q/".to_string()),
        ]
        .into(),
        pages: ["".into(), "m/".into(), "m/p/".into(), "m/q/".into()].into(),
        files: ["m/fig.png".to_string()].into(),
    }
}

fn render_body(body: &str) -> Rendered {
    let resolver = resolver();
    let context = RenderContext {
        resolver: &resolver,
        source_dir: "m",
        page_url: "m/p/",
        collapse_solutions: false,
    };
    render(&source(body), &context)
}

/// Renders and fills math placeholders with `[tex]` or `[[tex]]`, output slots with `<OUT n>`.
fn html(body: &str) -> String {
    let rendered = render_body(body);
    placeholder::fill(&rendered.html, |slot| match slot {
        Slot::Math(i) => {
            let f = &rendered.formulas[i];
            if f.display {
                format!("[[{}]]", f.tex)
            } else {
                format!("[{}]", f.tex)
            }
        }
        Slot::Output(i) => format!("<OUT {i}>"),
        Slot::Code(i) => {
            let block = &rendered.code_blocks[i];
            let highlighted = crate::highlight::highlight(&block.shown(), block.lang());
            fold::apply(&block.lines, &block.folds, &highlighted)
        }
    })
}

fn messages(body: &str) -> Vec<String> {
    render_body(body)
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn math_spec() {
    let cases = [
        ("$x^2$", "<p>[x^2]</p>\n"),
        ("a $x$ b", "<p>a [x] b</p>\n"),
        ("$$\\sum_i x_i$$", "<p>[[\\sum_i x_i]]</p>\n"),
        ("$$\na = b\n$$", "<p>[[\na = b\n]]</p>\n"),
        // Currency is prose, not math.
        ("costs $5 or $10", "<p>costs $5 or $10</p>\n"),
        ("from $5 to $10.", "<p>from $5 to $10.</p>\n"),
        // A backslash makes a literal dollar.
        ("\\$x\\$", "<p>$x$</p>\n"),
        // Dollars in code are code.
        ("`$x$`", "<p><code>$x$</code></p>\n"),
        (
            "```text\n$x$\n```",
            "<pre class=\"code\"><code>$x$\n</code></pre>",
        ),
        // A lone dollar stays a dollar.
        ("a $ b", "<p>a $ b</p>\n"),
    ];
    for (markdown, expected) in cases {
        let out = html(markdown);
        assert!(
            out.contains(expected),
            "{markdown:?}\n got: {out:?}\nwant: {expected:?}"
        );
    }
}

#[test]
fn prose_between_dollars_is_flagged() {
    let found = messages("It costs $10 to\nprint, and `$x` too.\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("content/m/01-p.md:4:10: warning: this $...$ looks like prose"),
        "{found:?}"
    );
    for fine in [
        "$2x + 3y$",
        "$10^{-3}$",
        "$5 \\text{ apples}$",
        "$x$ and $y$",
    ] {
        assert!(messages(fine).is_empty(), "{fine}");
    }
}

#[test]
fn formulas_know_where_they_are() {
    let rendered = render_body("Intro\n\nWe have $a+b$ and\n$$\nc\n$$\n");
    let f = &rendered.formulas;
    assert_eq!(f.len(), 2);
    // The front matter is three lines, so the body's line 3 is the file's line 6.
    assert_eq!(f[0].location, Location::at("content/m/01-p.md", 6, 10));
    assert!(f[1].display);
    assert_eq!(f[1].location, Location::at("content/m/01-p.md", 7, 3));
    assert_eq!(
        f[0].location_of(2),
        Location::at("content/m/01-p.md", 6, 12)
    );
    assert_eq!(f[1].location_of(2), Location::at("content/m/01-p.md", 8, 2));
}

#[test]
fn unclosed_display_math_is_an_error() {
    let found = messages("text\n\n$$ x + y\n\nmore\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("content/m/01-p.md:6:1: error: unclosed display math"),
        "{found:?}"
    );
    assert!(messages("price \\$\\$ ok").is_empty());
    let found = messages("What is $\\frac{1}{2$?\n");
    assert!(
        found[0].starts_with(
            "content/m/01-p.md:4:9: error: this `$` starts a formula that never closes"
        ),
        "{found:?}"
    );
}

#[test]
fn headings_get_unique_anchors_and_a_toc() {
    let rendered = render_body("## Summary\n\n## Summary\n\n### Exercise 1: Plot $f$ {#ex1}\n");
    let ids: Vec<_> = rendered.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["summary", "summary-1", "ex1"]);
    assert_eq!(rendered.headings[2].text, "Exercise 1: Plot f");
    assert_eq!(rendered.headings[2].line, 8);
    let out = html("## A *b*\n");
    assert_eq!(
        out,
        "<h2 id=\"a-b\">A <em>b</em><a class=\"anchor\" href=\"#a-b\" aria-label=\"Link to this section\">#</a></h2>\n"
    );
}

#[test]
fn extensions_are_on() {
    let out = html("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~ \"quoted\"[^n]\n\n[^n]: note\n");
    assert!(out.contains("<table>"), "{out}");
    assert!(out.contains("<del>gone</del>"), "{out}");
    assert!(out.contains("“quoted”"), "{out}");
    assert!(out.contains("footnote-definition"), "{out}");
}

#[test]
fn fence_spec() {
    let out = html("```rust\nfn main() {}\n```\n");
    assert!(
        out.starts_with("<div class=\"code-block\" id=\"code-1\">"),
        "{out}"
    );
    assert!(
        out.contains("<span class=\"code-lang\">rust</span>"),
        "{out}"
    );
    assert!(out.contains("<OUT 0>"), "{out}");

    let ignored = html("```rust,ignore\nfn main() {}\n```\n");
    assert!(
        ignored.contains("not compiled") && !ignored.contains("<OUT"),
        "{ignored}"
    );

    let solution = html("```rust,solution\nfn main() {}\n```\n");
    assert!(solution.contains("code-block solution") && solution.contains(">Solution<"));

    let toml = html("```toml\n[dependencies]\n```\n");
    assert!(
        toml.contains("code-lang\">toml") && !toml.contains("<OUT"),
        "{toml}"
    );

    let indented = html("para\n\n    let x = 1;\n");
    assert!(indented.contains("code-lang\">text"), "{indented}");
}

#[test]
fn solutions_fold_when_asked() {
    let resolver = resolver();
    let context = RenderContext {
        resolver: &resolver,
        source_dir: "m",
        page_url: "m/p/",
        collapse_solutions: true,
    };
    let folded = render(&source("```rust,solution\nfn main() {}\n```\n"), &context).html;
    assert!(
        folded.starts_with("<details class=\"reveal solution-reveal\"><summary>Solution</summary>"),
        "{folded}"
    );
    let plain = render(&source("```rust\nfn main() {}\n```\n"), &context).html;
    assert!(!plain.contains("<details"), "{plain}");
    assert!(!html("```rust,solution\nfn main() {}\n```\n").contains("<details"));
}

#[test]
fn hidden_lines_are_compiled_not_shown() {
    let rendered = render_body(
        "```rust\n# use std::fmt;\nfn main() {\n##[allow(unused)]\n    let x = 1;\n}\n```\n",
    );
    let block = &rendered.code_blocks[0];
    assert_eq!(
        block.compiled(),
        "use std::fmt;\nfn main() {\n#[allow(unused)]\n    let x = 1;\n}\n"
    );
    assert_eq!(
        block.shown(),
        "fn main() {\n#[allow(unused)]\n    let x = 1;\n}\n"
    );
    let lines: Vec<_> = block.lines.iter().map(|l| (l.line, l.col_offset)).collect();
    assert_eq!(lines, [(5, 2), (6, 0), (7, 0), (8, 0), (9, 0)]);
    assert_eq!(block.fence, Location::at("content/m/01-p.md", 4, 1));
    // The page does not show the hidden line; the copy button's program has it.
    let (shown, copied) = rendered.html.split_once("<template").unwrap();
    assert!(!shown.contains("use std::fmt"));
    assert!(copied.contains("use std::fmt;\nfn main() {\n#[allow(unused)]"));
}

#[test]
fn code_in_lists_keeps_its_columns() {
    let rendered = render_body("1. Step\n\n   ```rust\n   fn main() {}\n   ```\n");
    let line = &rendered.code_blocks[0].lines[0];
    assert_eq!(
        (line.line, line.col_offset, line.code.as_str()),
        (7, 3, "fn main() {}")
    );
}

#[test]
fn fence_attribute_problems_are_reported_at_the_fence() {
    let found = messages("text\n\n```rust,no-run\nfn main() {}\n```\n");
    assert_eq!(
        found,
        ["content/m/01-p.md:6:1: warning: unknown code block attribute `no-run`"]
    );
    let found = messages("```rust,timeout=soon\nfn main() {}\n```\n");
    assert!(found[0].contains("error: timeout=\"soon\""), "{found:?}");
}

#[test]
fn rustdoc_and_mdbook_fences() {
    // `Rust` is highlighted, not compiled, and the author is told why.
    let rendered = render_body("```Rust\nfn main() {}\n```\n");
    assert!(!rendered.code_blocks[0].attrs.compiles());
    assert!(!rendered.html.contains(&Slot::Output(0).marker()));
    let found: Vec<String> = rendered
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("content/m/01-p.md:4:1: warning: `Rust` blocks are not compiled"),
        "{found:?}"
    );
    // A block whose info string is only rustdoc attributes is Rust, highlighted as such.
    let out = html("```should_panic\npanic!();\n```\n");
    assert!(
        out.contains("code-lang\">rust") && out.contains("panics on purpose"),
        "{out}"
    );
    // mdBook's attributes draw no warning.
    assert!(messages("```rust,editable,noplayground\nfn main() {}\n```\n").is_empty());
    // Several modes resolve as in rustdoc, with a note.
    assert_eq!(
        messages("```rust,no_run,should_panic\nfn main() {}\n```\n"),
        ["content/m/01-p.md:4:1: warning: `should_panic` has no effect with `no_run`"]
    );
}

#[test]
fn mdbook_hidelines_hide_lines_of_other_languages() {
    let rendered =
        render_body("```python,hidelines=!!!\n!!!import os\nprint(1)\n  !!!x = 2\n```\n");
    assert_eq!(rendered.code_blocks[0].shown(), "print(1)\n");
    assert!(
        rendered.diagnostics.is_empty(),
        "{:?}",
        rendered.diagnostics
    );
}

#[test]
fn raw_html_is_shown_as_text_with_a_warning() {
    let out = html("<script>alert(1)</script>\n\nText <img src=x onerror=alert(1)> here\n");
    assert!(
        !out.contains("<script>") && out.contains("&lt;script&gt;"),
        "{out}"
    );
    assert!(!out.contains("<img") && out.contains("&lt;img"), "{out}");
    let found = messages("<div>x</div>\n");
    assert!(
        found[0].contains("warning: raw HTML is not allowed"),
        "{found:?}"
    );
    assert!(messages("<!-- a note for authors -->\n").is_empty());
    assert!(!html("<!-- note -->\n").contains("note"));
}

#[test]
fn links_are_checked_and_rewritten() {
    let out = html("[next](02-q.md) [here](#x) [ext](https://burn.dev) ![f](fig.png)\n");
    assert!(out.contains("href=\"../q/\""), "{out}");
    assert!(out.contains("href=\"#x\""), "{out}");
    assert!(out.contains("href=\"https://burn.dev\""), "{out}");
    assert!(out.contains("src=\"../fig.png\""), "{out}");

    let found = messages("[bad](03-missing.md)\n\n[x](javascript:alert(1))\n");
    assert!(
        found[0].starts_with("content/m/01-p.md:4:1: error: broken link"),
        "{found:?}"
    );
    assert!(found[1].contains("`javascript:` scheme"), "{found:?}");
    let out = html("[x](JAVASCRIPT:alert(1))\n");
    assert!(!out.to_lowercase().contains("javascript"), "{out}");
}

#[test]
fn link_titles_are_escaped() {
    let out = html("[a](https://x.org \"say \\\"hi\\\" <b>\")\n");
    assert!(
        out.contains("title=\"say &quot;hi&quot; &lt;b&gt;\""),
        "{out}"
    );
}

#[test]
fn answer_quotes_become_reveal_boxes() {
    let out = html("> **Answer:** Because $f$ is nonlinear.\n> More.\n\n> Plain quote\n");
    assert!(
        out.starts_with("<details class=\"reveal\"><summary>Answer</summary>\n<div class=\"reveal-body\">\n<p>Because [f] is nonlinear.\nMore.</p>\n</div></details>\n"),
        "{out}"
    );
    assert!(
        out.contains("<blockquote>\n<p>Plain quote</p>\n</blockquote>"),
        "{out}"
    );
    let hint = html("> **Hint**: try tanh.\n");
    assert!(
        hint.contains("<summary>Hint</summary>") && hint.contains("<p>try tanh.</p>"),
        "{hint}"
    );
}

#[test]
fn noncharacters_in_content_are_refused() {
    let found = messages("a \u{FDD0} b\n");
    assert!(
        found[0].contains("content/m/01-p.md:4:3: error: the text holds a Unicode noncharacter"),
        "{found:?}"
    );
}

#[test]
fn words_are_counted_outside_code_blocks() {
    let rendered = render_body("one two `three`\n\n```rust\nfn a() {}\n```\n");
    assert_eq!(rendered.words, 3);
}

#[test]
fn pathological_input_stays_fast_enough_to_finish() {
    // Linear-time guards: these would hang a quadratic scanner. No timing is asserted; the test
    // finishing at all is the check, and each input is large enough to show a blow-up.
    let dollars = "$x ".repeat(20_000);
    let _ = render_body(&dollars);
    let brackets = "[ (](".repeat(10_000);
    let _ = render_body(&brackets);
    let footnotes = "[^".repeat(10_000);
    let _ = render_body(&footnotes);
}

#[test]
fn ids_are_unique_across_headings_code_blocks_and_footnotes() {
    let body = "## Code 1\n\n```text\nx\n```\n\nSee the note.[^summary]\n\n## Summary\n\n[^summary]: The note.\n";
    let rendered = render_body(body);
    let out = html(body);
    let ids: Vec<&str> = out
        .split("id=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "duplicate ids in {ids:?}");
    assert!(
        ids.contains(&"code-1") && ids.contains(&"code-1-1"),
        "{ids:?}"
    );
    assert!(
        ids.contains(&"summary") && ids.contains(&"fn-summary"),
        "{ids:?}"
    );
    assert!(out.contains("href=\"#fn-summary\""), "{out}");
    assert_eq!(rendered.anchors, ["code-1", "fn-summary"]);
}

#[test]
fn math_in_an_image_description_stays_text_in_the_attribute() {
    let out = html("![the curve $y = x^2$](fig.png)\n");
    assert!(out.contains("alt=\"the curve y = x^2\""), "{out}");
    assert!(render_body("![a $b$](fig.png)\n").formulas.is_empty());
}

#[test]
fn the_table_of_contents_never_nests_links() {
    let rendered = render_body("## See [the other post](02-q.md) and a note[^n]\n\n[^n]: Here.\n");
    let heading = &rendered.headings[0];
    assert!(heading.html.contains("<a href="), "{}", heading.html);
    assert!(!heading.toc_html.contains("<a"), "{}", heading.toc_html);
    assert!(
        heading.toc_html.contains("See the other post and a note"),
        "{}",
        heading.toc_html
    );
}

#[test]
fn formulas_keep_their_punctuation_and_exponents_stay_whole() {
    let out = html("The loss is $L$, and the gap is 1.5e-7 or 3e-4; see $$x$$.\n");
    assert!(
        out.contains("<span class=\"nowrap\">[L],</span> and the gap is <span class=\"nowrap\">1.5e-7</span> or <span class=\"nowrap\">3e-4</span>;"),
        "{out}"
    );
    // Display math, plain words with hyphens and text without a formula are left alone.
    assert!(out.contains("see [[x]]."), "{out}");
    let plain = html("A well-known e-mail, not a number.\n");
    assert_eq!(plain, "<p>A well-known e-mail, not a number.</p>\n");
}

#[test]
fn a_space_before_the_closing_dollar_is_a_warning() {
    let found = messages("The value $f = $ 1.73e-1 is shown.\n");
    assert_eq!(
        found,
        [
            "content/m/01-p.md:4:11: warning: this `$...$` is shown as text: a formula's closing `$` must follow its last character with no space before it"
        ]
    );
    assert!(messages("It costs $5 or $10 today.\n").is_empty());
    assert!(messages("Math $x$ and money $5.\n").is_empty());
}

#[test]
fn every_block_has_a_copy_button_and_the_program_it_copies() {
    let out = html(
        "```rust\n# use std::fmt;\nfn main() { let s = \"<a>\"; }\n```\n\n```sh\ncargo add burn\n```\n",
    );
    assert!(
        out.contains(
            "<button type=\"button\" class=\"code-copy\" title=\"Copy the whole program, ready to paste into src/main.rs, with the line hidden on this page\" hidden>Copy</button></div>"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "<template class=\"code-copied\">use std::fmt;\nfn main() { let s = \"&lt;a&gt;\"; }\n</template>"
        ),
        "{out}"
    );
    assert!(
        out.contains("title=\"Copy the code\" hidden>Copy</button>")
            && out.contains("<template class=\"code-copied\">cargo add burn\n</template>"),
        "{out}"
    );
}

#[test]
fn folds_show_as_summaries_the_reader_opens() {
    let out = html(
        "```rust\nfn main() {\n    // fold: setup\n    let a = 1;\n    let b = 2;\n    // end fold\n}\n```\n",
    );
    assert!(
        out.contains(
            "<details class=\"fold\"><summary>    <span class=\"fold-label\">setup</span> <span class=\"fold-count\">(2 lines)</span></summary>"
        ),
        "{out}"
    );
    let (shown, copied) = out.split_once("<template").unwrap();
    assert!(
        shown.contains("</details>") && !shown.contains("end fold"),
        "{shown}"
    );
    assert!(copied.contains("    // fold: setup\n") && copied.contains("    // end fold\n"));
    // Only Rust blocks fold: elsewhere the markers are text.
    let text = html("```text\n// fold: a\nx\n// end fold\n```\n");
    assert!(!text.contains("<details"), "{text}");
    assert!(messages("```text\n// end fold\n```\n").is_empty());
}

#[test]
fn misplaced_fold_markers_are_errors_at_their_line() {
    assert_eq!(
        messages("```rust\nfn main() {\n    // fold: a\n}\n```\n"),
        [
            "content/m/01-p.md:6:5: error: this fold is never closed: add a `// end fold` line where it ends"
        ]
    );
    // Through a list's indentation and a hidden line's `# `.
    assert_eq!(
        messages("1. x\n\n   ```rust\n   # // end fold\n   ```\n"),
        ["content/m/01-p.md:7:6: error: `// end fold` without a `// fold: ...` line before it"]
    );
}

/// The prose stretches of a body, each as the text of its ranges joined with `|`.
fn prose(body: &str) -> Vec<String> {
    let rendered = render_body(body);
    rendered
        .prose
        .iter()
        .map(|group| {
            group
                .iter()
                .map(|r| &body[r.clone()])
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

#[test]
fn prose_is_the_text_of_paragraphs_items_and_cells_only() {
    assert_eq!(
        prose(
            "## Loss 0.5\n\nThe loss is **0.2274** and `0.9` in code, $L = 0.1$ in a formula.\n\n\
             - one item, 0.3\n- two\n\n| a | b |\n|---|---|\n| 0.7 | x |\n\n\
             ![alt 0.4](fig.png)\n\n```text\n0.6\n```\n"
        ),
        [
            "The loss is |0.2274| and | in code, | in a formula.",
            "one item, 0.3",
            "two",
            "a",
            "b",
            "0.7",
            "x",
        ]
    );
}

#[test]
fn a_link_whose_text_is_a_bare_number_is_not_prose() {
    assert_eq!(
        prose("As in [1.2](02-q.md) and [the loss 0.25](02-q.md), see [3](#x).\n"),
        ["As in | and |the loss 0.25|, see |."]
    );
}
