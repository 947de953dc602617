//! The check of a lesson's download: its archive, read back from its bytes, must hold exactly
//! one program per compiled block of the page, each the very program the execution stage
//! compiled and ran for that block (a swept block's program, given each run's value, each run's
//! program) in a package of the edition the block was compiled with, each package's manifest
//! with the site's dependencies and profile and its lock the one the results were built with.
//! Every mismatch is an error at the block or the page.

use std::collections::BTreeMap;

use super::{CARGO_CONFIG, COMPILE_FAIL_FEATURE, Download, Lesson, Package, archive};
use crate::diagnostics::{Diagnostic, Location};
use crate::execute::manifest::PROFILE;
use crate::execute::{Executed, sweep};
use crate::markdown::fence::RunMode;

/// The problems of `download`, made from `lesson`, against what `exec` compiled.
pub(crate) fn verify(download: &Download, lesson: &Lesson, exec: &Executed) -> Vec<Diagnostic> {
    let page = lesson.about.source;
    let at_page = |message: String| Diagnostic::error(Location::file(page), message);
    let mut files = match archive::read(&download.bytes) {
        Ok(files) => files,
        Err(e) => {
            return vec![at_page(format!(
                "the lesson's download is not a readable zip: {e}"
            ))];
        }
    };
    let root = format!("{}/", download.folder);
    let mut problems = Vec::new();
    let mut take = |path: &str| files.remove(&format!("{root}{path}"));
    let packages = lesson.packages();
    if packages.len() > 1 && take(".cargo/config.toml").as_deref() != Some(CARGO_CONFIG.as_bytes())
    {
        problems.push(at_page(
            "the lesson's download has packages of several editions, but not the .cargo/config.toml that has them share one target folder".into(),
        ));
    }
    if take("README.md").is_none() {
        problems.push(at_page("the lesson's download has no README.md".into()));
    }
    for package in &packages {
        let dir = &package.dir;
        if take(&format!("{dir}Cargo.lock")).as_deref() != exec.lock.as_deref().map(str::as_bytes) {
            problems.push(at_page(format!(
                "the {dir}Cargo.lock of the lesson's download is not the lock file the site built with"
            )));
        }
        let manifest = take(&format!("{dir}Cargo.toml"));
        problems.extend(check_manifest(manifest.as_deref(), package, lesson).map(at_page));
        for program in &package.programs {
            let block = program.block;
            let at_block = |message: String| Diagnostic::error(block.fence.clone(), message);
            let path = format!("{dir}{}", program.path());
            let Some(bytes) = take(&path) else {
                problems.push(at_block(format!(
                    "the lesson's download has no {path} for this block"
                )));
                continue;
            };
            let text = String::from_utf8_lossy(&bytes);
            let runs: Vec<(Option<usize>, Option<String>)> = match &block.attrs.sweep {
                Some(sweep) => sweep
                    .values
                    .iter()
                    .enumerate()
                    .map(|(run, value)| (Some(run), sweep::with_value(&text, &sweep.name, value)))
                    .collect(),
                None => vec![(None, Some(text.to_string()))],
            };
            for (run, expected) in runs {
                let which = run.map_or(String::new(), |r| format!(" (run {})", r + 1));
                let Some((source, edition)) = exec.program(page, block.index, run) else {
                    problems.push(at_block(format!(
                        "the site has no result for this block{which}, so {path} in the lesson's download cannot be checked"
                    )));
                    continue;
                };
                if expected.as_deref() != Some(source) {
                    problems.push(at_block(format!(
                        "{path} in the lesson's download is not the program the site compiled and ran for this block{which}"
                    )));
                }
                let compiled = edition.unwrap_or(lesson.config.edition);
                if compiled != package.edition {
                    problems.push(at_block(format!(
                        "{path} in the lesson's download is built as Rust {}, but the site compiled this block as Rust {compiled}",
                        package.edition
                    )));
                }
            }
        }
    }
    for path in files.keys() {
        let rest = path.strip_prefix(&root).unwrap_or(path);
        let message = if rest.ends_with(".rs") {
            format!("the lesson's download holds {rest}, which is no block of this page")
        } else if path.starts_with(&root) {
            format!("the lesson's download holds {rest}, which is none of its files")
        } else {
            format!("the lesson's download holds {path}, outside its folder {root}")
        };
        problems.push(at_page(message));
    }
    problems
}

/// What is wrong with a package's manifest, if anything: it must name the site's dependencies,
/// the package's edition, kiln's profile, and each of its programs, and no other.
fn check_manifest(text: Option<&[u8]>, package: &Package, lesson: &Lesson) -> Option<String> {
    let wrong = |what: &str| {
        Some(format!(
            "the {}Cargo.toml of the lesson's download {what}",
            package.dir
        ))
    };
    let Some(text) = text else {
        return wrong("is missing");
    };
    let Ok(manifest) = toml::from_str::<toml::Table>(&String::from_utf8_lossy(text)) else {
        return wrong("is not valid TOML");
    };
    let config = lesson.config;
    if manifest.get("dependencies").and_then(|d| d.as_table()) != Some(&config.dependencies) {
        return wrong("does not have the dependencies of [execute.dependencies]");
    }
    let edition = manifest
        .get("package")
        .and_then(|p| p.get("edition"))
        .and_then(|e| e.as_str());
    if edition != Some(package.edition.year()) {
        return wrong(&format!(
            "does not have the edition of its programs, {}",
            package.edition
        ));
    }
    let profile: toml::Table = toml::from_str(PROFILE).expect("the profile is valid TOML");
    if manifest.get("profile") != profile.get("profile") {
        return wrong("does not have the profile the site builds with");
    }
    let bins: &[toml::Value] = manifest
        .get("bin")
        .and_then(|b| b.as_array())
        .map_or(&[], Vec::as_slice);
    let mut declared: BTreeMap<&str, &toml::Value> = BTreeMap::new();
    for bin in bins {
        if bin.get("edition").is_some() {
            return wrong("gives a program an edition of its own");
        }
        declared.insert(bin.get("name").and_then(|n| n.as_str()).unwrap_or(""), bin);
    }
    for program in &package.programs {
        let Some(bin) = declared.remove(program.name.as_str()) else {
            return wrong(&format!("has no [[bin]] for {}", program.name));
        };
        if bin.get("path").and_then(|p| p.as_str()) != Some(program.path().as_str()) {
            return wrong(&format!(
                "does not build {} from {}",
                program.name,
                program.path()
            ));
        }
        let optional = bin
            .get("required-features")
            .and_then(|f| f.as_array())
            .is_some_and(|f| f.iter().any(|f| f.as_str() == Some(COMPILE_FAIL_FEATURE)));
        if optional != (program.block.attrs.mode == RunMode::CompileFail) {
            return wrong(&format!(
                "does not leave out of `cargo build` exactly the programs that do not compile ({})",
                program.name
            ));
        }
    }
    if let Some(name) = declared.keys().next() {
        return wrong(&format!(
            "has a [[bin]] for {name}, which is no block of this page"
        ));
    }
    None
}
