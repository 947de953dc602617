//! Spec table of fence info strings: what each attribute of kiln, rustdoc and mdBook does.

use super::*;

#[test]
fn plain_rust_runs() {
    let a = FenceAttrs::parse("rust");
    assert!(a.is_rust() && a.compiles());
    assert_eq!(a.mode, RunMode::Run);
    assert_eq!(a.edition, None);
    assert!(a.unknown.is_empty() && a.errors.is_empty() && a.warnings.is_empty());
}

#[test]
fn rustdoc_attributes_and_ours() {
    let cases = [
        ("rust,ignore", RunMode::Ignore),
        ("rust no_run", RunMode::NoRun),
        ("rust, should_panic", RunMode::ShouldPanic),
        ("rust,compile_fail", RunMode::CompileFail),
    ];
    for (info, mode) in cases {
        assert_eq!(FenceAttrs::parse(info).mode, mode, "{info}");
    }
    assert!(!FenceAttrs::parse("rust,ignore").compiles());
    let a = FenceAttrs::parse("rust,solution,hide_output");
    assert!(a.solution && a.hide_output);
}

#[test]
fn the_language_tag_is_case_sensitive_as_in_rustdoc() {
    for info in ["Rust", "RUST,no_run"] {
        let a = FenceAttrs::parse(info);
        assert!(!a.is_rust() && !a.compiles(), "{info}");
        assert_eq!(a.lang, "rust", "still highlighted as Rust");
        assert_eq!(a.warnings.len(), 1, "{info}: {:?}", a.warnings);
        assert!(a.warnings[0].contains("case-sensitive"), "{:?}", a.warnings);
    }
    let rs = FenceAttrs::parse("rs");
    assert!(!rs.is_rust() && rs.warnings.is_empty());
    assert!(
        !FenceAttrs::parse("").is_rust(),
        "an unlabelled block is not compiled"
    );
    assert!(!FenceAttrs::parse("text").is_rust());
}

#[test]
fn an_info_string_of_rustdoc_attributes_is_rust() {
    let cases = [
        ("ignore", RunMode::Ignore),
        ("no_run", RunMode::NoRun),
        ("should_panic", RunMode::ShouldPanic),
        ("compile_fail,E0382", RunMode::CompileFail),
        ("edition2018", RunMode::Run),
        ("standalone_crate", RunMode::Run),
    ];
    for (info, mode) in cases {
        let a = FenceAttrs::parse(info);
        assert!(a.is_rust(), "{info}");
        assert_eq!((a.lang.as_str(), a.mode), ("rust", mode), "{info}");
        assert!(a.unknown.is_empty() && a.errors.is_empty(), "{info}: {a:?}");
    }
    // Our own attributes do not make a block Rust: `solution` alone is a language.
    assert!(!FenceAttrs::parse("solution").is_rust());
    assert!(!FenceAttrs::parse("rust,custom").is_rust());
}

#[test]
fn editions() {
    for (info, edition) in [
        ("rust,edition2015", Edition::E2015),
        ("rust,edition2018", Edition::E2018),
        ("rust,edition2021,no_run", Edition::E2021),
        ("rust edition2024", Edition::E2024),
    ] {
        let a = FenceAttrs::parse(info);
        assert_eq!(a.edition, Some(edition), "{info}");
        assert!(a.unknown.is_empty() && a.errors.is_empty(), "{info}");
    }
    let bad = FenceAttrs::parse("rust,edition2019");
    assert_eq!(bad.edition, None);
    assert_eq!(bad.errors.len(), 1);
    assert!(bad.errors[0].contains("edition2019"), "{:?}", bad.errors);
}

#[test]
fn mdbook_attributes_are_accepted_without_warnings() {
    for info in [
        "rust,editable",
        "rust,noplayground",
        "rust,noplaypen",
        "rust,ignore,mdbook-runnable",
        "rust,editable,should_panic",
        "python,hidelines=!!!",
    ] {
        let a = FenceAttrs::parse(info);
        assert!(
            a.unknown.is_empty() && a.warnings.is_empty() && a.errors.is_empty(),
            "{info}: {a:?}"
        );
    }
    assert_eq!(
        FenceAttrs::parse("rust,editable,should_panic").mode,
        RunMode::ShouldPanic,
        "kiln knows mdBook's attributes, so they do not turn the block into another language"
    );
    assert!(!FenceAttrs::parse("rust,ignore,mdbook-runnable").compiles());
}

#[test]
fn ignore_target_matches_the_host_triple() {
    let host = "x86_64-unknown-linux-gnu";
    assert_eq!(
        FenceAttrs::parse_for("rust,ignore-windows", host).mode,
        RunMode::Run
    );
    assert_eq!(
        FenceAttrs::parse_for("rust,ignore-linux", host).mode,
        RunMode::Ignore
    );
    assert_eq!(
        FenceAttrs::parse_for("ignore-x86_64,should_panic", host).mode,
        RunMode::Ignore
    );
    // As in rustdoc, a target-specific ignore replaces a plain one.
    assert_eq!(
        FenceAttrs::parse_for("rust,ignore,ignore-wasm", host).mode,
        RunMode::Run
    );
    let a = FenceAttrs::parse_for("ignore-windows", host);
    assert!(a.is_rust() && a.compiles() && a.unknown.is_empty());
}

#[test]
fn standalone_crate_and_error_codes() {
    let a = FenceAttrs::parse("rust,standalone_crate");
    assert!(a.standalone && a.compiles());
    let b = FenceAttrs::parse("rust,compile_fail,E0382,E0499");
    assert_eq!(b.error_codes, ["E0382", "E0499"]);
    assert!(b.warnings.is_empty());
    let c = FenceAttrs::parse("rust,E0382");
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    assert_eq!(FenceAttrs::parse("rust,E038").unknown, ["E038"]);
}

#[test]
fn test_harness_blocks_are_shown_with_a_warning() {
    let a = FenceAttrs::parse("rust,test_harness");
    assert!(a.is_rust() && !a.compiles());
    assert_eq!(a.warnings.len(), 1);
    assert!(a.warnings[0].contains("#[test]"), "{:?}", a.warnings);
}

#[test]
fn several_modes_resolve_as_in_rustdoc() {
    let cases = [
        ("rust,compile_fail,no_run", RunMode::CompileFail, 1),
        ("rust,no_run,should_panic", RunMode::NoRun, 1),
        ("rust,should_panic,ignore,no_run", RunMode::Ignore, 2),
        ("rust,no_run,no_run", RunMode::NoRun, 0),
    ];
    for (info, mode, warnings) in cases {
        let a = FenceAttrs::parse(info);
        assert_eq!(a.mode, mode, "{info}");
        assert_eq!(a.warnings.len(), warnings, "{info}: {:?}", a.warnings);
        assert!(a.errors.is_empty(), "{info}");
    }
    assert_eq!(
        FenceAttrs::parse("rust,no_run,should_panic").warnings,
        ["`should_panic` has no effect with `no_run`"]
    );
}

#[test]
fn quoted_values_keep_commas_and_spaces() {
    let a = FenceAttrs::parse(r#"rust,caption="ReLU, sigmoid and \"tanh\"",timeout=120"#);
    assert_eq!(a.captions, [r#"ReLU, sigmoid and "tanh""#]);
    let two = FenceAttrs::parse(r#"rust,caption="Loss",caption="Fit",alt="Falls, then flat""#);
    assert_eq!(two.captions, ["Loss", "Fit"]);
    assert_eq!(two.alts, ["Falls, then flat"]);
    assert_eq!(a.timeout, Some(120.0));
}

#[test]
fn comments_are_dropped() {
    let a = FenceAttrs::parse("ignore (needs the network)");
    assert!(a.is_rust() && a.unknown.is_empty());
    assert_eq!(a.mode, RunMode::Ignore);
}

#[test]
fn unknown_and_malformed_attributes_are_reported() {
    let a = FenceAttrs::parse("rust,allow_fail,no-run,timeout=-3,caption,alt");
    assert_eq!(a.unknown, ["allow_fail", "no-run"]);
    assert_eq!(a.errors.len(), 3);
}

#[test]
fn other_languages() {
    assert_eq!(FenceAttrs::parse("TOML").lang, "toml");
    assert!(!FenceAttrs::parse("sh").is_rust());
    assert_eq!(FenceAttrs::parse("").lang, "");
}
