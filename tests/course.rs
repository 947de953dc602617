//! The course itself, end to end: every lesson's Burn programs compile and run (Burn compiles
//! once, into the target folder `cargo run -- build` uses too), every post follows the series
//! structure and shows its figures, and a second build compiles, runs and renders nothing.

mod common;

use common::*;
use kiln::site::{self, Mode, Options, Session};

fn course_options() -> Options {
    let mut options = Options::new(repo(), Mode::Check);
    options.progress = kiln::execute::Progress::Lines;
    options
}

#[test]
fn the_course_builds_runs_every_lesson_and_rebuilds_from_its_cache() {
    let first = match site::build(&course_options(), &mut Session::new()) {
        Ok(report) => report,
        Err(failure) => panic!("the course does not build:\n{failure}"),
    };
    assert!(first.warnings.is_empty(), "{:?}", first.warnings);

    // Every lesson of the course (read from content/, so a new lesson is covered the day it
    // lands) shows its figures, its solutions run, its programs' output and typeset math.
    let library =
        kiln::content::load(&repo(), kiln::content::Drafts::Exclude).expect("the course loads");
    let lessons: Vec<&kiln::content::Post> = library
        .posts
        .iter()
        .filter(|p| p.kind == kiln::content::PostKind::Lesson)
        .collect();
    assert!(lessons.len() >= 20, "{} lessons", lessons.len());
    for lesson in &lessons {
        let post = lesson.url.as_str();
        let html = page(&first, &format!("{post}index.html"));
        let figures = first
            .files
            .paths()
            .filter(|p| p.starts_with(post) && p.ends_with(".svg"))
            .count();
        assert!(figures >= 1, "{post} draws at least one figure");
        assert!(
            html.contains("<figure class=\"plot\">"),
            "{post} shows its figures"
        );
        assert!(html.contains("code-block solution"), "{post} has solutions");
        assert!(
            html.contains("<div class=\"output"),
            "{post} shows program output"
        );
        assert!(html.contains("class=\"katex"), "{post} has typeset math");
    }

    // Post 2.4: the three activations, the sine fits with both losses printed (the nonlinear
    // one clearly lower), and its exercises' figures.
    let activations = page(&first, "module-2/role-of-activations/index.html");
    for figure in [
        "activations-",
        "sine_fit-",
        "derivatives-",
        "tanh_vs_relu-",
        "swish-",
    ] {
        assert!(
            first
                .files
                .paths()
                .any(|p| p.starts_with("module-2/role-of-activations/") && p.contains(figure)),
            "2.4 draws {figure}"
        );
    }
    let (linear, relu) = losses(&activations);
    assert!(
        relu < linear / 2.0,
        "ReLU loss {relu} is clearly below the linear loss {linear}"
    );

    // The home page links every lesson (and companion) of the outline, in series order.
    let home = page(&first, "index.html");
    let mut at = 0;
    for post in &library.posts {
        let link = format!("href=\"{}\"", post.url);
        let found = home[at..].find(&link).unwrap_or_else(|| {
            panic!(
                "the home page links {} after the lesson before it",
                post.url
            )
        });
        at += found + link.len();
    }
    let planned: usize = library.modules.iter().map(|m| m.outline.len()).sum();
    if lessons.len() >= planned {
        assert!(
            !home.contains("not yet written"),
            "every planned part is written"
        );
    }

    // Nothing changed: nothing is compiled, run, typeset or highlighted again, and the output
    // is byte-identical.
    let second = site::build(&course_options(), &mut Session::new()).expect("the rebuild succeeds");
    let exec = second.stats.exec;
    assert_eq!(
        (exec.compiled, exec.binaries, exec.ran),
        (0, 0, 0),
        "{exec:?}"
    );
    assert_eq!(exec.cached, exec.blocks);
    assert_eq!(second.stats.math.rendered, 0);
    assert_eq!(first.files, second.files);
}

/// The two final losses printed by 2.4's sine-fit demo: without and with an activation.
fn losses(html: &str) -> (f64, f64) {
    // The label also appears in the program's source; the printed line is followed by a number.
    let value = |label: &str| -> f64 {
        html.match_indices(label)
            .find_map(|(at, _)| {
                let number: String = html[at + label.len()..]
                    .trim_start()
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || *c == '.')
                    .collect();
                number.parse().ok()
            })
            .unwrap_or_else(|| panic!("2.4 prints {label:?} and a number"))
    };
    (value("MSE, no activation:"), value("MSE, ReLU:"))
}
