//! The `zhiku` command: a thin layer over the library's pipeline.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand, ValueEnum};

use zhiku::error::{Diagnostic, Severity};
use zhiku::pipeline::{self, BuildOptions};
use zhiku::search::engine::{SearchEngine, SearchResponse};
use zhiku::search::query::{SearchParams, SearchRequest};
use zhiku::serve::preview::Session;
use zhiku::{serve, Error};

#[derive(Parser)]
#[command(name = "zhiku", version, about = "知库: 社区党建知识库静态站点生成器")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct SiteArgs {
    /// Site root holding zhiku.yaml, content/ and themes/
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Include documents marked `draft: true`
    #[arg(long)]
    drafts: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Build the static portal into public/
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Output folder (default: output_dir from zhiku.yaml, usually public/)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override base_url from zhiku.yaml
        #[arg(long)]
        base_url: Option<String>,
        #[command(flatten)]
        index: IndexArgs,
        /// Print the time each stage took
        #[arg(long)]
        timings: bool,
        /// First run every check of `zhiku check --strict` (broken links and anchors, missing
        /// images, warnings): any problem fails the build before anything is written
        #[arg(long)]
        strict: bool,
    },
    /// Check content without writing anything; exit 1 on errors
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// Treat warnings as errors
        #[arg(long)]
        strict: bool,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Also list 文号 cited in text that no policy of the site has (as notes)
        #[arg(long)]
        citations: bool,
    },
    /// Build and serve the portal with live reload (or, with --prod, serve the built site)
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// Output folder (preview: .zhiku-preview/public; --prod: output_dir from zhiku.yaml)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Port to listen on (0: any free port)
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Address to listen on (0.0.0.0 for every interface)
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        #[command(flatten)]
        index: IndexArgs,
        /// Serve the already built site: no build, no watching, no live reload
        #[arg(long)]
        prod: bool,
        /// Searches run at once (default: two per core)
        #[arg(long)]
        search_workers: Option<usize>,
        /// Searches that may wait for a worker; more get 503 at once (default 64)
        #[arg(long)]
        search_queue: Option<usize>,
    },
    /// Create a new document from its kind's archetype
    New {
        /// policy, experience, case or training
        kind: String,
        /// File name without .md: letters, digits, - and _
        slug: String,
        /// The document's title (default: a placeholder that check warns about)
        #[arg(long)]
        title: Option<String>,
        /// Site root holding zhiku.yaml and content/
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Import Word, PDF, web pages and text as documents (content/<section>/<slug>.md)
    Import {
        /// Files or folders: .docx .pdf .html .htm .txt .md, and .doc .wps .rtf .odt through LibreOffice
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Site root holding zhiku.yaml and content/
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// policy, experience, case or training (default: guessed, and said why)
        #[arg(long)]
        kind: Option<String>,
        /// The title, instead of the one found in the file (one file only)
        #[arg(long)]
        title: Option<String>,
        /// The file name without .md (one file only; default: the title's pinyin and year)
        #[arg(long)]
        slug: Option<String>,
        /// Print the documents instead of writing them
        #[arg(long)]
        dry_run: bool,
        /// Print a JSON array: per file its path, kind, fields, removed fragments and warnings
        #[arg(long)]
        json: bool,
    },
    /// Search the built index from the terminal
    Search {
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
    },
}

/// The filters of `zhiku search`, the same as `/api/search`'s parameters.
#[derive(Args, Clone)]
struct SearchFilters {
    /// policy, experience, case or training
    #[arg(long)]
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

#[derive(Args, Clone)]
struct IndexArgs {
    /// Search index folder (default: search_index_dir from zhiku.yaml)
    #[arg(long)]
    index_dir: Option<PathBuf>,
    /// Build the site without the search index
    #[arg(long)]
    no_index: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            report_error(&e);
            ExitCode::FAILURE
        }
    }
}

fn report_error(e: &anyhow::Error) {
    let mut stderr = std::io::stderr().lock();
    if let Some(Error::Content(diags)) = e.downcast_ref::<Error>() {
        print_diagnostics(&mut stderr, diags);
        let errors = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let _ = writeln!(
            stderr,
            "error: build failed: {errors} error(s) in content; the previous output is unchanged"
        );
        return;
    }
    let mut said = e.to_string();
    let _ = write!(stderr, "error: {said}");
    for cause in e.chain().skip(1) {
        // Our errors already carry their cause's text.
        let text = cause.to_string();
        if !said.contains(&text) {
            let _ = write!(stderr, ": {text}");
            said.push_str(&text);
        }
    }
    let _ = writeln!(stderr);
}

fn print_diagnostics(w: &mut impl Write, diags: &[Diagnostic]) {
    for d in diags {
        let _ = writeln!(w, "{d}");
    }
}

/// Hits for people: highlights in colour on a terminal, plain text otherwise.
fn print_hits(r: &SearchResponse) {
    use std::io::IsTerminal;
    let tty = std::io::stdout().is_terminal();
    let marks = |html: &str| {
        let (open, close) = if tty {
            ("\x1b[1;31m", "\x1b[0m")
        } else {
            ("", "")
        };
        unescape_html(&html.replace("<mark>", open).replace("</mark>", close))
    };
    let mut out = String::new();
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

fn unescape_html(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[allow(clippy::too_many_arguments)]
fn run_import(
    files: Vec<PathBuf>,
    root: PathBuf,
    kind: Option<String>,
    title: Option<String>,
    slug: Option<String>,
    dry_run: bool,
    json: bool,
) -> anyhow::Result<ExitCode> {
    use zhiku::import::{self, ImportOptions};
    let kind = kind
        .map(|k| {
            zhiku::content::model::Kind::parse(&k).ok_or_else(|| {
                anyhow::anyhow!("unknown kind '{k}': use policy, experience, case or training")
            })
        })
        .transpose()?;
    if !root.join("content").is_dir() && !root.join("zhiku.yaml").is_file() {
        anyhow::bail!(
            "{} is not a zhiku site (no zhiku.yaml or content/): pass --root",
            root.display()
        );
    }
    let inputs = import::inputs(&files);
    if inputs.len() != 1 && (title.is_some() || slug.is_some()) {
        anyhow::bail!("--title and --slug name one document: import one file with them");
    }
    if inputs.is_empty() {
        anyhow::bail!(
            "no importable files found (.docx .pdf .html .htm .txt .md .doc .wps .rtf .odt)"
        );
    }
    let opts = ImportOptions {
        root,
        kind,
        title,
        slug,
        dry_run,
        today: chrono::Local::now().date_naive(),
    };
    let mut failed = 0;
    let mut reports = Vec::new();
    let mut stderr = std::io::stderr().lock();
    for input in &inputs {
        match import::import_file(input, &opts) {
            Ok(report) => {
                if !json {
                    if let Some(md) = &report.markdown {
                        say(md.trim_end());
                    }
                    let verb = if report.written {
                        "imported"
                    } else {
                        "would import"
                    };
                    let _ = writeln!(
                        stderr,
                        "zhiku: {verb} {} -> {} ({}: {}; {} fragment(s) removed)",
                        input.display(),
                        report.path,
                        report.kind.name(),
                        report.kind_reason,
                        report.removed.len()
                    );
                    for w in &report.warnings {
                        let _ = writeln!(stderr, "{}: warning: {w}", input.display());
                    }
                }
                reports.push(serde_json::to_value(&report)?);
            }
            Err(e) => {
                failed += 1;
                let _ = writeln!(stderr, "{}: error: {e}", input.display());
                reports.push(serde_json::json!({
                    "source": input.display().to_string(),
                    "error": e.to_string(),
                }));
            }
        }
    }
    if json {
        say(&serde_json::to_string_pretty(&reports)?);
    } else if inputs.len() > 1 {
        let _ = writeln!(
            stderr,
            "zhiku import: {} {}, {failed} failed",
            inputs.len() - failed,
            if dry_run {
                "checked (dry run)"
            } else {
                "imported"
            }
        );
    }
    Ok(if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Where `zhiku serve` writes its preview build, inside the site root.
const PREVIEW_DIR: &str = ".zhiku-preview";

/// Writes to stdout, treating a closed pipe as success.
fn say(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
    let _ = out.flush();
}

fn options(site: &SiteArgs) -> BuildOptions {
    BuildOptions {
        root: site.root.clone(),
        drafts: site.drafts,
        ..Default::default()
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build {
            site,
            out,
            base_url,
            index,
            timings,
            strict,
        } => {
            let opts = BuildOptions {
                out_dir: out,
                base_url,
                index_dir: index.index_dir,
                no_index: index.no_index,
                strict,
                ..options(&site)
            };
            let report = pipeline::build(&opts)?;
            print_diagnostics(&mut std::io::stderr(), &report.warnings);
            if timings {
                for (stage, took) in &report.timings {
                    say(&format!("  {stage:<30} {:>8.3} s", took.as_secs_f64()));
                }
            }
            say(&format!(
                "zhiku: built {} documents ({} files) into {} in {:.2} s",
                report.pages,
                report.files,
                report.out_dir.display(),
                report.elapsed.as_secs_f64()
            ));
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            site,
            strict,
            format,
            citations,
        } => {
            let diags = pipeline::check(&options(&site), citations)?;
            let errors = diags
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            let warnings = diags
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .count();
            match format {
                Format::Json => say(&serde_json::to_string_pretty(&serde_json::json!({
                    "errors": errors,
                    "warnings": warnings,
                    "diagnostics": diags,
                }))?),
                Format::Text => {
                    print_diagnostics(&mut std::io::stderr(), &diags);
                    say(&format!(
                        "zhiku check: {errors} error(s), {warnings} warning(s)"
                    ));
                }
            }
            let failed = errors > 0 || (strict && warnings > 0);
            Ok(if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Serve {
            site,
            out,
            port,
            bind,
            index,
            prod,
            search_workers,
            search_queue,
        } => {
            let defaults = serve::SearchLimits::default();
            let limits = serve::SearchLimits {
                workers: search_workers.unwrap_or(defaults.workers),
                queue: search_queue.unwrap_or(defaults.queue),
            };
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .context("starting the async runtime")?;
            runtime.block_on(async move {
                let listener = serve::bind(SocketAddr::new(bind, port))
                    .await
                    .with_context(|| format!("cannot listen on {bind}:{port}"))?;
                let addr = listener.local_addr()?;
                let host = if addr.ip().is_unspecified() {
                    "127.0.0.1".to_string()
                } else {
                    addr.ip().to_string()
                };
                let base_url = format!("http://{host}:{}", addr.port());
                if prod {
                    // Serve what `zhiku build` made, as a deployment would.
                    let opts = BuildOptions {
                        out_dir: out,
                        index_dir: index.index_dir,
                        ..options(&site)
                    };
                    let config = pipeline::load_config(&opts)?;
                    let out_dir = pipeline::output_dir(&opts, &config);
                    if !out_dir.join("index.html").is_file() {
                        anyhow::bail!(
                            "{} has no built site: run `zhiku build` first",
                            out_dir.display()
                        );
                    }
                    let index_dir = pipeline::live_index_dir(&opts, &config);
                    let engine = if index_dir.is_dir() && !index.no_index {
                        Some(Arc::new(SearchEngine::open(&index_dir)?))
                    } else {
                        None
                    };
                    say(&format!(
                        "zhiku: serving {} at {base_url}/ (Ctrl+C to stop)",
                        out_dir.display()
                    ));
                    let engine = Arc::new(std::sync::RwLock::new(engine));
                    if !index.no_index {
                        let alias = pipeline::index_dir(&opts, &config);
                        tokio::spawn(serve::follow_rebuilds(
                            out_dir.clone(),
                            alias,
                            engine.clone(),
                        ));
                    }
                    let app = serve::router(
                        serve::ServeState::new(out_dir).with_search_limits(limits),
                        engine,
                        None,
                    );
                    serve::run(listener, app).await?;
                    return Ok(ExitCode::SUCCESS);
                }
                // The preview (local base_url, reload script) never overwrites
                // what `zhiku build` made for publishing.
                let preview = site.root.join(PREVIEW_DIR);
                let opts = BuildOptions {
                    out_dir: Some(out.unwrap_or_else(|| preview.join("public"))),
                    base_url: Some(base_url.clone()),
                    index_dir: Some(
                        index
                            .index_dir
                            .unwrap_or_else(|| preview.join("search-index")),
                    ),
                    no_index: index.no_index,
                    live_reload: true,
                    ..options(&site)
                };
                let (session, report) = tokio::task::block_in_place(|| Session::start(opts))?;
                print_diagnostics(&mut std::io::stderr(), &report.warnings);
                say(&format!(
                    "zhiku: built {} documents in {:.2} s",
                    report.pages,
                    report.elapsed.as_secs_f64()
                ));
                say(&format!(
                    "zhiku: serving {} at {base_url}/ with live reload (Ctrl+C to stop)",
                    report.out_dir.display()
                ));
                let (events, _) = tokio::sync::broadcast::channel(64);
                let engine = session.engine();
                let root = session.root().to_path_buf();
                let _watcher = zhiku::serve::watch::spawn(session, root, events.clone())?;
                let app = serve::router(
                    serve::ServeState::new(report.out_dir).with_search_limits(limits),
                    engine,
                    Some(events),
                );
                serve::run(listener, app).await?;
                Ok(ExitCode::SUCCESS)
            })
        }
        Command::New {
            kind,
            slug,
            title,
            root,
        } => {
            let kind = zhiku::content::model::Kind::parse(&kind).ok_or_else(|| {
                anyhow::anyhow!("unknown kind '{kind}': use policy, experience, case or training")
            })?;
            let today = chrono::Local::now().date_naive();
            let path = zhiku::content::archetype::new_document(
                &root,
                kind,
                &slug,
                title.as_deref(),
                today,
            )?;
            say(&format!("zhiku: created {}", path.display()));
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            files,
            root,
            kind,
            title,
            slug,
            dry_run,
            json,
        } => run_import(files, root, kind, title, slug, dry_run, json),
        Command::Search {
            query,
            root,
            index_dir,
            filters,
            json,
        } => {
            let params = filters.into_params(query);
            let request = match SearchRequest::from_params(&params) {
                Ok(r) => r,
                Err(e) => {
                    if json {
                        say(&serde_json::to_string(&e)?);
                    }
                    anyhow::bail!("--{}: {}", e.param, e.error);
                }
            };
            let opts = BuildOptions {
                root: root.clone(),
                index_dir,
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
            let engine = SearchEngine::open(&index_dir)?;
            let response = engine.search(&request)?;
            if json {
                say(&serde_json::to_string(&response)?);
            } else {
                print_hits(&response);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
