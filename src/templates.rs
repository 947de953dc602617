//! Templates: the built-in Tera templates (carried in the binary) overlaid with the site's own
//! `templates/`, and page rendering whose errors name the template and line.

use std::collections::BTreeMap;
use std::path::Path;

use tera::{Context, Tera};
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Location};

/// Templates every site has unless it overrides them.
const BUILT_IN: [(&str, &str); 11] = [
    ("base.html", include_str!("../templates/base.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("module.html", include_str!("../templates/module.html")),
    ("post.html", include_str!("../templates/post.html")),
    ("blog.html", include_str!("../templates/blog.html")),
    ("tags.html", include_str!("../templates/tags.html")),
    ("tag.html", include_str!("../templates/tag.html")),
    ("404.html", include_str!("../templates/404.html")),
    ("atom.xml", include_str!("../templates/atom.xml")),
    ("sitemap.xml", include_str!("../templates/sitemap.xml")),
    (
        "partials/outline.html",
        include_str!("../templates/partials/outline.html"),
    ),
];

/// The loaded templates, with their sources kept for error locations.
pub(crate) struct Templates {
    tera: Tera,
    sources: BTreeMap<String, String>,
}

impl Templates {
    /// Loads the built-in templates, then every `*.html` and `*.xml` under `root/templates/`
    /// over them.
    pub(crate) fn load(root: &Path) -> Result<Self, Vec<Diagnostic>> {
        let mut sources: BTreeMap<String, String> = BUILT_IN
            .iter()
            .map(|(name, text)| (name.to_string(), text.to_string()))
            .collect();
        let dir = root.join("templates");
        let mut problems = Vec::new();
        if dir.is_dir() {
            for entry in WalkDir::new(&dir).sort_by_file_name() {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(e) => {
                        problems.push(Diagnostic::global(format!("cannot read templates: {e}")));
                        continue;
                    }
                };
                let path = entry.path();
                let template = path.extension().is_some_and(|e| e == "html" || e == "xml");
                if !entry.file_type().is_file() || !template {
                    continue;
                }
                let name = path
                    .strip_prefix(&dir)
                    .unwrap_or(path)
                    .to_string_lossy()
                    .replace('\\', "/");
                match std::fs::read_to_string(path) {
                    Ok(text) => {
                        sources.insert(name, text);
                    }
                    Err(e) => problems.push(Diagnostic::error(
                        Location::file(Path::new("templates").join(&name)),
                        format!("cannot read template: {e}"),
                    )),
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Escapes what HTML needs (`& < > " '`) and leaves `/` alone, so URLs stay readable.
        tera.set_escape_fn(escape_html);
        if let Err(error) =
            tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        {
            return Err(vec![template_error(&sources, &error)]);
        }
        Ok(Self { tera, sources })
    }

    /// Renders `name` with `context`.
    pub(crate) fn render(&self, name: &str, context: &Context) -> Result<String, Diagnostic> {
        self.tera
            .render(name, context)
            .map_err(|error| template_error(&self.sources, &error))
    }
}

fn escape_html(input: &str) -> String {
    crate::escape::attr(input)
}

/// Turns a Tera error into a diagnostic at `templates/<name>:line:col`, finding the line from
/// the parser's position or, for render errors, from the name the message quotes.
fn template_error(sources: &BTreeMap<String, String>, error: &tera::Error) -> Diagnostic {
    let mut chain = vec![error.to_string()];
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        chain.push(inner.to_string());
        source = inner.source();
    }
    let template = chain
        .iter()
        .find_map(|m| quoted(m, '\'').filter(|name| sources.contains_key(name)))
        .unwrap_or_default();
    let message = chain.last().cloned().unwrap_or_default();
    let path = Path::new("templates").join(&template);
    let position = chain.iter().find_map(|m| parser_position(m)).or_else(|| {
        let needle = quoted(&message, '`').or_else(|| quoted(&message, '\''))?;
        let text = sources.get(&template)?;
        text.lines()
            .enumerate()
            .find_map(|(i, line)| line.find(&needle).map(|c| (i + 1, c + 1)))
    });
    let summary = message
        .lines()
        .map(str::trim)
        .rfind(|l| {
            !l.is_empty() && !l.starts_with("-->") && !l.starts_with('|') && !l.starts_with('=')
        })
        .unwrap_or("template error")
        .to_string();
    let location = match (template.is_empty(), position) {
        (true, _) => None,
        (false, Some((line, col))) => Some(Location::at(path, line, col)),
        (false, None) => Some(Location::file(path)),
    };
    let mut diagnostic = match location {
        Some(location) => Diagnostic::error(location, format!("template: {summary}")),
        None => Diagnostic::global(format!("template: {summary}")),
    };
    if chain.len() > 1 {
        diagnostic = diagnostic.with_note(chain[..chain.len() - 1].join("\n"));
    }
    diagnostic
}

/// The text between the first pair of `quote` characters.
fn quoted(message: &str, quote: char) -> Option<String> {
    let start = message.find(quote)? + 1;
    let end = message[start..].find(quote)? + start;
    Some(message[start..end].to_string())
}

/// `--> 3:5` in a parser error.
fn parser_position(message: &str) -> Option<(usize, usize)> {
    let at = message.find("--> ")? + 4;
    let rest = &message[at..];
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == ':'))?;
    let (line, col) = rest[..end].split_once(':')?;
    Some((line.parse().ok()?, col.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn site_with(name: &str, text: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("templates").join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
        dir
    }

    #[test]
    fn built_in_templates_load_without_a_templates_folder() {
        let dir = tempfile::tempdir().unwrap();
        let templates = Templates::load(dir.path()).unwrap();
        assert!(templates.sources.contains_key("post.html"));
    }

    #[test]
    fn site_templates_override_built_in_ones() {
        let dir = site_with("404.html", "custom {{ 1 + 1 }}");
        let templates = Templates::load(dir.path()).unwrap();
        assert_eq!(
            templates.render("404.html", &Context::new()).unwrap(),
            "custom 2"
        );
    }

    #[test]
    fn syntax_errors_name_template_and_line() {
        let dir = site_with("404.html", "line one\n{% if %}\n");
        let errors = Templates::load(dir.path()).err().unwrap();
        let text = errors[0].to_string();
        assert!(text.starts_with("templates/404.html:2:"), "{text}");
    }

    #[test]
    fn render_errors_name_template_and_line() {
        let dir = site_with("404.html", "fine\n\n<p>{{ missing_variable }}</p>\n");
        let templates = Templates::load(dir.path()).unwrap();
        let error = templates.render("404.html", &Context::new()).unwrap_err();
        let text = error.to_string();
        assert!(
            text.starts_with("templates/404.html:3:7: error: template:"),
            "{text}"
        );
        assert!(text.contains("missing_variable"), "{text}");
    }

    #[test]
    fn values_are_escaped() {
        let dir = site_with("404.html", "{{ title }}");
        let templates = Templates::load(dir.path()).unwrap();
        let mut context = Context::new();
        context.insert("title", "<script>\"'&");
        assert_eq!(
            templates.render("404.html", &context).unwrap(),
            "&lt;script&gt;&quot;&#39;&amp;"
        );
    }
}
