//! Cargo manifests of lesson programs: the site's dependencies, an edition, kiln's fixed
//! profile, and `[[bin]]` tables for the programs that need one (a required feature). The
//! generated project and a lesson's download share them, so a download builds with the same
//! dependency artifacts as the site.

use crate::edition::Edition;

/// Settled once: changing dependency settings rebuilds every dependency (minutes), so these
/// are part of the cache key and should rarely change. Dependencies are optimized because
/// training loops run inside them; lesson code keeps only line tables, enough for panic
/// locations in backtraces, and links quickly.
pub(crate) const PROFILE: &str = r#"[profile.dev]
debug = "line-tables-only"
incremental = true

[profile.dev.package."*"]
opt-level = 3
debug = false
"#;

/// The name of the lesson programs' package, which the site's lock file names too.
pub(crate) const PACKAGE: &str = "kiln-lessons";

/// A manifest: `comment` (a `#` line) first, then the package of `edition` with the site's
/// `dependencies`, kiln's profile, an empty `[workspace]` (the project is never part of an
/// enclosing one), and `tables` as given (see [`bin_table`]). Packages that differ only in
/// their edition share one lock file: it names the package and its dependencies, not the
/// edition.
pub(crate) fn manifest(
    comment: &str,
    dependencies: &toml::Table,
    edition: Edition,
    tables: &str,
) -> String {
    let mut table = toml::Table::new();
    table.insert(
        "dependencies".into(),
        toml::Value::Table(dependencies.clone()),
    );
    let dependencies = toml::to_string(&table).unwrap_or_default();
    format!(
        "{comment}\n[package]\nname = \"{PACKAGE}\"\nversion = \"0.0.0\"\nedition = \"{edition}\"\npublish = false\n\n{dependencies}\n{PROFILE}\n[workspace]\n{tables}"
    )
}

/// A `[[bin]]` table for the program `src/bin/NAME.rs`, with the features it requires (so that
/// `cargo build` leaves it out unless asked).
pub(crate) fn bin_table(name: &str, required_features: &[&str]) -> String {
    let mut table = toml::Table::new();
    table.insert("name".into(), name.into());
    table.insert("path".into(), format!("src/bin/{name}.rs").into());
    if !required_features.is_empty() {
        table.insert(
            "required-features".into(),
            toml::Value::Array(required_features.iter().map(|f| (*f).into()).collect()),
        );
    }
    format!("\n[[bin]]\n{}", toml::to_string(&table).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_carry_dependencies_edition_profile_and_tables() {
        let mut dependencies = toml::Table::new();
        dependencies.insert("itoa".into(), toml::Value::String("1".into()));
        let tables = bin_table("plain", &[]) + &bin_table("broken", &["compile-fail"]);
        let text = manifest("# A test.", &dependencies, Edition::E2021, &tables);
        assert!(text.starts_with("# A test.\n[package]\n"), "{text}");
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(parsed["package"]["name"].as_str(), Some(PACKAGE));
        assert_eq!(parsed["package"]["edition"].as_str(), Some("2021"));
        assert_eq!(parsed["dependencies"]["itoa"].as_str(), Some("1"));
        assert_eq!(
            parsed["profile"]["dev"]["package"]["*"]["opt-level"].as_integer(),
            Some(3)
        );
        let bins = parsed["bin"].as_array().unwrap();
        assert_eq!(bins[0]["path"].as_str(), Some("src/bin/plain.rs"));
        assert!(bins[0].get("required-features").is_none());
        assert_eq!(
            bins[1]["required-features"].as_array().unwrap()[0].as_str(),
            Some("compile-fail")
        );
    }

    #[test]
    fn the_default_manifest_is_the_one_earlier_versions_wrote() {
        // Cache keys cover the manifest: a site of the default edition keeps its results.
        let text = manifest("# c", &toml::Table::new(), Edition::default(), "");
        assert_eq!(
            text,
            format!(
                "# c\n[package]\nname = \"kiln-lessons\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n\n{PROFILE}\n[workspace]\n"
            )
        );
    }
}
