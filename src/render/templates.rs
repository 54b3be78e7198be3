//! The theme's templates loaded into tera, with the filters they may use.

use tera::Tera;

use crate::config::Config;
use crate::content::model::KINDS;
use crate::error::{Error, Result};
use crate::render::theme::Theme;

/// Templates a theme must have besides one per kind (`KindSpec::template`).
pub const SHARED_TEMPLATES: &[&str] = &[
    "index.html",
    "section.html",
    "series_list.html",
    "series.html",
    "taxonomy_list.html",
    "taxonomy_term.html",
    "search.html",
    "404.html",
    "path_list.html",
    "path.html",
];

/// The theme's templates, checked and loaded, with the filters bound to
/// this site (`url` prefixes its base path).
pub fn build_tera(theme: &Theme, config: &Config) -> Result<Tera> {
    let kind_templates = KINDS.iter().map(|k| k.template);
    for name in SHARED_TEMPLATES.iter().copied().chain(kind_templates) {
        if !theme.templates.contains_key(name) {
            return Err(Error::Theme {
                theme: theme.name.clone(),
                message: format!("template {name} is missing"),
            });
        }
    }
    let mut tera = Tera::default();
    // Tera's default escaper also escapes `/`, which makes every URL in the
    // output unreadable (`&#x2F;policies&#x2F;`); these five are what HTML needs.
    tera.set_escape_fn(crate::content::text::escape_html);
    tera.register_filter("date_zh", date_zh_filter);
    // The same rule as the links the Rust code makes (`Config::href`), plus
    // the content fingerprint of a theme stylesheet or script.
    // The base path is worked out once, not for each of a page's twenty-odd links.
    let base_path = config.base_path().to_string();
    let fingerprints = theme.fingerprints()?;
    tera.register_filter(
        "url",
        move |value: &tera::Value, _: &std::collections::HashMap<String, tera::Value>| {
            let Some(url) = value.as_str() else {
                return Ok(value.clone());
            };
            let mut href = String::with_capacity(base_path.len() + url.len() + 12);
            if crate::config::is_site_path(url) {
                href.push_str(&base_path);
            }
            href.push_str(url);
            if let Some(print) = fingerprints.get(url) {
                href.push_str("?v=");
                href.push_str(print);
            }
            Ok(tera::Value::String(href))
        },
    );
    tera.add_raw_templates(
        theme
            .templates
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str())),
    )
    .map_err(|e| Error::Template {
        template: "(loading)".to_string(),
        message: error_chain(&e),
    })?;
    Ok(tera)
}

pub(super) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

/// `{{ page.date | date_zh }}`: `2024-03-01` as Chinese documents write it,
/// 2024年3月1日. Anything that is not a date is returned as it is.
fn date_zh_filter(
    value: &tera::Value,
    _: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let date = value
        .as_str()
        .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
    Ok(match date {
        Some(d) => tera::Value::String(crate::content::model::date_zh(d)),
        None => value.clone(),
    })
}
