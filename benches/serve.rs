//! Benchmark: `kiln serve` on a copy of the course. Prints the time from saving a file to the
//! reload event reaching a browser's event stream, for prose edits and for an edit of one code
//! block (which recompiles and reruns that block).
//!
//! Run with `cargo bench --bench serve` (`KILN_BENCH_BIN=target/debug/kiln` to measure the
//! development binary that `cargo run -- serve` starts). The copy builds into a fresh cache (its lesson
//! programs compile once at start, against the shared Burn build in the user's compile folder).

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

mod support;

const POST: &str = "content/module-2/04-role-of-activations.md";

fn main() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().expect("a temporary folder");
    let site = support::copy_course(&repo, &work.path().join("site"));

    let started = Instant::now();
    // `KILN_BENCH_BIN=target/debug/kiln` measures the binary `cargo run` gives.
    let binary = std::env::var_os("KILN_BENCH_BIN")
        .map(PathBuf::from)
        .map(|b| if b.is_absolute() { b } else { repo.join(b) })
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_kiln")));
    println!("binary: {}", binary.display());
    let mut child = Command::new(&binary)
        .args(["serve", "--port", "0"])
        .current_dir(&site)
        .env("KILN_CACHE_DIR", site.join(".cache"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting kiln serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().trim_start_matches("serving ").to_string();
    println!(
        "serve: first build of the course copy (lessons compiled and run) in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let (tx, events) = mpsc::channel::<Instant>();
    let stream_url = format!("{url}__kiln/events");
    std::thread::spawn(move || {
        let response = ureq::get(stream_url).call().unwrap();
        for line in BufReader::new(response.into_body().into_reader())
            .lines()
            .map_while(Result::ok)
        {
            if line == "event: reload" && tx.send(Instant::now()).is_err() {
                return;
            }
        }
    });
    std::thread::sleep(Duration::from_millis(300));

    let post = site.join(POST);
    let original = fs::read_to_string(&post).unwrap();
    let mut prose = Vec::new();
    for round in 0..10 {
        let text = original.replace(
            "Imagine you have a box",
            &format!("Imagine ({round}) you have a box"),
        );
        prose.push(save_and_wait(&post, &text, &events));
    }
    report("prose edit -> reload event", &mut prose);

    let mut code = Vec::new();
    for round in 0..3 {
        let text = original.replace(
            "Tensor::random([5, 3], Distribution::Normal(0.0, 1.0), &device)",
            &format!(
                "Tensor::random([{}, 3], Distribution::Normal(0.0, 1.0), &device)",
                6 + round
            ),
        );
        code.push(save_and_wait(&post, &text, &events));
    }
    report("code edit (one block) -> reload event", &mut code);

    let _ = child.kill();
    let _ = child.wait();
}

fn save_and_wait(path: &Path, text: &str, events: &mpsc::Receiver<Instant>) -> f64 {
    while events.try_recv().is_ok() {}
    let saved = Instant::now();
    fs::write(path, text).unwrap();
    let reloaded = events
        .recv_timeout(Duration::from_secs(120))
        .expect("a reload event");
    let seconds = reloaded.duration_since(saved).as_secs_f64();
    std::thread::sleep(Duration::from_millis(200));
    seconds
}

fn report(label: &str, samples: &mut [f64]) {
    samples.sort_by(f64::total_cmp);
    let median = samples[samples.len() / 2];
    println!(
        "{label}: median {:.0} ms, min {:.0} ms, max {:.0} ms over {} saves",
        median * 1000.0,
        samples[0] * 1000.0,
        samples[samples.len() - 1] * 1000.0,
        samples.len()
    );
}
