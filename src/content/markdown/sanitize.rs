//! What editor Markdown may not carry into the page: script URLs and
//! unsafe raw HTML.

use std::sync::OnceLock;

use pulldown_cmark::Tag;

/// Only web and mail links survive; `javascript:`, `data:` and the like become `#`.
pub fn safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    match cleaned.find(':') {
        Some(colon) if !cleaned[..colon].contains(['/', '?', '#']) => {
            matches!(&cleaned[..colon], "http" | "https" | "mailto" | "tel")
        }
        _ => true,
    }
}

pub(super) fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_tags(["section", "input", "figure", "figcaption"])
            .add_generic_attributes(["id", "class", "title", "lang"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("th", ["style"])
            .add_tag_attributes("td", ["style"])
            .add_tag_attributes("ol", ["start"])
            .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
            .link_rel(None)
            .attribute_filter(|element, attribute, value| match (element, attribute) {
                // Table alignment is the only inline style we keep.
                ("th" | "td", "style") => {
                    let v = value.replace(' ', "");
                    matches!(
                        v.as_str(),
                        "text-align:left" | "text-align:center" | "text-align:right"
                    )
                    .then(|| value.into())
                }
                ("input", "type") => (value == "checkbox").then(|| value.into()),
                _ => Some(value.into()),
            });
        b
    })
}

pub(super) fn sanitize_tag(tag: Tag<'_>) -> Tag<'_> {
    match tag {
        Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        } if !safe_url(&dest_url) => Tag::Link {
            link_type,
            dest_url: "#".into(),
            title,
            id,
        },
        Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        } if !safe_url(&dest_url) => Tag::Image {
            link_type,
            dest_url: "#".into(),
            title,
            id,
        },
        other => other,
    }
}
