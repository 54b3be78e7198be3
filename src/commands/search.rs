use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use zhiku::content::text::unescape_html;
use zhiku::pipeline::{self, BuildOptions};
use zhiku::search::engine::{SearchEngine, SearchResponse};
use zhiku::search::query::{SearchParams, SearchRequest};

use super::{kind_names, say};

#[derive(Args)]
pub struct SearchArgs {
    /// The query: words are ANDed, "…" is a phrase, -word excludes
    #[arg(allow_hyphen_values = true)]
    query: String,
    /// Site root holding zhiku.yaml
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Search index folder (default: search_index_dir from zhiku.yaml)
    #[arg(long)]
    index_dir: Option<PathBuf>,
    #[command(flatten)]
    filters: SearchFilters,
    /// Print exactly the JSON that /api/search returns
    #[arg(long)]
    json: bool,
}

/// The filters of `zhiku search`, the same as `/api/search`'s parameters.
#[derive(Args, Clone)]
struct SearchFilters {
    /// Only documents of this kind
    #[arg(long, value_parser = kind_names())]
    kind: Option<String>,
    /// Only documents with this tag
    #[arg(long)]
    tag: Option<String>,
    /// Only documents of this region (地区)
    #[arg(long)]
    region: Option<String>,
    /// Only policies of this issuing body (发文机关)
    #[arg(long)]
    issuer: Option<String>,
    /// current, revised, repealed, expired or pending
    #[arg(long)]
    status: Option<String>,
    /// YYYY, YYYY-MM or YYYY-MM-DD
    #[arg(long)]
    from: Option<String>,
    /// YYYY, YYYY-MM or YYYY-MM-DD
    #[arg(long)]
    to: Option<String>,
    /// relevance (default) or date
    #[arg(long)]
    sort: Option<String>,
    /// Hits per page (at most 50)
    #[arg(long, default_value_t = 10)]
    limit: usize,
    #[arg(long, default_value_t = 1)]
    page: usize,
}

impl SearchFilters {
    fn into_params(self, q: String) -> SearchParams {
        SearchParams {
            q: Some(q),
            kind: self.kind,
            tag: self.tag,
            region: self.region,
            issuer: self.issuer,
            status: self.status,
            from: self.from,
            to: self.to,
            sort: self.sort,
            page: Some(self.page.to_string()),
            size: Some(self.limit.to_string()),
        }
    }
}

pub fn run(args: SearchArgs) -> anyhow::Result<ExitCode> {
    let params = args.filters.into_params(args.query);
    let request = match SearchRequest::from_params(&params) {
        Ok(r) => r,
        Err(e) => {
            if args.json {
                say(&serde_json::to_string(&e)?);
            }
            anyhow::bail!("--{}: {}", e.param, e.error);
        }
    };
    let opts = BuildOptions {
        root: args.root,
        index_dir: args.index_dir,
        ..Default::default()
    };
    let config = pipeline::load_config(&opts)?;
    let index_dir = pipeline::live_index_dir(&opts, &config);
    if !index_dir.join("meta.json").is_file() {
        anyhow::bail!(
            "no search index at {}: run `zhiku build` first (`zhiku serve` builds a preview elsewhere)",
            index_dir.display()
        );
    }
    let engine = SearchEngine::open_read_only(&index_dir)?;
    let response = engine.search(&request)?;
    if args.json {
        say(&serde_json::to_string(&response)?);
    } else {
        print_hits(&response);
    }
    Ok(ExitCode::SUCCESS)
}

/// Hits for people: highlights in colour on a terminal, plain text otherwise.
fn print_hits(r: &SearchResponse) {
    use std::io::IsTerminal;
    let (open, close) = if std::io::stdout().is_terminal() {
        ("\x1b[1;31m", "\x1b[0m")
    } else {
        ("", "")
    };
    let marks = |html: &str| unescape_html(&html.replace("<mark>", open).replace("</mark>", close));
    let mut out = String::new();
    if let Some(expanded) = &r.expanded {
        out.push_str(&format!("已按“{expanded}”检索\n"));
    }
    if !r.also.is_empty() {
        out.push_str(&format!("同时检索了同义词：{}\n", r.also.join("、")));
    }
    if let Some(suggestion) = &r.suggestion {
        out.push_str(&format!("您是不是要找：{suggestion}\n"));
    }
    out.push_str(&format!(
        "{} 篇文档（第 {}/{} 页，用时 {} 毫秒）\n",
        r.total,
        r.page,
        r.total_pages.max(1),
        r.took_ms
    ));
    let first = (r.page - 1) * r.size;
    for (i, h) in r.hits.iter().enumerate() {
        let mut meta = vec![h.kind_label.clone()];
        meta.extend(h.date.clone());
        meta.extend(h.doc_number.clone());
        meta.extend(h.status_label.clone());
        out.push_str(&format!(
            "\n{}. {}  [{}]\n   {}\n   {}\n",
            first + i + 1,
            marks(&h.title_html),
            meta.join(" · "),
            h.url,
            marks(&h.snippet)
        ));
    }
    say(out.trim_end());
}
