//! The README of a lesson's download: how to build and run its programs (and where the
//! packages of other editions are), and for each one the heading it comes from, its file and
//! command, and what it printed, drew or failed with when the site was built (each run of a
//! swept program).

use super::{COMPILE_FAIL_FEATURE, Lesson, Package, Program, Run};
use crate::execute::cache::ResultKind;
use crate::execute::run::Captured;
use crate::markdown::fence::RunMode;

/// The README's Markdown, for a project made of `packages`.
pub(crate) fn text(lesson: &Lesson, packages: &[Package]) -> String {
    let about = &lesson.about;
    let mut out = format!(
        "# {title}\n\nThe programs of the lesson [{title}]({url}), one for each of its code blocks, as the site compiled and ran them (with the lines the page hides).\n\n## Build and run\n\n```sh\n",
        title = about.title,
        url = about.url,
    );
    for package in packages {
        out.push_str(&format!("cargo build{}\n", manifest_path(package)));
    }
    if let Some((package, program)) = packages
        .iter()
        .flat_map(|p| p.programs.iter().map(move |program| (p, program)))
        .find(|(_, p)| p.block.attrs.mode != RunMode::CompileFail)
    {
        out.push_str(&format!("{}\n", run_command(package, program)));
    }
    out.push_str("```\n\n");
    out.push_str(
        "The first build compiles the dependencies and takes a while; later builds compile only \
         what changed. `Cargo.toml` and `Cargo.lock` are the site's: the same dependencies at the \
         same versions, built with the same profile (dependencies optimized, lesson code quick to \
         compile, overflow checks and debug assertions on), so each program prints what the page \
         shows. `cargo run --release` runs them too, but without those checks a program can \
         behave differently from the page. A program that draws figures writes them in the \
         folder you run it from.\n",
    );
    let others: Vec<String> = packages
        .iter()
        .filter(|p| !p.dir.is_empty())
        .map(|p| format!("`{}` (Rust {})", p.dir, p.edition))
        .collect();
    if !others.is_empty() {
        out.push_str(&format!(
            "\nCargo compiles a package with one Rust edition, so the programs written for another edition than the others are a package of their own: {}, with the same `Cargo.toml` and `Cargo.lock` but for the edition. `.cargo/config.toml` has every package build in `target/`, so they share the dependencies they compile.\n",
            join_words(&others)
        ));
    }
    out.push_str("\n## Programs\n");
    for package in packages {
        for program in &package.programs {
            section(&mut out, lesson, package, program);
        }
    }
    out
}

/// `--manifest-path DIR/Cargo.toml` for a package in a folder of its own, with a leading space.
fn manifest_path(package: &Package) -> String {
    if package.dir.is_empty() {
        String::new()
    } else {
        format!(" --manifest-path {}Cargo.toml", package.dir)
    }
}

/// The command that runs a program from the project's folder.
fn run_command(package: &Package, program: &Program) -> String {
    let features = if program.block.attrs.mode == RunMode::CompileFail {
        format!(" --features {COMPILE_FAIL_FEATURE}")
    } else {
        String::new()
    };
    format!(
        "cargo run{} --bin {}{features}",
        manifest_path(package),
        program.name
    )
}

/// One program's section.
fn section(out: &mut String, lesson: &Lesson, package: &Package, program: &Program) {
    let block = program.block;
    let name = &program.name;
    out.push_str(&format!("\n### `{name}`\n\n"));
    let from = match program.heading {
        Some(heading) => format!("From “{heading}”"),
        None => "From the beginning of the lesson".to_string(),
    };
    out.push_str(&format!(
        "{from} ({}:{}), in `{}{}`.",
        lesson.about.source.display(),
        block.fence.line,
        package.dir,
        program.path()
    ));
    if block.attrs.solution {
        out.push_str(" The solution of an exercise.");
    }
    if program.edition != lesson.config.edition {
        out.push_str(&format!(" Rust edition {}.", program.edition));
    }
    out.push_str("\n\n");
    let command = run_command(package, program);
    if block.attrs.mode == RunMode::CompileFail {
        out.push_str(&format!(
            "It does not compile, on purpose: `cargo build` leaves it out, and this shows the compiler's error:\n\n```sh\n{command}\n```\n\n"
        ));
    } else {
        out.push_str(&format!("```sh\n{command}\n```\n\n"));
    }
    let sweep = block.attrs.sweep.as_ref();
    if let Some(sweep) = sweep {
        let declared = crate::execute::sweep::declared(block).unwrap_or_default();
        out.push_str(&format!(
            "The site ran it once for each value of `{}`: {} (the code declares {declared}). To run it with another, change `const {}` in `{}{}`.\n",
            sweep.name,
            sweep.values.join(", "),
            sweep.name,
            package.dir,
            program.path(),
        ));
    }
    for run in &program.runs {
        if let (Some(sweep), Some(value)) = (sweep, run.value) {
            out.push_str(&format!("\n#### With `{} = {value}`\n\n", sweep.name));
        }
        result(out, run, &format!("{}{}", package.dir, program.path()));
    }
}

/// What one run of the program in `path` gave.
fn result(out: &mut String, run: &Run, path: &str) {
    let result = &run.shown.result;
    match result.kind {
        ResultKind::Compiled => {
            out.push_str("The site compiles it but does not run it.\n");
            return;
        }
        ResultKind::FailedToCompile => {
            // The page names the program `src/main.rs`; here it has its file, whose lines are
            // the ones the compiler counted (a program that must not compile is built alone).
            out.push_str("The compiler said:\n\n");
            let compiler = result
                .compiler
                .replace("--> src/main.rs:", &format!("--> {path}:"));
            fenced(out, compiler.trim_end(), 0);
            return;
        }
        ResultKind::Panicked => out.push_str("It panics on purpose. "),
        ResultKind::Ran => {}
    }
    let printed = !result.stdout.text.is_empty() || result.stdout.cut > 0;
    let errors = !result.stderr.text.is_empty() || result.stderr.cut > 0;
    if !printed && !errors {
        out.push_str("It printed nothing.\n");
    }
    if printed {
        out.push_str("It printed:\n\n");
        captured(out, &result.stdout);
    }
    if errors {
        out.push_str(if printed {
            "\nand on standard error:\n\n"
        } else {
            "On standard error it printed:\n\n"
        });
        captured(out, &result.stderr);
    }
    if !result.figures.is_empty() {
        let names: Vec<String> = result
            .figures
            .iter()
            .map(|f| format!("`{}`", f.name))
            .collect();
        out.push_str(&format!("\nIt drew {}.\n", join_words(&names)));
    }
}

fn captured(out: &mut String, captured: &Captured) {
    fenced(out, captured.text.trim_end_matches('\n'), captured.cut);
}

/// Text in a fence longer than any run of backticks in it.
fn fenced(out: &mut String, text: &str, cut: usize) {
    let longest = text
        .split(|c: char| c != '`')
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    out.push_str(&format!("{fence}text\n{text}\n{fence}\n"));
    if cut > 0 {
        out.push_str(&format!("\n(and {cut} more bytes the site did not keep)\n"));
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join_words(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
