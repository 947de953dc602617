//! A site whose fences are written as for rustdoc and mdBook (the edition 2015 default of an
//! mdBook book, per-block editions, attribute-only info strings, `Rust` and `rs` tags,
//! `ignore-<target>`, `test_harness`, `standalone_crate`, mdBook's attributes, error codes
//! and code ending in `Ok(())`) builds, runs what rustdoc would and warns only where it should.

mod common;

use std::fs;

use common::*;

/// The fixture with its `ignore-<target>` blocks naming this machine's OS and another one.
fn site() -> tempfile::TempDir {
    let site = fixture("fences");
    let page = site.path().join("content/m/01-fences.md");
    let here = std::env::consts::OS;
    let elsewhere = if here == "linux" { "windows" } else { "linux" };
    let text = fs::read_to_string(&page)
        .unwrap()
        .replace("IGNORE_HERE", &format!("ignore-{here}"))
        .replace("IGNORE_ELSEWHERE", &format!("ignore-{elsewhere}"));
    fs::write(&page, text).unwrap();
    site
}

#[test]
fn rustdoc_and_mdbook_fences_check_as_mdbook_test_passes_them() {
    let site = site();
    let report = build_ok(site.path());
    let html = page(&report, "m/fences/index.html");
    let blocks: Vec<&str> = html.split("<div class=\"code-block").skip(1).collect();
    assert_eq!(blocks.len(), 14);
    // The site's edition, 2015, and a block's own, 2024.
    assert!(blocks[0].contains("<pre>2015: 1</pre>"), "{}", blocks[0]);
    assert!(blocks[1].contains("<pre>2024: 3</pre>"), "{}", blocks[1]);
    // Attribute-only info strings are Rust.
    assert!(blocks[2].contains("Panicked, as intended"), "{}", blocks[2]);
    // `Rust` and `rs` are highlighted, not compiled; neither is a block ignored here.
    for shown_only in [3, 4, 5] {
        assert!(
            !blocks[shown_only].contains("block-result"),
            "{}",
            blocks[shown_only]
        );
    }
    assert!(blocks[6].contains("<pre>runs here</pre>"), "{}", blocks[6]);
    assert!(
        !blocks[7].contains("block-result"),
        "test_harness is not run"
    );
    // Compiled alone: the line is the program's own second line.
    assert!(blocks[8].contains("<pre>line 2</pre>"), "{}", blocks[8]);
    assert!(blocks[9].contains("<pre>editable</pre>"), "{}", blocks[9]);
    assert!(
        blocks[12].contains("Compiler error, as intended"),
        "{}",
        blocks[12]
    );
    assert!(blocks[13].contains("<pre>parsed 7</pre>"), "{}", blocks[13]);
    // A link written as mdBook writes links between chapters reaches the chapter's page.
    assert!(
        html.contains("<a href=\"../chapter-two/#more\">the next chapter</a>"),
        "{html}"
    );
    assert!(page(&report, "m/chapter-two/index.html").contains("<pre>chapter two</pre>"));

    // Warnings: the `Rust` tag and the test harness, nothing for mdBook's attributes.
    let warnings: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
    let ours: Vec<&String> = warnings
        .iter()
        .filter(|w| !w.contains("compiler warning"))
        .collect();
    assert_eq!(ours.len(), 2, "{warnings:#?}");
    assert!(
        ours[0].starts_with("content/m/01-fences.md:35:1: warning: `Rust` blocks are not compiled"),
        "{ours:?}"
    );
    assert!(
        ours[1].starts_with("content/m/01-fences.md:57:1: warning: `test_harness`"),
        "{ours:?}"
    );

    // 8 blocks of the first page compile, in 4 programs: one per edition, and one each for the
    // standalone crate and the compile_fail block; the second page is a fifth.
    let exec = report.stats.exec;
    assert_eq!((exec.blocks, exec.failed), (9, 0), "{exec:?}");
    assert_eq!(exec.binaries, 5, "{exec:?}");
}

#[test]
fn a_blocks_edition_is_part_of_its_cache_key() {
    let site = site();
    build_ok(site.path());
    let page = site.path().join("content/m/01-fences.md");
    let text = fs::read_to_string(&page).unwrap();
    // The same code, now asked to compile as Rust 2021, where `async` is a keyword.
    fs::write(
        &page,
        text.replacen(
            "```rust\nfn main() {\n    let async",
            "```rust,edition2021\nfn main() {\n    let async",
            1,
        ),
    )
    .unwrap();
    let error = build_err(site.path());
    assert!(
        error.contains("content/m/01-fences.md:11:9: error:"),
        "{error}"
    );
}
