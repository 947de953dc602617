//! kiln: turns a folder of Markdown lessons into a static site, compiling and running their Rust
//! code blocks, rendering their math with KaTeX and highlighting their code at build time.

pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod escape;
pub mod execute;
pub mod highlight;
pub mod kvcache;
pub mod lock;
pub mod markdown;
pub mod math;
pub mod output;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod templates;
pub mod toml_span;
