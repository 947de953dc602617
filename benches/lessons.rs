//! Benchmark: the course's lesson programs. Prints side by side, from one run:
//! (a) a cold build of the course including Burn (a fresh cargo target folder),
//! (b) a no-op rebuild, (c) a rebuild after editing one block of post 2.4, and the floor for
//! (c): an incremental `cargo build` of that block as a standalone program with the same
//! dependencies and profile, after the same edit.
//!
//! Run with `cargo bench --bench lessons`. `KILN_BENCH_COLD=0` skips (a), which compiles Burn
//! from scratch (minutes).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use kiln::site::{self, Mode, Options, Session};

mod support;

/// The block edited in (c): a constant of 2.4's third demo.
const BEFORE: &str = "Tensor::random([5, 3], Distribution::Normal(0.0, 1.0), &device)";
const AFTER: &str = "Tensor::random([6, 3], Distribution::Normal(0.0, 1.0), &device)";
const POST: &str = "content/module-2/04-role-of-activations.md";

fn main() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // The folder every build of the user shares (as `cargo run -- build` uses it).
    let shared_target: Option<&Path> = None;
    let work = tempfile::tempdir().expect("a temporary folder");

    if std::env::var("KILN_BENCH_COLD").as_deref() != Ok("0") {
        let site = support::copy_course(&repo, &work.path().join("cold"));
        let target = work.path().join("cold-target");
        let seconds = build(&site, Some(&target), "(a) cold build, Burn included");
        println!("    (a) {seconds:.1} s");
    }

    let site = support::copy_course(&repo, &work.path().join("site"));
    build(
        &site,
        shared_target,
        "first build of the copy (Burn already compiled)",
    );
    let noop = build(&site, shared_target, "(b) no-op rebuild");

    let post = site.join(POST);
    let text = fs::read_to_string(&post).unwrap();
    assert_eq!(text.matches(BEFORE).count(), 1, "the edited line is unique");
    fs::write(&post, text.replace(BEFORE, AFTER)).unwrap();
    let started = Instant::now();
    let report = site::build(&options(&site, shared_target), &mut Session::new())
        .unwrap_or_else(|f| panic!("{f}"));
    let edit = started.elapsed().as_secs_f64();
    let exec = report.stats.exec;
    println!(
        "(c) rebuild after editing one block: {edit:.2} s ({} block compiled in {:.2} s, run in {:.2} s)",
        exec.compiled,
        exec.compile_time.as_secs_f64(),
        exec.run_time.as_secs_f64()
    );

    let toolchain = kiln::execute::toolchain().expect("rustc");
    let (compile_dir, flags) = kiln::execute::default_compile_setup(&toolchain);
    let floor = floor(&repo, &compile_dir, &flags, work.path(), &text);
    println!("floor for (c): incremental cargo build of the same block, standalone: {floor:.2} s");
    println!();
    println!(
        "summary: (b) {noop:.3} s; (c) {edit:.2} s = {:.2}x its floor of {floor:.2} s",
        edit / floor
    );
}

fn options(site: &Path, target: Option<&Path>) -> Options {
    let mut options = Options::new(site, Mode::Build);
    options.cache_dir = Some(site.join(".cache"));
    options.cargo_target_dir = target.map(Path::to_path_buf);
    options
}

fn build(site: &Path, target: Option<&Path>, label: &str) -> f64 {
    let started = Instant::now();
    let report =
        site::build(&options(site, target), &mut Session::new()).unwrap_or_else(|f| panic!("{f}"));
    let seconds = started.elapsed().as_secs_f64();
    let exec = report.stats.exec;
    println!(
        "{label}: {seconds:.3} s ({} blocks: {} compiled in {:.1} s, {} run in {:.1} s, {} cached)",
        exec.blocks,
        exec.compiled,
        exec.compile_time.as_secs_f64(),
        exec.ran,
        exec.run_time.as_secs_f64(),
        exec.cached
    );
    seconds
}

/// Builds the edited block as its own cargo project (same dependencies, profile and lock, same
/// target folder), applies the same edit, and times the incremental `cargo build`.
fn floor(repo: &Path, target: &Path, flags: &str, work: &Path, post: &str) -> f64 {
    let code = block_containing(post, BEFORE);
    let project = work.join("floor");
    fs::create_dir_all(project.join("src")).unwrap();
    let config: toml::Table =
        toml::from_str(&fs::read_to_string(repo.join("config.toml")).unwrap()).unwrap();
    let dependencies = config["execute"]["dependencies"].clone();
    let mut manifest = toml::Table::new();
    manifest.insert(
        "package".into(),
        toml::Value::Table(
            toml::toml! { name = "floor" version = "0.0.0" edition = "2024" publish = false },
        ),
    );
    manifest.insert("dependencies".into(), dependencies);
    let profile = "[profile.dev]\ndebug = \"line-tables-only\"\nincremental = true\n\n[profile.dev.package.\"*\"]\nopt-level = 3\ndebug = false\n\n[workspace]\n";
    fs::write(
        project.join("Cargo.toml"),
        format!("{}\n{profile}", toml::to_string(&manifest).unwrap()),
    )
    .unwrap();
    fs::copy(repo.join("lessons.lock"), project.join("Cargo.lock")).unwrap();
    fs::write(project.join("src/main.rs"), &code).unwrap();
    cargo_build(&project, target, flags);
    fs::write(project.join("src/main.rs"), code.replace(BEFORE, AFTER)).unwrap();
    let started = Instant::now();
    cargo_build(&project, target, flags);
    started.elapsed().as_secs_f64()
}

fn cargo_build(project: &Path, target: &Path, flags: &str) {
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .env("CARGO_ENCODED_RUSTFLAGS", flags)
        .args(["build", "--quiet", "--manifest-path"])
        .arg(project.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target)
        .status()
        .expect("running cargo");
    assert!(status.success());
}

/// The code of the fenced Rust block containing `needle`.
fn block_containing(markdown: &str, needle: &str) -> String {
    let mut block = Vec::new();
    let mut inside = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            if inside && block.iter().any(|l: &&str| l.contains(needle)) {
                return block.iter().map(|l| format!("{l}\n")).collect();
            }
            inside = line.trim_start().starts_with("```rust");
            block.clear();
            continue;
        }
        if inside {
            block.push(line);
        }
    }
    panic!("no block contains {needle:?}");
}
