//! `check`'s own checks on fixture sites: numbers quoted in prose that no output prints, blocks
//! whose two runs differ (`--twice`), and the JUnit and JSON reports of every block
//! (`--report`), written whether the check passes or fails.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::*;
use kiln::site::{self, Mode, Session};

#[test]
fn a_number_no_run_printed_is_a_warning_at_its_place() {
    let site = fixture("exec-numbers");
    let report = match site::build(&options(site.path(), Mode::Check), &mut Session::new()) {
        Ok(report) => report,
        Err(failure) => panic!("{failure}"),
    };
    let warnings: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
    let stale = |at: &str| {
        format!(
            "content/m/01-fit.md:{at}: warning: 0.1502 is quoted here, but no program on this page prints it; correct it, or if it is not from a run, add it to `numbers_not_from_runs` in the front matter\n    the nearest number printed is 0.1497 (the block at line 12)"
        )
    };
    assert_eq!(warnings, [stale("28:52"), stale("29:30")]);
    let n = report.stats.numbers;
    assert_eq!(
        (n.pages, n.quoted, n.in_formulas),
        (1, 11, 3),
        "the heading, the references and the bare-number link hold no quotes: {n:?}"
    );
    assert_eq!(
        (n.printed, n.set, n.marked, n.stale),
        (5, 2, 2, 2),
        "0.05 is set by the code and 0.35 by a formula that works it out: {n:?}"
    );
    assert!(
        report.stats.summary("checked").contains(
            "numbers: 11 quoted in 1 pages with output (3 by formulas, the rest in prose): 5 printed there, 2 set in their code or worked out in formulas, 2 marked as not from a run, 2 printed by no program"
        ),
        "{}",
        report.stats.summary("checked")
    );

    // `build` publishes without looking; `check --deny-warnings` fails on it.
    assert!(build_ok(site.path()).warnings.is_empty());
    let (ok, _, stderr) = kiln(site.path(), &["check", "--deny-warnings"]);
    assert!(!ok, "{stderr}");
    assert!(
        stderr.contains("content/m/01-fit.md:28:52: warning: 0.1502"),
        "{stderr}"
    );

    // Marked as not from a run, it passes; the mark that no longer matches is reported.
    let post = site.path().join("content/m/01-fit.md");
    let text = fs::read_to_string(&post).unwrap();
    fs::write(
        &post,
        text.replace("\"1.8\"]", "\"1.8\", \"0.1502\", \"0.33\"]"),
    )
    .unwrap();
    let (ok, _, stderr) = kiln(site.path(), &["check"]);
    assert!(ok, "{stderr}");
    assert!(!stderr.contains("0.1502 is quoted"), "{stderr}");
    assert!(
        stderr.contains("content/m/01-fit.md:5:1: warning: `numbers_not_from_runs` lists 0.33, which this page's prose does not quote; remove it"),
        "{stderr}"
    );
}

#[test]
fn twice_reports_the_blocks_whose_runs_differ_at_their_lines() {
    let site = fixture("exec-twice");
    let mut options = options(site.path(), Mode::Check);
    options.twice = true;
    options.fresh = true;
    let mut session = Session::new();
    let report = site::build(&options, &mut session).unwrap_or_else(|f| panic!("{f}"));
    let warnings: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert!(
        warnings[0].starts_with(
            "content/m/01-clock.md:17:1: warning: this block's output changed when it ran again"
        ),
        "{warnings:#?}"
    );
    assert!(
        warnings[0].contains("\n    output line 2:\n      - now "),
        "{warnings:#?}"
    );
    assert!(
        !warnings[0].contains("line 1:"),
        "the line that did not change is not shown: {warnings:#?}"
    );
    assert!(
        warnings[1].starts_with("content/m/01-clock.md:30:1: warning: this block's output changed")
            && warnings[1].contains("figure clock.svg line 2:"),
        "{warnings:#?}"
    );
    let exec = report.stats.exec;
    assert_eq!(
        (exec.ran, exec.reruns, exec.differed),
        (4, 4, 2),
        "{exec:?}"
    );
    assert!(
        report
            .stats
            .summary("checked")
            .contains("4 run twice, 2 of them differently")
    );

    // The report says which blocks differed, and how.
    let json = kiln::report::render(kiln::report::Format::Json, session.blocks());
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let second: Vec<&str> = value["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["second_run"].as_str().unwrap())
        .collect();
    assert_eq!(second, ["same", "differed", "differed", "same"]);
    assert!(
        value["blocks"][1]["difference"]
            .as_str()
            .unwrap()
            .starts_with("output line 2:")
    );

    // From the command line, `--twice` runs afresh even when every result is cached.
    let (ok, _, stderr) = kiln(site.path(), &["check", "--twice"]);
    assert!(ok, "warnings do not fail the check: {stderr}");
    assert!(
        stderr.contains("content/m/01-clock.md:17:1: warning: this block's output changed")
            && stderr.contains("4 run twice, 2 of them differently"),
        "{stderr}"
    );

    // Without --twice, nothing is said.
    let plain = site::build(
        &common::options(site.path(), Mode::Check),
        &mut Session::new(),
    )
    .unwrap_or_else(|f| panic!("{f}"));
    assert!(plain.warnings.is_empty(), "{:?}", plain.warnings);
    assert_eq!(plain.stats.exec.reruns, 0);
}

/// The attributes of every element named `name` in `xml`, in order, read by an XML parser
/// (which fails the test if the document is not well formed).
fn elements(xml: &str, name: &str) -> Vec<BTreeMap<String, String>> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut found = Vec::new();
    let mut depth: i64 = 0;
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("the report is not well-formed XML: {e}\n{xml}"));
        let element = match &event {
            Event::Start(e) => {
                depth += 1;
                Some(e.clone())
            }
            Event::Empty(e) => Some(e.clone()),
            Event::End(_) => {
                depth -= 1;
                None
            }
            Event::Eof => break,
            _ => None,
        };
        if let Some(element) = element
            && AsRef::<str>::as_ref(&element.name()) == name
        {
            found.push(
                element
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap();
                        (
                            AsRef::<str>::as_ref(&a.key).to_string(),
                            a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                                .unwrap()
                                .into_owned(),
                        )
                    })
                    .collect(),
            );
        }
    }
    assert_eq!(depth, 0, "every element is closed");
    found
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn reports_list_every_block_with_its_status_and_times() {
    let site = fixture("exec");
    let out = tempfile::tempdir().unwrap();
    let junit = out.path().join("ci/junit.xml");
    let json = out.path().join("report.json");
    let junit_arg = format!("junit={}", junit.display());
    let json_arg = format!("json={}", json.display());
    let (ok, _, stderr) = kiln(
        site.path(),
        &["check", "--report", &junit_arg, "--report", &json_arg],
    );
    assert!(ok, "{stderr}");
    assert!(stderr.contains("wrote the report"), "{stderr}");

    let xml = read(&junit);
    let suites = elements(&xml, "testsuites");
    assert_eq!(suites.len(), 1);
    assert_eq!(
        (
            &suites[0]["tests"][..],
            &suites[0]["failures"][..],
            &suites[0]["skipped"][..]
        ),
        ("12", "0", "1")
    );
    let suite = elements(&xml, "testsuite");
    assert_eq!(suite.len(), 1);
    assert_eq!(suite[0]["name"], "content/m/01-modes.md");
    let cases = elements(&xml, "testcase");
    assert_eq!(cases.len(), 12);
    assert_eq!(cases[0]["file"], "content/m/01-modes.md");
    assert_eq!(cases[0]["line"], "9");
    assert_eq!(cases[0]["name"], "line 9");
    let lines: Vec<usize> = cases.iter().map(|c| c["line"].parse().unwrap()).collect();
    assert!(
        lines.windows(2).all(|w| w[0] < w[1]),
        "in page order: {lines:?}"
    );
    let properties = elements(&xml, "property");
    let status: Vec<&str> = properties
        .iter()
        .filter(|p| p["name"] == "status")
        .map(|p| p["value"].as_str())
        .collect();
    assert_eq!(status.iter().filter(|s| **s == "passed").count(), 11);
    assert_eq!(status[3], "ignored");
    assert_eq!(elements(&xml, "skipped").len(), 1);
    assert!(elements(&xml, "failure").is_empty());

    let report: serde_json::Value = serde_json::from_str(&read(&json)).unwrap();
    assert_eq!(report["schema"], "kiln-check-report/1");
    assert_eq!(report["summary"]["blocks"], 12);
    assert_eq!(report["summary"]["passed"], 11);
    assert_eq!(report["summary"]["ignored"], 1);
    let blocks = report["blocks"].as_array().unwrap();
    let modes: Vec<&str> = blocks.iter().map(|b| b["mode"].as_str().unwrap()).collect();
    assert_eq!(
        &modes[3..7],
        ["ignore", "no_run", "should_panic", "compile_fail"]
    );
    let ran = &blocks[8];
    assert_eq!(ran["page"], "content/m/01-modes.md");
    assert_eq!(ran["status"], "passed");
    assert!(ran["run_seconds"].as_f64().unwrap() > 0.0, "{ran}");
    let compiled: f64 = blocks
        .iter()
        .map(|b| b["compile_seconds"].as_f64().unwrap())
        .sum();
    assert!(
        compiled > 0.0,
        "the compile time is shared among the blocks"
    );

    // A second check takes everything from the cache, and says so.
    let (ok, _, stderr) = kiln(site.path(), &["check", "--report", &json_arg]);
    assert!(ok, "{stderr}");
    let again: serde_json::Value = serde_json::from_str(&read(&json)).unwrap();
    assert_eq!(again["summary"]["cached"], 11);
    assert_eq!(again["summary"]["compile_seconds"], 0.0);
    let same_order = |r: &serde_json::Value| -> Vec<(String, u64)> {
        r["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| (b["page"].to_string(), b["line"].as_u64().unwrap()))
            .collect()
    };
    assert_eq!(same_order(&report), same_order(&again));
}

#[test]
fn failed_checks_still_write_reports_with_each_failure_kind() {
    let site = fixture("exec-failures");
    let out = tempfile::tempdir().unwrap();
    let junit = out.path().join("junit.xml");
    let json = out.path().join("report.json");
    let (ok, _, stderr) = kiln(
        site.path(),
        &[
            "check",
            "--report",
            &format!("junit={}", junit.display()),
            "--report",
            &format!("json={}", json.display()),
        ],
    );
    assert!(!ok, "{stderr}");

    let xml = read(&junit);
    let suites: Vec<String> = elements(&xml, "testsuite")
        .into_iter()
        .map(|s| s["name"].clone())
        .collect();
    assert_eq!(
        suites,
        [
            "content/m/01-compile-error.md",
            "content/m/02-panic.md",
            "content/m/03-timeout.md",
            "content/m/04-memory.md",
            "content/m/05-huge-output.md",
            "content/m/06-expectations.md",
        ]
    );
    let failures: Vec<(String, String)> = elements(&xml, "failure")
        .into_iter()
        .map(|f| (f["type"].clone(), f["message"].clone()))
        .collect();
    let types: Vec<&str> = failures.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        types,
        [
            "compile_error",
            "panicked",
            "timed_out",
            "out_of_memory",
            "too_much_output",
            "unexpected_pass",
            "unexpected_compile",
            "exit_status",
        ]
    );
    assert_eq!(
        failures[1].1,
        "the block panicked: index out of bounds: the len is 3 but the index is 5"
    );
    assert!(xml.contains("content/m/02-panic.md:11:"), "{xml}");

    let report: serde_json::Value = serde_json::from_str(&read(&json)).unwrap();
    assert_eq!(report["summary"]["failed"], 8);
    assert_eq!(report["summary"]["passed"], 1, "the fine block of page 1.1");
    let compile_error = &report["blocks"][1];
    assert_eq!(compile_error["status"], "failed");
    assert_eq!(compile_error["line"], 17);
    let failure = &compile_error["failures"][0];
    assert_eq!(failure["kind"], "compile_error");
    assert_eq!(failure["file"], "content/m/01-compile-error.md");
    assert_eq!(
        failure["line"], 21,
        "the line of the error, inside its fold"
    );
    assert!(
        failure["message"].as_str().unwrap().contains("E0277"),
        "{failure}"
    );
    let timeout = &report["blocks"][3];
    assert_eq!(timeout["failures"][0]["kind"], "timed_out");
    assert!(timeout["run_seconds"].as_f64().unwrap() >= 1.0, "{timeout}");
}

#[test]
fn a_report_that_cannot_be_written_fails_the_check() {
    let site = fixture("basic");
    let blocker = site.path().join("file");
    fs::write(&blocker, "").unwrap();
    let target = format!("json={}", blocker.join("report.json").display());
    let (ok, _, stderr) = kiln(site.path(), &["check", "--report", &target]);
    assert!(!ok, "{stderr}");
    assert!(
        stderr.contains("error: cannot write the report"),
        "{stderr}"
    );
    let (ok, _, stderr) = kiln(site.path(), &["check", "--report", "xml=r.xml"]);
    assert!(!ok && stderr.contains("unknown report format"), "{stderr}");
}
