//! Chinese search on the `search` fixture: folding, substrings, phrases,
//! domain terms, 文号 variants, filters, facets and sorting.

use crate::common;

use common::SiteTest;
use zhiku::search::engine::{SearchEngine, SearchResponse};
use zhiku::search::query::{SearchParams, SearchRequest};

struct Fixture {
    _site: SiteTest,
    engine: SearchEngine,
}

fn fixture() -> Fixture {
    let site = SiteTest::fixture("search");
    site.built();
    let engine = SearchEngine::open(&site.root.join("search-index/tantivy")).unwrap();
    Fixture {
        _site: site,
        engine,
    }
}

impl Fixture {
    fn search(&self, params: SearchParams) -> SearchResponse {
        let req = SearchRequest::from_params(&params).unwrap();
        self.engine.search(&req).unwrap()
    }

    fn q(&self, q: &str) -> SearchResponse {
        self.search(SearchParams {
            q: Some(q.to_string()),
            ..Default::default()
        })
    }

    fn urls(&self, q: &str) -> Vec<String> {
        self.q(q).hits.into_iter().map(|h| h.url).collect()
    }
}

#[test]
fn simplified_finds_traditional_and_the_reverse() {
    let f = fixture();
    let hits = f.q("志愿服务队");
    assert_eq!(
        hits.hits.iter().map(|h| h.url.as_str()).collect::<Vec<_>>(),
        ["/experiences/trad/"]
    );
    // The highlight marks the original Traditional characters.
    assert!(
        hits.hits[0].title_html.contains("<mark>志願服務隊</mark>"),
        "{}",
        hits.hits[0].title_html
    );
    assert!(
        hits.hits[0].snippet.contains("<mark>志願服務隊</mark>"),
        "{}",
        hits.hits[0].snippet
    );
    // And a Traditional query finds Simplified text.
    assert!(f
        .urls("黨員服務站")
        .contains(&"/experiences/simplified/".to_string()));
}

#[test]
fn full_width_matches_half_width() {
    let f = fixture();
    let a = f.urls("ＸＸ市");
    let b = f.urls("xx市");
    assert!(a.contains(&"/cases/fullwidth/".to_string()), "{a:?}");
    assert!(a.contains(&"/experiences/simplified/".to_string()), "{a:?}");
    assert_eq!(a.len(), b.len());
}

#[test]
fn any_two_character_substring_is_found() {
    let f = fixture();
    assert_eq!(f.urls("段简"), ["/experiences/simplified/"]);
    assert_eq!(f.urls("简单的介"), ["/experiences/simplified/"]);
    assert!(f.urls("邻里").contains(&"/experiences/trad/".to_string()));
    // A single character works too.
    assert!(!f.urls("湖").is_empty());
}

/// A character alone is indexed only where its run of Han characters ends;
/// elsewhere it is found through the bigram it starts. Whatever its place,
/// a one-character query finds exactly the documents that contain it, and
/// a phrase ending in a lone character finds it before another character.
#[test]
fn a_single_character_is_found_wherever_it_stands() {
    let f = fixture();
    let content = f._site.root.join("content");
    let docs: Vec<(String, String)> = walkdir::WalkDir::new(&content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .filter(|e| e.file_name() != "_index.md")
        .map(|e| {
            let rel = e.path().strip_prefix(&content).unwrap().with_extension("");
            let url = format!("/{}/", rel.to_string_lossy().replace('\\', "/"));
            let text = std::fs::read_to_string(e.path()).unwrap();
            (url, zhiku::search::analyzer::normalize(&text).text)
        })
        .collect();
    // 党 and 建 mostly start bigrams (党建, 建设); 号 and 湖 also end runs.
    for c in ["党", "建", "号", "湖", "务", "意", "设"] {
        let mut expected: Vec<&str> = docs
            .iter()
            .filter(|(_, text)| text.contains(c))
            .map(|(url, _)| url.as_str())
            .collect();
        expected.sort();
        assert!(!expected.is_empty(), "{c}");
        let response = f.q(c);
        let mut found = f.urls(c);
        found.sort();
        assert_eq!(found, expected, "{c}");
        assert_eq!(response.total, expected.len(), "{c}");
    }
    // 市 is followed by 的 in "ＸＸ市的做法": the phrase's last character is
    // the first of a bigram there.
    assert!(f
        .urls("ＸＸ市")
        .contains(&"/experiences/simplified/".to_string()));
    // More occurrences score higher, as for any term: 党 is the document's
    // character frequency summed over the bigrams it starts.
    let hits = f.q("党").hits;
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn phrases_are_exact_and_words_are_anded() {
    let f = fixture();
    // "社区党建" occurs as such in three documents; old-banfa has 社区 and 党建 apart.
    let phrase = f.urls("\"社区党建\"");
    assert!(
        !phrase.contains(&"/policies/old-banfa/".to_string()),
        "{phrase:?}"
    );
    assert!(phrase.contains(&"/cases/fullwidth/".to_string()));
    let words = f.urls("社区 党建");
    assert!(
        words.contains(&"/policies/old-banfa/".to_string()),
        "{words:?}"
    );
    assert!(words.len() > phrase.len());
    // Exclusion.
    let excluded = f.urls("社区 党建 -网格化");
    assert!(!excluded.contains(&"/cases/fullwidth/".to_string()));
    // Latin phrase.
    assert_eq!(f.urls("\"party building\""), ["/training/lesson/"]);
    assert!(f.urls("\"building party\"").is_empty());
}

#[test]
fn a_domain_term_stays_whole_and_whole_matches_rank_first() {
    let f = fixture();
    let words = f.engine.index().analyzer.query_words("三会一课");
    assert_eq!(words, ["三会一课"]);
    let hits = f.urls("三会一课");
    // fullwidth.md has 三会 and 一课 apart: not a match.
    assert!(!hits.contains(&"/cases/fullwidth/".to_string()), "{hits:?}");
    // The lesson has it in its title and heading: first.
    assert_eq!(hits[0], "/training/lesson/");
}

#[test]
fn doc_number_variants_match() {
    let f = fixture();
    for v in [
        "江组发〔2019〕12号",
        "江组发[2019]12号",
        "江组发(2019)12号",
        "江组发（2019）12号",
        "江组发〔2019〕012号",
        "江组发2019年12号",
        "江组发［2019］12号",
    ] {
        let hits = f.urls(v);
        assert_eq!(
            hits.first().map(String::as_str),
            Some("/policies/hongse-wuye/"),
            "{v}: {hits:?}"
        );
    }
    // The citing case is found by the 文号 in its text, below the policy itself.
    assert!(f
        .urls("江组发[2019]12号")
        .contains(&"/cases/cite/".to_string()));
}

#[test]
fn filters_and_facet_counts() {
    let f = fixture();
    let all = f.q("社区");
    let kinds: std::collections::HashMap<String, u64> = all
        .facets
        .kind
        .iter()
        .map(|v| (v.value.clone(), v.count))
        .collect();
    let total: u64 = kinds.values().sum();
    assert_eq!(total as usize, all.total);
    for (kind, count) in &kinds {
        let r = f.search(SearchParams {
            q: Some("社区".into()),
            kind: Some(kind.clone()),
            ..Default::default()
        });
        assert_eq!(r.total as u64, *count, "{kind}");
        assert!(r.hits.iter().all(|h| &h.kind == kind));
    }
    let tagged = f.search(SearchParams {
        tag: Some("红色物业".into()),
        ..Default::default()
    });
    assert_eq!(tagged.total, 2);
    let tag_facet = all
        .facets
        .tags
        .iter()
        .find(|t| t.value == "组织建设")
        .unwrap();
    let r = f.search(SearchParams {
        q: Some("社区".into()),
        tag: Some("组织建设".into()),
        ..Default::default()
    });
    assert_eq!(r.total as u64, tag_facet.count);

    let repealed = f.search(SearchParams {
        status: Some("repealed".into()),
        ..Default::default()
    });
    assert_eq!(
        repealed
            .hits
            .iter()
            .map(|h| h.url.as_str())
            .collect::<Vec<_>>(),
        ["/policies/old-banfa/"]
    );
    assert_eq!(repealed.hits[0].status_label.as_deref(), Some("已废止"));
    let region = f.search(SearchParams {
        region: Some("江城市东湖区".into()),
        ..Default::default()
    });
    assert_eq!(region.total, 2);
    let issuer = f.search(SearchParams {
        issuer: Some("江城市民政局".into()),
        ..Default::default()
    });
    assert_eq!(issuer.total, 1);

    let range = f.search(SearchParams {
        from: Some("2019".into()),
        to: Some("2021-08".into()),
        ..Default::default()
    });
    let dates: Vec<_> = range.hits.iter().map(|h| h.date.clone().unwrap()).collect();
    assert_eq!(dates, ["2021-08-01", "2020-10-22", "2019-05-06"]);
    let years: Vec<_> = range
        .facets
        .year
        .iter()
        .map(|y| (y.value.as_str(), y.count))
        .collect();
    assert_eq!(years, [("2021", 1), ("2020", 1), ("2019", 1)]);
}

#[test]
fn sort_by_date_and_paging() {
    let f = fixture();
    let r = f.search(SearchParams {
        q: Some("社区".into()),
        sort: Some("date".into()),
        ..Default::default()
    });
    let dates: Vec<String> = r.hits.iter().map(|h| h.date.clone().unwrap()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    assert!(dates.len() >= 4);
    let p1 = f.search(SearchParams {
        q: Some("社区".into()),
        sort: Some("date".into()),
        size: Some("2".into()),
        ..Default::default()
    });
    let p2 = f.search(SearchParams {
        q: Some("社区".into()),
        sort: Some("date".into()),
        size: Some("2".into()),
        page: Some("2".into()),
        ..Default::default()
    });
    assert_eq!(p1.total_pages, r.total.div_ceil(2));
    assert_eq!(
        p1.hits
            .iter()
            .chain(&p2.hits)
            .map(|h| h.url.clone())
            .collect::<Vec<_>>(),
        r.hits
            .iter()
            .take(4)
            .map(|h| h.url.clone())
            .collect::<Vec<_>>()
    );
}

#[test]
fn pages_list_related_documents() {
    let site = SiteTest::fixture("search");
    site.built();
    let html = site.main("policies/hongse-wuye/index.html");
    let related = &html[html.find("相关文档").expect("related block")..];
    assert!(related.contains("href=\"/cases/cite/\""), "{related}");
    assert!(
        !related.contains("href=\"/policies/hongse-wuye/\""),
        "not itself"
    );
}

#[test]
fn failed_build_keeps_the_previous_index() {
    let site = SiteTest::fixture("search");
    site.built();
    site.write("content/cases/bad.md", "---\ntitle: 坏\n---\n");
    assert!(site.build().is_err());
    let engine = SearchEngine::open(&site.root.join("search-index/tantivy")).unwrap();
    let r = engine
        .search(
            &SearchRequest::from_params(&SearchParams {
                q: Some("段简".into()),
                ..Default::default()
            })
            .unwrap(),
        )
        .unwrap();
    assert_eq!(r.total, 1, "old index still answers");
}

#[test]
fn doc_numbers_in_text_link_to_their_policy() {
    let site = SiteTest::fixture("search");
    site.write(
        "content/cases/unknown.md",
        "---\ntitle: 引用\ndate: 2021-01-01\n---\n依据江组发[2019]12号和京组发〔2001〕3号开展工作，`江组发〔2019〕12号`不链接。\n",
    );
    site.built();
    let cite = site.main("cases/cite/index.html");
    assert!(
        cite.contains("（<a class=\"docnum\" href=\"/policies/hongse-wuye/\" title=\"关于推进红色物业建设的意见\">江组发〔2019〕12号</a>）"),
        "{cite}"
    );
    let other = site.main("cases/unknown/index.html");
    assert!(
        other.contains("依据<a class=\"docnum\" href=\"/policies/hongse-wuye/\" title=\"关于推进红色物业建设的意见\">江组发[2019]12号</a>和京组发〔2001〕3号开展"),
        "a near-miss spelling links too, an unknown 文号 stays text: {other}"
    );
    assert!(
        other.contains("<code>江组发〔2019〕12号</code>"),
        "not inside code: {other}"
    );
    // A policy does not link to itself.
    let own = site.main("policies/hongse-wuye/index.html");
    assert!(!own.contains("class=\"docnum\""), "{own}");
}

#[test]
fn pages_list_what_links_to_or_cites_them() {
    let site = SiteTest::fixture("search");
    site.write(
        "content/training/lesson2.md",
        "---\ntitle: 第二课 案例研读\ndate: 2024-05-01\nseries: 书记培训\norder: 2\n---\n课前请阅读[湖滨街道的做法](../cases/cite.md)，重点看如何起步。\n",
    );
    site.built();
    let policy = site.main("policies/hongse-wuye/index.html");
    let block = &policy[policy.find("被引用").expect("backlinks block")..];
    assert!(block.contains("<h3>典型案例</h3>"), "{block}");
    assert!(block.contains("href=\"/cases/cite/\""), "{block}");
    assert!(
        block
            .contains("湖滨街道依据《关于推进红色物业建设的意见》（江组发〔2019〕12号）开展工作。"),
        "the citing sentence as context: {block}"
    );
    let case = site.main("cases/cite/index.html");
    let block = &case[case.find("被引用").expect("backlinks block")..];
    assert!(
        block.contains("<h3>培训材料</h3>") && block.contains("href=\"/training/lesson2/\""),
        "{block}"
    );
    assert!(
        block.contains("课前请阅读湖滨街道的做法，重点看如何起步。"),
        "{block}"
    );
}

/// Related lists with the MaxScore bound equal the lists summed in full, on
/// a site of 600 generated documents whose titles share words (many equal
/// scores: the bound must not decide ties) and where some words are in most
/// documents (long lists the bound skips).
#[test]
fn related_lists_with_the_bound_equal_the_full_sums() {
    use zhiku::pipeline::RELATED_LIMIT;
    use zhiku::search::index::SearchIndex;
    use zhiku::search::related::{related_of, related_with, Pruning};

    const WORDS: [&str; 24] = [
        "社区", "党建", "服务", "治理", "网格", "志愿", "物业", "议事", "协商", "楼道", "居民",
        "党员", "组织", "阵地", "学习", "教育", "文明", "平安", "养老", "托育", "就业", "调解",
        "书记", "支部",
    ];
    const TAGS: [&str; 6] = [
        "组织建设",
        "基层治理",
        "志愿服务",
        "红色物业",
        "党员教育",
        "民生",
    ];
    let site = SiteTest::empty();
    // A fixed linear congruential sequence: the same site every run.
    let mut state: u64 = 7;
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        (state >> 33) as usize % n
    };
    for i in 0..600 {
        let title: String = (0..2 + next(4)).map(|_| WORDS[next(WORDS.len())]).collect();
        let tags: Vec<&str> = (0..1 + next(2)).map(|_| TAGS[next(TAGS.len())]).collect();
        let body: String = (0..30 + next(60))
            .map(|_| {
                // Mostly the first four words: lists as long as the site.
                let spread = if next(3) == 0 { WORDS.len() } else { 4 };
                WORDS[next(spread)]
            })
            .collect::<Vec<_>>()
            .join("，");
        site.write(
            &format!("content/experiences/e{i:03}.md"),
            &format!(
                "---\ntitle: {title}工作{i}\ndate: 2024-{:02}-{:02}\ntags: [{}]\n---\n{body}。\n",
                1 + next(12),
                1 + next(28),
                tags.join(", ")
            ),
        );
    }
    site.built();
    let loaded = zhiku::pipeline::load_site(&site.options()).unwrap();
    let index = SearchIndex::open(&site.root.join("search-index/tantivy")).unwrap();
    let all: Vec<usize> = (0..loaded.site.pages.len()).collect();
    let full = related_with(&index, &loaded.site, &all, RELATED_LIMIT, Pruning::None).unwrap();
    let bounded = related_of(&index, &loaded.site, &all, RELATED_LIMIT).unwrap();
    let filled = full.values().filter(|l| l.len() == RELATED_LIMIT).count();
    assert!(filled > 500, "most pages have a full list: {filled}");
    let differ: Vec<&String> = full
        .iter()
        .filter(|(url, list)| bounded.get(*url) != Some(list))
        .map(|(url, _)| url)
        .collect();
    assert!(
        differ.is_empty(),
        "{} lists differ: {differ:?}",
        differ.len()
    );
    // And the lists are what the pages show.
    let (url, list) = full.iter().find(|(_, l)| !l.is_empty()).unwrap();
    let html = site.main(&format!("{}index.html", url.trim_start_matches('/')));
    let block = &html[html.find("相关文档").expect("related block")..];
    let shown: Vec<String> = common::links(block).into_iter().take(list.len()).collect();
    assert_eq!(&shown, list);
}
