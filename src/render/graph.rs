//! `graph.json`: the documents and the links between them, for other tools.

use serde_json::Value;

use super::OutputFile;
use crate::site::Site;

/// Every document and the links between them, for other tools: links and
/// 文号 citations written in the text, and the supersedes relation.
pub(super) fn graph(site: &Site) -> OutputFile {
    let nodes: Vec<Value> = site
        .pages
        .iter()
        .map(|p| {
            serde_json::json!({
                "id": site.config.href(&p.url),
                "title": p.doc.front.title,
                "kind": p.doc.front.kind.name(),
                "date": p.doc.front.date.to_string(),
                "doc_number": p.doc.front.policy.doc_number,
            })
        })
        .collect();
    let href = |url: &str| site.config.href(url);
    let mut edges = Vec::new();
    for p in &site.pages {
        for &j in &p.links_to {
            edges.push(serde_json::json!({ "source": href(&p.url), "target": href(&site.pages[j].url), "type": "cites" }));
        }
        for &j in &p.supersedes {
            edges.push(serde_json::json!({ "source": href(&p.url), "target": href(&site.pages[j].url), "type": "supersedes" }));
        }
    }
    OutputFile {
        path: "graph.json".to_string(),
        contents: serde_json::to_vec(&serde_json::json!({ "nodes": nodes, "edges": edges }))
            .unwrap_or_default(),
    }
}
