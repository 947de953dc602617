//! The stale-number check on small pages: what it finds, what it lets pass and why, and where
//! it reports.

use std::path::PathBuf;

use super::*;

/// Formulas with the given TeX, one a line from line 50 on.
fn formulas(texts: &[&str]) -> Vec<Formula> {
    texts
        .iter()
        .enumerate()
        .map(|(i, tex)| Formula {
            tex: tex.to_string(),
            display: false,
            location: Location::at("content/m/01-a.md", 50 + i, 2),
        })
        .collect()
}

/// A page whose body is `body` (after a two-line front matter), with one block printing
/// `printed`, code `code`, the numbers marked in `marked` and a formula that works out 0.09.
fn check_page(
    body: &str,
    printed: &str,
    code: &str,
    marked: &[&str],
) -> (Vec<String>, NumberStats) {
    check_page_with(body, printed, code, marked, &["0.3^2 = 0.09"])
}

/// The same with the formulas `tex`.
fn check_page_with(
    body: &str,
    printed: &str,
    code: &str,
    marked: &[&str],
    tex: &[&str],
) -> (Vec<String>, NumberStats) {
    let text = format!("+++\ntitle = \"t\"\n+++\n{body}");
    let source = SourceFile {
        path: PathBuf::from("/site/content/m/01-a.md"),
        display: PathBuf::from("content/m/01-a.md"),
        body_offset: text.find(body).unwrap_or(text.len()),
        text,
    };
    let marked: Vec<String> = marked.iter().map(|m| m.to_string()).collect();
    // One paragraph per line of the body.
    let mut prose = Vec::new();
    let mut at = 0;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_end_matches('\n');
        if !trimmed.is_empty() {
            prose.push(std::iter::once(at..at + trimmed.len()).collect());
        }
        at += line.len();
    }
    let formulas = formulas(tex);
    let (diagnostics, stats) = check(&Page {
        source: &source,
        prose: &prose,
        code: vec![code.to_string()],
        formulas: formulas.iter().collect(),
        outputs: vec![Output {
            line: 40,
            text: printed.to_string(),
            figures: vec![b"<svg><text x=\"1\">12.75</text></svg>".as_slice()],
        }],
        not_from_runs: &marked,
        not_from_runs_line: 2,
    });
    (diagnostics.iter().map(ToString::to_string).collect(), stats)
}

#[test]
fn a_quote_no_output_prints_is_a_warning_at_its_place() {
    let (warnings, stats) = check_page(
        "The loss ends at 0.1497.\nThen it is 0.2274, and later 0.31.\n",
        "loss 0.1502\nfinal 0.227391\n",
        "",
        &[],
    );
    assert_eq!(
        warnings,
        [
            "content/m/01-a.md:4:18: warning: 0.1497 is quoted here, but no program on this page prints it; correct it, or if it is not from a run, add it to `numbers_not_from_runs` in the front matter\n    the nearest number printed is 0.1502 (the block at line 40)",
            "content/m/01-a.md:5:30: warning: 0.31 is quoted here, but no program on this page prints it; correct it, or if it is not from a run, add it to `numbers_not_from_runs` in the front matter",
        ]
    );
    assert_eq!(
        stats,
        NumberStats {
            pages: 1,
            quoted: 3,
            in_formulas: 0,
            printed: 1,
            set: 0,
            marked: 0,
            stale: 2,
        }
    );
}

#[test]
fn roundings_notations_percentages_and_figures_agree() {
    let (warnings, stats) = check_page(
        "Quotes 0.150, 1.5e-1, 94.5%, 2.4 × 10⁻⁷, 12.8 and −2.0020.\n",
        "loss=0.14972 acc 0.9451 tiny 2.41e-7 w [1.5091, -2.0020]\n",
        "",
        &[],
    );
    assert!(warnings.is_empty(), "{warnings:#?}");
    assert_eq!((stats.quoted, stats.printed), (6, 6));
}

#[test]
fn settings_formulas_constants_and_marked_numbers_are_not_stale() {
    let (warnings, stats) = check_page(
        "With lr 0.01 and 1e-4, variance 0.09, π is 3.1416, and 4.6 by hand.\n",
        "done\n",
        "let lr = 0.01;\nconst EPS: f64 = 1e-4_f64;\n",
        &["4.6"],
    );
    assert!(warnings.is_empty(), "{warnings:#?}");
    assert_eq!((stats.set, stats.marked, stats.stale), (4, 1, 0));
}

#[test]
fn references_integers_and_versions_are_not_quotes() {
    let (warnings, stats) = check_page(
        "As lessons 1.2 and 1.3 showed in 2026, 100 steps of Burn 0.22 (version 0.22.1) suffice.\n",
        "nothing printed here\n",
        "",
        &[],
    );
    assert!(warnings.is_empty(), "{warnings:#?}");
    assert_eq!(stats.quoted, 0);
}

#[test]
fn a_marked_number_the_prose_does_not_quote_is_reported() {
    let (warnings, _) = check_page("Only 0.5 here.\n", "0.5\n", "", &["0.7", "seven"]);
    assert_eq!(
        warnings,
        [
            "content/m/01-a.md:2:1: warning: `numbers_not_from_runs` lists 0.7, which this page's prose does not quote; remove it",
            "content/m/01-a.md:2:1: warning: `numbers_not_from_runs` lists \"seven\", which is not a decimal number as prose writes one (like \"0.01\", \"1e-4\" or \"2.5%\")",
        ]
    );
}

#[test]
fn a_formula_stating_one_number_is_checked_and_one_working_it_out_is_not() {
    let (warnings, stats) = check_page_with(
        "The bottom is at 0.2274, and the slope 0.2350 by hand.\n",
        "loss 0.2276\n",
        "",
        &[],
        &[
            "L^* = 0.2274",
            "1.28 \\times 10^{-8}",
            "0.6225 \\cdot 0.3775 = 0.2350",
            "e^{-0.5} = x_{10}",
            "\\hat y = 2.0543 x + 0.9993",
        ],
    );
    assert_eq!(
        warnings,
        [
            "content/m/01-a.md:4:18: warning: 0.2274 is quoted here, but no program on this page prints it; correct it, or if it is not from a run, add it to `numbers_not_from_runs` in the front matter\n    the nearest number printed is 0.2276 (the block at line 40)",
            "content/m/01-a.md:50:8: warning: 0.2274 is quoted here, but no program on this page prints it; correct it, or if it is not from a run, add it to `numbers_not_from_runs` in the front matter\n    the nearest number printed is 0.2276 (the block at line 40)",
            "content/m/01-a.md:51:2: warning: 1.28 \\times 10^{-8} is quoted here, but no program on this page prints it; correct it, or if it is not from a run, add it to `numbers_not_from_runs` in the front matter",
        ],
        "the worked formulas are left alone and the slope they work out is set by the page"
    );
    assert_eq!(
        (stats.quoted, stats.in_formulas, stats.set, stats.stale),
        (4, 2, 1, 3)
    );
}

#[test]
fn marks_name_a_number_in_any_notation() {
    let (warnings, stats) = check_page_with(
        "A nudge of +0.01, and about 4 × 10⁻¹².\n",
        "nothing near\n",
        "",
        &["0.01", "4e-12", "3.14e23"],
        &["4 \\cdot 10^{-12}", "3.14 \\times 10^{23}"],
    );
    assert!(warnings.is_empty(), "{warnings:#?}");
    assert_eq!((stats.quoted, stats.marked, stats.stale), (4, 4, 0));
}
