//! Tags: the words posts list under `tags` in their front matter, gathered into one [`Tag`]
//! per slug (so `"Learning Rate"` and `"learning-rate"` are one tag), each with its posts in
//! series order.

use super::Post;

/// One tag and the posts that carry it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// The tag as the first post in series order spells it.
    pub name: String,
    /// Its URL segment: `tags/<slug>/`.
    pub slug: String,
    /// Indices in [`super::Library::posts`] of its posts, in series order.
    pub posts: Vec<usize>,
}

/// A tag's URL segment: its letters and digits, lowercased, in words joined by single hyphens;
/// `None` when it has no letter or digit.
pub fn slug(tag: &str) -> Option<String> {
    let words: Vec<String> = tag
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    (!words.is_empty()).then(|| words.join("-"))
}

/// Every tag of `posts` (already in series order), sorted by slug.
pub(super) fn gather(posts: &[Post]) -> Vec<Tag> {
    let mut tags: Vec<Tag> = Vec::new();
    for (index, post) in posts.iter().enumerate() {
        for name in &post.tags {
            let Some(slug) = slug(name) else { continue };
            match tags.iter_mut().find(|t| t.slug == slug) {
                Some(tag) if tag.posts.last() == Some(&index) => {}
                Some(tag) => tag.posts.push(index),
                None => tags.push(Tag {
                    name: name.trim().to_string(),
                    slug,
                    posts: vec![index],
                }),
            }
        }
    }
    tags.sort_by(|a, b| a.slug.cmp(&b.slug));
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_joined_by_hyphens() {
        assert_eq!(slug("learning-rate").as_deref(), Some("learning-rate"));
        assert_eq!(slug(" Learning  Rate ").as_deref(), Some("learning-rate"));
        assert_eq!(slug("C++ / Rust").as_deref(), Some("c-rust"));
        assert_eq!(slug("Größe").as_deref(), Some("größe"));
        assert_eq!(slug("--"), None);
        assert_eq!(slug(""), None);
    }
}
