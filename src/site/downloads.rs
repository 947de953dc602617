//! Each lesson's download beside its page (`m/tour/tour.zip`), the link the page template
//! shows, and the check of the archive against what the execution stage compiled.

use serde::Serialize;

use super::context;
use super::pages::PageSource;
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Location};
use crate::download::{self, About, Lesson};
use crate::execute::Executed;
use crate::markdown::Rendered;

/// The link to a lesson's download, as `post.html` shows it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct DownloadLink {
    /// The archive's address, relative to the page.
    pub href: String,
    /// How many programs it holds.
    pub programs: usize,
    /// Its size in KiB, rounded up.
    pub kib: usize,
}

/// A lesson's download: the archive's path in the site and bytes, its link, and what the
/// check found wrong with it.
pub(super) struct Made {
    pub(super) path: String,
    pub(super) bytes: Vec<u8>,
    pub(super) link: DownloadLink,
    pub(super) problems: Vec<Diagnostic>,
}

/// The download of the lesson `page`, titled `title`, made from its code blocks and their
/// results; `None` when it has no compiled block (or execution is off), a warning when the
/// lock file cannot be read.
pub(super) fn lesson_download(
    page: &PageSource,
    title: &str,
    rendered: &Rendered,
    exec: &Executed,
    config: &Config,
) -> Option<Result<Made, Diagnostic>> {
    let source = page.source?;
    let folder = page
        .url
        .trim_end_matches('/')
        .rsplit('/')
        .next()?
        .to_string();
    let compiles = rendered.code_blocks.iter().any(|b| b.attrs.compiles());
    if folder.is_empty() || !config.execute.enabled || !compiles {
        return None;
    }
    // The lock the execution stage read once cargo had run: the one the results were built with.
    let Some(lock) = exec.lock.clone() else {
        return Some(Err(Diagnostic::warning(
            Location::file(&source.display),
            format!(
                "no download for this lesson: cannot read the lock file {}",
                config.execute.lockfile
            ),
        )));
    };
    let lesson = Lesson::new(
        About {
            title,
            url: context::absolute(config, &page.url),
            source: &source.display,
            folder: folder.clone(),
        },
        &rendered.code_blocks,
        &rendered.headings,
        exec,
        &config.execute,
        lock,
    )?;
    let made = download::assemble(&lesson);
    let problems = download::verify(&made, &lesson, exec);
    Some(Ok(Made {
        path: format!("{}{folder}.zip", page.url),
        link: DownloadLink {
            href: format!("{folder}.zip"),
            programs: made.programs.len(),
            kib: made.bytes.len().div_ceil(1024),
        },
        bytes: made.bytes,
        problems,
    }))
}
