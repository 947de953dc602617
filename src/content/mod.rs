//! The content model: modules, posts, their tags and the course outline, loaded from
//! `content/` and put in series order.

mod front_matter;
mod load;
mod part;
mod tags;

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Deserialize;

pub use front_matter::{DateValue, Split, split};
pub use load::{Drafts, check_slug, load};
pub use part::Part;
pub use tags::{Tag, slug as tag_slug};

/// A Markdown source file as read from disk.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Absolute path on disk.
    pub path: PathBuf,
    /// Path relative to the site root, used in every message.
    pub display: PathBuf,
    /// The whole text, without a byte-order mark.
    pub text: String,
    /// Byte offset at which the Markdown body starts, after the front matter.
    pub body_offset: usize,
}

impl SourceFile {
    /// The Markdown body after the front matter.
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }
}

/// Front matter of a post.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostFrontMatter {
    /// The post's title.
    pub title: String,
    /// Publication date.
    pub date: DateValue,
    /// Place in the series, such as `"2.4"`.
    pub part: String,
    /// One or two sentences saying what the post teaches.
    #[serde(default)]
    pub description: String,
    /// Free-form tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Drafts are left out unless the build asks for them.
    #[serde(default)]
    pub draft: bool,
    /// Overrides the slug taken from the file name.
    #[serde(default)]
    pub slug: Option<String>,
    /// A lesson (the default) or a companion to the lesson with the same part.
    #[serde(default)]
    pub kind: PostKind,
    /// Numbers its prose quotes that are not from a run (see [`crate::numbers`]).
    #[serde(default)]
    pub numbers_not_from_runs: Vec<String>,
}

/// What a post is: a lesson of the series, or a companion to one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PostKind {
    /// A lesson: the configured sections, exercises with solutions.
    #[default]
    Lesson,
    /// Reader questions or notes that follow the lesson with the same part, placed right after
    /// it in the series; its `##` headings are its questions.
    Companion,
}

impl PostKind {
    /// The name written in front matter and given to templates.
    pub fn name(self) -> &'static str {
        match self {
            PostKind::Lesson => "lesson",
            PostKind::Companion => "companion",
        }
    }
}

/// One lesson.
#[derive(Clone, Debug)]
pub struct Post {
    /// Where it came from.
    pub source: SourceFile,
    /// Title from the front matter.
    pub title: String,
    /// Publication date.
    pub date: NaiveDate,
    /// Place in the series.
    pub part: Part,
    /// A lesson, or a companion placed right after the lesson with the same part.
    pub kind: PostKind,
    /// Summary from the front matter.
    pub description: String,
    /// Tags from the front matter.
    pub tags: Vec<String>,
    /// Whether it is a draft.
    pub draft: bool,
    /// The last segment of its URL.
    pub slug: String,
    /// Index of its module in [`Library::modules`].
    pub module: usize,
    /// Its path in the output, relative to the site root, ending in `/`.
    pub url: String,
    /// Numbers its prose quotes that are not from a run.
    pub not_from_runs: NotFromRuns,
}

/// The numbers a page's front matter lists under `numbers_not_from_runs`: quoted in its prose,
/// but not printed by its programs (a value worked out by hand, a figure from a paper).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NotFromRuns {
    /// The numbers, as the prose writes them.
    pub numbers: Vec<String>,
    /// The line of the key in the file (1 when it is absent).
    pub line: usize,
}

/// An entry of a module's outline: a part that is planned, written or not.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OutlineEntry {
    /// Place in the series, such as `"2.4"`.
    pub part: String,
    /// Title of the planned post.
    pub title: String,
}

/// Front matter of a module's `_index.md`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModuleFrontMatter {
    /// The module's title.
    pub title: String,
    /// The module number, the first part of its posts' `part`.
    pub module: u32,
    /// One or two sentences on what the module covers.
    #[serde(default)]
    pub description: String,
    /// Every part the module is planned to have, written or not.
    #[serde(default)]
    pub outline: Vec<OutlineEntry>,
    /// Numbers its prose quotes that are not from a run (see [`crate::numbers`]).
    #[serde(default)]
    pub numbers_not_from_runs: Vec<String>,
}

/// One module (a folder of `content/`).
#[derive(Clone, Debug)]
pub struct Module {
    /// Its `_index.md`.
    pub source: SourceFile,
    /// Title from the front matter.
    pub title: String,
    /// Module number.
    pub number: u32,
    /// Summary from the front matter.
    pub description: String,
    /// The planned parts.
    pub outline: Vec<OutlineEntry>,
    /// Folder name, which is also its URL segment.
    pub dir: String,
    /// Its path in the output, ending in `/`.
    pub url: String,
    /// Indices in [`Library::posts`] of its posts, in series order.
    pub posts: Vec<usize>,
    /// Numbers its prose quotes that are not from a run.
    pub not_from_runs: NotFromRuns,
}

/// Front matter of `content/_index.md`, the home page.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HomeFrontMatter {
    /// Heading of the home page; the site title when absent.
    #[serde(default)]
    pub title: Option<String>,
    /// Summary for the home page.
    #[serde(default)]
    pub description: String,
    /// Numbers its prose quotes that are not from a run (see [`crate::numbers`]).
    #[serde(default)]
    pub numbers_not_from_runs: Vec<String>,
}

/// The home page's own text, when `content/_index.md` exists.
#[derive(Clone, Debug)]
pub struct Home {
    /// The file.
    pub source: SourceFile,
    /// Its front matter.
    pub front: HomeFrontMatter,
    /// Numbers its prose quotes that are not from a run.
    pub not_from_runs: NotFromRuns,
}

/// Every module and post of the site, in series order.
#[derive(Clone, Debug, Default)]
pub struct Library {
    /// Modules by number.
    pub modules: Vec<Module>,
    /// All posts by part; previous and next links follow this order.
    pub posts: Vec<Post>,
    /// The home page's text.
    pub home: Option<Home>,
    /// Other files under `content/` (images, data), relative to `content/`, copied as they are.
    pub assets: Vec<PathBuf>,
    /// The posts' tags, by slug.
    pub tags: Vec<Tag>,
}

impl Post {
    /// Where the post stands in the series: by part, a lesson before its companion.
    pub fn order(&self) -> (Part, PostKind) {
        (self.part, self.kind)
    }
}

impl Library {
    /// The post before `index` in the series.
    pub fn previous(&self, index: usize) -> Option<&Post> {
        index.checked_sub(1).map(|i| &self.posts[i])
    }

    /// The post after `index` in the series.
    pub fn next(&self, index: usize) -> Option<&Post> {
        self.posts.get(index + 1)
    }

    /// The post with the given source path relative to the site root.
    pub fn post_by_display(&self, display: &std::path::Path) -> Option<usize> {
        self.posts.iter().position(|p| p.source.display == display)
    }
}
