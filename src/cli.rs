//! The command line: `build`, `check`, `serve` and `new`, with a global `--root`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Publish programming lessons whose Rust code is compiled and run at build time.
#[derive(Debug, Parser)]
#[command(name = "kiln", version, about, long_about = None)]
pub struct Cli {
    /// The site root: the folder holding config.toml and content/.
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (replaced whole, only when the build succeeds).
    Build(BuildArgs),
    /// Verify every page, formula, link and code block; write nothing; exit non-zero on errors.
    Check(CheckArgs),
    /// Build, serve on localhost, rebuild on changes and reload the browser.
    Serve(ServeArgs),
    /// Create a new post with the lesson structure.
    New(NewArgs),
    /// Move code results between machines: export this site's cache, or import another's.
    #[command(subcommand)]
    Cache(CacheCommand),
}

/// `cache` subcommands.
#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Write every cached code result and figure of the site into one file.
    Export(CacheFileArgs),
    /// Add the results of an exported file to the site's cache (existing ones are kept).
    Import(CacheFileArgs),
}

/// The file a cache is exported to or imported from.
#[derive(Debug, Args)]
pub struct CacheFileArgs {
    /// The archive (a zip file).
    pub file: PathBuf,
    /// Where caches live (default: <root>/target/kiln, or $KILN_CACHE_DIR).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

/// Options shared by commands that build.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Include posts marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
    /// Ignore cached code results and run every block again.
    #[arg(long)]
    pub fresh: bool,
    /// Where caches live (default: <root>/target/kiln, or $KILN_CACHE_DIR).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// List every page with the time its programs take to run, slowest first.
    #[arg(long)]
    pub timings: bool,
}

/// `build` options.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The output folder, relative to the root unless absolute.
    #[arg(long, short, default_value = "public", value_name = "DIR")]
    pub output: PathBuf,
    /// Run nothing: assemble the site from cached code results (for instance imported from
    /// the machines that checked its shards), failing if a block has none.
    #[arg(long)]
    pub no_run: bool,
    #[command(flatten)]
    /// The options every site command takes.
    pub common: CommonArgs,
}

/// `check` options.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    /// The options every site command takes.
    pub common: CommonArgs,
    /// Treat warnings as errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Run only the code of shard K of N (for example 2/4): a share of the pages chosen by a
    /// hash of each page's path, stable as pages are added. Everything else is checked on
    /// every shard.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(u32, u32)>,
    /// Run every block twice, fresh, and warn about the blocks whose two runs print or draw
    /// different things.
    #[arg(long)]
    pub twice: bool,
    /// Write a report of every code block for CI: `junit=FILE` or `json=FILE` (repeatable;
    /// FILE is relative to the current folder).
    #[arg(long = "report", value_name = "FORMAT=FILE")]
    pub reports: Vec<crate::report::Target>,
}

/// `serve` options.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on.
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// Address to bind; loopback by default, so only this machine can connect.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Open the site in a browser once it is served.
    #[arg(long)]
    pub open: bool,
    #[command(flatten)]
    /// The options every site command takes.
    pub common: CommonArgs,
}

/// `new` options.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The part, like 2.8: module number, dot, position.
    pub part: String,
    /// The title.
    pub title: String,
    /// The slug (default: made from the title).
    #[arg(long)]
    pub slug: Option<String>,
    /// The date (default: today).
    #[arg(long)]
    pub date: Option<String>,
}

/// `K/N` with 1 <= K <= N.
fn parse_shard(text: &str) -> Result<(u32, u32), String> {
    let (k, n) = text
        .split_once('/')
        .ok_or_else(|| format!("{text:?} is not K/N, like 1/4"))?;
    let (k, n): (u32, u32) = (
        k.trim()
            .parse()
            .map_err(|_| format!("{k:?} is not a number"))?,
        n.trim()
            .parse()
            .map_err(|_| format!("{n:?} is not a number"))?,
    );
    if n == 0 || k == 0 || k > n {
        return Err(format!("shard {k}/{n}: K must be between 1 and N"));
    }
    Ok((k, n))
}
