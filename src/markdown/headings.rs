//! Heading anchors: ids made from heading text, kept unique within a page, and the entries of
//! the page's table of contents.

use std::collections::HashSet;

use serde::Serialize;

/// A heading of a page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The anchor id.
    pub id: String,
    /// The heading's plain text.
    pub text: String,
    /// The heading's inner HTML (may hold math placeholders until the page is filled).
    pub html: String,
    /// The inner HTML without links and footnote references, for the table of contents,
    /// whose entries are links themselves.
    pub toc_html: String,
    /// 1-based line in the Markdown file.
    pub line: usize,
}

/// Turns heading text into an anchor id: lowercase words joined by hyphens.
pub(crate) fn slugify(text: &str) -> String {
    let mut id = String::new();
    let mut gap = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if gap && !id.is_empty() {
                id.push('-');
            }
            gap = false;
            id.extend(c.to_lowercase());
        } else if c != '\'' && c != '’' {
            gap = true;
        }
    }
    if id.is_empty() {
        id.push_str("section");
    }
    id
}

/// Hands out ids, appending `-1`, `-2`, ... when one is taken.
#[derive(Default)]
pub(crate) struct IdAllocator {
    taken: HashSet<String>,
}

impl IdAllocator {
    /// Marks `id` as taken by something other than a heading (a code block, a footnote).
    pub(crate) fn reserve(&mut self, id: String) {
        self.taken.insert(id);
    }

    /// Reserves `wanted`, or the first free numbered variant of it.
    pub(crate) fn allocate(&mut self, wanted: &str) -> String {
        if self.taken.insert(wanted.to_string()) {
            return wanted.to_string();
        }
        (1..)
            .map(|n| format!("{wanted}-{n}"))
            .find(|id| self.taken.insert(id.clone()))
            .expect("an unbounded range always has a free id")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_heading_text() {
        assert_eq!(
            slugify("Exercise 1: Plot the ReLU"),
            "exercise-1-plot-the-relu"
        );
        assert_eq!(slugify("ELI5"), "eli5");
        assert_eq!(slugify("What's a *loss*?"), "whats-a-loss");
        assert_eq!(slugify("Größe & Ähnlichkeit"), "größe-ähnlichkeit");
        assert_eq!(slugify("???"), "section");
    }

    #[test]
    fn duplicate_ids_get_numbers() {
        let mut ids = IdAllocator::default();
        assert_eq!(ids.allocate("summary"), "summary");
        assert_eq!(ids.allocate("summary"), "summary-1");
        assert_eq!(ids.allocate("summary"), "summary-2");
        assert_eq!(ids.allocate("summary-1"), "summary-1-1");
        ids.reserve("code-1".into());
        assert_eq!(ids.allocate("code-1"), "code-1-1");
    }
}
