//! Building whole fixture sites: rendered pages compared with snapshots, byte-identical
//! rebuilds, the output swap that keeps the previous site when a build fails, and the CLI.

mod common;

use std::fs;

use common::*;

#[test]
fn basic_site_pages_match_their_snapshots() {
    let site = fixture("basic");
    let report = build_ok(site.path());
    for path in [
        "index.html",
        "intro/index.html",
        "intro/first-steps/index.html",
        "intro/first-steps-questions/index.html",
        "intro/second-steps/index.html",
        "blog/index.html",
        "tags/index.html",
        "tags/fixture/index.html",
        "404.html",
        "atom.xml",
        "sitemap.xml",
    ] {
        let name = path.replace('/', "__");
        insta::assert_snapshot!(name, page(&report, path));
    }
}

#[test]
fn code_blocks_have_copy_buttons_and_folds() {
    let site = fixture("code-blocks");
    let report = build_ok(site.path());
    let folds = page(&report, "m/folds/index.html");
    insta::assert_snapshot!("code-blocks__folds", folds);
    assert_eq!(folds.matches("class=\"code-copy\"").count(), 3);
    assert_eq!(folds.matches("<details class=\"fold\">").count(), 1);
    assert!(folds.contains("<script src=\"../../code.js\" defer></script>"));
    let script = page(&report, "code.js");
    assert!(script.contains("navigator.clipboard"), "{script}");
}

#[test]
fn the_site_has_every_page_and_asset_and_no_drafts() {
    let site = fixture("basic");
    let report = build_ok(site.path());
    // The search index is tested on its own; here it only has to be there.
    let paths: Vec<&str> = report
        .files
        .paths()
        .filter(|p| !p.starts_with("pagefind/") || *p == "pagefind/pagefind.js")
        .collect();
    assert_eq!(
        paths,
        [
            "404.html",
            "atom.xml",
            "blog/index.html",
            "code.js",
            "highlight.css",
            "index.html",
            "intro/first-steps-questions/index.html",
            "intro/first-steps/index.html",
            "intro/index.html",
            "intro/second-steps/index.html",
            "pagefind/pagefind.js",
            "search.js",
            "sitemap.xml",
            "style.css",
            "tags/fixture/index.html",
            "tags/index.html",
            "tags/reader-questions/index.html",
        ]
    );
    assert!(page(&report, "index.html").contains("id=\"search-input\""));
    let first = page(&report, "intro/first-steps/index.html");
    // Escaped title, typeset math, highlighted code, navigation.
    assert!(first.contains("<h1>First Steps &amp; &lt;Escapes&gt;</h1>"));
    assert!(first.contains("class=\"katex-display\""));
    assert!(first.contains("<span class=\"hl-source hl-rust\">"));
    assert!(first.contains("href=\"../first-steps-questions/\""));
    // The companion sits between the first and second posts, marked as the first's companion.
    let companion = page(&report, "intro/first-steps-questions/index.html");
    assert!(companion.contains("Companion to part 1.1"));
    assert!(companion.contains("href=\"../second-steps/\""));
    let home = page(&report, "index.html");
    let (first_at, companion_at, second_at) = (
        home.find("intro/first-steps/").unwrap(),
        home.find("intro/first-steps-questions/").unwrap(),
        home.find("intro/second-steps/").unwrap(),
    );
    assert!(
        first_at < companion_at && companion_at < second_at,
        "{home}"
    );
    assert!(home.contains("<li class=\"companion\">"));
    assert!(first.contains("https://cdn.jsdelivr.net/npm/katex@0.16.4/dist/katex.min.css"));
    assert!(!first.contains('\u{FDD0}'), "no placeholder is left");
    // Warnings do not fail the build but are reported.
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn two_builds_are_byte_identical() {
    let site = fixture("basic");
    let first = build_ok(site.path());
    // The second build reads every formula and highlighted block from the cache.
    let second = build_ok(site.path());
    assert_eq!(second.stats.math.rendered, 0);
    assert_eq!(first.files, second.files);
}

#[test]
fn drafts_are_published_on_request() {
    let site = fixture("basic");
    let mut options = options(site.path(), kiln::site::Mode::Build);
    options.drafts = kiln::content::Drafts::Include;
    let report = kiln::site::build(&options, &mut kiln::site::Session::new()).unwrap();
    assert!(report.files.get("intro/draft/index.html").is_some());
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = fixture("basic");
    let (ok, _, stderr) = kiln(site.path(), &["build"]);
    assert!(ok, "{stderr}");
    let public = site.path().join("public");
    let before = snapshot_tree(&public);
    assert!(before.iter().any(|(p, _)| p == "index.html"));

    let post = site.path().join("content/intro/02-second-steps.md");
    let text = fs::read_to_string(&post).unwrap();
    fs::write(
        &post,
        text.replace("What is $1 + 1$?", "What is $1 \\plusss 1$?"),
    )
    .unwrap();
    let (ok, _, stderr) = kiln(site.path(), &["build"]);
    assert!(!ok, "the build must fail");
    assert!(
        stderr.contains(
            "content/intro/02-second-steps.md:16:12: error: math: Undefined control sequence"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("previous output"), "{stderr}");
    assert_eq!(
        snapshot_tree(&public),
        before,
        "public/ is exactly as it was"
    );
    let leftovers: Vec<_> = fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("kiln-new") || n.contains("kiln-old"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn build_refuses_to_replace_a_folder_it_did_not_write() {
    let site = fixture("basic");
    let precious = site.path().join("precious");
    fs::create_dir_all(&precious).unwrap();
    fs::write(precious.join("notes.txt"), "keep me").unwrap();
    let (ok, _, stderr) = kiln(site.path(), &["build", "--output", "precious"]);
    assert!(!ok);
    assert!(stderr.contains("refusing to replace"), "{stderr}");
    assert_eq!(
        fs::read_to_string(precious.join("notes.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn a_site_without_templates_or_static_builds_with_the_built_in_ones() {
    let site = fixture("basic");
    assert!(!site.path().join("templates").exists() && !site.path().join("static").exists());
    let report = build_ok(site.path());
    assert!(page(&report, "style.css").contains("prefers-color-scheme: dark"));
}

#[test]
fn site_templates_and_static_files_override_the_built_in_ones() {
    let site = fixture("basic");
    fs::create_dir_all(site.path().join("templates")).unwrap();
    fs::write(
        site.path().join("templates/404.html"),
        "{% extends \"base.html\" %}{% block main %}Lost.{% endblock main %}",
    )
    .unwrap();
    fs::create_dir_all(site.path().join("static")).unwrap();
    fs::write(site.path().join("static/style.css"), "body { color: red }").unwrap();
    fs::write(site.path().join("static/extra.txt"), "hi").unwrap();
    let report = build_ok(site.path());
    assert!(page(&report, "404.html").contains("Lost."));
    assert_eq!(page(&report, "style.css"), "body { color: red }");
    assert_eq!(page(&report, "extra.txt"), "hi");
}

#[test]
fn content_can_link_to_static_and_generated_files() {
    let site = fixture("basic");
    fs::create_dir_all(site.path().join("static/data")).unwrap();
    fs::write(site.path().join("static/data/train.csv"), "x,y\n").unwrap();
    let post = site.path().join("content/intro/02-second-steps.md");
    let text = fs::read_to_string(&post).unwrap().replace(
        "Short.",
        "Short. The [data](/data/train.csv), the [feed](/atom.xml) and a [typo](/data/tran.csv).",
    );
    fs::write(&post, &text).unwrap();
    let errors = build_err(site.path());
    assert!(
        errors.contains("broken link: \"/data/tran.csv\""),
        "{errors}"
    );
    assert!(
        errors.contains("1 error found"),
        "only the typo is broken: {errors}"
    );
    fs::write(&post, text.replace(" and a [typo](/data/tran.csv)", "")).unwrap();
    let report = build_ok(site.path());
    let html = page(&report, "intro/second-steps/index.html");
    assert!(html.contains("href=\"../../data/train.csv\""), "{html}");
    assert!(html.contains("href=\"../../atom.xml\""), "{html}");
}

#[test]
fn check_writes_nothing_and_reports_success() {
    let site = fixture("basic");
    let before = snapshot_tree(site.path());
    let (ok, _, stderr) = kiln(site.path(), &["check"]);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("checked: 9 pages"), "{stderr}");
    assert!(!site.path().join("public").exists());
    assert!(
        !site.path().join(".cache/search").exists(),
        "check builds no search index"
    );
    let after: Vec<_> = snapshot_tree(site.path())
        .into_iter()
        .filter(|(path, _)| !path.starts_with(".cache"))
        .collect();
    assert_eq!(after, before, "check changed the site's files");
}

#[test]
fn check_prints_its_summary_when_it_finds_errors_too() {
    let site = fixture("basic");
    let post = site.path().join("content/intro/02-second-steps.md");
    let text = fs::read_to_string(&post).unwrap();
    fs::write(
        &post,
        text.replace("Short.", "A [broken](nowhere.md) link."),
    )
    .unwrap();
    let (ok, _, stderr) = kiln(site.path(), &["check"]);
    assert!(!ok);
    assert!(stderr.contains("1 error found"), "{stderr}");
    assert!(
        stderr.contains("checked: 5 pages"),
        "the Markdown pages: {stderr}"
    );
    assert!(stderr.contains("code: 0 blocks"), "{stderr}");
}

#[test]
fn every_command_has_help() {
    let site = fixture("basic");
    for command in [
        vec!["--help"],
        vec!["build", "--help"],
        vec!["check", "--help"],
        vec!["serve", "--help"],
        vec!["new", "--help"],
    ] {
        let (ok, stdout, _) = kiln(site.path(), &command);
        assert!(ok && stdout.contains("Usage:"), "{command:?}: {stdout}");
    }
}

#[test]
fn new_scaffolds_a_post_that_builds_as_a_draft() {
    let site = fixture("basic");
    let (ok, _, stderr) = kiln(
        site.path(),
        &["new", "1.3", "Planned Steps", "--date", "2026-02-01"],
    );
    assert!(ok, "{stderr}");
    let text = fs::read_to_string(site.path().join("content/intro/03-planned-steps.md")).unwrap();
    assert!(
        text.contains("## Introduction")
            && text.contains("## Summary")
            && text.contains("draft = true")
    );
    let (ok, _, stderr) = kiln(site.path(), &["check", "--drafts"]);
    assert!(ok, "{stderr}");
}

/// A stand-in KaTeX distribution of the renderer's version in `dist`: a stylesheet naming two
/// fonts, the fonts, and a file that is not a font.
fn stand_in_katex(dist: &std::path::Path) {
    fs::create_dir_all(dist.join("fonts")).unwrap();
    fs::write(
        dist.join("katex.min.css"),
        ".katex-version:after{content:\"0.16.4\"}@font-face{src:url(fonts/KaTeX_Main-Regular.woff2)}@font-face{src:url(fonts/KaTeX_Math-Italic.woff2)}",
    )
    .unwrap();
    fs::write(dist.join("fonts/KaTeX_Main-Regular.woff2"), "font").unwrap();
    fs::write(dist.join("fonts/KaTeX_Math-Italic.woff2"), "font").unwrap();
    fs::write(dist.join("fonts/README.md"), "not a font").unwrap();
}

#[test]
fn without_a_local_katex_formulas_are_mathml_only_and_no_stylesheet_is_linked() {
    let site = fixture("basic");
    let config = site.path().join("config.toml");
    let text = fs::read_to_string(&config).unwrap().replace(
        "katex_assets = \"cdn\"",
        "katex_assets = \"auto\"\nkatex_dirs = [\"vendor/katex\"]",
    );
    fs::write(&config, text).unwrap();
    let report = build_ok(site.path());
    let post = page(&report, "intro/first-steps/index.html");
    assert!(post.contains("<math"), "{post}");
    assert!(
        !post.contains("katex-html"),
        "no HTML that needs KaTeX's stylesheet"
    );
    assert!(
        !post.contains("katex.min.css") && !post.contains("cdn.jsdelivr"),
        "nothing is linked: {post}"
    );
    assert!(report.files.paths().all(|p| !p.starts_with("katex/")));
    assert_eq!(
        report
            .notices
            .iter()
            .filter(|n| n.contains("npm ci"))
            .count(),
        1,
        "{:?}",
        report.notices
    );
    // The build says it once, and how to get KaTeX's own typesetting.
    let (ok, _, stderr) = kiln(site.path(), &["build"]);
    assert!(ok, "{stderr}");
    assert_eq!(
        stderr.matches("formulas are MathML only").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("run `npm ci`"), "{stderr}");

    // Once KaTeX is installed, formulas are typeset as HTML again: the cache keeps the two
    // output modes apart.
    stand_in_katex(&site.path().join("vendor/katex"));
    let report = build_ok(site.path());
    let post = page(&report, "intro/first-steps/index.html");
    assert!(post.contains("katex-html"), "{post}");
    assert!(
        post.contains("href=\"../../katex/katex.min.css\""),
        "{post}"
    );
    assert!(report.notices.is_empty(), "{:?}", report.notices);

    // A local copy of another version is passed over, with a warning, for MathML.
    let css = site.path().join("vendor/katex/katex.min.css");
    fs::write(
        &css,
        fs::read_to_string(&css)
            .unwrap()
            .replace("0.16.4", "0.15.0"),
    )
    .unwrap();
    let report = build_ok(site.path());
    assert!(!page(&report, "intro/first-steps/index.html").contains("katex-html"));
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.to_string().contains("another version")),
        "{:?}",
        report.warnings
    );
}

#[test]
fn self_hosted_katex_is_copied_with_every_font_it_names() {
    let site = fixture("basic");
    let dist = site.path().join("vendor/katex");
    stand_in_katex(&dist);
    let config = site.path().join("config.toml");
    let text = fs::read_to_string(&config).unwrap().replace(
        "katex_assets = \"cdn\"",
        "katex_assets = \"self-host\"\nkatex_dirs = [\"vendor/katex\"]",
    );
    fs::write(&config, text).unwrap();
    let report = build_ok(site.path());
    let post = page(&report, "intro/first-steps/index.html");
    assert!(
        post.contains("href=\"../../katex/katex.min.css\""),
        "pages link the local stylesheet"
    );
    assert!(page(&report, "index.html").contains("href=\"katex/katex.min.css\""));
    let css = page(&report, "katex/katex.min.css");
    for part in css.split("url(").skip(1) {
        let url = &part[..part.find(')').unwrap()];
        assert!(
            report.files.get(&format!("katex/{url}")).is_some(),
            "{url} is missing"
        );
    }
    assert!(report.files.get("katex/fonts/README.md").is_none());

    // Another version's stylesheet is refused: its fonts and classes would not match.
    let wrong = fs::read_to_string(dist.join("katex.min.css"))
        .unwrap()
        .replace("0.16.4", "0.15.0");
    fs::write(dist.join("katex.min.css"), wrong).unwrap();
    let error = build_err(site.path());
    assert!(
        error.contains("config.toml: error:") && error.contains("another version"),
        "{error}"
    );
}

#[test]
fn a_session_re_renders_only_the_pages_that_changed() {
    let site = fixture("basic");
    let options = options(site.path(), kiln::site::Mode::Serve);
    let mut session = kiln::site::Session::new();
    let first = kiln::site::build(&options, &mut session).unwrap();
    assert_eq!(
        first.stats.markdown_rendered, 5,
        "home, module, two posts and a companion"
    );
    let again = kiln::site::build(&options, &mut session).unwrap();
    assert_eq!(again.stats.markdown_rendered, 0);
    assert_eq!(first.files, again.files);

    let post = site.path().join("content/intro/02-second-steps.md");
    let text = fs::read_to_string(&post).unwrap();
    fs::write(&post, text.replace("Short.", "Short, edited.")).unwrap();
    let edited = kiln::site::build(&options, &mut session).unwrap();
    assert_eq!(edited.stats.markdown_rendered, 1);
    assert!(page(&edited, "intro/second-steps/index.html").contains("Short, edited."));
    // The preview keeps its search index while the pages are the same ones.
    let index = |report: &kiln::site::Report| -> Vec<(String, Vec<u8>)> {
        report
            .files
            .iter()
            .filter(|(p, _)| p.starts_with("pagefind/"))
            .map(|(p, b)| (p.to_string(), b.to_vec()))
            .collect()
    };
    assert!(!index(&first).is_empty());
    assert_eq!(index(&edited), index(&first));

    // A new page changes what links can reach, so every page is rendered again.
    fs::write(
        site.path().join("content/intro/05-more.md"),
        "+++\ntitle = \"More\"\ndate = 2026-02-01\npart = \"1.5\"\n+++\n\n## Introduction\n\n## Exercises\n\n### Exercise 1: X\n\n```rust,solution\nfn main() {}\n```\n\n## Summary\n",
    )
    .unwrap();
    let added = kiln::site::build(&options, &mut session).unwrap();
    assert_eq!(added.stats.markdown_rendered, 6);
    // A new page is indexed: the index is built again.
    assert_ne!(index(&added), index(&first));
}

#[test]
fn the_404_page_links_to_where_the_site_is_served() {
    let site = fixture("basic");
    let config = site.path().join("config.toml");
    let text = fs::read_to_string(&config).unwrap().replace(
        "https://fixture.example/",
        "https://fixture.example/course/",
    );
    fs::write(&config, text).unwrap();
    let published = build_ok(site.path());
    assert!(page(&published, "404.html").contains("href=\"/course/\""));
    let served = kiln::site::build(
        &options(site.path(), kiln::site::Mode::Serve),
        &mut kiln::site::Session::new(),
    )
    .unwrap();
    let html = page(&served, "404.html");
    assert!(html.contains("href=\"/\""), "{html}");
    assert!(!html.contains("/course/"), "{html}");
}

#[test]
fn a_site_can_override_the_feed_and_sitemap_templates() {
    let site = fixture("basic");
    fs::create_dir_all(site.path().join("templates")).unwrap();
    fs::write(
        site.path().join("templates/sitemap.xml"),
        "{% for url in urls %}{{ url }}\n{% endfor %}",
    )
    .unwrap();
    fs::write(
        site.path().join("templates/atom.xml"),
        "{{ feed.title }}: {{ feed.entries | length }} posts\n",
    )
    .unwrap();
    let report = build_ok(site.path());
    assert_eq!(page(&report, "atom.xml"), "Fixture Course: 3 posts\n");
    assert!(page(&report, "sitemap.xml").starts_with("https://fixture.example/\n"));
}

#[test]
fn every_tag_has_a_page_listing_its_posts_in_series_order() {
    let site = fixture("basic");
    let report = build_ok(site.path());
    // "fixture" and "Fixture" are one tag, named as the first post in series order spells it.
    let index = page(&report, "tags/index.html");
    assert!(
        index.contains("<a class=\"tag\" href=\"fixture/\">fixture</a> <span class=\"tag-count\">2 posts</span>"),
        "{index}"
    );
    assert!(
        index.contains("href=\"reader-questions/\">Reader Questions</a>"),
        "{index}"
    );
    let tag = page(&report, "tags/fixture/index.html");
    let (lesson, companion) = (
        tag.find("href=\"../../intro/first-steps/\"")
            .expect("the lesson"),
        tag.find("href=\"../../intro/first-steps-questions/\"")
            .expect("its companion"),
    );
    assert!(lesson < companion, "in series order: {tag}");
    assert!(
        tag.contains("Math, code, tables and links, all in one page."),
        "{tag}"
    );
    // A post links its tags in its header, in the order its front matter lists them.
    let companion = page(&report, "intro/first-steps-questions/index.html");
    assert!(
        companion.contains("<ul class=\"post-tags\" aria-label=\"Tags\"><li><a class=\"tag\" href=\"../../tags/fixture/\">fixture</a></li><li><a class=\"tag\" href=\"../../tags/reader-questions/\">Reader Questions</a></li></ul>"),
        "{companion}"
    );
    assert!(!page(&report, "intro/second-steps/index.html").contains("post-tags"));
    // Content links to tag pages resolve, written from the site root or relative to the page.
    assert!(
        companion.contains("href=\"../../tags/reader-questions/\">every reader question</a>"),
        "{companion}"
    );
    assert!(
        companion.contains("href=\"../../tags/\">all the tags</a>"),
        "{companion}"
    );
    let sitemap = page(&report, "sitemap.xml");
    for url in ["tags/", "tags/fixture/", "tags/reader-questions/"] {
        assert!(
            sitemap.contains(&format!("<loc>https://fixture.example/{url}</loc>")),
            "{sitemap}"
        );
    }
    // A draft's tags appear only when drafts are published.
    assert!(report.files.get("tags/draft-only/index.html").is_none());
    let mut options = options(site.path(), kiln::site::Mode::Build);
    options.drafts = kiln::content::Drafts::Include;
    let drafts = kiln::site::build(&options, &mut kiln::site::Session::new()).unwrap();
    assert!(page(&drafts, "tags/fixture/index.html").contains("intro/draft/"));
    assert!(drafts.files.get("tags/draft-only/index.html").is_some());
}

#[test]
fn a_link_to_a_tag_no_post_carries_is_broken() {
    let site = fixture("basic");
    let post = site.path().join("content/intro/02-second-steps.md");
    let text = fs::read_to_string(&post).unwrap();
    fs::write(
        &post,
        text.replace("Short.", "See [nothing](/tags/nothing/)."),
    )
    .unwrap();
    let errors = build_err(site.path());
    assert!(
        errors.contains("content/intro/02-second-steps.md:28:")
            && errors.contains("broken link: \"/tags/nothing/\""),
        "{errors}"
    );
}

#[test]
fn a_site_can_override_the_tag_templates() {
    let site = fixture("basic");
    fs::create_dir_all(site.path().join("templates")).unwrap();
    fs::write(
        site.path().join("templates/tag.html"),
        "{{ tag.name }}:{% for post in tag.posts %} {{ post.part }} {{ post.title }} ({{ post.href }}){% endfor %}",
    )
    .unwrap();
    fs::write(
        site.path().join("templates/tags.html"),
        "{% for tag in tags %}{{ tag.slug }}={{ tag.count }} {% endfor %}",
    )
    .unwrap();
    let report = build_ok(site.path());
    assert_eq!(
        page(&report, "tags/fixture/index.html"),
        "fixture: 1.1 First Steps &amp; &lt;Escapes&gt; (../../intro/first-steps/) 1.1 Questions on the First Steps (../../intro/first-steps-questions/)"
    );
    assert_eq!(
        page(&report, "tags/index.html"),
        "fixture=2 reader-questions=1 "
    );
}
