//! Containment of lesson programs, tried as a user would with the `kiln` binary: a block
//! cannot leave processes behind, write outside its folder, reach the network or see the
//! user's environment; figures are bounded; an interrupted build stops everything it started
//! and leaves the previous output as it was; `check` and `build` can run on one site at once.

mod common;

use std::fs;
use std::net::TcpListener;
use std::process::Stdio;
use std::thread::sleep;
use std::time::{Duration, Instant};

use common::*;

#[test]
fn blocks_cannot_reach_past_their_run() {
    let site = fixture("contain");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let post = site.path().join("content/m/01-escapes.md");
    let text = fs::read_to_string(&post).unwrap().replace("PORT", &port);
    fs::write(&post, text).unwrap();

    let output = kiln_command(site.path(), &["build"])
        .env("KILN_TEST_SECRET", "hunter2")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let html = fs::read_to_string(site.path().join("public/m/escapes/index.html")).unwrap();

    // Children that left the block's process group and session ended with it.
    assert!(html.contains("left two children running"), "{html}");
    sleep(Duration::from_millis(200));
    assert!(
        !process_running("sleep 86431"),
        "a child in its own group survived"
    );
    assert!(
        !process_running("sleep 86432"),
        "a child in its own session survived"
    );

    // Writes: only in its own folders.
    for allowed in [
        "working folder: written",
        "home: written",
        "temporary folder: written",
    ] {
        assert!(html.contains(allowed), "{allowed}: {html}");
    }
    for up in 2..=6 {
        assert!(
            html.contains(&format!("{up} up: refused (PermissionDenied)")),
            "{up} up: {html}"
        );
    }
    assert!(html.contains("/tmp: refused (PermissionDenied)"), "{html}");
    assert!(!std::path::Path::new("/tmp/kiln-contain-escaped.txt").exists());
    assert!(html.contains("can still read around it: true"), "{html}");
    let escaped: Vec<_> = walk(site.path())
        .into_iter()
        .filter(|p| p.ends_with("escaped.txt"))
        .collect();
    assert!(escaped.is_empty(), "{escaped:?}");

    // Network: refused, and the listener saw no one.
    assert!(html.contains("connect: refused"), "{html}");
    assert!(html.contains("listen: refused"), "{html}");
    assert!(html.contains("udp: refused"), "{html}");
    assert!(
        listener.accept().is_err(),
        "a block connected to the listener"
    );

    // Environment: the allowlist and what the site adds; not the user's secrets.
    assert!(html.contains("KILN_TEST_SECRET: not set"), "{html}");
    assert!(html.contains("FROM_CONFIG: given by the site"), "{html}");
    assert!(html.contains("HOME: its own: true"), "{html}");
    assert!(html.contains("TMPDIR: its own: true"), "{html}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() && !path.is_symlink() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn figures_beyond_the_limits_are_errors_at_their_block() {
    let site = fixture("exec-limits");
    let errors = build_err(site.path());
    for line in [
        "content/m/01-figures.md:9:1: error: the block wrote 5 figures; a block may write at most 4 (execute.max_figures)",
        "content/m/01-figures.md:20:1: error: figure big.svg is 21 KiB; a figure may be at most 16 KiB (execute.max_figure_kib)",
    ] {
        assert!(errors.contains(line), "missing {line:?} in:\n{errors}");
    }
    assert!(errors.contains("2 errors found"), "{errors}");
}

/// Builds the site once with a quick block, then starts a build of a block that runs for a
/// minute, interrupts it with `signal` once the block is running, and checks that kiln exits
/// with `code`, nothing it started is left, and the first build's output is unchanged.
fn interrupted_build_leaves_nothing(signal: i32, code: i32, marker: &str) {
    let site = fixture("exec");
    let (ok, _, stderr) = kiln(site.path(), &["build"]);
    assert!(ok, "{stderr}");
    let public = site.path().join("public");
    let before = snapshot_tree(&public);

    let post = site.path().join("content/m/02-long.md");
    fs::write(
        &post,
        format!(
            "+++\ntitle = \"Long\"\ndate = 2026-01-02\npart = \"1.2\"\n+++\n\n```rust\nfn main() {{\n    std::process::Command::new(\"sleep\").arg(\"{marker}\").status().unwrap();\n}}\n```\n"
        ),
    )
    .unwrap();
    let mut child = kiln_command(site.path(), &["build"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !process_running(&format!("sleep {marker}")) {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the long block never started"
        );
        assert!(child.try_wait().unwrap().is_none(), "kiln ended early");
        sleep(Duration::from_millis(50));
    }
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::try_from(signal).unwrap(),
    )
    .unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    sleep(Duration::from_millis(200));
    assert!(
        !process_running(&format!("sleep {marker}")),
        "the block survived kiln"
    );
    assert_eq!(
        snapshot_tree(&public),
        before,
        "the previous output changed"
    );
    let leftovers: Vec<_> = fs::read_dir(site.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("kiln-new") || n.contains("kiln-old"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn sigterm_stops_the_build_and_everything_it_started() {
    interrupted_build_leaves_nothing(15, 143, "86451");
}

#[test]
fn sigint_stops_the_build_and_everything_it_started() {
    interrupted_build_leaves_nothing(2, 130, "86452");
}

#[test]
fn an_interrupted_compile_stops_cargo_and_rustc() {
    let site = fixture("exec");
    // A block whose compilation takes minutes: rustc evaluates a long constant loop.
    let post = site.path().join("content/m/02-slow.md");
    fs::write(
        &post,
        "+++\ntitle = \"Slow\"\ndate = 2026-01-02\npart = \"1.2\"\n+++\n\n```rust\n#![allow(long_running_const_eval)]\nconst N: u64 = {\n    let mut i = 0u64;\n    let mut x = 0u64;\n    while i < 50_000_000_000 {\n        x = x.wrapping_mul(31).wrapping_add(i);\n        i += 1;\n    }\n    x\n};\n\nfn main() {\n    println!(\"{N}\");\n}\n```\n",
    )
    .unwrap();
    let mut child = kiln_command(site.path(), &["build"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let project = site
        .path()
        .canonicalize()
        .unwrap()
        .join(".cache")
        .join("project");
    let needle = project.to_string_lossy().into_owned();
    let started = Instant::now();
    while !rustc_for(&needle) {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "rustc never started on the slow block"
        );
        assert!(child.try_wait().unwrap().is_none(), "kiln ended early");
        sleep(Duration::from_millis(50));
    }
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(143));
    sleep(Duration::from_millis(300));
    assert!(!rustc_for(&needle), "rustc survived kiln");
}

/// Whether a rustc compiling a program of the project at `project` is running (cargo starts
/// it in the project's folder).
fn rustc_for(project: &str) -> bool {
    fs::read_dir("/proc").unwrap().flatten().any(|entry| {
        let cwd = fs::read_link(entry.path().join("cwd"));
        let rustc = fs::read(entry.path().join("cmdline"))
            .is_ok_and(|c| String::from_utf8_lossy(&c).contains("rustc"));
        rustc && cwd.is_ok_and(|cwd| cwd.to_string_lossy().starts_with(project))
    })
}

#[test]
fn check_and_build_on_one_site_at_once_both_succeed() {
    let site = fixture("exec");
    let check = kiln_command(site.path(), &["check"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let build = kiln_command(site.path(), &["build"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let check = check.wait_with_output().unwrap();
    let build = build.wait_with_output().unwrap();
    let (check_err, build_err) = (
        String::from_utf8_lossy(&check.stderr),
        String::from_utf8_lossy(&build.stderr),
    );
    assert!(check.status.success(), "{check_err}");
    assert!(build.status.success(), "{build_err}");
    assert!(check_err.contains("checked:"), "{check_err}");
    let html = fs::read_to_string(site.path().join("public/m/modes/index.html")).unwrap();
    assert!(html.contains("squares: [1, 4, 9, 16]"), "{html}");
    // One waited for the other rather than sharing the generated project.
    assert!(
        check_err.contains("waiting for another kiln process")
            || build_err.contains("waiting for another kiln process"),
        "{check_err}\n{build_err}"
    );
}

#[test]
fn check_writes_nothing_in_the_site_and_refuses_a_stale_lock() {
    let site = fixture("exec");
    let lock = site.path().join("lessons.lock");
    let sources = |root: &std::path::Path| {
        snapshot_tree(root)
            .into_iter()
            .filter(|(path, _)| !path.starts_with(".cache"))
            .collect::<Vec<_>>()
    };
    let before = sources(site.path());
    let (ok, _, stderr) = kiln(site.path(), &["check"]);
    assert!(ok, "{stderr}");
    assert_eq!(sources(site.path()), before, "check changed the site");

    // A lock file that no longer matches: an error saying how to refresh it, and no rewrite.
    let stale = fs::read_to_string(&lock)
        .unwrap()
        .replace("version = \"0.0.0\"", "version = \"0.0.1\"");
    fs::write(&lock, &stale).unwrap();
    fs::write(
        site.path().join("content/m/01-modes.md"),
        fs::read_to_string(site.path().join("content/m/01-modes.md"))
            .unwrap()
            .replace("squares", "squares again"),
    )
    .unwrap();
    let (ok, _, stderr) = kiln(site.path(), &["check"]);
    assert!(!ok, "{stderr}");
    assert!(
        stderr.contains("lessons.lock: error: the lock file does not match"),
        "{stderr}"
    );
    assert!(
        stderr.contains("run `kiln build` to refresh it"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(&lock).unwrap(),
        stale,
        "check rewrote the lock"
    );

    // Without a lock file at all.
    fs::remove_file(&lock).unwrap();
    let (ok, _, stderr) = kiln(site.path(), &["check"]);
    assert!(!ok);
    assert!(
        stderr.contains(
            "lessons.lock: error: the lock file of the lesson dependencies does not exist"
        ),
        "{stderr}"
    );
    assert!(!lock.exists(), "check created the lock");
}

#[test]
fn shards_checked_apart_and_merged_build_the_same_site_without_running_anything() {
    let site = fixture("exec");
    copy_dir(
        &repo().join("tests/fixtures/exec-sweep/content/m"),
        &site.path().join("sweep-tmp"),
    );
    fs::rename(
        site.path().join("sweep-tmp/01-sweep.md"),
        site.path().join("content/m/02-sweep.md"),
    )
    .unwrap();
    let post = site.path().join("content/m/02-sweep.md");
    let text = fs::read_to_string(&post)
        .unwrap()
        .replace("part = \"1.1\"", "part = \"1.2\"");
    fs::write(&post, text).unwrap();
    let root = site.path();
    let run = |args: &[&str], cache: &str| {
        let output = kiln_command(root, args)
            .env("KILN_CACHE_DIR", root.join(cache))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        (output.status.success(), stderr)
    };
    // Each page lands in exactly one shard.
    let (ok, one) = run(&["check", "--shard", "1/2"], "cache-1");
    assert!(ok, "{one}");
    let (ok, two) = run(&["check", "--shard", "2/2"], "cache-2");
    assert!(ok, "{two}");
    let ran = |summary: &str| -> usize {
        let at = summary.find(" run (").expect("a summary");
        summary[..at].rsplit(' ').next().unwrap().parse().unwrap()
    };
    let (ran_one, ran_two) = (ran(&one), ran(&two));
    assert!(ran_one > 0 && ran_two > 0, "{one}\n{two}");

    // Pool the two shards' results, then assemble the site running nothing.
    for (shard, cache) in [("one.zip", "cache-1"), ("two.zip", "cache-2")] {
        let (ok, stderr) = run(&["cache", "export", shard], cache);
        assert!(ok, "{stderr}");
        let (ok, stderr) = run(&["cache", "import", shard], "cache-merged");
        assert!(ok, "{stderr}");
    }
    let (ok, merged) = run(&["build", "--no-run", "--output", "merged"], "cache-merged");
    assert!(ok, "{merged}");
    assert_eq!(ran(&merged), 0, "{merged}");
    assert!(merged.contains(" 0 compiled"), "{merged}");

    let (ok, single) = run(&["build", "--output", "single"], "cache-single");
    assert!(ok, "{single}");
    assert_eq!(ran(&single), ran_one + ran_two, "{single}");
    assert_eq!(
        snapshot_tree(&root.join("merged")),
        snapshot_tree(&root.join("single")),
        "the assembled site differs from one machine's build"
    );

    // With one shard's results only, `--no-run` names the blocks it lacks.
    let (ok, stderr) = run(&["cache", "import", "one.zip"], "cache-half");
    assert!(ok, "{stderr}");
    let (ok, half) = run(&["build", "--no-run", "--output", "half"], "cache-half");
    assert!(!ok);
    assert!(
        half.contains("error: no cached result for this block, and --no-run runs nothing"),
        "{half}"
    );
}
