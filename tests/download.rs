//! Lesson downloads from a fixture site of `std`-only programs: the page links its archive,
//! two builds give the same bytes, and the project unpacked from it builds offline with its
//! lock (against the fixtures' shared cargo folder) and runs programs that print what the
//! page shows.

mod common;

use std::fs;
use std::io::Cursor;
use std::path::Path;
use std::process::Command;

use common::*;

/// `cargo` in `dir`, building in the fixtures' shared folder, without the variables this test's
/// own cargo set.
fn cargo(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", shared_target());
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("CARGO_PKG_")
            || key.starts_with("CARGO_BIN_")
            || matches!(
                key.as_ref(),
                "CARGO_MANIFEST_DIR" | "CARGO_MANIFEST_PATH" | "CARGO_CRATE_NAME" | "RUSTFLAGS"
            )
        {
            command.env_remove(key.as_ref());
        }
    }
    command.output().expect("running cargo")
}

#[test]
fn a_lessons_download_builds_offline_and_prints_what_the_page_shows() {
    let site = fixture("download");
    let report = build_ok(site.path());
    let html = page(&report, "m/tour/index.html");
    assert!(
        html.contains("<a href=\"tour.zip\" download>Download the programs</a> of this lesson as a cargo project (11 programs, zip,"),
        "{html}"
    );
    let bytes = report
        .files
        .get("m/tour/tour.zip")
        .expect("the lesson's archive");
    let again = build_ok(site.path());
    assert_eq!(
        again.files.get("m/tour/tour.zip"),
        Some(bytes),
        "a second build gives the same bytes"
    );

    let unpacked = tempfile::tempdir().unwrap();
    zip::ZipArchive::new(Cursor::new(bytes))
        .unwrap()
        .extract(unpacked.path())
        .unwrap();
    let project = unpacked.path().join("tour");
    let programs = |dir: &str| -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(project.join(dir).join("src/bin"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(
        programs(""),
        [
            "a-tour-of-the-pipeline.rs",
            "demo-1-a-tour-of-the-pipeline-2.rs",
            "demo-1-a-tour-of-the-pipeline-3.rs",
            "demo-1-a-tour-of-the-pipeline-4.rs",
            "demo-1-a-tour-of-the-pipeline-5.rs",
            "demo-1-a-tour-of-the-pipeline.rs",
            "demo-2-editions-3.rs",
            "demo-2-editions-4.rs",
            "exercise-1-count-to-three.rs",
        ]
    );
    // Programs of other editions are packages of their own.
    assert_eq!(programs("edition2015"), ["demo-2-editions.rs"]);
    assert_eq!(programs("edition2021"), ["demo-2-editions-2.rs"]);
    for lock in [
        "Cargo.lock",
        "edition2015/Cargo.lock",
        "edition2021/Cargo.lock",
    ] {
        assert_eq!(
            fs::read(project.join(lock)).unwrap(),
            fs::read(site.path().join("lessons.lock")).unwrap(),
            "{lock}"
        );
    }
    // The hidden line is in the program.
    let first = fs::read_to_string(project.join("src/bin/a-tour-of-the-pipeline.rs")).unwrap();
    assert!(first.contains("fn squares(n: u32)"), "{first}");
    // The swept program is the code as written.
    let swept = fs::read_to_string(project.join("src/bin/demo-2-editions-4.rs")).unwrap();
    assert!(swept.starts_with("const STEPS: u32 = 10;\n"), "{swept}");

    // Everything but the program that must not compile builds, offline, with the site's lock,
    // each package with the commands its README gives.
    let readme = fs::read_to_string(project.join("README.md")).unwrap();
    for manifest in ["", "edition2015/", "edition2021/"] {
        let command = if manifest.is_empty() {
            "cargo build\n".to_string()
        } else {
            format!("cargo build --manifest-path {manifest}Cargo.toml\n")
        };
        assert!(readme.contains(&command), "{command:?} in {readme}");
        let path = format!("{manifest}Cargo.toml");
        let built = cargo(
            &project,
            &["build", "--offline", "--locked", "--manifest-path", &path],
        );
        let stderr = String::from_utf8_lossy(&built.stderr);
        assert!(built.status.success(), "{path}: {stderr}");
        assert!(!stderr.contains("warning"), "{path}: {stderr}");
    }
    // Each, run with the command its README gives, prints what the page shows under its block.
    for (name, printed) in [
        ("demo-1-a-tour-of-the-pipeline", "total = 55"),
        ("demo-1-a-tour-of-the-pipeline-2", "parsed 42"),
        ("demo-2-editions", "edition 2015"),
        ("demo-2-editions-2", "edition 2021"),
        ("demo-2-editions-4", "10 steps add up to 55"),
    ] {
        let command = readme
            .lines()
            .find(|line| line.starts_with("cargo run") && line.ends_with(&format!(" --bin {name}")))
            .unwrap_or_else(|| panic!("no command for {name} in {readme}"));
        let mut args: Vec<&str> = command.split(' ').skip(1).collect();
        args.extend(["--quiet", "--offline", "--locked"]);
        let output = cargo(&project, &args);
        assert!(
            output.status.success(),
            "{command}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert_eq!(stdout.trim_end(), printed, "{command}");
        assert!(
            html.contains(&format!("<pre>{printed}</pre>")),
            "the page shows {printed:?}"
        );
    }
    for expected in [
        "cargo run --bin demo-1-a-tour-of-the-pipeline\n",
        "cargo run --manifest-path edition2015/Cargo.toml --bin demo-2-editions\n",
        "```text\ntotal = 55\n```",
        "and on standard error:\n\n```text\na note on stderr\n```",
        "It panics on purpose.",
        "The site compiles it but does not run it.",
        "#### With `STEPS = 1`\n\nIt printed:\n\n```text\n1 steps add up to 1\n```",
        "Rust edition 2015.",
        "The solution of an exercise.",
    ] {
        assert!(readme.contains(expected), "{expected:?} in:\n{readme}");
    }
    // The program that must not compile is there, and shows its error when asked.
    let refused = cargo(
        &project,
        &[
            "build",
            "--offline",
            "--locked",
            "--bin",
            "demo-1-a-tour-of-the-pipeline-5",
            "--features",
            "compile-fail",
        ],
    );
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("error[E0308]: mismatched types"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}

#[test]
fn pages_without_compiled_blocks_have_no_download() {
    let site = fixture("download");
    fs::write(
        site.path().join("content/m/02-prose.md"),
        "+++\ntitle = \"Prose\"\ndate = 2026-01-02\npart = \"1.2\"\n+++\n\nOnly words, and a block that is not compiled:\n\n```rust,ignore\nnot rust\n```\n",
    )
    .unwrap();
    let report = build_ok(site.path());
    assert!(report.files.get("m/tour/tour.zip").is_some());
    assert!(
        !report
            .files
            .paths()
            .any(|p| p.starts_with("m/prose/") && p.ends_with(".zip"))
    );
    assert!(!page(&report, "m/prose/index.html").contains("Download the programs"));
}
