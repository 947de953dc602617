//! Tests of server-side math: rendering, errors at file:line:col, the safety limits and the cache.

use std::path::PathBuf;

use super::*;
use crate::diagnostics::Location;

fn formula(tex: &str, display: bool) -> Formula {
    Formula {
        tex: tex.into(),
        display,
        location: Location::at(PathBuf::from("content/m/a.md"), 10, 5),
    }
}

fn render(config: &MathConfig, formulas: &[Formula]) -> (MathCache, Vec<String>, MathStats) {
    let renderer = MathRenderer::new(config);
    let mut cache = MathCache::in_memory();
    let (typeset, diagnostics, stats) = renderer.render_all(formulas, &mut cache);
    for formula in formulas {
        assert_eq!(
            typeset.get(formula),
            cache.get(&renderer.key(formula)).map(|h| h as &str),
            "the typeset product and the cache agree"
        );
    }
    (
        cache,
        diagnostics.iter().map(ToString::to_string).collect(),
        stats,
    )
}

#[test]
fn renders_html_and_mathml() {
    let config = MathConfig::default();
    let formulas = [formula("E = mc^2", false), formula("\\sum_i x_i", true)];
    let (cache, errors, stats) = render(&config, &formulas);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(stats.rendered, 2);
    let renderer = MathRenderer::new(&config);
    let inline = cache.get(&renderer.key(&formulas[0])).unwrap();
    assert!(
        inline.contains("class=\"katex\"") && inline.contains("<math"),
        "{inline}"
    );
    let display = cache.get(&renderer.key(&formulas[1])).unwrap();
    assert!(display.contains("katex-display"), "{display}");
}

#[test]
fn errors_point_at_the_character() {
    let (_, errors, _) = render(&MathConfig::default(), &[formula("a + \\frac{1}{", false)]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    // The formula starts at column 5 and is 13 characters long: the error is at its end.
    assert!(
        errors[0].starts_with("content/m/a.md:10:18: error: math: Unexpected end of input"),
        "{errors:?}"
    );

    let (_, errors, _) = render(&MathConfig::default(), &[formula("x + \\nosuch", false)]);
    assert!(
        errors[0]
            .starts_with("content/m/a.md:10:9: error: math: Undefined control sequence: \\nosuch"),
        "{errors:?}"
    );
}

#[test]
fn links_and_macro_definitions_are_refused() {
    for tex in [
        "\\href{javascript:alert(1)}{x}",
        "\\url{JAVASCRIPT:alert(1)}",
        "\\htmlData{foo=bar}{x}",
        "\\includegraphics{x.png}",
        "\\def\\a{\\a\\a}\\a",
        "\\edef\\x{y}",
    ] {
        let (_, errors, _) = render(&MathConfig::default(), &[formula(tex, false)]);
        assert_eq!(errors.len(), 1, "{tex}: {errors:?}");
        assert!(
            errors[0].contains("is not allowed in formulas"),
            "{errors:?}"
        );
    }
    // A command that merely starts like a refused one is fine.
    assert_eq!(refused_command("\\letter"), None);
    assert_eq!(refused_command("\\left( x \\right)"), None);
}

#[test]
fn sizes_and_expansions_are_limited() {
    let (cache, errors, _) = render(
        &MathConfig::default(),
        &[formula("\\rule{1e5em}{1e5em}", false)],
    );
    assert!(errors.is_empty(), "{errors:?}");
    let renderer = MathRenderer::new(&MathConfig::default());
    let html = cache
        .get(&renderer.key(&formula("\\rule{1e5em}{1e5em}", false)))
        .unwrap();
    assert!(!html.contains("100000em"), "{html}");

    let mut config = MathConfig::default();
    config.macros.insert("\\loop".into(), "\\loop\\loop".into());
    let (_, errors, _) = render(&config, &[formula("\\loop", false)]);
    assert!(errors[0].contains("Too many expansions"), "{errors:?}");
}

#[test]
fn config_macros_apply() {
    let mut config = MathConfig::default();
    config.macros.insert("\\R".into(), "\\mathbb{R}".into());
    let (cache, errors, _) = render(&config, &[formula("x \\in \\R", false)]);
    assert!(errors.is_empty(), "{errors:?}");
    let renderer = MathRenderer::new(&config);
    assert!(
        cache
            .get(&renderer.key(&formula("x \\in \\R", false)))
            .unwrap()
            .contains("mathbb")
    );
}

#[test]
fn distinct_formulas_render_once_and_cached_ones_not_at_all() {
    let config = MathConfig::default();
    let renderer = MathRenderer::new(&config);
    let mut cache = MathCache::in_memory();
    let formulas = [formula("x", false), formula("x", false), formula("x", true)];
    let (_, _, stats) = renderer.render_all(&formulas, &mut cache);
    assert_eq!((stats.formulas, stats.distinct, stats.rendered), (3, 2, 2));
    let (_, _, stats) = renderer.render_all(&formulas, &mut cache);
    assert_eq!(stats.rendered, 0);
}

#[test]
fn options_change_the_key() {
    use crate::config::MathOutput;
    let f = formula("x", false);
    // Every output mode has keys of its own: a site that gains or loses its KaTeX stylesheet
    // (and so switches to or from MathML only) never reads the other mode's HTML.
    let keys: Vec<_> = [
        MathOutput::HtmlAndMathml,
        MathOutput::Html,
        MathOutput::Mathml,
    ]
    .into_iter()
    .map(|output| {
        MathRenderer::new(&MathConfig {
            output,
            ..MathConfig::default()
        })
        .key(&f)
    })
    .collect();
    assert!(keys[0] != keys[1] && keys[1] != keys[2] && keys[0] != keys[2]);
    let a = MathRenderer::new(&MathConfig::default());
    assert_ne!(a.key(&f), a.key(&formula("x", true)));
}

#[test]
fn mathml_only_output_has_no_html_to_style() {
    let config = MathConfig {
        output: crate::config::MathOutput::Mathml,
        ..MathConfig::default()
    };
    let formulas = [formula("E = mc^2", true)];
    let (cache, errors, _) = render(&config, &formulas);
    assert!(errors.is_empty(), "{errors:?}");
    let html = cache
        .get(&MathRenderer::new(&config).key(&formulas[0]))
        .unwrap();
    assert!(
        html.contains("<math") && !html.contains("katex-html"),
        "{html}"
    );
}

#[test]
fn a_formula_past_its_deadline_is_reported_not_waited_for() {
    let config = MathConfig {
        timeout: 0.001,
        ..MathConfig::default()
    };
    let long = (0..3000)
        .map(|i| format!("x_{{{i}}}"))
        .collect::<Vec<_>>()
        .join("+");
    let (_, errors, _) = render(&config, &[formula(&long, true)]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("math timed out"), "{errors:?}");
}

#[test]
fn katex_messages_are_split() {
    assert_eq!(
        parse_katex_error(
            "String(\"ParseError: KaTeX parse error: Expected '}', got 'EOF' at end of input: \\\\frac{1}{\")",
            "\\frac{1}{"
        ),
        ("Expected '}', got 'EOF'".into(), Some(9))
    );
    assert_eq!(
        parse_katex_error(
            "String(\"ParseError: KaTeX parse error: Undefined control sequence: \\\\x at position 5: a+b+\\\\\\u{332}x\\u{332}\")",
            "a+b+\\x"
        ),
        ("Undefined control sequence: \\x".into(), Some(4))
    );
}
