//! Benchmark: a generated site of 1,000 posts with 20 formulas and 3 code blocks each
//! (execution off). Prints pages per second and the cost per distinct formula, for a cold build
//! (empty caches), a rebuild from the caches, and a rebuild after one prose edit; then, side by
//! side in one run, the `kiln build` command (writing `public/`) against Hugo building the same
//! Markdown, both warm, as whole processes, with the ratio.
//!
//! Run with `cargo bench --bench site`; `KILN_BENCH_POSTS=N` changes the number of posts.
//! The Hugo comparison needs `hugo` on the PATH (Debian's `hugo` package) and is skipped
//! without it.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use kiln::site::{self, Mode, Options, Session};

fn main() {
    let posts: usize = std::env::var("KILN_BENCH_POSTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let dir = tempfile::tempdir().expect("a temporary folder");
    generate(dir.path(), posts);
    let mut options = Options::new(dir.path(), Mode::Build);
    options.cache_dir = Some(dir.path().join("cache"));

    println!("site: {posts} posts, 20 formulas and 3 code blocks each, execution off");
    let cold = timed(&options, "cold build (empty caches)");
    let distinct = cold.0.math.distinct;
    println!(
        "  math: {} formulas, {distinct} distinct, rendered in {:.2} s on all cores: {:.2} ms per distinct formula (wall), {:.2} ms per formula of the site",
        cold.0.math.formulas,
        cold.0.math.render_time.as_secs_f64(),
        cold.0.math.render_time.as_secs_f64() * 1000.0 / distinct.max(1) as f64,
        cold.0.math.render_time.as_secs_f64() * 1000.0 / cold.0.math.formulas.max(1) as f64,
    );
    let warm = timed(&options, "rebuild (all cached)");
    let post = dir.path().join("content/bench/0001-post-1.md");
    let text = fs::read_to_string(&post).unwrap();
    fs::write(
        &post,
        text.replace("Paragraph one", "Paragraph one, edited"),
    )
    .unwrap();
    timed(&options, "rebuild after a prose edit");
    println!("  cold/cached ratio: {:.1}x", cold.1 / warm.1);
    against_hugo(dir.path());
}

/// Warm `kiln build` (which writes the site) against warm `hugo` on the same Markdown: each
/// run once to warm up, then alternately, five times; medians and their ratio.
fn against_hugo(root: &Path) {
    let hugo_root = root.join("hugo");
    if Command::new("hugo").arg("version").output().is_err() {
        println!("hugo is not installed: no comparison (apt-get install hugo)");
        return;
    }
    hugo_site(root, &hugo_root);
    let kiln = || {
        let status = Command::new(env!("CARGO_BIN_EXE_kiln"))
            .args(["build", "--root"])
            .arg(root)
            .env("KILN_CACHE_DIR", root.join("cache"))
            .stderr(std::process::Stdio::null())
            .status()
            .expect("running kiln");
        assert!(status.success());
    };
    let hugo = || {
        let status = Command::new("hugo")
            .args(["--quiet", "--source"])
            .arg(&hugo_root)
            .args(["--destination", "public"])
            .status()
            .expect("running hugo");
        assert!(status.success());
    };
    kiln();
    hugo();
    let (mut kiln_times, mut hugo_times) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        kiln_times.push(time(kiln));
        hugo_times.push(time(hugo));
    }
    let (k, h) = (median(kiln_times), median(hugo_times));
    println!(
        "warm build of the whole site, as a command: kiln {:.3} s (writes public/), hugo {:.3} s; kiln/hugo = {:.2}",
        k.as_secs_f64(),
        h.as_secs_f64(),
        k.as_secs_f64() / h.as_secs_f64()
    );
}

fn time(run: impl Fn()) -> Duration {
    let started = Instant::now();
    run();
    started.elapsed()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// The same posts as a Hugo site: the Markdown as it is (Hugo reads `+++` TOML front matter
/// and ignores the keys it does not know), with a minimal page layout.
fn hugo_site(root: &Path, hugo: &Path) {
    fs::create_dir_all(hugo.join("content/bench")).unwrap();
    fs::create_dir_all(hugo.join("layouts/_default")).unwrap();
    fs::write(
        hugo.join("hugo.toml"),
        "baseURL = \"https://example.org/\"\ntitle = \"Bench\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\"]\n",
    )
    .unwrap();
    let page = "<!doctype html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>\n";
    fs::write(hugo.join("layouts/_default/single.html"), page).unwrap();
    fs::write(
        hugo.join("layouts/_default/list.html"),
        "<!doctype html><html><body>{{ range .Pages }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}</body></html>\n",
    )
    .unwrap();
    for entry in fs::read_dir(root.join("content/bench")).unwrap().flatten() {
        let name = entry.file_name();
        if name != "_index.md" {
            fs::copy(entry.path(), hugo.join("content/bench").join(name)).unwrap();
        }
    }
}

/// Builds once (a fresh session, as the CLI does) and prints the figures.
fn timed(options: &Options, label: &str) -> (site::Stats, f64) {
    let started = Instant::now();
    let report = site::build(options, &mut Session::new()).unwrap_or_else(|f| panic!("{f}"));
    let seconds = started.elapsed().as_secs_f64();
    let phases: Vec<String> = report
        .stats
        .phases
        .iter()
        .map(|(name, time)| format!("{name} {:.0} ms", time.as_secs_f64() * 1000.0))
        .collect();
    println!(
        "{label}: {:.3} s, {:.0} pages/s ({})",
        seconds,
        report.stats.pages as f64 / seconds,
        phases.join(", ")
    );
    (report.stats, seconds)
}

/// Writes the site: one module of `posts` posts, each with 4 sections of 5 formulas (20 in
/// all; one per section is shared by every post, so rendering each expression once matters)
/// and 3 code blocks.
fn generate(root: &Path, posts: usize) {
    fs::create_dir_all(root.join("content/bench")).unwrap();
    fs::write(
        root.join("config.toml"),
        "title = \"Bench\"\n[math]\nkatex_assets = \"cdn\"\n[execute]\nenabled = false\n",
    )
    .unwrap();
    fs::write(
        root.join("content/bench/_index.md"),
        "+++\ntitle = \"Bench\"\nmodule = 1\n+++\n",
    )
    .unwrap();
    let shared = [
        "\\sigma(z) = \\frac{1}{1 + e^{-z}}",
        "\\mathcal{L} = \\frac{1}{n} \\sum_{i=1}^{n} (\\hat y_i - y_i)^2",
        "W \\in \\mathbb{R}^{h \\times d}",
        "\\frac{\\partial L}{\\partial w} = \\frac{\\partial L}{\\partial a} \\cdot \\frac{\\partial a}{\\partial w}",
        "\\operatorname{ReLU}(z) = \\max(0, z)",
    ];
    for i in 1..=posts {
        let mut text = format!(
            "+++\ntitle = \"Post {i}\"\ndate = 2026-01-01\npart = \"1.{i}\"\ndescription = \"Post number {i}.\"\n+++\n\n"
        );
        for (section, shared) in shared.iter().enumerate().take(4) {
            writeln!(text, "## Section {section}\n").unwrap();
            writeln!(
                text,
                "Paragraph one of section {section}: a weight ${}$ and a bias $b_{{{i}}}$ with $x_{{{section}}} + {i}$.\n",
                shared
            )
            .unwrap();
            writeln!(
                text,
                "$$\n\\sum_{{k=1}}^{{{i}}} k^{section} = S_{{{i},{section}}}\n$$\n\nWith $\\alpha = 0.{i}{section}$ the update is slower.\n"
            )
            .unwrap();
            if section < 3 {
                writeln!(
                    text,
                    "```rust\nfn main() {{\n    let x: f32 = {i}.0;\n    let y = x * {section}.0 + 1.0;\n    println!(\"{{y}}\");\n}}\n```\n"
                )
                .unwrap();
            }
        }
        fs::write(root.join(format!("content/bench/{i:04}-post-{i}.md")), text).unwrap();
    }
}
