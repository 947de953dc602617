//! Generated programs: a page's blocks merged into one binary (each block a module, chosen by
//! the first argument at run time) or one block alone, together with the map from every
//! generated line back to the block line, and so to the Markdown line, it came from.

use crate::diagnostics::Location;
use crate::markdown::code::CodeBlock;

/// Where a line of a generated program came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Origin {
    /// Index of the block in the program's block list.
    pub block: usize,
    /// Index of the line within the block.
    pub line: usize,
}

/// A generated `main.rs`-style source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Program {
    /// The source text.
    pub source: String,
    /// For each line (0-based), the block line it came from, or `None` for generated lines.
    pub origins: Vec<Option<Origin>>,
}

impl Program {
    /// The block line behind a 1-based line of the generated source.
    pub(crate) fn origin(&self, line: usize) -> Option<Origin> {
        self.origins.get(line.checked_sub(1)?).copied().flatten()
    }
}

/// Whether a block defines its own `fn main` (otherwise it is wrapped in one).
pub(crate) fn has_main(block: &CodeBlock) -> bool {
    block.lines.iter().any(|line| {
        let code = line.code.trim_start();
        if code.starts_with("//") {
            return false;
        }
        let mut rest = code;
        for prefix in ["pub ", "pub(crate) ", "async ", "unsafe "] {
            rest = rest.strip_prefix(prefix).unwrap_or(rest).trim_start();
        }
        rest.strip_prefix("fn main").is_some_and(|after| {
            after.trim_start().starts_with('(') || after.trim_start().starts_with('<')
        })
    })
}

/// Whether a block without `fn main` ends in `(())`, as code written to be the body of a
/// function returning `Result<(), E>` does.
fn returns_result(block: &CodeBlock) -> bool {
    block.compiled().trim_end().ends_with("(())")
}

struct Writer {
    source: String,
    origins: Vec<Option<Origin>>,
}

impl Writer {
    fn new() -> Self {
        Self {
            source: String::new(),
            origins: Vec::new(),
        }
    }

    fn generated(&mut self, line: &str) {
        self.source.push_str(line);
        self.source.push('\n');
        self.origins.push(None);
    }

    /// Writes a block's code, wrapped in `fn main` when it has none. As in rustdoc, code that
    /// ends in `(())` (`Ok::<(), io::Error>(())`) is the body of a function returning that
    /// `Result`, which `main` reports as a `main` returning it would.
    fn block(&mut self, index: usize, block: &CodeBlock) {
        let wrap = !has_main(block);
        let result = wrap && returns_result(block);
        if result {
            self.generated("fn main() -> std::process::ExitCode {");
            self.generated("fn kiln_block() -> Result<(), impl std::fmt::Debug> {");
        } else if wrap {
            self.generated("fn main() {");
        }
        for (line_index, line) in block.lines.iter().enumerate() {
            self.source.push_str(&line.code);
            self.source.push('\n');
            self.origins.push(Some(Origin {
                block: index,
                line: line_index,
            }));
        }
        if result {
            self.generated("}");
            self.generated("std::process::Termination::report(kiln_block())");
        }
        if wrap {
            self.generated("}");
        }
    }

    fn finish(self) -> Program {
        Program {
            source: self.source,
            origins: self.origins,
        }
    }
}

/// One block as a program of its own, its code at the top level as a reader would write it.
pub(crate) fn standalone(block: &CodeBlock) -> Program {
    let mut writer = Writer::new();
    writer.block(0, block);
    writer.finish()
}

/// Several blocks in one program: block `i` is `mod block_i`, and running the binary with
/// argument `i` runs that block's `main`.
pub(crate) fn merged(blocks: &[&CodeBlock]) -> Program {
    let mut writer = Writer::new();
    for (index, block) in blocks.iter().enumerate() {
        writer.generated(&format!("mod block_{index} {{"));
        writer.block(index, block);
        writer.generated("pub(crate) fn kiln_entry() -> std::process::ExitCode {");
        writer.generated("    std::process::Termination::report(main())");
        writer.generated("}");
        writer.generated("}");
    }
    writer.generated("fn main() -> std::process::ExitCode {");
    writer.generated("    let which = std::env::args().nth(1).unwrap_or_default();");
    writer.generated("    match which.as_str() {");
    for index in 0..blocks.len() {
        writer.generated(&format!(
            "        \"{index}\" => block_{index}::kiln_entry(),"
        ));
    }
    writer.generated("        other => {");
    writer.generated("            eprintln!(\"no block {other:?} in this program\");");
    writer.generated("            std::process::ExitCode::from(2)");
    writer.generated("        }");
    writer.generated("    }");
    writer.generated("}");
    writer.finish()
}

/// The Markdown location of a 1-based line and column of a generated program, or the fence of
/// the block when the position is in generated code.
pub(crate) fn markdown_location(
    program: &Program,
    blocks: &[&CodeBlock],
    line: usize,
    col: usize,
) -> Option<Location> {
    let origin = program.origin(line)?;
    let block = blocks.get(origin.block)?;
    let code_line = block.lines.get(origin.line)?;
    Some(Location::at(
        block.fence.path.clone(),
        code_line.line,
        code_line.col_offset + col.max(1),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::code::CodeLine;

    fn block(lines: &[(&str, usize, usize)]) -> CodeBlock {
        let fence = Location::at("content/m/a.md", lines.first().map_or(1, |l| l.1 - 1), 1);
        CodeBlock {
            lines: lines
                .iter()
                .map(|(code, line, col_offset)| CodeLine {
                    code: code.to_string(),
                    shown: Some(code.to_string()),
                    line: *line,
                    col_offset: *col_offset,
                })
                .collect(),
            ..CodeBlock::for_tests("rust", fence, &[])
        }
    }

    #[test]
    fn standalone_with_main_is_the_code_itself() {
        let b = block(&[
            ("fn main() {", 11, 0),
            ("    let x: u8 = 300;", 12, 0),
            ("}", 13, 0),
        ]);
        let program = standalone(&b);
        assert_eq!(program.source, "fn main() {\n    let x: u8 = 300;\n}\n");
        assert_eq!(program.origin(2), Some(Origin { block: 0, line: 1 }));
        assert_eq!(
            markdown_location(&program, &[&b], 2, 21),
            Some(Location::at("content/m/a.md", 12, 21))
        );
    }

    #[test]
    fn blocks_without_main_are_wrapped() {
        let b = block(&[("let x = 1;", 5, 2), ("println!(\"{x}\");", 6, 0)]);
        let program = standalone(&b);
        assert_eq!(
            program.source,
            "fn main() {\nlet x = 1;\nprintln!(\"{x}\");\n}\n"
        );
        assert_eq!(program.origin(1), None);
        assert_eq!(program.origin(2), Some(Origin { block: 0, line: 0 }));
        // Column 5 of a line whose first two characters are a hidden-line `# `.
        assert_eq!(
            markdown_location(&program, &[&b], 2, 5),
            Some(Location::at("content/m/a.md", 5, 7))
        );
        assert_eq!(markdown_location(&program, &[&b], 4, 1), None);
    }

    #[test]
    fn merged_programs_map_every_line_exactly() {
        let a = block(&[
            ("fn main() {", 10, 0),
            ("    println!(\"a\");", 11, 0),
            ("}", 12, 0),
        ]);
        let b = block(&[
            ("fn main() -> Result<(), String> {", 20, 3),
            ("    Ok(())", 21, 3),
            ("}", 22, 3),
        ]);
        let program = merged(&[&a, &b]);
        let expected = "\
mod block_0 {
fn main() {
    println!(\"a\");
}
pub(crate) fn kiln_entry() -> std::process::ExitCode {
    std::process::Termination::report(main())
}
}
mod block_1 {
fn main() -> Result<(), String> {
    Ok(())
}
pub(crate) fn kiln_entry() -> std::process::ExitCode {
    std::process::Termination::report(main())
}
}
fn main() -> std::process::ExitCode {
    let which = std::env::args().nth(1).unwrap_or_default();
    match which.as_str() {
        \"0\" => block_0::kiln_entry(),
        \"1\" => block_1::kiln_entry(),
        other => {
            eprintln!(\"no block {other:?} in this program\");
            std::process::ExitCode::from(2)
        }
    }
}
";
        assert_eq!(program.source, expected);
        assert_eq!(program.origins.len(), expected.lines().count());
        assert_eq!(program.origin(3), Some(Origin { block: 0, line: 1 }));
        assert_eq!(program.origin(11), Some(Origin { block: 1, line: 1 }));
        assert_eq!(
            markdown_location(&program, &[&a, &b], 11, 5),
            Some(Location::at("content/m/a.md", 21, 8))
        );
        assert_eq!(program.origin(9), None);
    }

    #[test]
    fn code_ending_in_an_ok_is_the_body_of_a_function_returning_it() {
        let b = block(&[
            ("let n: i32 = \"4\".parse()?;", 5, 0),
            ("println!(\"{n}\");", 6, 0),
            ("Ok::<(), std::num::ParseIntError>(())", 7, 0),
        ]);
        let program = standalone(&b);
        assert_eq!(
            program.source,
            "fn main() -> std::process::ExitCode {\nfn kiln_block() -> Result<(), impl std::fmt::Debug> {\nlet n: i32 = \"4\".parse()?;\nprintln!(\"{n}\");\nOk::<(), std::num::ParseIntError>(())\n}\nstd::process::Termination::report(kiln_block())\n}\n"
        );
        assert_eq!(program.origin(3), Some(Origin { block: 0, line: 0 }));
        assert_eq!(program.origins.len(), 8);
        // A block with its own `main` is never rewrapped.
        let own = block(&[
            ("fn main() -> Result<(), ()> {", 1, 0),
            ("Ok(())", 2, 0),
            ("}", 3, 0),
        ]);
        assert!(standalone(&own).source.starts_with("fn main() -> Result"));
    }

    #[test]
    fn a_merged_program_holds_each_blocks_own_program_verbatim() {
        // A lesson's download holds each block's program of its own; the site compiled and ran
        // exactly that text, as one module of the page's program.
        let wrapped = block(&[("println!(\"hi\");", 3, 0)]);
        let own = block(&[("fn main() {", 8, 0), ("}", 9, 0)]);
        let result = block(&[("Ok::<(), String>(())", 12, 0)]);
        let merged = merged(&[&wrapped, &own, &result]);
        for (index, b) in [&wrapped, &own, &result].into_iter().enumerate() {
            let module = format!("mod block_{index} {{\n{}", standalone(b).source);
            assert!(merged.source.contains(&module), "{}", merged.source);
        }
    }

    #[test]
    fn main_detection() {
        assert!(has_main(&block(&[("fn main() {}", 1, 0)])));
        assert!(has_main(&block(&[("pub fn main () {}", 1, 0)])));
        assert!(!has_main(&block(&[("// fn main() {}", 1, 0)])));
        assert!(!has_main(&block(&[("fn maintain() {}", 1, 0)])));
        assert!(!has_main(&block(&[("let x = 1;", 1, 0)])));
    }
}
