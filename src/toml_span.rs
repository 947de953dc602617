//! Where a key sits in a TOML text: walks the parsed document's spans along a key path (table
//! names and array indices), so that a value which parsed but is not valid is reported at its
//! own line, in its own table.

use toml::de::{DeTable, DeValue};

/// One step of a key path: a key of a table, or an element of an array (`[[nav]]` tables).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step<'a> {
    /// A key.
    Key(&'a str),
    /// An index into an array.
    Index(usize),
}

/// The byte offset of the last key of `path` in `text` (of the element, for an index), or
/// `None` when the text does not parse or has no such key.
pub(crate) fn offset(text: &str, path: &[Step]) -> Option<usize> {
    let root = DeTable::parse(text).ok()?;
    let mut table = root.get_ref();
    let mut value: Option<&toml::Spanned<DeValue>> = None;
    let mut found = None;
    for step in path {
        match (step, value.map(|v| v.get_ref())) {
            (Step::Key(name), None | Some(DeValue::Table(_))) => {
                if let Some(DeValue::Table(inner)) = value.map(|v| v.get_ref()) {
                    table = inner;
                }
                let (key, next) = table.iter().find(|(key, _)| key.get_ref() == name)?;
                found = Some(key.span().start);
                value = Some(next);
            }
            (Step::Index(index), Some(DeValue::Array(items))) => {
                let next = items.get(*index)?;
                found = Some(next.span().start);
                value = Some(next);
            }
            _ => return None,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "title = \"t\"\n\n[math]\ntimeout = 1\n\n[math.macros]\n\"\\\\R\" = \"x\"\n\n[execute]\ntimeout = 2\n\n[[nav]]\nurl = \"/\"\n\n[[nav]]\nurl = \"bad\"\n";

    fn line_of(path: &[Step]) -> Option<usize> {
        offset(TEXT, path)
            .map(|at| TEXT[..at].lines().count() + usize::from(TEXT[..at].ends_with('\n')))
    }

    #[test]
    fn keys_are_found_in_their_own_table() {
        assert_eq!(line_of(&[Step::Key("math"), Step::Key("timeout")]), Some(4));
        assert_eq!(
            line_of(&[Step::Key("execute"), Step::Key("timeout")]),
            Some(10)
        );
        assert_eq!(
            line_of(&[Step::Key("math"), Step::Key("macros"), Step::Key("\\R")]),
            Some(7)
        );
        assert_eq!(
            line_of(&[Step::Key("nav"), Step::Index(1), Step::Key("url")]),
            Some(16)
        );
        assert_eq!(line_of(&[Step::Key("execute"), Step::Key("missing")]), None);
        assert_eq!(line_of(&[Step::Key("title"), Step::Key("deeper")]), None);
    }
}
