//! Every site under `tests/fixtures/invalid/` must fail `check`, and its errors must contain
//! each line of its `expected.txt`: the message at the file, line and column of the problem.

mod common;

use std::fs;

use common::*;

#[test]
fn every_invalid_fixture_fails_with_its_file_and_line() {
    let dir = repo().join("tests/fixtures/invalid");
    let mut cases: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 15, "the invalid set has its cases");
    let mut failures = Vec::new();
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let site = fixture(&format!("invalid/{name}"));
        let expected = fs::read_to_string(case.join("expected.txt")).unwrap();
        let (ok, _, stderr) = kiln(site.path(), &["check"]);
        if ok {
            failures.push(format!("{name}: check succeeded"));
            continue;
        }
        for line in expected.lines().filter(|l| !l.trim().is_empty()) {
            if !stderr.contains(line) {
                failures.push(format!("{name}: expected {line:?} in:\n{stderr}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
