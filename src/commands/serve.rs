use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, RwLock};
use zhiku::content::model::Audience;

use anyhow::Context as _;
use clap::Args;
use tokio::net::TcpListener;

use zhiku::pipeline::{self, BuildOptions};
use zhiku::search::engine::SearchEngine;
use zhiku::serve::preview::{Session, Update};
use zhiku::serve::{self, SearchLimits, ServeState};

use super::{print_diagnostics, say, IndexArgs, SiteArgs};

/// Where `zhiku serve` writes its preview build, inside the site root
/// (`internal/` in it for `--internal`).
const PREVIEW_DIR: &str = ".zhiku-preview";

#[derive(Args)]
pub struct ServeArgs {
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
    /// With --prod: log every request, common log format, to FILE (appended) or - (stdout)
    #[arg(long, value_name = "FILE|-")]
    access_log: Option<String>,
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let (bind, port) = (args.bind, args.port);
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
        if args.prod {
            serve_built(args, listener, &base_url).await
        } else {
            serve_preview(args, listener, base_url).await
        }
    })
}

impl ServeArgs {
    fn limits(&self) -> SearchLimits {
        let defaults = SearchLimits::default();
        SearchLimits {
            workers: self.search_workers.unwrap_or(defaults.workers),
            queue: self.search_queue.unwrap_or(defaults.queue),
        }
    }
}

/// Serves what `zhiku build` made, as a deployment would.
async fn serve_built(
    args: ServeArgs,
    listener: TcpListener,
    base_url: &str,
) -> anyhow::Result<ExitCode> {
    let limits = args.limits();
    let opts = BuildOptions {
        out_dir: args.out,
        index_dir: args.index.index_dir,
        ..args.site.options()
    };
    let config = pipeline::load_config(&opts)?;
    // Not resolved: a link switched to a new build is followed.
    let out_dir = pipeline::output_path(&opts, &config);
    if !out_dir.join("index.html").is_file() {
        anyhow::bail!(
            "{} has no built site: run `zhiku build` first",
            out_dir.display()
        );
    }
    let index_dir = pipeline::live_index_dir(&opts, &config);
    let engine = if index_dir.is_dir() && !args.index.no_index {
        Some(Arc::new(SearchEngine::open_read_only(&index_dir)?))
    } else {
        None
    };
    say(&format!(
        "zhiku: serving {} at {base_url}{}/ (Ctrl+C to stop)",
        out_dir.display(),
        config.base_path()
    ));
    let engine = Arc::new(RwLock::new(engine));
    if !args.index.no_index {
        let alias = pipeline::index_dir(&opts, &config);
        tokio::spawn(serve::follow_rebuilds(
            out_dir.clone(),
            alias,
            engine.clone(),
        ));
    }
    let app = serve::router(
        ServeState::new(out_dir).with_search_limits(limits),
        engine,
        None,
    );
    // Served where it is published: a site built for `…/dangjian/` answers
    // under `/dangjian/`, as behind the web server it is deployed to.
    let app = serve::under_base_path(app, config.base_path());
    let app = match &args.access_log {
        Some(target) => {
            let sink = serve::ops::open_access_log(target)
                .with_context(|| format!("cannot open the access log {target}"))?;
            serve::ops::with_access_log(app, sink)
        }
        None => app,
    };
    serve::run(listener, app).await?;
    Ok(ExitCode::SUCCESS)
}

/// Builds a preview (local base_url, reload script) where it never
/// overwrites what `zhiku build` made for publishing, and keeps it current.
async fn serve_preview(
    args: ServeArgs,
    listener: TcpListener,
    base_url: String,
) -> anyhow::Result<ExitCode> {
    let limits = args.limits();
    let config = pipeline::load_config(&args.site.options())?;
    // Each portal previews in folders of its own: a build refuses to write
    // one over the other.
    let preview = match args.site.options().include(&config).audience() {
        Audience::Public => args.site.root.join(PREVIEW_DIR),
        Audience::Internal => args.site.root.join(PREVIEW_DIR).join("internal"),
    };
    // Previewed under the path it is published at, so links that would
    // break there break here too.
    let base_path = config.base_path().to_string();
    let base_url = format!("{base_url}{base_path}");
    let opts = BuildOptions {
        out_dir: Some(args.out.unwrap_or_else(|| preview.join("public"))),
        base_url: Some(format!("{base_url}/")),
        index_dir: Some(
            args.index
                .index_dir
                .unwrap_or_else(|| preview.join("search-index")),
        ),
        no_index: args.index.no_index,
        live_reload: true,
        ..args.site.options()
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
    let _watcher = serve::watch::spawn(session, root, events.clone(), tell)?;
    let app = serve::router(
        ServeState::new(report.out_dir).with_search_limits(limits),
        engine,
        Some(events),
    );
    serve::run(listener, serve::under_base_path(app, &base_path)).await?;
    Ok(ExitCode::SUCCESS)
}

/// What one live update did, for the terminal.
fn tell(result: &zhiku::Result<Update>) {
    match result {
        Ok(update) => {
            print_warnings(&update.warnings);
            let written = if update.full {
                "all".to_string()
            } else {
                update.rendered.len().to_string()
            };
            let removed = if update.removed.is_empty() {
                String::new()
            } else {
                format!(", {} removed", update.removed.len())
            };
            let done = if update.full {
                "rebuilt everything"
            } else {
                "updated"
            };
            say(&format!(
                "zhiku: {done} in {} ms ({written} files written{removed})",
                update.took_ms
            ));
        }
        Err(e) => {
            eprintln!("{e}");
            eprintln!("zhiku: the last good site is still being served");
        }
    }
}

fn print_warnings(warnings: &[String]) {
    for w in warnings {
        eprintln!("{w}");
    }
}
