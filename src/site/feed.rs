//! The Atom feed of posts (newest first) and the sitemap of every page.

use crate::config::Config;
use crate::content::Library;
use crate::escape;
use crate::site::context::absolute;

/// The Atom feed of the series.
pub fn atom(config: &Config, library: &Library) -> String {
    let mut posts: Vec<_> = library.posts.iter().collect();
    posts.sort_by(|a, b| b.date.cmp(&a.date).then(b.part.cmp(&a.part)));
    let updated = posts.first().map_or_else(
        || "1970-01-01".to_string(),
        |p| p.date.format("%Y-%m-%d").to_string(),
    );
    let mut xml = String::new();
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    xml.push_str(&format!(
        "  <title>{}</title>\n",
        escape::text(&config.title)
    ));
    if !config.description.is_empty() {
        xml.push_str(&format!(
            "  <subtitle>{}</subtitle>\n",
            escape::text(&config.description)
        ));
    }
    xml.push_str(&format!(
        "  <link href=\"{}\"/>\n",
        escape::attr(&absolute(config, ""))
    ));
    xml.push_str(&format!(
        "  <link rel=\"self\" href=\"{}\"/>\n",
        escape::attr(&absolute(config, "atom.xml"))
    ));
    xml.push_str(&format!(
        "  <id>{}</id>\n",
        escape::text(&absolute(config, ""))
    ));
    xml.push_str(&format!("  <updated>{updated}T00:00:00Z</updated>\n"));
    if !config.author.is_empty() {
        xml.push_str(&format!(
            "  <author><name>{}</name></author>\n",
            escape::text(&config.author)
        ));
    }
    for post in posts {
        let url = absolute(config, &post.url);
        xml.push_str("  <entry>\n");
        xml.push_str(&format!(
            "    <title>{} {}</title>\n",
            post.part,
            escape::text(&post.title)
        ));
        xml.push_str(&format!("    <link href=\"{}\"/>\n", escape::attr(&url)));
        xml.push_str(&format!("    <id>{}</id>\n", escape::text(&url)));
        xml.push_str(&format!(
            "    <updated>{}T00:00:00Z</updated>\n",
            post.date.format("%Y-%m-%d")
        ));
        if !post.description.is_empty() {
            xml.push_str(&format!(
                "    <summary>{}</summary>\n",
                escape::text(&post.description)
            ));
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// The sitemap: every page's absolute address.
pub fn sitemap(config: &Config, urls: &[String]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut sorted = urls.to_vec();
    sorted.sort();
    for url in sorted {
        xml.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            escape::text(&absolute(config, &url))
        ));
    }
    xml.push_str("</urlset>\n");
    xml
}
