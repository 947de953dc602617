//! `new`: a post skeleton in the series structure, placed in its module's folder with a
//! `NN-slug.md` name, never overwriting a file.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::{Drafts, Part, check_slug, load};
use crate::markdown::headings::slugify;

/// Creates the post and returns its path.
pub fn new_post(
    root: &Path,
    part: &str,
    title: &str,
    slug: Option<&str>,
    date: &str,
) -> Result<PathBuf, String> {
    let config = Config::load(root).map_err(|d| d.to_string())?;
    let part: Part = part.parse()?;
    let library = load(root, Drafts::Include).map_err(|problems| {
        problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let module = library
        .modules
        .iter()
        .find(|m| m.number == part.module)
        .ok_or_else(|| format!("no module {} in content/: create content/<folder>/_index.md with `module = {}` first", part.module, part.module))?;
    if let Some(post) = library.posts.iter().find(|p| p.part == part) {
        return Err(format!(
            "part {part} already exists: {}",
            post.source.display.display()
        ));
    }
    let slug = match slug {
        Some(slug) => slug.to_string(),
        None => slugify(title),
    };
    check_slug(&slug).map_err(|m| format!("slug {m}"))?;
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map_err(|_| format!("{date:?} is not a date of the form YYYY-MM-DD"))?;
    let path = root
        .join("content")
        .join(&module.dir)
        .join(format!("{:02}-{slug}.md", part.index));
    if path.exists() {
        return Err(format!("{} already exists", path.display()));
    }
    std::fs::write(&path, skeleton(&config, part, title, date))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// The text of a new post.
pub fn skeleton(config: &Config, part: Part, title: &str, date: &str) -> String {
    let mut text = format!(
        "+++\ntitle = {}\ndate = {date}\npart = \"{part}\"\ndescription = \"\"\ntags = []\ndraft = true\n+++\n",
        toml::Value::String(title.to_string())
    );
    let sections: Vec<String> = if config.structure.sections.is_empty() {
        crate::config::StructureConfig::course_sections()
    } else {
        config.structure.sections.clone()
    };
    for section in sections {
        text.push_str(&format!("\n## {section}\n\n"));
        if section == config.structure.exercises_section {
            text.push_str("### Exercise 1: Short title\n\nWhat the reader should do.\n\n```rust,solution\nfn main() {\n    println!(\"the full solution\");\n}\n```\n");
        } else {
            text.push_str("Write this section.\n");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn creates_a_post_with_the_structure() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("content/m2")).unwrap();
        fs::write(
            dir.path().join("content/m2/_index.md"),
            "+++\ntitle = \"M\"\nmodule = 2\n+++\n",
        )
        .unwrap();
        let path = new_post(dir.path(), "2.8", "What \"Comes\" Next", None, "2026-12-22").unwrap();
        assert!(path.ends_with("content/m2/08-what-comes-next.md"));
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains("title = 'What \"Comes\" Next'"), "{text}");
        assert!(
            text.contains("## ELI5")
                && text.contains("### Exercise 1:")
                && text.contains("## Key Takeaways")
        );
        // The new post loads (as a draft).
        let library = load(dir.path(), Drafts::Include).unwrap();
        assert_eq!(library.posts[0].title, "What \"Comes\" Next");
        let again = new_post(dir.path(), "2.8", "Other", None, "2026-12-22").unwrap_err();
        assert!(again.contains("already exists"), "{again}");
        assert!(
            new_post(dir.path(), "7.1", "X", None, "2026-12-22")
                .unwrap_err()
                .contains("no module 7")
        );
    }
}
