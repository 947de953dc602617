//! Build script: records the exact versions of the syntax-highlighting crates from Cargo.lock,
//! so that highlighted code cached by one version is not reused by another, and the target
//! kiln is built for, which rustdoc's `ignore-<target>` fence attributes are matched against.

fn main() {
    println!("cargo::rerun-if-changed=Cargo.lock");
    let lock = std::fs::read_to_string("Cargo.lock").unwrap_or_default();
    let mut versions = Vec::new();
    let mut name = None;
    for line in lock.lines() {
        if let Some(value) = line.strip_prefix("name = ") {
            name = Some(value.trim_matches('"').to_string());
        } else if let (Some(value), Some(current)) = (line.strip_prefix("version = "), &name)
            && matches!(current.as_str(), "two-face" | "syntect" | "onig")
        {
            versions.push(format!("{current} {}", value.trim_matches('"')));
        }
    }
    versions.sort();
    println!(
        "cargo::rustc-env=KILN_TARGET={}",
        std::env::var("TARGET").unwrap_or_default()
    );
    println!(
        "cargo::rustc-env=KILN_GRAMMAR_VERSIONS={}",
        versions.join(", ")
    );
}
