//! What a block's result depends on, and what it runs under: the cache key of a block (its code,
//! its mode and timeout, and everything outside it that can change its result), the setting
//! (containment and environment) and the limits of its run, and the compiler's version.

use std::time::Duration;

use super::project::Project;
use super::run::{Limits, Setting};
use super::sandbox::Jail;
use crate::config::{ExecuteConfig, SandboxMode};
use crate::edition::Edition;
use crate::markdown::code::CodeBlock;

/// Bumped whenever the way results are produced or stored changes; part of every cache key.
const FORMAT: &str = "kiln-exec-4";

/// How blocks are started under `config`: contained unless the site turned the sandbox off,
/// with the environment it adds.
pub(super) fn setting(config: &ExecuteConfig) -> Setting {
    let jail = match config.sandbox {
        SandboxMode::Off => Jail::default(),
        SandboxMode::Auto | SandboxMode::Required => Jail {
            pid_namespace: true,
            no_network: !config.network,
            writable: Some(Vec::new()),
            limits: None,
        },
    };
    Setting {
        jail,
        env: config.env.clone(),
    }
}

/// Everything outside a block that can change its result: this runner's format, the compiler,
/// the dependency manifest and lock, the run limits, the environment blocks get, the
/// containment the site asks for, and compiler flags. Nothing in it names this machine (no
/// paths, not which protections this kernel offers), so a result made on one machine is valid
/// on another with the same compiler and lock file.
pub(super) fn environment_of(toolchain: &str, project: &Project, config: &ExecuteConfig) -> String {
    format!(
        "{FORMAT}\n{toolchain}\n{}\nlimits {} {} {} {} {} {}\nsandbox {:?} network {} env {:?}\nrustflags {:?} {:?}",
        project.fingerprint(),
        config.output_limit_bytes,
        config.timeout,
        config.memory_limit_mib,
        config.max_figures,
        config.max_figure_kib,
        FILE_SIZE_LIMIT,
        config.sandbox,
        config.network,
        config.env,
        std::env::var("RUSTFLAGS").unwrap_or_default(),
        std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default(),
    )
}

/// The key of a block: everything that can change its result. The site's edition is part of
/// the manifest, and so of `environment`; a block compiled with another edition (its fence's)
/// adds that edition, and one that is compiled alone (`standalone_crate`) or must fail with
/// given error codes adds that, so that other blocks keep the keys they always had.
pub(super) fn block_key(environment: &str, block: &CodeBlock, site_edition: Edition) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(environment.as_bytes());
    hasher.update(format!("\0{:?}\0{:?}\0", block.attrs.mode, block.attrs.timeout).as_bytes());
    if let Some(edition) = block.attrs.edition.filter(|e| *e != site_edition) {
        hasher.update(format!("edition {edition}\0").as_bytes());
    }
    if block.attrs.standalone {
        hasher.update(b"standalone\0");
    }
    if !block.attrs.error_codes.is_empty() {
        hasher.update(format!("codes {:?}\0", block.attrs.error_codes).as_bytes());
    }
    hasher.update(block.compiled().as_bytes());
    hasher.finalize().to_hex().to_string()
}

/// `rustc -vV`, which names the exact compiler.
pub fn toolchain() -> Result<String, String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = std::process::Command::new(&rustc)
        .arg("-vV")
        .output()
        .map_err(|e| format!("cannot run rustc to compile the lessons: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "rustc -vV failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Bytes a block may print in all before it is stopped.
pub(super) const OUTPUT_HARD_LIMIT: usize = 64 << 20;
/// Largest file a block may write.
pub(super) const FILE_SIZE_LIMIT: u64 = 64 << 20;

pub(super) fn limits(config: &ExecuteConfig, block: &CodeBlock) -> Limits {
    Limits {
        timeout: Duration::from_secs_f64(block.attrs.timeout.unwrap_or(config.timeout)),
        memory: config.memory_limit_mib << 20,
        output: config.output_limit_bytes,
        errors: config.output_limit_bytes + (64 << 10),
        output_hard: OUTPUT_HARD_LIMIT,
        file_size: FILE_SIZE_LIMIT,
        max_figures: config.max_figures,
        max_figure_bytes: config.max_figure_kib << 10,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Location;

    fn block(info: &str) -> CodeBlock {
        CodeBlock::for_tests(info, Location::at("content/a.md", 1, 1), &["fn main() {}"])
    }

    #[test]
    fn the_key_covers_the_edition_a_block_is_compiled_with() {
        let site = Edition::E2024;
        let plain = block_key("env", &block("rust"), site);
        assert_eq!(plain, block_key("env", &block("rust,edition2024"), site));
        let older = block_key("env", &block("rust,edition2018"), site);
        assert_ne!(plain, older);
        assert_ne!(older, block_key("env", &block("rust,edition2021"), site));
        // On a 2018 site, a plain block and an `edition2018` one compile alike.
        assert_eq!(
            block_key("env", &block("rust"), Edition::E2018),
            block_key("env", &block("rust,edition2018"), Edition::E2018)
        );
        assert_ne!(block_key("env", &block("rust,no_run"), site), plain);
        assert_ne!(
            block_key("env", &block("rust,standalone_crate"), site),
            plain
        );
        let fails = block_key("env", &block("rust,compile_fail"), site);
        assert_ne!(
            block_key("env", &block("rust,compile_fail,E0382"), site),
            fails
        );
    }
}
