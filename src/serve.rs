//! `serve`: the live preview (being built; see the README).

use crate::site::Options;

/// Serves the site.
pub fn serve(_options: Options, _bind: &str, _port: u16, _open: bool) -> Result<(), String> {
    Err("`serve` is not available yet; run `build` and open public/index.html".into())
}
