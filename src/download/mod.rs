//! Lesson downloads: every lesson's compiled blocks as a cargo project in a zip, built from the
//! page's code blocks as written and the results the execution stage made: `Cargo.toml` (the
//! site's dependencies, edition and kiln's profile, a `[[bin]]` per program), `Cargo.lock` (the
//! site's lock), `src/bin/NAME.rs` per block (hidden lines included; a swept block once, as
//! written) and a README with the commands and what each program printed. Programs of another
//! edition than the rest are a package of their own in a folder named after it
//! (`edition2015/`), since cargo compiles a package with one edition. [`verify`] checks a
//! download against what the execution stage compiled.

mod archive;
mod names;
mod readme;
mod verify;

use std::collections::BTreeMap;
use std::path::Path;

pub(crate) use verify::verify;

use crate::config::ExecuteConfig;
use crate::edition::Edition;
use crate::execute::manifest::{self, bin_table};
use crate::execute::{Executed, Shown, program};
use crate::markdown::code::CodeBlock;
use crate::markdown::fence::RunMode;
use crate::markdown::headings::Heading;

/// The feature a `compile_fail` program requires, so that `cargo build` leaves it out.
pub(crate) const COMPILE_FAIL_FEATURE: &str = "compile-fail";

/// One run of a program and its result: a swept block's programs have one per value.
pub(crate) struct Run<'a> {
    /// The value of the swept constant in this run; `None` for a block that is not swept.
    pub(crate) value: Option<&'a str>,
    /// What it printed and drew.
    pub(crate) shown: &'a Shown,
}

/// A program of a download: one compiled block of the page.
pub(crate) struct Program<'a> {
    /// Its binary's name (`src/bin/NAME.rs`).
    pub(crate) name: String,
    /// The block, as the page holds it.
    pub(crate) block: &'a CodeBlock,
    /// The heading its name comes from.
    pub(crate) heading: Option<&'a str>,
    /// The edition it is compiled with.
    pub(crate) edition: Edition,
    /// Its runs, in the sweep's order.
    pub(crate) runs: Vec<Run<'a>>,
}

/// Which lesson a download is of.
pub(crate) struct About<'a> {
    /// The lesson's title.
    pub(crate) title: &'a str,
    /// The page's published address.
    pub(crate) url: String,
    /// The Markdown file, as messages name it.
    pub(crate) source: &'a Path,
    /// The folder the archive unpacks to, which names the archive too.
    pub(crate) folder: String,
}

/// Everything a lesson's download is made of.
pub(crate) struct Lesson<'a> {
    /// Which lesson it is.
    pub(crate) about: About<'a>,
    /// The site's `[execute]` settings.
    pub(crate) config: &'a ExecuteConfig,
    /// The site's lock file.
    pub(crate) lock: String,
    /// The programs, in page order.
    pub(crate) programs: Vec<Program<'a>>,
}

/// A lesson's archive.
pub(crate) struct Download {
    /// The folder it unpacks to (and its file's name, with `.zip`).
    pub(crate) folder: String,
    /// The zip file.
    pub(crate) bytes: Vec<u8>,
    /// Each program's path in the folder (`src/bin/NAME.rs`) with the index of its block on
    /// the page.
    pub(crate) programs: Vec<(String, usize)>,
}

/// A cargo package of a download: the programs of one edition.
pub(crate) struct Package<'l, 'a> {
    /// Its folder in the project, with a trailing `/`; empty for the project's own package.
    pub(crate) dir: String,
    /// The edition of its programs.
    pub(crate) edition: Edition,
    /// Its programs, in page order.
    pub(crate) programs: Vec<&'l Program<'a>>,
}

impl Program<'_> {
    /// Its source file's path in its package.
    pub(crate) fn path(&self) -> String {
        format!("src/bin/{}.rs", self.name)
    }
}

impl<'a> Lesson<'a> {
    /// The lesson made of a page's `blocks` (all of them, as rendered) with their results;
    /// `None` when no block compiles or one has no result (execution is off).
    pub(crate) fn new(
        about: About<'a>,
        blocks: &'a [CodeBlock],
        headings: &'a [Heading],
        exec: &'a Executed,
        config: &'a ExecuteConfig,
        lock: String,
    ) -> Option<Self> {
        let source = about.source;
        let compiled: Vec<&CodeBlock> = blocks.iter().filter(|b| b.attrs.compiles()).collect();
        if compiled.is_empty() {
            return None;
        }
        let names = names::program_names(&compiled, headings, about.title);
        let mut programs = Vec::new();
        for (block, name) in compiled.into_iter().zip(names) {
            let runs = match &block.attrs.sweep {
                Some(sweep) => exec
                    .sweep_results(source, block.index, sweep.values.len())?
                    .into_iter()
                    .zip(&sweep.values)
                    .map(|(shown, value)| Run {
                        value: Some(value.as_str()),
                        shown,
                    })
                    .collect(),
                None => vec![Run {
                    value: None,
                    shown: exec.result(source, block.index)?,
                }],
            };
            let heading = headings
                .iter()
                .rev()
                .find(|h| h.line < block.fence.line)
                .map(|h| h.text.as_str());
            programs.push(Program {
                name,
                block,
                heading,
                edition: block.attrs.edition.unwrap_or(config.edition),
                runs,
            });
        }
        Some(Self {
            about,
            config,
            lock,
            programs,
        })
    }

    /// The packages of the download: at the top, the programs of the site's edition (or, when
    /// there are none, of the first program's), then one package per other edition, in
    /// `editionYYYY/`.
    pub(crate) fn packages(&self) -> Vec<Package<'_, 'a>> {
        let site = self.config.edition;
        let top = if self.programs.iter().any(|p| p.edition == site) {
            site
        } else {
            self.programs.first().map_or(site, |p| p.edition)
        };
        let mut editions: Vec<Edition> = self.programs.iter().map(|p| p.edition).collect();
        editions.sort_by_key(|e| (*e != top, *e));
        editions.dedup();
        editions
            .into_iter()
            .map(|edition| Package {
                dir: if edition == top {
                    String::new()
                } else {
                    format!("{}/", edition_dir(edition))
                },
                edition,
                programs: self
                    .programs
                    .iter()
                    .filter(|p| p.edition == edition)
                    .collect(),
            })
            .collect()
    }
}

/// The folder of a package of another edition than the project's own (`edition2015`).
fn edition_dir(edition: Edition) -> String {
    format!("edition{edition}")
}

/// Cargo's settings at the top of a project with packages of several editions: they all build
/// in the top's `target/` (from any folder of the project), so the dependencies they share are
/// compiled once.
pub(crate) const CARGO_CONFIG: &str = "# The packages of this project build in one target folder and share their dependencies.\n[build]\ntarget-dir = \"target\"\n";

/// The archive of a lesson.
pub(crate) fn assemble(lesson: &Lesson) -> Download {
    let root = &lesson.about.folder;
    let packages = lesson.packages();
    let mut files = BTreeMap::new();
    let mut programs = Vec::new();
    for package in &packages {
        let dir = format!("{root}/{}", package.dir);
        files.insert(
            format!("{dir}Cargo.toml"),
            cargo_toml(lesson, package).into_bytes(),
        );
        files.insert(format!("{dir}Cargo.lock"), lesson.lock.clone().into_bytes());
        for program in &package.programs {
            let path = format!("{}{}", package.dir, program.path());
            files.insert(
                format!("{root}/{path}"),
                program::standalone(program.block).source.into_bytes(),
            );
            programs.push((path, program.block.index));
        }
    }
    if packages.len() > 1 {
        files.insert(
            format!("{root}/.cargo/config.toml"),
            CARGO_CONFIG.as_bytes().to_vec(),
        );
    }
    files.insert(
        format!("{root}/README.md"),
        readme::text(lesson, &packages).into_bytes(),
    );
    programs.sort_by_key(|(_, index)| *index);
    Download {
        folder: root.clone(),
        bytes: archive::write(&files),
        programs,
    }
}

/// A package's manifest: the site's, with the package's edition and a `[[bin]]` table per
/// program (`compile_fail` programs only built with the `compile-fail` feature).
fn cargo_toml(lesson: &Lesson, package: &Package) -> String {
    let title: String = lesson
        .about
        .title
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let which = if package.dir.is_empty() {
        String::new()
    } else {
        format!(" of Rust {}", package.edition)
    };
    let comment = format!(
        "# The programs{which} of the lesson \"{title}\" ({}), as the site compiled and ran them.",
        lesson.about.url
    );
    let mut tables = String::new();
    if package
        .programs
        .iter()
        .any(|p| p.block.attrs.mode == RunMode::CompileFail)
    {
        tables.push_str(&format!(
            "\n# Programs that do not compile, on purpose: `cargo run --bin NAME --features {COMPILE_FAIL_FEATURE}` shows why.\n[features]\n{COMPILE_FAIL_FEATURE} = []\n"
        ));
    }
    for program in &package.programs {
        let features: &[&str] = if program.block.attrs.mode == RunMode::CompileFail {
            &[COMPILE_FAIL_FEATURE]
        } else {
            &[]
        };
        tables.push_str(&bin_table(&program.name, features));
    }
    manifest::manifest(
        &comment,
        &lesson.config.dependencies,
        package.edition,
        &tables,
    )
}

#[cfg(test)]
mod tests;
