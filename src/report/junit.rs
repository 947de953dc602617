//! The JUnit XML report, as CI systems read it: `<testsuites>` for the check, a `<testsuite>`
//! per page, a `<testcase>` per block with its file, line and time (compile share plus run),
//! its status, mode and times as properties, and a `<failure>` (the block failed), `<error>`
//! (the check stopped before it) or `<skipped>` (`ignore`) element.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use super::xml::{attr, text};
use super::{Entry, EntryStatus, seconds, title};
use crate::execute::SecondRun;

/// Counts of a suite: tests, failures, errors, skipped, and time in seconds.
#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
    time: f64,
}

impl Counts {
    fn add(&mut self, entry: &Entry) {
        self.tests += 1;
        match entry.status {
            EntryStatus::Failed => self.failures += 1,
            EntryStatus::NotRun => self.errors += 1,
            EntryStatus::Ignored => self.skipped += 1,
            EntryStatus::Passed | EntryStatus::Cached => {}
        }
        self.time += seconds(entry.compile) + seconds(entry.run);
    }

    fn attributes(&self) -> String {
        format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\"",
            self.tests, self.failures, self.errors, self.skipped, self.time
        )
    }
}

/// The report's XML.
pub(super) fn render(entries: &[Entry]) -> String {
    // Pages in the order their first block comes, which is the site's page order.
    let mut order: Vec<&Path> = Vec::new();
    let mut by_page: BTreeMap<&Path, Vec<&Entry>> = BTreeMap::new();
    for entry in entries {
        if !by_page.contains_key(entry.page.as_path()) {
            order.push(&entry.page);
        }
        by_page.entry(&entry.page).or_default().push(entry);
    }
    let mut total = Counts::default();
    entries.iter().for_each(|e| total.add(e));
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"kiln check\" {}>",
        total.attributes()
    );
    for page in order {
        let blocks = &by_page[page];
        let mut counts = Counts::default();
        blocks.iter().for_each(|e| counts.add(e));
        let name = page.to_string_lossy();
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{}\" {}>",
            attr(&name),
            counts.attributes()
        );
        for entry in blocks {
            testcase(&mut xml, entry);
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

fn testcase(xml: &mut String, entry: &Entry) {
    let page = entry.page.to_string_lossy();
    let class = page.strip_suffix(".md").unwrap_or(&page);
    let _ = writeln!(
        xml,
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\" time=\"{:.3}\">",
        attr(&title(entry)),
        attr(class),
        attr(&page),
        entry.line,
        seconds(entry.compile) + seconds(entry.run)
    );
    xml.push_str("      <properties>\n");
    let mut properties = vec![
        ("status", entry.status.name().to_string()),
        ("mode", entry.mode.to_string()),
        ("compile_seconds", format!("{:.3}", seconds(entry.compile))),
        ("run_seconds", format!("{:.3}", seconds(entry.run))),
    ];
    if let Some(second) = &entry.second_run {
        let word = match second {
            SecondRun::Same => "same",
            SecondRun::Differed(_) => "differed",
        };
        properties.push(("second_run", word.to_string()));
    }
    for (name, value) in properties {
        let _ = writeln!(
            xml,
            "        <property name=\"{name}\" value=\"{}\"/>",
            attr(&value)
        );
    }
    xml.push_str("      </properties>\n");
    match entry.status {
        EntryStatus::Failed => {
            let lines: Vec<String> = entry
                .failures
                .iter()
                .map(|(location, failure)| format!("{location}: {failure}"))
                .collect();
            let (message, kind) = entry
                .failures
                .first()
                .map(|(_, f)| (f.to_string(), f.kind()))
                .unwrap_or(("the block failed".into(), "failed"));
            let _ = writeln!(
                xml,
                "      <failure message=\"{}\" type=\"{kind}\">{}</failure>",
                attr(&message),
                text(&lines.join("\n"))
            );
        }
        EntryStatus::NotRun => xml.push_str(
            "      <error message=\"not run: the check stopped before this block; its errors say why\" type=\"not_run\"/>\n",
        ),
        EntryStatus::Ignored => {
            xml.push_str("      <skipped message=\"ignore: shown, never compiled\"/>\n")
        }
        EntryStatus::Passed | EntryStatus::Cached => {}
    }
    if let Some(SecondRun::Differed(diff)) = &entry.second_run {
        let _ = writeln!(
            xml,
            "      <system-out>{}</system-out>",
            text(&format!("the second run differed:\n{diff}"))
        );
    }
    xml.push_str("    </testcase>\n");
}
