//! Reading a panic: its message and location from the standard error of a failed run, the first
//! backtrace frame in lesson code when the panic happened inside a library, and the text shown to
//! readers without the backtrace or anything that changes between runs.

/// A panic found in a program's standard error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Panic {
    /// The message after `panicked at ...:`.
    pub message: String,
    /// File, line and column of the panic.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
    /// Frames of the backtrace that are in `src/bin/`: file, line, column.
    pub frames: Vec<(String, usize, usize)>,
}

/// Finds the first panic in `stderr`.
pub(crate) fn parse(stderr: &str) -> Option<Panic> {
    let at = stderr.find("panicked at ")?;
    let rest = &stderr[at + "panicked at ".len()..];
    let header_end = rest.find('\n').unwrap_or(rest.len());
    let location = rest[..header_end].trim_end_matches(':');
    let (file, line, col) = split_location(location)?;
    let body = rest.get(header_end + 1..).unwrap_or("");
    let message: Vec<&str> = body
        .lines()
        .take_while(|l| !l.starts_with("stack backtrace:") && !l.starts_with("note: "))
        .collect();
    let frames = body
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("at "))
        .filter_map(split_location)
        .filter(|(file, _, _)| file.contains("src/bin/"))
        .collect();
    Some(Panic {
        message: message.join("\n").trim().to_string(),
        file,
        line,
        col,
        frames,
    })
}

/// Splits `path:line:col`.
fn split_location(text: &str) -> Option<(String, usize, usize)> {
    let mut parts = text.trim().rsplitn(3, ':');
    let col = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let file = parts.next()?.to_string();
    Some((file, line, col))
}

/// Standard error as readers see it: no backtrace, no hints about `RUST_BACKTRACE`, no thread
/// ids; the generated file's name replaced by `shown_as`, with `rename` giving each position's
/// number there.
pub(crate) fn for_readers(
    stderr: &str,
    bin_file: &str,
    shown_as: &str,
    rename: impl Fn(usize, usize) -> Option<(usize, usize)>,
) -> String {
    let mut out = String::new();
    let mut in_backtrace = false;
    let kept: Vec<&str> = stderr
        .lines()
        .filter(|line| {
            if line.starts_with("stack backtrace:") {
                in_backtrace = true;
                return false;
            }
            if in_backtrace {
                if line.starts_with("note: Some details are omitted") {
                    in_backtrace = false;
                }
                return false;
            }
            !line.starts_with("note: run with `RUST_BACKTRACE=")
        })
        .collect();
    let gutters = renumber_gutters(&kept, bin_file, &rename);
    for (line, gutter) in kept.iter().zip(gutters) {
        let line = gutter.unwrap_or_else(|| line.to_string());
        out.push_str(&rewrite_line(&line, bin_file, shown_as, &rename));
        out.push('\n');
    }
    out
}

/// The compiler's snippets number their lines in the margin (`62 |`); in a snippet of the
/// generated file, those are renumbered as the Markdown lines they came from, and the margin of
/// every snippet widened as much as the widest new number needs. `None` keeps a line as it is.
fn renumber_gutters(
    lines: &[&str],
    bin_file: &str,
    rename: &impl Fn(usize, usize) -> Option<(usize, usize)>,
) -> Vec<Option<String>> {
    let number_of = |line: &str| -> Option<(usize, usize)> {
        let trimmed = line.trim_start();
        let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
        (digits > 0 && trimmed[digits..].starts_with(" |"))
            .then(|| {
                trimmed[..digits]
                    .parse()
                    .ok()
                    .map(|n| (n, line.len() - trimmed.len() + digits))
            })
            .flatten()
    };
    let is_margin = |line: &str| {
        let trimmed = line.trim_start();
        (trimmed.starts_with('|') || trimmed.starts_with("= ") || trimmed.starts_with("-->"))
            && line.len() > trimmed.len()
            || number_of(line).is_some()
    };
    let mut in_bin = false;
    let mut widest_old = 0;
    let mut widest_new = 0;
    let mut renamed: Vec<Option<(usize, usize)>> = Vec::with_capacity(lines.len());
    for line in lines {
        if let Some(at) = line.find("--> ") {
            in_bin = line[at + 4..].starts_with(bin_file) || line[at + 4..].contains(bin_file);
        } else if !is_margin(line) {
            in_bin = false;
        }
        let mapped = (in_bin)
            .then(|| number_of(line))
            .flatten()
            .and_then(|(n, end)| Some((rename(n, 1)?.0, end)));
        if let (Some((new, _)), Some((old, _))) = (mapped, number_of(line)) {
            widest_old = widest_old.max(old.to_string().len());
            widest_new = widest_new.max(new.to_string().len());
        }
        renamed.push(mapped);
    }
    let extra = widest_new.saturating_sub(widest_old);
    let mut in_bin = false;
    lines
        .iter()
        .zip(renamed)
        .map(|(line, mapped)| {
            if let Some(at) = line.find("--> ") {
                in_bin = line[at + 4..].contains(bin_file);
            } else if !is_margin(line) {
                in_bin = false;
            }
            if !in_bin {
                return None;
            }
            let pad = " ".repeat(extra);
            match mapped {
                Some((new, end)) => {
                    let width = end + extra;
                    Some(format!("{new:>width$}{}", &line[end..]))
                }
                None if is_margin(line) => Some(format!("{pad}{line}")),
                None => None,
            }
        })
        .collect()
}

fn rewrite_line(
    line: &str,
    bin_file: &str,
    shown_as: &str,
    rename: &impl Fn(usize, usize) -> Option<(usize, usize)>,
) -> String {
    let mut line = line.to_string();
    // "thread 'main' (12345) panicked at" -> "thread 'main' panicked at"
    if let Some(start) = line.find("' (")
        && let Some(len) = line[start + 3..].find(") panicked")
        && line[start + 3..start + 3 + len]
            .bytes()
            .all(|b| b.is_ascii_digit())
    {
        line.replace_range(start + 1..start + 3 + len + 1, "");
    }
    let line = shorten_paths(&line);
    if let Some(at) = line.find(bin_file) {
        let after = &line[at + bin_file.len()..];
        if let Some(rest) = after.strip_prefix(':') {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let tail = &rest[digits.len()..];
            let (col_digits, tail) = match tail.strip_prefix(':') {
                Some(more) => {
                    let col: String = more.chars().take_while(char::is_ascii_digit).collect();
                    let rest = &more[col.len()..];
                    (col, rest)
                }
                None => (String::new(), tail),
            };
            let col = col_digits.parse().unwrap_or(0);
            if let Some((new_line, new_col)) = digits.parse().ok().and_then(|n| rename(n, col)) {
                let col_text = if col_digits.is_empty() {
                    String::new()
                } else {
                    format!(":{new_col}")
                };
                return format!("{}{shown_as}:{new_line}{col_text}{tail}", &line[..at]);
            }
        }
        return line.replacen(bin_file, shown_as, 1);
    }
    line
}

/// Drops the prefix under which the standard library was built from its paths, so pages show
/// `library/core/src/...` rather than `/rustc/<commit>/library/core/src/...`. (Registry paths
/// are remapped by the compiler itself; see `project::rustflags`.)
fn shorten_paths(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("/rustc/") {
        let after = &rest[at + "/rustc/".len()..];
        let hash_len = after.bytes().take_while(u8::is_ascii_hexdigit).count();
        if hash_len >= 7 && after[hash_len..].starts_with('/') {
            out.push_str(&rest[..at]);
            rest = &after[hash_len + 1..];
        } else {
            out.push_str(&rest[..at + "/rustc/".len()]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const STDERR: &str = "\
thread 'main' (4242) panicked at src/bin/k1_page_b0.rs:7:9:
index out of bounds: the len is 3 but the index is 5
stack backtrace:
   0: __rustc::rust_begin_unwind
             at /rustc/abc/library/std/src/panicking.rs:689:5
   3: k1_page_b0::main
             at /tmp/cache/project/./src/bin/k1_page_b0.rs:7:9
note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.
";

    #[test]
    fn panics_are_parsed() {
        let panic = parse(STDERR).unwrap();
        assert_eq!(
            panic.message,
            "index out of bounds: the len is 3 but the index is 5"
        );
        assert_eq!(
            (panic.file.as_str(), panic.line, panic.col),
            ("src/bin/k1_page_b0.rs", 7, 9)
        );
        assert_eq!(
            panic.frames,
            [(
                "/tmp/cache/project/./src/bin/k1_page_b0.rs".to_string(),
                7,
                9
            )]
        );
        assert_eq!(parse("all fine\n"), None);
    }

    #[test]
    fn readers_see_no_backtrace_and_no_thread_id() {
        let shown = for_readers(STDERR, "src/bin/k1_page_b0.rs", "src/main.rs", |n, c| {
            Some((n - 1, c))
        });
        assert_eq!(
            shown,
            "thread 'main' panicked at src/main.rs:6:9:\nindex out of bounds: the len is 3 but the index is 5\n"
        );
    }

    #[test]
    fn machine_paths_are_shortened() {
        assert_eq!(
            shorten_paths(
                "--> /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/core/src/ops/arith.rs:99:8"
            ),
            "--> library/core/src/ops/arith.rs:99:8"
        );
        assert_eq!(shorten_paths("plain"), "plain");
        // Lines that only look like the prefix are kept, and never break the shortening.
        for line in [
            "see /rustc/",
            "/rustc/",
            "/rustc/xyz/a",
            "/rustc/abc",
            "a /rustc//b",
        ] {
            assert_eq!(shorten_paths(line), line);
        }
        assert_eq!(
            shorten_paths("/rustc/0123456789abcdef/x.rs and /rustc/"),
            "x.rs and /rustc/"
        );
    }

    #[test]
    fn snippet_margins_number_the_markdown_lines() {
        let rendered = "\
error[E0689]: can't call method `sqrt` on ambiguous numeric type `{float}`
  --> src/bin/k1_page.rs:9:34
   |
 9 |     let x = 2.0.sqrt();
   |                 ^^^^
   = note: see the book
";
        // Line 9 of the generated file is line 131 of the Markdown file.
        let shown = for_readers(rendered, "src/bin/k1_page.rs", "content/a.md", |n, c| {
            Some((n + 122, c))
        });
        assert_eq!(
            shown,
            "\
error[E0689]: can't call method `sqrt` on ambiguous numeric type `{float}`
    --> content/a.md:131:34
     |
 131 |     let x = 2.0.sqrt();
     |                 ^^^^
     = note: see the book
"
        );
    }

    #[test]
    fn multi_line_messages_are_kept() {
        let text = "thread 'main' panicked at src/bin/x.rs:1:1:\nline one\nline two\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
        assert_eq!(parse(text).unwrap().message, "line one\nline two");
    }
}
