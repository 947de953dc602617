//! Benchmark: what containment costs. The course is built with `execute.sandbox = "auto"` (PID
//! and network namespaces, Landlock, a clean environment) and with `"off"`, side by side and
//! alternately: every block run afresh (`--fresh`; the programs are compiled already, so this
//! times running them), and a warm build with every result cached. Prints each time and the
//! ratio auto/off.
//!
//! Run with `cargo bench --bench containment`; `KILN_BENCH_ROUNDS=N` (default 2) sets how many
//! times each variant runs. Lesson programs compile in the user's shared compile folder.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use kiln::site::{self, Mode, Options, Session};

mod support;

fn main() {
    let repo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let rounds: usize = std::env::var("KILN_BENCH_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2);
    let work = tempfile::tempdir().expect("a temporary folder");
    let sites = ["auto", "off"].map(|mode| {
        let site = support::copy_course(&repo, &work.path().join(mode));
        let config = site.join("config.toml");
        let text = fs::read_to_string(&config).unwrap();
        let text = text.replacen(
            "[execute]\n",
            &format!("[execute]\nsandbox = \"{mode}\"\n"),
            1,
        );
        fs::write(&config, text).unwrap();
        // Compiles the programs once (and checks the site builds this way).
        build(&site, false);
        (mode, site)
    });
    let mut fresh = [Vec::new(), Vec::new()];
    let mut warm = [Vec::new(), Vec::new()];
    for round in 1..=rounds {
        for (i, (mode, site)) in sites.iter().enumerate() {
            let (time, ran) = build(site, true);
            println!(
                "round {round}: sandbox {mode:>4}, every block afresh: {:.2} s ({ran} blocks run)",
                time.as_secs_f64()
            );
            fresh[i].push(time);
            let (time, _) = build(site, false);
            println!(
                "round {round}: sandbox {mode:>4}, warm: {:.3} s",
                time.as_secs_f64()
            );
            warm[i].push(time);
        }
    }
    let median = |times: &mut Vec<Duration>| {
        times.sort();
        times[times.len() / 2].as_secs_f64()
    };
    let (fa, fo) = (median(&mut fresh[0]), median(&mut fresh[1]));
    let (wa, wo) = (median(&mut warm[0]), median(&mut warm[1]));
    println!(
        "every block afresh: auto {fa:.2} s, off {fo:.2} s, auto/off = {:.3}",
        fa / fo
    );
    println!(
        "warm (all cached):  auto {wa:.3} s, off {wo:.3} s, auto/off = {:.3}",
        wa / wo
    );
}

/// Builds `site` in memory; returns the time and how many blocks ran.
fn build(site: &Path, fresh: bool) -> (Duration, usize) {
    let mut options = Options::new(site, Mode::Build);
    options.cache_dir = Some(site.join(".cache"));
    options.fresh = fresh;
    let started = Instant::now();
    let report = site::build(&options, &mut Session::new()).unwrap_or_else(|f| panic!("{f}"));
    (started.elapsed(), report.stats.exec.ran)
}
