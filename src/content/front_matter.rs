//! Front matter: splits a Markdown file into its `+++`-fenced TOML header and body, and
//! deserializes the header with errors at the file's own line numbers.

use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, LineIndex, Location};

/// A file split at its front matter fences.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The TOML between the fences.
    pub front: &'a str,
    /// Byte offset of `front` in the file.
    pub front_offset: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

/// Splits `text` (already stripped of a byte-order mark) into front matter and body.
pub fn split<'a>(text: &'a str, path: &Path) -> Result<Split<'a>, Diagnostic> {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != "+++" {
        return Err(Diagnostic::error(
            Location::at(path, 1, 1),
            "missing front matter: the file must start with a line `+++`, then TOML, then `+++`",
        ));
    }
    let front_offset = first_line_end;
    let mut offset = front_offset;
    for line in text[front_offset..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Ok(Split {
                front: &text[front_offset..offset],
                front_offset,
                body: &text[offset + line.len()..],
                body_offset: offset + line.len(),
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(
        Location::at(path, 1, 1),
        "unclosed front matter: no closing `+++` line after the opening one",
    ))
}

/// Deserializes front matter, mapping TOML errors to the file's line numbers.
pub(super) fn parse<T: DeserializeOwned>(
    text: &str,
    split: &Split,
    path: &Path,
) -> Result<T, Diagnostic> {
    toml::from_str(split.front).map_err(|error| {
        let index = LineIndex::new(text);
        let location = match error.span() {
            Some(span) => {
                let (line, col) = index.line_col(text, split.front_offset + span.start);
                Location::at(path, line, col)
            }
            None => Location::at(path, 1, 1),
        };
        Diagnostic::error(
            location,
            format!("invalid front matter: {}", error.message().trim()),
        )
    })
}

/// A date written in front matter, either as a TOML date or as a `"YYYY-MM-DD"` string.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum DateValue {
    /// `date = 2026-01-31`
    Toml(toml::value::Datetime),
    /// `date = "2026-01-31"`
    Text(String),
}

impl DateValue {
    /// The calendar date, or a message saying why it is not one.
    pub fn to_date(&self) -> Result<NaiveDate, String> {
        match self {
            DateValue::Toml(datetime) => {
                let date = datetime
                    .date
                    .ok_or_else(|| format!("`{datetime}` has a time but no date"))?;
                NaiveDate::from_ymd_opt(
                    i32::from(date.year),
                    u32::from(date.month),
                    u32::from(date.day),
                )
                .ok_or_else(|| format!("{datetime} is not a calendar date"))
            }
            DateValue::Text(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| format!("{text:?} is not a date of the form YYYY-MM-DD")),
        }
    }
}

/// The 1-based line of the front matter's `key`, for messages about a value that parsed but
/// is not valid; the opening fence's line when there is no such key.
pub(super) fn key_line(text: &str, split: &Split, key: &str) -> usize {
    let index = LineIndex::new(text);
    let offset = crate::toml_span::offset(split.front, &[crate::toml_span::Step::Key(key)])
        .map_or(0, |at| split.front_offset + at);
    index.line_col(text, offset).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let text = "+++\ntitle = \"x\"\n+++\n# Body\n";
        let split = split(text, Path::new("a.md")).unwrap();
        assert_eq!(split.front, "title = \"x\"\n");
        assert_eq!(split.body, "# Body\n");
        assert_eq!(&text[split.body_offset..], "# Body\n");
    }

    #[test]
    fn crlf_line_endings_split_too() {
        let text = "+++\r\ntitle = \"x\"\r\n+++\r\nbody\r\n";
        let split = split(text, Path::new("a.md")).unwrap();
        assert_eq!(split.front, "title = \"x\"\r\n");
        assert_eq!(split.body, "body\r\n");
    }

    #[test]
    fn missing_or_unclosed_fences_are_errors() {
        let error = split("# no front matter\n", Path::new("a.md")).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("a.md:1:1: error: missing front matter")
        );
        let error = split("+++\ntitle = 1\n", Path::new("a.md")).unwrap_err();
        assert!(error.to_string().contains("unclosed front matter"));
    }

    #[test]
    fn toml_errors_point_into_the_file() {
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Front {
            title: String,
        }
        let text = "+++\n\ntitle = = 3\n+++\n";
        let s = split(text, Path::new("a.md")).unwrap();
        let error = parse::<Front>(text, &s, Path::new("a.md")).unwrap_err();
        assert!(error.to_string().starts_with("a.md:3:"), "{error}");
    }

    #[test]
    fn dates_are_validated() {
        let ok = DateValue::Text("2026-02-28".into()).to_date().unwrap();
        assert_eq!(ok.to_string(), "2026-02-28");
        assert!(DateValue::Text("2026-13-45".into()).to_date().is_err());
        assert!(DateValue::Text("2026-02-30".into()).to_date().is_err());
        assert!(DateValue::Text("yesterday".into()).to_date().is_err());
    }
}
