//! `zhiku export`: the bundled site as OpenSearch/Elasticsearch bulk lines,
//! and the mapping documented in docs/deploy/ is the one the command makes.

use std::collections::BTreeSet;

use crate::common::{repo_root, SiteTest};

fn stdout_of(site: &SiteTest, args: &[&str]) -> String {
    let out = site.zhiku(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn ndjson_export_has_one_valid_action_and_document_per_indexed_page() {
    let site = SiteTest::bundled();
    site.built();
    let file = site.root.join("bulk.ndjson");
    let file_arg = file.to_str().unwrap();
    stdout_of(
        &site,
        &[
            "export",
            "--format",
            "ndjson",
            "--out",
            file_arg,
            "--index-name",
            "dangjian",
        ],
    );
    let text = std::fs::read_to_string(&file).unwrap();
    // The bulk API wants a newline after the last line too.
    assert!(text.ends_with('\n'));
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len() % 2, 0);

    let mapping: serde_json::Value =
        serde_json::from_str(&stdout_of(&site, &["export", "--format", "mapping"])).unwrap();
    let properties = mapping["mappings"]["properties"].as_object().unwrap();
    let engine =
        zhiku::search::engine::SearchEngine::open(&site.root.join("search-index/tantivy")).unwrap();
    assert_eq!(
        lines.len() / 2,
        engine.searcher().num_docs() as usize,
        "one per indexed document"
    );

    let mut ids = BTreeSet::new();
    for pair in lines.chunks(2) {
        let (action, doc) = (&pair[0], &pair[1]);
        assert_eq!(action["index"]["_index"], "dangjian");
        let id = action["index"]["_id"].as_str().unwrap();
        assert_eq!(doc["url"], id);
        assert!(ids.insert(id.to_string()), "{id} twice");
        assert!(
            site.out()
                .join(id.trim_start_matches('/'))
                .join("index.html")
                .is_file(),
            "{id}"
        );
        let permalink = doc["permalink"].as_str().unwrap();
        assert!(
            permalink.starts_with("http") && permalink.ends_with(id),
            "{permalink}"
        );
        for key in doc.as_object().unwrap().keys() {
            assert!(
                properties.contains_key(key),
                "{key} is not in the mapping (dynamic: strict)"
            );
        }
        let body = doc["body"].as_str().unwrap();
        assert!(
            !body.contains("<p>") && !body.is_empty(),
            "{id}: plain text"
        );
        assert!(doc["date"].as_str().unwrap().len() == 10);
    }
    // A policy carries its 文号, both as written and canonical, its issuers and status.
    let policy = lines
        .chunks(2)
        .map(|p| &p[1])
        .find(|d| d["kind"] == "policy" && d["doc_number"].is_string() && d["status"].is_string())
        .expect("a policy with a 文号");
    assert!(policy["doc_number_canonical"]
        .as_str()
        .unwrap()
        .contains('〔'));
    assert!(!policy["issuers"].as_array().unwrap().is_empty());
    assert_eq!(policy["kind_label"], "政策文件");
}

#[test]
fn the_documented_mapping_is_the_one_the_command_makes() {
    let site = SiteTest::empty();
    let made = stdout_of(&site, &["export", "--format", "mapping"]);
    let documented =
        std::fs::read_to_string(repo_root().join("docs/deploy/opensearch-mapping.json")).unwrap();
    assert_eq!(
        made, documented,
        "regenerate with: zhiku export --format mapping --out docs/deploy/opensearch-mapping.json"
    );
    let mapping: serde_json::Value = serde_json::from_str(&made).unwrap();
    let analyzers = mapping["settings"]["analysis"]["analyzer"]
        .as_object()
        .unwrap();
    for (name, spec) in mapping["mappings"]["properties"].as_object().unwrap() {
        for analyzer in [&spec["analyzer"], &spec["fields"]["grams"]["analyzer"]] {
            if let Some(a) = analyzer.as_str() {
                assert!(analyzers.contains_key(a), "{name}: {a} undefined");
            }
        }
    }
}
