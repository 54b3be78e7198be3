//! Atom feeds (site and per section), sitemap.xml and robots.txt. Written
//! directly rather than through templates so they are always well-formed XML.

use chrono::NaiveDate;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

use crate::config::Config;
use crate::render::OutputFile;
use crate::site::{Page, Site};

/// Characters escaped in URL paths (non-ASCII is always escaped).
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'#')
    .add(b'?')
    .add(b'{')
    .add(b'}')
    .add(b'%');

/// Absolute, percent-encoded URL of a site path.
pub fn permalink(config: &Config, path: &str) -> String {
    format!("{}{}", config.base_url, utf8_percent_encode(path, PATH))
}

/// HTML escaping, minus the control characters XML 1.0 forbids outright.
pub fn xml_escape(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .filter(|&c| c >= ' ' || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    crate::content::text::escape_html(&cleaned)
}

/// Dates carry no time; documents are dated in China Standard Time.
fn rfc3339(date: NaiveDate) -> String {
    format!("{date}T00:00:00+08:00")
}

fn page_updated(p: &Page) -> NaiveDate {
    p.doc.front.updated.unwrap_or(p.doc.front.date)
}

pub fn feeds(site: &Site) -> Vec<OutputFile> {
    let all: Vec<&Page> = site.pages.iter().collect();
    let mut out = vec![atom(site, "", &site.config.title, &all)];
    for s in &site.sections {
        let pages: Vec<&Page> = s.pages.iter().map(|&i| &site.pages[i]).collect();
        let title = format!("{} - {}", s.title, site.config.title);
        out.push(atom(
            site,
            &format!("{}/", s.kind.section()),
            &title,
            &pages,
        ));
    }
    out
}

/// `dir` is `""` for the site feed or `policies/` for a section's.
fn atom(site: &Site, dir: &str, title: &str, pages: &[&Page]) -> OutputFile {
    let c = &site.config;
    let pages = &pages[..pages.len().min(c.feed_limit)];
    let self_url = permalink(c, &format!("/{dir}atom.xml"));
    let alt_url = permalink(c, &format!("/{dir}"));
    let updated = pages
        .iter()
        .map(|p| page_updated(p))
        .max()
        .map(rfc3339)
        .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".to_string());
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        xml_escape(&c.language)
    ));
    x.push_str(&format!("  <title>{}</title>\n", xml_escape(title)));
    if !c.description.is_empty() {
        x.push_str(&format!(
            "  <subtitle>{}</subtitle>\n",
            xml_escape(&c.description)
        ));
    }
    x.push_str(&format!(
        "  <link href=\"{}\" rel=\"self\" type=\"application/atom+xml\"/>\n",
        xml_escape(&self_url)
    ));
    x.push_str(&format!(
        "  <link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>\n",
        xml_escape(&alt_url)
    ));
    x.push_str(&format!("  <id>{}</id>\n", xml_escape(&alt_url)));
    x.push_str(&format!("  <updated>{updated}</updated>\n"));
    x.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        xml_escape(if c.author.is_empty() {
            &c.title
        } else {
            &c.author
        })
    ));
    x.push_str("  <generator>zhiku</generator>\n");
    for p in pages {
        let f = &p.doc.front;
        let url = permalink(c, &p.url);
        x.push_str("  <entry>\n");
        x.push_str(&format!("    <title>{}</title>\n", xml_escape(&f.title)));
        x.push_str(&format!(
            "    <link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>\n",
            xml_escape(&url)
        ));
        x.push_str(&format!("    <id>{}</id>\n", xml_escape(&url)));
        x.push_str(&format!("    <published>{}</published>\n", rfc3339(f.date)));
        x.push_str(&format!(
            "    <updated>{}</updated>\n",
            rfc3339(page_updated(p))
        ));
        if let Some(author) = &f.author {
            x.push_str(&format!(
                "    <author><name>{}</name></author>\n",
                xml_escape(author)
            ));
        }
        x.push_str(&format!(
            "    <category term=\"{}\" label=\"{}\"/>\n",
            f.kind.name(),
            f.kind.label()
        ));
        for tag in &f.tags {
            x.push_str(&format!("    <category term=\"{}\"/>\n", xml_escape(tag)));
        }
        let summary = f
            .summary
            .clone()
            .or_else(|| p.doc.rendered.first_paragraph.clone())
            .unwrap_or_default();
        if !summary.is_empty() {
            x.push_str(&format!(
                "    <summary type=\"text\">{}</summary>\n",
                xml_escape(&crate::content::text::summarize(&summary, 200))
            ));
        }
        x.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            xml_escape(
                &site.resolve_citations(&site.resolve_internal_links(&p.doc.rendered.html), &p.url)
            )
        ));
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    OutputFile {
        path: format!("{dir}atom.xml"),
        contents: x.into_bytes(),
    }
}

pub fn sitemap(site: &Site) -> OutputFile {
    let c = &site.config;
    let mut urls: Vec<(String, Option<NaiveDate>)> = vec![("/".to_string(), None)];
    for s in &site.sections {
        urls.push((
            s.url(),
            s.pages.first().map(|&i| page_updated(&site.pages[i])),
        ));
    }
    for p in &site.pages {
        urls.push((p.url.clone(), Some(page_updated(p))));
    }
    urls.push(("/series/".to_string(), None));
    for s in &site.series {
        urls.push((s.url.clone(), None));
    }
    for t in &site.taxonomies {
        urls.push((t.url(), None));
        for term in &t.terms {
            urls.push((term.url.clone(), None));
        }
    }
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (url, lastmod) in urls {
        x.push_str("  <url><loc>");
        x.push_str(&xml_escape(&permalink(c, &url)));
        x.push_str("</loc>");
        if let Some(d) = lastmod {
            x.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        x.push_str("</url>\n");
    }
    x.push_str("</urlset>\n");
    OutputFile {
        path: "sitemap.xml".to_string(),
        contents: x.into_bytes(),
    }
}

pub fn robots(site: &Site) -> OutputFile {
    OutputFile {
        path: "robots.txt".to_string(),
        contents: format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}\n",
            permalink(&site.config, "/sitemap.xml")
        )
        .into_bytes(),
    }
}
