//! Downloads made from blocks and results in memory: what the archive holds, and the check
//! catching an archive that is not what the execution stage compiled.

use std::path::Path;

use super::*;
use crate::diagnostics::{Diagnostic, Location};
use crate::execute::Status;
use crate::execute::cache::{BlockResult, Figure, ResultKind};
use crate::execute::run::Captured;

/// An archive's files by path, as [`archive::read`] gives them.
type Files = BTreeMap<String, Vec<u8>>;

const PAGE: &str = "content/m/01-tour.md";

fn block(index: usize, info: &str, fence: usize, code: &[&str]) -> CodeBlock {
    CodeBlock {
        index,
        ..CodeBlock::for_tests(info, Location::at(PAGE, fence, 1), code)
    }
}

/// A level-3 heading at `line`.
pub(super) fn heading(line: usize, text: &str) -> Heading {
    Heading {
        level: 3,
        id: String::new(),
        text: text.into(),
        html: String::new(),
        toc_html: String::new(),
        line,
    }
}

fn shown(kind: ResultKind, stdout: &str) -> Shown {
    Shown {
        result: BlockResult {
            kind,
            stdout: Captured {
                text: stdout.into(),
                cut: 0,
            },
            stderr: Captured::default(),
            compiler: if kind == ResultKind::FailedToCompile {
                "error[E0308]: mismatched types\n --> src/main.rs:1:25\n".into()
            } else {
                String::new()
            },
            millis: 1,
            figures: if stdout.contains("draws") {
                vec![Figure {
                    name: "fit.svg".into(),
                    hash: "0".repeat(64),
                }]
            } else {
                Vec::new()
            },
            warnings: Vec::new(),
        },
        figures: Vec::new(),
    }
}

/// A page: a program under a heading (with a hidden line), a TOML block, an ignored block,
/// a `compile_fail` one and an `edition2015` one, all under the same heading but the first.
fn page() -> (Vec<CodeBlock>, Vec<Heading>) {
    let blocks = vec![
        block(
            0,
            "rust",
            10,
            &[
                "# fn helper() -> u32 { 7 }",
                "println!(\"{} draws\", helper());",
            ],
        ),
        block(1, "toml", 20, &["[dependencies]"]),
        block(2, "rust,ignore", 30, &["not rust"]),
        block(
            3,
            "rust,compile_fail",
            40,
            &["fn main() { let x: u8 = \"no\"; }"],
        ),
        block(
            4,
            "rust,edition2015",
            50,
            &["fn main() { let async = 1; println!(\"{}\", async); }"],
        ),
    ];
    let headings = vec![
        heading(8, "Demo 1: A tour of the pipeline"),
        heading(25, "Exercises"),
    ];
    (blocks, headings)
}

/// What the execution stage made for `blocks`: the results, and the programs they ran.
fn executed(blocks: &[CodeBlock]) -> Executed {
    let mut exec = Executed::default();
    for block in blocks.iter().filter(|b| b.attrs.compiles()) {
        let kind = match block.attrs.mode {
            RunMode::CompileFail => ResultKind::FailedToCompile,
            _ => ResultKind::Ran,
        };
        let printed = if block.index == 0 { "7 draws\n" } else { "1\n" };
        exec.insert(block, shown(kind, printed), Status::Passed);
    }
    exec.lock = Some(LOCK.into());
    exec
}

const LOCK: &str = "version = 4\n\n[[package]]\nname = \"kiln-lessons\"\nversion = \"0.0.0\"\n";

fn lesson<'a>(
    blocks: &'a [CodeBlock],
    headings: &'a [Heading],
    exec: &'a Executed,
    config: &'a ExecuteConfig,
) -> Lesson<'a> {
    Lesson::new(
        About {
            title: "A Tour",
            url: "https://example.org/m/tour/".into(),
            source: Path::new(PAGE),
            folder: "tour".into(),
        },
        blocks,
        headings,
        exec,
        config,
        LOCK.into(),
    )
    .expect("the page has compiled blocks with results")
}

fn messages(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics.iter().map(ToString::to_string).collect()
}

#[test]
fn a_download_holds_a_project_of_the_lessons_programs() {
    let (blocks, headings) = page();
    let exec = executed(&blocks);
    let config = ExecuteConfig::default();
    let lesson = lesson(&blocks, &headings, &exec, &config);
    let download = assemble(&lesson);
    let files = archive::read(&download.bytes).unwrap();
    let paths: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        paths,
        [
            "tour/.cargo/config.toml",
            "tour/Cargo.lock",
            "tour/Cargo.toml",
            "tour/README.md",
            "tour/edition2015/Cargo.lock",
            "tour/edition2015/Cargo.toml",
            "tour/edition2015/src/bin/exercises-2.rs",
            "tour/src/bin/demo-1-a-tour-of-the-pipeline.rs",
            "tour/src/bin/exercises.rs",
        ]
    );
    assert_eq!(
        download.programs,
        [
            ("src/bin/demo-1-a-tour-of-the-pipeline.rs".to_string(), 0),
            ("src/bin/exercises.rs".to_string(), 3),
            ("edition2015/src/bin/exercises-2.rs".to_string(), 4),
        ]
    );
    let text = |path: &str| String::from_utf8(files[path].clone()).unwrap();
    // Hidden lines included, wrapped in `main` as compiled.
    assert_eq!(
        text("tour/src/bin/demo-1-a-tour-of-the-pipeline.rs"),
        "fn main() {\nfn helper() -> u32 { 7 }\nprintln!(\"{} draws\", helper());\n}\n"
    );
    assert_eq!(text("tour/Cargo.lock"), LOCK);
    assert_eq!(text("tour/edition2015/Cargo.lock"), LOCK);
    assert!(text("tour/.cargo/config.toml").contains("target-dir = \"target\""));
    let manifest: toml::Table = toml::from_str(&text("tour/Cargo.toml")).unwrap();
    assert_eq!(manifest["package"]["edition"].as_str(), Some("2024"));
    let bins = manifest["bin"].as_array().unwrap();
    assert_eq!(bins.len(), 2);
    assert_eq!(bins[1]["name"].as_str(), Some("exercises"));
    assert_eq!(
        bins[1]["required-features"].as_array().unwrap()[0].as_str(),
        Some(COMPILE_FAIL_FEATURE)
    );
    assert!(bins[0].get("required-features").is_none());
    assert!(manifest["features"].get(COMPILE_FAIL_FEATURE).is_some());
    // The program of another edition is a package of that edition, with no edition of its own.
    let old: toml::Table = toml::from_str(&text("tour/edition2015/Cargo.toml")).unwrap();
    assert_eq!(old["package"]["edition"].as_str(), Some("2015"));
    assert_eq!(old["package"]["name"], manifest["package"]["name"]);
    let bins = old["bin"].as_array().unwrap();
    assert_eq!(bins.len(), 1);
    assert_eq!(bins[0]["name"].as_str(), Some("exercises-2"));
    assert!(bins[0].get("edition").is_none() && old.get("features").is_none());

    let readme = text("tour/README.md");
    for expected in [
        "# A Tour\n",
        "```sh\ncargo build\ncargo build --manifest-path edition2015/Cargo.toml\ncargo run --bin demo-1-a-tour-of-the-pipeline\n```",
        "From “Demo 1: A tour of the pipeline” (content/m/01-tour.md:10), in `src/bin/demo-1-a-tour-of-the-pipeline.rs`.",
        "It printed:\n\n```text\n7 draws\n```\n",
        "It drew `fit.svg`.",
        "cargo run --bin exercises --features compile-fail",
        "error[E0308]: mismatched types\n --> src/bin/exercises.rs:1:25\n",
        "in `edition2015/src/bin/exercises-2.rs`. Rust edition 2015.",
        "```sh\ncargo run --manifest-path edition2015/Cargo.toml --bin exercises-2\n```",
        "a package of their own: `edition2015/` (Rust 2015)",
    ] {
        assert!(readme.contains(expected), "{expected:?} in:\n{readme}");
    }
    assert!(!readme.contains("not rust"), "ignored blocks are left out");

    assert!(messages(&verify(&download, &lesson, &exec)).is_empty());
    assert_eq!(
        assemble(&lesson).bytes,
        download.bytes,
        "two assemblies give the same bytes"
    );
}

#[test]
fn the_check_catches_a_program_that_is_not_what_the_site_ran() {
    let (blocks, headings) = page();
    let config = ExecuteConfig::default();
    // The execution stage compiled a block whose hidden line differs from the page's.
    let mut ran = blocks.clone();
    ran[0].lines[0].code = "fn helper() -> u32 { 8 }".into();
    let exec = executed(&ran);
    let lesson = lesson(&blocks, &headings, &exec, &config);
    let download = assemble(&lesson);
    assert_eq!(
        messages(&verify(&download, &lesson, &exec)),
        [
            "content/m/01-tour.md:10:1: error: src/bin/demo-1-a-tour-of-the-pipeline.rs in the lesson's download is not the program the site compiled and ran for this block"
        ]
    );
    // Compiled with another edition than the download declares.
    let mut ran = blocks.clone();
    ran[4].attrs.edition = Some(Edition::E2018);
    let exec = executed(&ran);
    assert_eq!(
        messages(&verify(&download, &lesson, &exec)),
        [
            "content/m/01-tour.md:50:1: error: edition2015/src/bin/exercises-2.rs in the lesson's download is built as Rust 2015, but the site compiled this block as Rust 2018"
        ]
    );
}

#[test]
fn the_check_reads_the_archive_itself() {
    let (blocks, headings) = page();
    let exec = executed(&blocks);
    let config = ExecuteConfig::default();
    let lesson = lesson(&blocks, &headings, &exec, &config);
    let download = assemble(&lesson);
    let tampered = |change: &dyn Fn(&mut Files)| {
        let mut files = archive::read(&download.bytes).unwrap();
        change(&mut files);
        let bytes = archive::write(&files);
        let copy = Download {
            folder: download.folder.clone(),
            bytes,
            programs: download.programs.clone(),
        };
        messages(&verify(&copy, &lesson, &exec))
    };
    let program = "tour/src/bin/demo-1-a-tour-of-the-pipeline.rs".to_string();
    let edited = tampered(&|files| {
        files.insert(
            program.clone(),
            b"fn main() { println!(\"7 draws\"); }\n".to_vec(),
        );
    });
    assert_eq!(edited.len(), 1, "{edited:?}");
    assert!(edited[0].starts_with("content/m/01-tour.md:10:1: error: src/bin/demo-1"));
    let missing = tampered(&|files| {
        files.remove(&program);
    });
    assert!(
        missing[0].contains("has no src/bin/demo-1-a-tour-of-the-pipeline.rs"),
        "{missing:?}"
    );
    let extra = tampered(&|files| {
        files.insert("tour/src/bin/extra.rs".into(), b"fn main() {}\n".to_vec());
    });
    assert_eq!(
        extra,
        [
            "content/m/01-tour.md: error: the lesson's download holds src/bin/extra.rs, which is no block of this page"
        ]
    );
    let lock = tampered(&|files| {
        files.insert("tour/Cargo.lock".into(), b"version = 3\n".to_vec());
    });
    assert!(lock[0].contains("Cargo.lock"), "{lock:?}");
    let manifest = tampered(&|files| {
        let text = String::from_utf8(files["tour/Cargo.toml"].clone()).unwrap();
        files.insert(
            "tour/Cargo.toml".into(),
            text.replace("opt-level = 3", "opt-level = 0").into_bytes(),
        );
    });
    assert!(manifest[0].contains("profile"), "{manifest:?}");
    let edition = |from: &'static str, to: &'static str| {
        tampered(&move |files| {
            let path = "tour/edition2015/Cargo.toml".to_string();
            let text = String::from_utf8(files[&path].clone()).unwrap();
            files.insert(path, text.replace(from, to).into_bytes());
        })
    };
    assert_eq!(
        edition("edition = \"2015\"", "edition = \"2018\""),
        [
            "content/m/01-tour.md: error: the edition2015/Cargo.toml of the lesson's download does not have the edition of its programs, 2015"
        ]
    );
    let own = edition("path = ", "edition = \"2015\"\npath = ");
    assert!(
        own[0].ends_with("gives a program an edition of its own"),
        "{own:?}"
    );
    let shared = tampered(&|files| {
        files.remove("tour/.cargo/config.toml");
    });
    assert!(shared[0].contains(".cargo/config.toml"), "{shared:?}");
    let moved = tampered(&|files| {
        let bytes = files
            .remove("tour/edition2015/src/bin/exercises-2.rs")
            .unwrap();
        files.insert("tour/src/bin/exercises-2.rs".into(), bytes);
    });
    assert_eq!(
        moved,
        [
            "content/m/01-tour.md:50:1: error: the lesson's download has no edition2015/src/bin/exercises-2.rs for this block",
            "content/m/01-tour.md: error: the lesson's download holds src/bin/exercises-2.rs, which is no block of this page",
        ]
    );
    let mut broken = download.bytes.clone();
    broken.truncate(40);
    let copy = Download {
        folder: download.folder.clone(),
        bytes: broken,
        programs: download.programs.clone(),
    };
    assert!(messages(&verify(&copy, &lesson, &exec))[0].contains("not a readable zip"));
}

#[test]
fn a_swept_program_is_the_code_as_written_and_each_run_is_checked() {
    let swept = block(
        0,
        "rust,sweep=\"N=1,2,3\"",
        5,
        &[
            "const N: u32 = 2;",
            "fn main() { println!(\"{}\", N * 10); }",
        ],
    );
    let blocks = vec![swept.clone()];
    let runs = crate::execute::sweep::variants(&swept).unwrap();
    let mut exec = Executed::default();
    for (run, copy) in runs.iter().enumerate() {
        exec.insert(
            copy,
            shown(ResultKind::Ran, &format!("{}0\n", run + 1)),
            Status::Passed,
        );
    }
    exec.lock = Some(LOCK.into());
    let config = ExecuteConfig::default();
    let lesson = lesson(&blocks, &[], &exec, &config);
    let download = assemble(&lesson);
    let files = archive::read(&download.bytes).unwrap();
    assert_eq!(
        String::from_utf8(files["tour/src/bin/a-tour.rs"].clone()).unwrap(),
        "const N: u32 = 2;\nfn main() { println!(\"{}\", N * 10); }\n"
    );
    let readme = String::from_utf8(files["tour/README.md"].clone()).unwrap();
    assert!(
        readme.contains("once for each value of `N`: 1, 2, 3 (the code declares 2)"),
        "{readme}"
    );
    assert!(
        readme.contains("#### With `N = 3`\n\nIt printed:\n\n```text\n30\n```"),
        "{readme}"
    );
    assert!(verify(&download, &lesson, &exec).is_empty());

    // A run made with another value than the sweep says.
    let mut wrong = runs.clone();
    wrong[1].lines[0].code = "const N: u32 = 7;".into();
    let mut exec = Executed::default();
    for (run, copy) in wrong.iter().enumerate() {
        exec.insert(
            copy,
            shown(ResultKind::Ran, &format!("{run}\n")),
            Status::Passed,
        );
    }
    exec.lock = Some(LOCK.into());
    let found = messages(&verify(&download, &lesson, &exec));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].ends_with("for this block (run 2)"), "{found:?}");
}

#[test]
fn a_lesson_all_of_another_edition_is_one_package_of_that_edition() {
    let blocks = vec![
        block(0, "rust,edition2018", 5, &["fn main() {}"]),
        block(1, "rust,edition2018,no_run", 9, &["fn main() {}"]),
    ];
    let exec = executed(&blocks);
    let config = ExecuteConfig::default();
    let lesson = lesson(&blocks, &[], &exec, &config);
    let download = assemble(&lesson);
    let files = archive::read(&download.bytes).unwrap();
    let paths: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        paths,
        [
            "tour/Cargo.lock",
            "tour/Cargo.toml",
            "tour/README.md",
            "tour/src/bin/a-tour-2.rs",
            "tour/src/bin/a-tour.rs",
        ]
    );
    let manifest: toml::Table =
        toml::from_str(&String::from_utf8(files["tour/Cargo.toml"].clone()).unwrap()).unwrap();
    assert_eq!(manifest["package"]["edition"].as_str(), Some("2018"));
    assert!(verify(&download, &lesson, &exec).is_empty());
}
