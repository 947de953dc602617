//! Executing code blocks in fixture sites (plain `std` programs, so no dependency compiles):
//! every attribute, every failure kind at its Markdown line, figures, hidden lines, the cache
//! (observed through the build's own counters) and byte-identical rebuilds.

mod common;

use std::fs;

use common::*;
use kiln::site::{self, Mode, Session};

#[test]
fn every_kind_of_block_shows_what_it_should() {
    let site = fixture("exec");
    let report = build_ok(site.path());
    let html = page(&report, "m/modes/index.html");
    let blocks: Vec<&str> = html.split("<div class=\"code-block").skip(1).collect();
    assert_eq!(blocks.len(), 12);

    // Runs and prints stdout and stderr.
    assert!(
        blocks[0].contains("<pre>squares: [1, 4, 9, 16]</pre>"),
        "{}",
        blocks[0]
    );
    assert!(blocks[0].contains("<pre class=\"stderr\">a note on stderr</pre>"));
    // Hidden lines are compiled, not shown; `##` shows as `#`.
    assert!(
        blocks[1].contains("from a hidden helper Point { x: 3 }"),
        "{}",
        blocks[1]
    );
    // (The copy button's program, in a `<template>`, has them.)
    let shown = blocks[1].split("<template").next().unwrap();
    assert!(!shown.contains("fn helper"), "{shown}");
    assert!(
        blocks[1].contains("fn helper"),
        "the copied program has the hidden lines"
    );
    assert!(
        blocks[1].contains("#[derive(Debug)]") || blocks[1].contains("#</span>"),
        "{}",
        blocks[1]
    );
    // Wrapped in `fn main`.
    assert!(blocks[2].contains("<pre>total = 6</pre>"));
    // ignore: shown, never compiled, no output.
    assert!(blocks[3].contains("not compiled") && !blocks[3].contains("class=\"output"));
    // no_run: compiled (an infinite loop would time out if it ran), no output.
    assert!(blocks[4].contains("compiled, not run") && !blocks[4].contains("class=\"output"));
    // should_panic: the panic is shown, without backtrace or thread id.
    assert!(blocks[5].contains("Panicked, as intended"), "{}", blocks[5]);
    assert!(blocks[5].contains("<pre>before</pre>"));
    assert!(
        blocks[5].contains("thread 'main' panicked at src/main.rs:4:14:"),
        "{}",
        blocks[5]
    );
    assert!(blocks[5].contains("index out of bounds: the len is 0 but the index is 3"));
    assert!(!blocks[5].contains("stack backtrace") && !blocks[5].contains("RUST_BACKTRACE"));
    assert!(
        !blocks[5].contains("more bytes not shown"),
        "the backtrace does not count against the output limit"
    );
    // compile_fail: the compiler's error is the output.
    assert!(
        blocks[6].contains("Compiler error, as intended"),
        "{}",
        blocks[6]
    );
    assert!(
        blocks[6].contains("error[E0308]: mismatched types"),
        "{}",
        blocks[6]
    );
    assert!(blocks[6].contains("src/main.rs:2:17"), "{}", blocks[6]);
    // hide_output: no text, but the figure and its caption.
    assert!(!blocks[7].contains("class=\"output"), "{}", blocks[7]);
    assert!(blocks[7].contains("<figcaption>A square and a circle</figcaption>"));
    assert!(blocks[7].contains("width=\"120\" height=\"60\""));
    // Long output is cut at the configured 200 bytes, with a note.
    assert!(blocks[8].contains("line 000") && !blocks[8].contains("line 099"));
    assert!(blocks[8].contains("more bytes not shown"), "{}", blocks[8]);
    // Solutions are labelled and run.
    assert!(blocks[9].contains("Solution") && blocks[9].contains("<pre>solved</pre>"));
    // Terminal colours are stripped.
    assert!(
        blocks[10].contains("<pre>red plain</pre>"),
        "{}",
        blocks[10]
    );
    // main may return a Result.
    assert!(blocks[11].contains("<pre>ok</pre>"));

    // The figure is stored beside the page under a content-hashed name, with the lesson's
    // download; other files are not.
    let beside: Vec<&str> = report
        .files
        .paths()
        .filter(|p| p.starts_with("m/modes/") && !p.ends_with("index.html"))
        .collect();
    assert_eq!(beside.len(), 2, "{beside:?}");
    assert_eq!(beside[0], "m/modes/modes.zip", "{beside:?}");
    let figures = &beside[1..];
    assert!(figures[0].starts_with("m/modes/shapes-") && figures[0].ends_with(".svg"));
    let svg = String::from_utf8(report.files.get(figures[0]).unwrap().to_vec()).unwrap();
    assert!(
        svg.starts_with("<svg xmlns"),
        "the file is what the program wrote: {svg}"
    );
    // The page draws the figure itself, named by its caption.
    assert!(
        blocks[7].contains(
            "<figure class=\"plot\"><svg width=\"120\" height=\"60\" viewBox=\"0 0 120 60\" role=\"img\" aria-label=\"A square and a circle\">\n<rect width=\"50\" height=\"50\" fill=\"steelblue\"/>"
        ),
        "{}",
        blocks[7]
    );
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);

    // 12 blocks, 11 compiled (ignore is not); the runnable ones share one page binary, the
    // compile_fail block has its own.
    let exec = report.stats.exec;
    assert_eq!(
        (exec.blocks, exec.cached, exec.compiled),
        (11, 0, 11),
        "{exec:?}"
    );
    assert_eq!(exec.binaries, 2, "{exec:?}");
    assert_eq!(exec.ran, 9, "{exec:?}");
}

#[test]
fn a_second_build_compiles_and_runs_nothing_and_is_identical() {
    let site = fixture("exec");
    let first = build_ok(site.path());
    let second = build_ok(site.path());
    let exec = second.stats.exec;
    assert_eq!(
        (exec.cached, exec.compiled, exec.binaries, exec.ran),
        (11, 0, 0, 0),
        "{exec:?}"
    );
    assert_eq!(
        first.files, second.files,
        "a rebuild from the cache is byte-identical"
    );

    // --fresh runs everything again and still gives the same bytes: the programs are
    // deterministic and nothing varying (times, thread ids) reaches the page.
    let mut options = options(site.path(), Mode::Build);
    options.fresh = true;
    let fresh = site::build(&options, &mut Session::new()).unwrap();
    assert_eq!(fresh.stats.exec.ran, 9);
    assert_eq!(first.files, fresh.files);
}

#[test]
fn prose_edits_never_rerun_and_code_edits_rerun_only_their_block() {
    let site = fixture("exec");
    build_ok(site.path());
    let post = site.path().join("content/m/01-modes.md");
    let text = fs::read_to_string(&post).unwrap();

    fs::write(
        &post,
        text.replace(
            "A block that runs and prints:",
            "A block that prints, edited:",
        ),
    )
    .unwrap();
    let prose = build_ok(site.path());
    assert_eq!((prose.stats.exec.compiled, prose.stats.exec.ran), (0, 0));
    assert!(page(&prose, "m/modes/index.html").contains("A block that prints, edited:"));

    // Display-only attributes do not rerun either.
    fs::write(
        &post,
        text.replace(
            "caption=\"A square and a circle\"",
            "caption=\"Two shapes\"",
        ),
    )
    .unwrap();
    let caption = build_ok(site.path());
    assert_eq!(
        (caption.stats.exec.compiled, caption.stats.exec.ran),
        (0, 0)
    );
    assert!(page(&caption, "m/modes/index.html").contains("<figcaption>Two shapes</figcaption>"));

    fs::write(&post, text.replace("(1..=4)", "(1..=5)")).unwrap();
    let code = build_ok(site.path());
    let exec = code.stats.exec;
    assert_eq!(
        (exec.compiled, exec.binaries, exec.ran, exec.cached),
        (1, 1, 1, 10),
        "{exec:?}"
    );
    assert!(page(&code, "m/modes/index.html").contains("squares: [1, 4, 9, 16, 25]"));
}

#[test]
fn every_failure_is_reported_at_its_markdown_line() {
    let site = fixture("exec-failures");
    let errors = build_err(site.path());
    let expected = [
        // The compile error is mapped through the list indentation, the hidden line and the
        // fold's marker lines.
        "content/m/01-compile-error.md:21:19: error: compile error[E0277]: cannot add `&str` to `u32`",
        // The panic is mapped to the indexing expression.
        "content/m/02-panic.md:11:20: error: the block panicked: index out of bounds: the len is 3 but the index is 5",
        "content/m/03-timeout.md:7:1: error: the block timed out after 1 s and was stopped",
        "content/m/04-memory.md:7:1: error: the block exceeded the memory limit of 256 MiB",
        "content/m/05-huge-output.md:7:1: error: the block printed more than 64 MiB and was stopped",
        "content/m/06-expectations.md:9:1: error: this should_panic block did not panic",
        "content/m/06-expectations.md:17:1: error: this compile_fail block compiled",
        "content/m/06-expectations.md:26:1: error: the block exited with status 3",
    ];
    for line in expected {
        assert!(errors.contains(line), "missing {line:?} in:\n{errors}");
    }
    assert!(errors.contains("8 errors found"), "{errors}");
    // A block stopped by its time limit still shows what it printed.
    assert!(
        errors.contains("it printed, last:\n    started the loop"),
        "{errors}"
    );
    // The compiler's own text names the Markdown file.
    assert!(
        errors.contains("--> content/m/01-compile-error.md:21:19"),
        "{errors}"
    );
}

#[test]
fn failures_are_not_cached_but_successes_are() {
    let site = fixture("exec-failures");
    build_err(site.path());
    // Fix the compile error: only its block compiles now; the fine block of the same page
    // was cached by the first build.
    let post = site.path().join("content/m/01-compile-error.md");
    let text = fs::read_to_string(&post).unwrap();
    fs::write(&post, text.replace("x + \"one\"", "x + 1")).unwrap();
    for name in [
        "02-panic",
        "03-timeout",
        "04-memory",
        "05-huge-output",
        "06-expectations",
    ] {
        fs::remove_file(site.path().join(format!("content/m/{name}.md"))).unwrap();
    }
    let report = build_ok(site.path());
    let exec = report.stats.exec;
    assert_eq!(
        (exec.cached, exec.compiled, exec.ran),
        (1, 1, 1),
        "{exec:?}"
    );
    assert!(page(&report, "m/compile-error/index.html").contains("<pre>6</pre>"));
}

/// Runs the execution stage alone on a fixture's posts, for its typed results.
fn execute_fixture(root: &std::path::Path) -> kiln::execute::Executed {
    use kiln::markdown::{RenderContext, links::LinkResolver};
    let config = kiln::config::Config::load(root).unwrap();
    let library = kiln::content::load(root, kiln::content::Drafts::Exclude).unwrap();
    let resolver = LinkResolver::default();
    let pages: Vec<kiln::execute::PageBlocks> = library
        .posts
        .iter()
        .map(|post| {
            let rendered = kiln::markdown::render(
                &post.source,
                &RenderContext {
                    resolver: &resolver,
                    source_dir: "m",
                    page_url: &post.url,
                    collapse_solutions: false,
                },
            );
            kiln::execute::PageBlocks {
                path: post.source.display.clone(),
                blocks: rendered.code_blocks,
            }
        })
        .collect();
    let toolchain = kiln::execute::toolchain().unwrap();
    kiln::execute::execute(&kiln::execute::Request {
        root,
        config: &config.execute,
        cache_dir: &root.join(".cache"),
        cargo_target_dir: Some(&shared_target()),
        pages: &pages,
        fresh: false,
        locked: true,
        no_run: false,
        twice: false,
        toolchain: &toolchain,
        progress: kiln::execute::Progress::Quiet,
    })
}

#[test]
fn failures_come_as_kinds_at_their_lines() {
    use kiln::execute::BlockFailure;
    let site = fixture("exec-failures");
    let executed = execute_fixture(site.path());
    let kinds: Vec<(String, BlockFailure)> = executed
        .failures
        .iter()
        .map(|(at, failure)| {
            (
                format!("{}:{}", at.path.display(), at.line),
                failure.clone(),
            )
        })
        .collect();
    let expect = |at: &str, failure: BlockFailure| {
        assert!(
            kinds.contains(&(at.to_string(), failure.clone())),
            "no {failure:?} at {at} in {kinds:#?}"
        );
    };
    expect(
        "content/m/02-panic.md:11",
        BlockFailure::Panicked {
            message: "index out of bounds: the len is 3 but the index is 5".into(),
        },
    );
    expect(
        "content/m/03-timeout.md:7",
        BlockFailure::TimedOut { seconds: 1.0 },
    );
    expect(
        "content/m/04-memory.md:7",
        BlockFailure::OutOfMemory { mib: 256 },
    );
    expect(
        "content/m/05-huge-output.md:7",
        BlockFailure::TooMuchOutput { mib: 64 },
    );
    expect(
        "content/m/06-expectations.md:9",
        BlockFailure::UnexpectedPass,
    );
    expect(
        "content/m/06-expectations.md:17",
        BlockFailure::UnexpectedCompile,
    );
    expect(
        "content/m/06-expectations.md:26",
        BlockFailure::ExitStatus(3),
    );
    assert!(
        kinds
            .iter()
            .any(|(at, f)| at == "content/m/01-compile-error.md:21"
                && matches!(f, BlockFailure::CompileError { code: Some(c), .. } if c == "E0277")),
        "{kinds:#?}"
    );
    assert_eq!(kinds.len(), 8, "{kinds:#?}");
}

#[test]
fn a_second_site_reuses_the_dependencies_the_first_compiled() {
    // Both sites leave the compile folder to kiln: the user's shared one, here under a
    // temporary cache home.
    let home = tempfile::tempdir().unwrap();
    let dep = repo().join("tests/fixtures/crates/tinydep");
    let make_site = |name: &str| {
        let site = fixture("exec");
        let config = site.path().join("config.toml");
        let text = fs::read_to_string(&config).unwrap().replace(
            "[execute]",
            &format!(
                "[execute.dependencies]\ntinydep = {{ path = {:?} }}\n\n[execute]",
                dep.display().to_string()
            ),
        );
        fs::write(&config, text).unwrap();
        fs::remove_file(site.path().join("lessons.lock")).unwrap();
        let post = site.path().join("content/m/01-modes.md");
        let text = fs::read_to_string(&post).unwrap().replace(
            "    println!(\"squares: {squares:?}\");",
            &format!("    println!(\"squares: {{squares:?}} {name} {{}}\", tinydep::double(21));"),
        );
        fs::write(&post, text).unwrap();
        site
    };
    let build = |site: &tempfile::TempDir| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_kiln"))
            .arg("build")
            .current_dir(site.path())
            .env_remove("KILN_CARGO_TARGET_DIR")
            .env("XDG_CACHE_HOME", home.path())
            .env("KILN_CACHE_DIR", site.path().join(".cache"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "{stderr}");
    };
    let rlibs = || {
        let mut found = Vec::new();
        for entry in walk_files(&home.path().join("kiln/cargo")) {
            let name = entry.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("libtinydep") && name.ends_with(".rlib") {
                let modified = fs::metadata(&entry).unwrap().modified().unwrap();
                found.push((entry, modified));
            }
        }
        found
    };
    let first = make_site("first");
    build(&first);
    let after_first = rlibs();
    assert_eq!(after_first.len(), 1, "{after_first:?}");
    let second = make_site("second");
    build(&second);
    assert_eq!(
        rlibs(),
        after_first,
        "the second site compiled the dependency again"
    );
    let html = fs::read_to_string(second.path().join("public/m/modes/index.html")).unwrap();
    assert!(html.contains("squares: [1, 4, 9, 16] second 42"), "{html}");
}

fn walk_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk_files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn compiler_warnings_in_lessons_are_reported_at_their_line_cached_or_not() {
    let site = fixture("exec");
    fs::write(
        site.path().join("content/m/02-warned.md"),
        "+++\ntitle = \"Warned\"\ndate = 2026-01-02\npart = \"1.2\"\n+++\n\nText.\n\n```rust\nfn main() {\n    let unused = 3;\n    println!(\"fine\");\n}\n```\n",
    )
    .unwrap();
    for build in ["first", "cached"] {
        let report = build_ok(site.path());
        let warnings: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
        assert!(
            warnings.iter().any(|w| w.starts_with(
                "content/m/02-warned.md:11:9: warning: compiler warning[unused_variables]: unused variable: `unused`"
            )),
            "{build}: {warnings:#?}"
        );
        assert_eq!(warnings.len(), 1, "{build}: {warnings:#?}");
    }
}

#[test]
fn a_sweep_runs_the_block_once_per_value_and_shows_them_all() {
    let site = fixture("exec-sweep");
    let report = build_ok(site.path());
    let html = page(&report, "m/sweep/index.html");
    // The code is shown once, as written.
    assert_eq!(html.matches("const</span>").count(), 1, "{html}");
    for (value, total) in [("1", "1"), ("10", "55"), ("100", "5050")] {
        assert!(
            html.contains(&format!("<pre>{value} steps add up to {total}</pre>")),
            "{value}: {html}"
        );
    }
    assert_eq!(html.matches("<label for=\"sweep-0-").count(), 3, "{html}");
    // The run of the declared value is the one shown first.
    assert!(html.contains("id=\"sweep-0-1\" checked"), "{html}");
    let figures: Vec<&str> = report
        .files
        .paths()
        .filter(|p| p.starts_with("m/sweep/steps-"))
        .collect();
    assert_eq!(figures.len(), 3, "{figures:?}");
    // Each run is cached like any block: a second build runs nothing.
    let again = build_ok(site.path());
    assert_eq!(again.stats.exec.ran, 0);
    assert_eq!(again.stats.exec.cached, again.stats.exec.blocks);
}

#[test]
fn a_figure_without_alt_text_is_a_warning_at_its_block() {
    let site = fixture("exec");
    let post = site.path().join("content/m/01-modes.md");
    let text = fs::read_to_string(&post).unwrap();
    fs::write(
        &post,
        text.replace(",caption=\"A square and a circle\"", ""),
    )
    .unwrap();
    let report = build_ok(site.path());
    let warnings: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "content/m/01-modes.md:71:1: warning: figure 1 (shapes.svg) has no alt text: give the block a caption=\"...\" or alt=\"...\" for it (one per figure, in the order the program writes them)"
        ]
    );
    let (ok, _, stderr) = kiln(site.path(), &["check", "--deny-warnings"]);
    assert!(!ok, "check --deny-warnings fails on it");
    assert!(
        stderr
            .contains("content/m/01-modes.md:71:1: warning: figure 1 (shapes.svg) has no alt text"),
        "{stderr}"
    );

    // An alt text alone names the figure, and no caption is shown.
    fs::write(
        &post,
        text.replace("caption=\"A square and a circle\"", "alt=\"Two shapes\""),
    )
    .unwrap();
    let report = build_ok(site.path());
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let html = page(&report, "m/modes/index.html");
    assert!(html.contains("aria-label=\"Two shapes\""), "{html}");
    assert!(!html.contains("<figcaption>"), "{html}");
    assert_eq!(
        report.stats.exec.ran, 0,
        "alt text and captions never run code again"
    );
}
