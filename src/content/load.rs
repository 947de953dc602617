//! Loading: walks `content/`, reads every file (UTF-8 only, symlinks kept inside), parses front
//! matter, validates parts and slugs, and orders the posts into a [`Library`].

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use walkdir::WalkDir;

use super::front_matter::{self, key_line};
use super::{
    Home, HomeFrontMatter, Library, Module, ModuleFrontMatter, NotFromRuns, Part, Post,
    PostFrontMatter, PostKind, SourceFile,
};
use crate::diagnostics::{Diagnostic, LineIndex, Location, display_path};

/// Which posts a build includes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drafts {
    /// Leave drafts out.
    Exclude,
    /// Publish drafts too.
    Include,
}

/// Reads `root/content` into a library, or returns every problem found.
pub fn load(root: &Path, drafts: Drafts) -> Result<Library, Vec<Diagnostic>> {
    let content = root.join("content");
    let mut problems = Vec::new();
    if !content.is_dir() {
        return Err(vec![Diagnostic::global(format!(
            "no content folder: {} does not exist",
            content.display()
        ))]);
    }
    let canonical_content = content.canonicalize().unwrap_or_else(|_| content.clone());

    let mut home = None;
    let mut module_files: BTreeMap<String, SourceFile> = BTreeMap::new();
    let mut post_files: Vec<(String, SourceFile)> = Vec::new();
    let mut assets = Vec::new();

    let walker = WalkDir::new(&content)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(e.file_name().to_string_lossy().as_ref()));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                problems.push(Diagnostic::global(format!("cannot read content: {e}")));
                continue;
            }
        };
        let path = entry.path();
        let display = display_path(root, path);
        if entry.path_is_symlink() {
            match path.canonicalize() {
                Ok(target) if target.starts_with(&canonical_content) => {}
                _ => {
                    problems.push(Diagnostic::error(
                        Location::file(&display),
                        "symbolic link leads outside content/ (or nowhere); it is not followed",
                    ));
                    continue;
                }
            }
        }
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = path.strip_prefix(&content).unwrap_or(path).to_path_buf();
        if path.extension().is_none_or(|ext| ext != "md") {
            assets.push(rel);
            continue;
        }
        let source = match read_source(path, &display) {
            Ok(source) => source,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        let components: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        match components.as_slice() {
            [name] if name == "_index.md" => home = Some(source),
            [dir, name] if name == "_index.md" => {
                module_files.insert(dir.clone(), source);
            }
            [dir, _] => post_files.push((dir.clone(), source)),
            [_] => problems.push(Diagnostic::error(
                Location::file(&display),
                "posts belong in a module folder: move it to content/<module>/",
            )),
            _ => problems.push(Diagnostic::error(
                Location::file(&display),
                "posts belong directly in a module folder, not deeper: content/<module>/<NN-slug>.md",
            )),
        }
    }

    let home = home.and_then(|source| match parse_home(source) {
        Ok(home) => Some(home),
        Err(d) => {
            problems.push(d);
            None
        }
    });

    let mut modules = Vec::new();
    // Folders whose `_index.md` is invalid: that one error is reported, not one per post.
    let mut invalid_modules = std::collections::HashSet::new();
    for (dir, source) in module_files {
        match parse_module(dir.clone(), source) {
            Ok(module) => modules.push(module),
            Err(d) => {
                problems.push(d);
                invalid_modules.insert(dir);
            }
        }
    }
    modules.sort_by_key(|m| m.number);
    for pair in modules.windows(2) {
        if pair[0].number == pair[1].number {
            problems.push(Diagnostic::error(
                Location::at(&pair[1].source.display, 1, 1),
                format!(
                    "module {} is also declared by {}",
                    pair[1].number,
                    pair[0].source.display.display()
                ),
            ));
        }
    }
    let module_by_dir: HashMap<String, usize> = modules
        .iter()
        .enumerate()
        .map(|(i, m)| (m.dir.clone(), i))
        .collect();

    let mut posts = Vec::new();
    for (dir, source) in post_files {
        if invalid_modules.contains(&dir) {
            continue;
        }
        let Some(&module) = module_by_dir.get(&dir) else {
            problems.push(Diagnostic::error(
                Location::file(&source.display),
                format!("folder content/{dir}/ has no _index.md declaring its module"),
            ));
            continue;
        };
        match parse_post(source, module, &modules[module]) {
            Ok(post) if post.draft && drafts == Drafts::Exclude => {}
            Ok(post) => posts.push(post),
            Err(d) => problems.push(d),
        }
    }
    posts.sort_by_key(Post::order);
    check_unique(&posts, &mut problems);

    for (index, post) in posts.iter().enumerate() {
        modules[post.module].posts.push(index);
    }
    if problems.iter().any(Diagnostic::is_error) {
        return Err(problems);
    }
    Ok(Library {
        tags: super::tags::gather(&posts),
        modules,
        posts,
        home,
        assets,
    })
}

/// Files and folders the walk skips: hidden ones and editors' temporary files.
fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") || name.starts_with('#')
}

/// Reads a file as UTF-8, dropping a byte-order mark; the body offset is set later.
fn read_source(path: &Path, display: &Path) -> Result<SourceFile, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(Location::file(display), format!("cannot read file: {e}"))
    })?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]);
            let (line, col) = LineIndex::new(&prefix).line_col(&prefix, valid);
            return Err(Diagnostic::error(
                Location::at(display, line, col),
                "file is not valid UTF-8; save it as UTF-8",
            ));
        }
    };
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    Ok(SourceFile {
        path: path.to_path_buf(),
        display: display.to_path_buf(),
        text,
        body_offset: 0,
    })
}

fn parse_home(mut source: SourceFile) -> Result<Home, Diagnostic> {
    if !source.text.starts_with("+++") {
        return Ok(Home {
            source,
            front: HomeFrontMatter::default(),
            not_from_runs: NotFromRuns::default(),
        });
    }
    let split = front_matter::split(&source.text, &source.display)?;
    let front: HomeFrontMatter = front_matter::parse(&source.text, &split, &source.display)?;
    let not_from_runs = not_from_runs(&source.text, &split, &front.numbers_not_from_runs);
    source.body_offset = split.body_offset;
    Ok(Home {
        source,
        front,
        not_from_runs,
    })
}

/// Folders of the site's own pages and files, which a module's folder would collide with.
const RESERVED: [&str; 3] = ["blog", "tags", "katex"];

fn parse_module(dir: String, mut source: SourceFile) -> Result<Module, Diagnostic> {
    let split = front_matter::split(&source.text, &source.display)?;
    let front: ModuleFrontMatter = front_matter::parse(&source.text, &split, &source.display)?;
    if let Err(message) = check_slug(&dir) {
        return Err(Diagnostic::error(
            Location::file(&source.display),
            format!("module folder name {message}"),
        ));
    }
    if RESERVED.contains(&dir.as_str()) {
        return Err(Diagnostic::error(
            Location::at(&source.display, 1, 1),
            format!(
                "the site itself writes {dir}/, so a module cannot be called {dir:?}; rename its folder"
            ),
        ));
    }
    for entry in &front.outline {
        let line = key_line(&source.text, &split, "outline");
        let at = || Location::at(&source.display, line, 1);
        let part: Part = entry
            .part
            .parse()
            .map_err(|m: String| Diagnostic::error(at(), m))?;
        if part.module != front.module {
            return Err(Diagnostic::error(
                at(),
                format!(
                    "outline part {part} does not belong to module {}",
                    front.module
                ),
            ));
        }
    }
    let not_from_runs = not_from_runs(&source.text, &split, &front.numbers_not_from_runs);
    source.body_offset = split.body_offset;
    Ok(Module {
        title: front.title,
        number: front.module,
        description: front.description,
        outline: front.outline,
        url: format!("{dir}/"),
        dir,
        source,
        posts: Vec::new(),
        not_from_runs,
    })
}

fn parse_post(mut source: SourceFile, module: usize, owner: &Module) -> Result<Post, Diagnostic> {
    let split = front_matter::split(&source.text, &source.display)?;
    let front: PostFrontMatter = front_matter::parse(&source.text, &split, &source.display)?;
    let at_key = |key: &str| Location::at(&source.display, key_line(&source.text, &split, key), 1);
    let date = front
        .date
        .to_date()
        .map_err(|m| Diagnostic::error(at_key("date"), format!("invalid date: {m}")))?;
    let part: Part = front
        .part
        .parse()
        .map_err(|m: String| Diagnostic::error(at_key("part"), m))?;
    if part.module != owner.number {
        return Err(Diagnostic::error(
            at_key("part"),
            format!(
                "part {part} is in the folder of module {} ({}); move the file or fix the part",
                owner.number, owner.dir
            ),
        ));
    }
    if front.title.trim().is_empty() {
        return Err(Diagnostic::error(at_key("title"), "the title is empty"));
    }
    if let Some(tag) = front.tags.iter().find(|t| super::tags::slug(t).is_none()) {
        return Err(Diagnostic::error(
            at_key("tags"),
            format!("tag {tag:?} has no letter or digit to name its page by"),
        ));
    }
    let slug = match &front.slug {
        Some(slug) => {
            check_slug(slug).map_err(|m| Diagnostic::error(at_key("slug"), format!("slug {m}")))?;
            slug.clone()
        }
        None => {
            let stem = source
                .path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let slug = strip_number(&stem).to_string();
            check_slug(&slug).map_err(|m| {
                Diagnostic::error(
                    Location::file(&source.display),
                    format!("file name gives the slug {m}; name the file NN-slug.md"),
                )
            })?;
            slug
        }
    };
    let not_from_runs = not_from_runs(&source.text, &split, &front.numbers_not_from_runs);
    source.body_offset = split.body_offset;
    Ok(Post {
        title: front.title,
        date,
        part,
        kind: front.kind,
        description: front.description,
        tags: front.tags,
        draft: front.draft,
        url: format!("{}{slug}/", owner.url),
        slug,
        module,
        source,
        not_from_runs,
    })
}

/// The front matter's `numbers_not_from_runs`, with the line its key is on.
fn not_from_runs(text: &str, split: &front_matter::Split, numbers: &[String]) -> NotFromRuns {
    NotFromRuns {
        numbers: numbers.to_vec(),
        line: key_line(text, split, crate::numbers::NOT_FROM_RUNS_KEY),
    }
}

/// `04-role-of-activations` gives `role-of-activations`.
fn strip_number(stem: &str) -> &str {
    match stem.split_once('-') {
        Some((digits, rest))
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) =>
        {
            rest
        }
        _ => stem,
    }
}

/// A slug is lowercase ASCII letters and digits in words joined by single hyphens.
pub fn check_slug(slug: &str) -> Result<(), String> {
    let valid = !slug.is_empty()
        && slug.len() <= 100
        && slug.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if valid {
        Ok(())
    } else {
        Err(format!(
            "{slug:?} is not allowed: use lowercase ASCII letters, digits and single hyphens"
        ))
    }
}

/// Two posts may not share a part (a lesson and its companion may), nor a slug within one
/// module; a companion needs the lesson it follows.
fn check_unique(posts: &[Post], problems: &mut Vec<Diagnostic>) {
    let mut parts: HashMap<(Part, PostKind), &Post> = HashMap::new();
    let mut urls: HashMap<&str, &Post> = HashMap::new();
    for post in posts {
        if let Some(first) = parts.insert(post.order(), post) {
            let what = match post.kind {
                PostKind::Lesson => String::new(),
                PostKind::Companion => " for a companion".into(),
            };
            problems.push(Diagnostic::error(
                Location::file(&post.source.display),
                format!(
                    "part {}{what} is also used by {}",
                    post.part,
                    first.source.display.display()
                ),
            ));
        }
        if post.kind == PostKind::Companion
            && !posts
                .iter()
                .any(|p| p.part == post.part && p.kind == PostKind::Lesson)
        {
            problems.push(Diagnostic::error(
                Location::file(&post.source.display),
                format!(
                    "this companion follows part {}, but there is no lesson {}",
                    post.part, post.part
                ),
            ));
        }
        if let Some(first) = urls.insert(post.url.as_str(), post) {
            problems.push(Diagnostic::error(
                Location::file(&post.source.display),
                format!(
                    "slug {:?} is also used by {}; both would be written to {}",
                    post.slug,
                    first.source.display.display(),
                    post.url
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::path::PathBuf;

    /// Paths of a library's posts as they appear in messages.
    fn displays(library: &Library) -> Vec<PathBuf> {
        library
            .posts
            .iter()
            .map(|p| p.source.display.clone())
            .collect()
    }

    fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        dir
    }

    const MODULE: &str = "+++\ntitle = \"M\"\nmodule = 2\n+++\n";

    fn post(part: &str) -> String {
        format!("+++\ntitle = \"P {part}\"\ndate = 2026-01-02\npart = \"{part}\"\n+++\nBody\n")
    }

    fn errors(dir: &tempfile::TempDir) -> String {
        let problems = load(dir.path(), Drafts::Exclude).unwrap_err();
        problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn orders_posts_by_part_and_builds_urls() {
        let dir = site(&[
            ("content/m2/_index.md", MODULE),
            ("content/m2/10-later.md", &post("2.10")),
            ("content/m2/02-early.md", &post("2.2")),
            ("content/m2/fig.png", "png"),
        ]);
        let library = load(dir.path(), Drafts::Exclude).unwrap();
        assert_eq!(
            displays(&library),
            [
                PathBuf::from("content/m2/02-early.md"),
                PathBuf::from("content/m2/10-later.md")
            ]
        );
        assert_eq!(library.posts[0].url, "m2/early/");
        assert_eq!(library.modules[0].posts, [0, 1]);
        assert_eq!(library.assets, [PathBuf::from("m2/fig.png")]);
        assert_eq!(library.next(0).unwrap().slug, "later");
        assert!(library.previous(0).is_none());
    }

    #[test]
    fn drafts_are_left_out_unless_asked_for() {
        let draft = post("2.1").replace("+++\nBody", "draft = true\n+++\nBody");
        let dir = site(&[
            ("content/m2/_index.md", MODULE),
            ("content/m2/01-d.md", &draft),
        ]);
        assert!(load(dir.path(), Drafts::Exclude).unwrap().posts.is_empty());
        assert_eq!(load(dir.path(), Drafts::Include).unwrap().posts.len(), 1);
    }

    #[test]
    fn duplicate_parts_and_slugs_name_both_files() {
        let dir = site(&[
            ("content/m2/_index.md", MODULE),
            ("content/m2/01-a.md", &post("2.1")),
            ("content/m2/02-a.md", &post("2.1")),
        ]);
        let text = errors(&dir);
        assert!(
            text.contains("content/m2/02-a.md: error: part 2.1 is also used by content/m2/01-a.md"),
            "{text}"
        );
        assert!(
            text.contains("slug \"a\" is also used by content/m2/01-a.md"),
            "{text}"
        );
    }

    #[test]
    fn a_companion_follows_its_lesson_and_needs_one() {
        let companion = post("2.1").replace("+++\nBody", "kind = \"companion\"\n+++\nBody");
        let dir = site(&[
            ("content/m2/_index.md", MODULE),
            ("content/m2/01-a.md", &post("2.1")),
            ("content/m2/01-a-questions.md", &companion),
            ("content/m2/02-b.md", &post("2.2")),
        ]);
        let library = load(dir.path(), Drafts::Exclude).unwrap();
        let order: Vec<_> = library.posts.iter().map(|p| p.slug.as_str()).collect();
        assert_eq!(order, ["a", "a-questions", "b"]);
        assert_eq!(library.posts[1].kind, PostKind::Companion);
        assert_eq!(library.next(0).unwrap().slug, "a-questions");

        let orphan = site(&[
            ("content/m2/_index.md", MODULE),
            ("content/m2/03-c.md", &companion.replace("2.1", "2.3")),
        ]);
        let text = errors(&orphan);
        assert!(
            text.contains("content/m2/03-c.md: error: this companion follows part 2.3, but there is no lesson 2.3"),
            "{text}"
        );

        let unknown = site(&[
            ("content/m2/_index.md", MODULE),
            (
                "content/m2/01-a.md",
                &post("2.1").replace("+++\nBody", "kind = \"essay\"\n+++\nBody"),
            ),
        ]);
        let text = errors(&unknown);
        assert!(
            text.contains(
                "content/m2/01-a.md:5:8: error: invalid front matter: unknown variant `essay`"
            ),
            "{text}"
        );
    }

    #[test]
    fn bad_front_matter_names_file_and_line() {
        let bad_date = post("2.1").replace("2026-01-02", "\"2026-13-45\"");
        let bad_part = post("2.1").replace("\"2.1\"", "\"3.1\"");
        let dir = site(&[
            ("content/m2/_index.md", MODULE),
            ("content/m2/01-a.md", &bad_date),
            ("content/m2/02-b.md", &bad_part),
            ("content/m2/03-c.md", "no front matter"),
            ("content/m2/04-d.md", "+++\ntitle = \"x\"\n+++\n"),
            ("content/m2/05-Bad_Slug.md", &post("2.5")),
        ]);
        let text = errors(&dir);
        assert!(
            text.contains("content/m2/01-a.md:3:1: error: invalid date"),
            "{text}"
        );
        assert!(
            text.contains("content/m2/02-b.md:4:1: error: part 3.1 is in the folder of module 2"),
            "{text}"
        );
        assert!(
            text.contains("content/m2/03-c.md:1:1: error: missing front matter"),
            "{text}"
        );
        assert!(
            text.contains(
                "content/m2/04-d.md:2:1: error: invalid front matter: missing field `date`"
            ),
            "{text}"
        );
        assert!(
            text.contains("content/m2/05-Bad_Slug.md: error: file name gives the slug"),
            "{text}"
        );
    }

    #[test]
    fn unsafe_slugs_are_refused() {
        for slug in ["..", "a/b", "../x", "", "A", "a--b", "-a"] {
            assert!(check_slug(slug).is_err(), "{slug:?}");
        }
        assert!(check_slug("role-of-activations-2").is_ok());
    }

    #[test]
    fn non_utf8_files_are_errors_with_their_line() {
        let dir = site(&[("content/m2/_index.md", MODULE)]);
        fs::write(dir.path().join("content/m2/01-a.md"), b"+++\nok\n\xff\n").unwrap();
        let text = errors(&dir);
        assert!(
            text.contains("content/m2/01-a.md:3:1: error: file is not valid UTF-8"),
            "{text}"
        );
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        let with_bom = format!("\u{feff}{}", post("2.1"));
        let dir = site(&[
            ("content/m2/_index.md", MODULE),
            ("content/m2/01-a.md", &with_bom),
        ]);
        assert_eq!(load(dir.path(), Drafts::Exclude).unwrap().posts.len(), 1);
    }

    #[test]
    fn an_invalid_module_index_is_one_error_not_one_per_post() {
        let dir = site(&[
            (
                "content/m2/_index.md",
                "+++\ntitle = \"M\"\nmodule = \"two\"\n+++\n",
            ),
            ("content/m2/01-a.md", &post("2.1")),
            ("content/m2/02-b.md", &post("2.2")),
        ]);
        let problems = load(dir.path(), Drafts::Exclude).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0]
                .to_string()
                .starts_with("content/m2/_index.md:3:10: error:"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn posts_outside_module_folders_are_errors() {
        let dir = site(&[
            ("content/stray.md", &post("2.1")),
            ("content/nomodule/01-a.md", &post("2.1")),
        ]);
        let text = errors(&dir);
        assert!(
            text.contains("content/stray.md: error: posts belong in a module folder"),
            "{text}"
        );
        assert!(
            text.contains(
                "content/nomodule/01-a.md: error: folder content/nomodule/ has no _index.md"
            ),
            "{text}"
        );
    }
}
