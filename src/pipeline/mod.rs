//! The only code that knows the order of the build:
//! config -> load -> parse -> site -> render -> output (write aside, swap).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::config::Config;
use crate::content::load;
use crate::content::parse;
use crate::error::{sort_diagnostics, Diagnostic, Error, Result, Severity};
use crate::output::{self, OutputLock, Staging};
use crate::render::theme::Theme;
use crate::render::{self, RenderOptions};
use crate::search::index::{Related, SearchIndex};
use crate::site::lint;
use crate::site::{self, Site};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Site root holding `zhiku.yaml`, `content/` and `themes/`.
    pub root: PathBuf,
    /// Overrides the config's output folder.
    pub out_dir: Option<PathBuf>,
    pub drafts: bool,
    pub base_url: Option<String>,
    /// The day policy status is computed for; today when absent.
    pub today: Option<NaiveDate>,
    pub live_reload: bool,
    /// Skip the search index (and so the related documents).
    pub no_index: bool,
    /// Overrides where the search index is written.
    pub index_dir: Option<PathBuf>,
    /// Refuse to build, before writing anything, when `check --strict`
    /// would fail (broken links and anchors, missing images, warnings).
    pub strict: bool,
}

/// Related documents shown on each page.
pub const RELATED_LIMIT: usize = 5;

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            ..Default::default()
        }
    }

    fn today(&self) -> NaiveDate {
        self.today
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }
}

#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    pub out_dir: PathBuf,
    /// Where the tantivy index was written (none with `no_index`).
    pub index_dir: Option<PathBuf>,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
    /// Wall time of each stage, in order.
    pub timings: Vec<(&'static str, Duration)>,
}

/// A loaded, validated site and its theme: what render and index start from.
pub struct Loaded {
    pub site: Site,
    pub theme: Theme,
    pub warnings: Vec<Diagnostic>,
    /// Every parsed file by path (`content/x/y.md`), drafts included: what the
    /// live preview re-assembles the site from after a change.
    pub parsed: BTreeMap<String, parse::Parsed>,
    /// Study paths as written in `content/_paths.yaml`.
    pub paths: Vec<crate::site::study_path::PathSpec>,
}

pub fn load_config(opts: &BuildOptions) -> Result<Config> {
    let mut config = Config::load(&opts.root)?;
    if let Some(url) = &opts.base_url {
        config.base_url = url.trim_end_matches('/').to_string();
    }
    Ok(config)
}

/// load -> parse -> site. Every content problem is collected before failing.
pub fn load_site(opts: &BuildOptions) -> Result<Loaded> {
    let config = load_config(opts)?;
    let theme = Theme::load(&opts.root, &config.theme)?;
    let (sources, mut diags) = load::load_content(&opts.root)?;
    let today = opts.today();
    let parsed = parse_all(&sources, today, &mut diags);
    let paths_file = format!(
        "{}/{}",
        load::CONTENT_DIR,
        crate::site::study_path::PATHS_FILE
    );
    let paths = match load::read_optional(&opts.root.join(&paths_file))? {
        Some(text) => {
            let (paths, path_diags) = crate::site::study_path::parse(&paths_file, &text);
            diags.extend(path_diags);
            paths
        }
        None => Vec::new(),
    };
    let (site, site_diags) = site::assemble(
        config,
        parsed.values().cloned().collect(),
        &paths,
        opts.drafts,
    );
    diags.extend(site_diags);
    sort_diagnostics(&mut diags);
    let has_errors = diags.iter().any(|d| d.severity == Severity::Error);
    match site {
        Some(site) if !has_errors => Ok(Loaded {
            site,
            theme,
            warnings: diags,
            parsed,
            paths,
        }),
        _ => Err(Error::Content(diags)),
    }
}

/// Parses every file, the files split across the cores (Markdown rendering
/// is most of the work); diagnostics are sorted later, so order is free.
fn parse_all(
    sources: &[load::SourceFile],
    today: NaiveDate,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, parse::Parsed> {
    let parts = crate::parallel::map_chunks(sources, 64, |part| {
        let mut diags = Vec::new();
        let parsed: Vec<(String, parse::Parsed)> = part
            .iter()
            .filter_map(|src| {
                parse::parse_file(src, today, &mut diags).map(|p| (src.rel_path.clone(), p))
            })
            .collect();
        (parsed, diags)
    });
    let mut all = BTreeMap::new();
    for (parsed, mut d) in parts {
        all.extend(parsed);
        diags.append(&mut d);
    }
    all
}

/// Builds the site into its output folder, replacing the previous output only
/// when everything succeeded.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    if opts.strict {
        strict_gate(opts)?;
    }
    build_keeping(opts).map(|(report, _)| report)
}

/// What `check --strict` fails on fails a strict build: its warnings count
/// as errors here.
fn strict_gate(opts: &BuildOptions) -> Result<()> {
    let mut diags = check(opts, false)?;
    if diags.iter().all(|d| d.severity == Severity::Note) {
        return Ok(());
    }
    for d in &mut diags {
        if d.severity == Severity::Warning {
            d.severity = Severity::Error;
        }
    }
    diags.retain(|d| d.severity == Severity::Error);
    Err(Error::Content(diags))
}

/// Wall time of the stages of a build, in order.
struct Laps {
    timings: Vec<(&'static str, Duration)>,
    last: Instant,
}

impl Laps {
    fn start() -> Laps {
        Laps {
            timings: Vec::new(),
            last: Instant::now(),
        }
    }

    /// Ends the stage `name`: the time since the previous lap (or the start).
    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.timings.push((name, now - self.last));
        self.last = now;
    }

    /// Records work that ran beside the current stage (not part of the sum).
    fn note(&mut self, name: &'static str, took: Duration) {
        self.timings.push((name, took));
    }
}

/// What a build leaves for the live preview to continue from.
pub struct Built {
    pub loaded: Loaded,
    pub related: Arc<Related>,
}

/// [`build`], also returning the site it built.
pub fn build_keeping(opts: &BuildOptions) -> Result<(BuildReport, Built)> {
    let started = Instant::now();
    let mut laps = Laps::start();
    let loaded = load_site(opts)?;
    let site = &loaded.site;
    laps.lap("load + parse + site");

    // Templates are checked before anything is written.
    let tera = render::build_tera(&loaded.theme)?;
    let out_dir = output_dir(opts, &site.config);
    let mut related = Related::default();
    let mut index = None;
    let index_dir = (!opts.no_index).then(|| index_dir(opts, &site.config));
    // Held until both outputs are swapped in.
    let lock = OutputLock::acquire(
        &std::iter::once(out_dir.as_path())
            .chain(index_dir.as_deref())
            .collect::<Vec<_>>(),
    )?;
    // Each build's index is a generation of its own, named in the output's
    // manifest: swapping the output in switches pages and index at once.
    let generation = index_dir.as_ref().map(|_| output::new_index_generation());
    let generation_dir = index_dir
        .as_ref()
        .zip(generation.as_ref())
        .and_then(|(alias, name)| alias.parent().map(|base| base.join(name)));
    let previous_generation = output::index_generation_of(&out_dir);
    if let Some(index_dir) = &generation_dir {
        let dictionary = load::read_dictionary(&opts.root)?;
        let index_stage = Staging::new(index_dir)?;
        let search_index = SearchIndex::create(index_stage.path(), &dictionary)?;
        search_index.write_site(site)?;
        laps.lap("index");
        related = search_index.related(site, RELATED_LIMIT)?;
        laps.lap("related");
        index = Some((search_index, index_stage));
    }

    let related = Arc::new(related);
    let staging = Staging::recycling(&out_dir)?;
    let targets = render::all_targets(site);
    let options = RenderOptions {
        live_reload: opts.live_reload,
        related: related.clone(),
    };
    // The static search bundle reads only the finished index and rendering
    // only the related lists: the bundle is exported on a thread of its own
    // while the pages render on the others.
    let bundle_took = std::thread::scope(|scope| -> Result<Option<Duration>> {
        let bundle = index.as_ref().map(|(search_index, _)| {
            let staging = &staging;
            scope.spawn(move || -> Result<Duration> {
                let began = Instant::now();
                crate::search::bundle::export(search_index, site, &mut |files| {
                    staging.write_files(&files)
                })?;
                Ok(began.elapsed())
            })
        });
        let rendered = render::render_with_sink(site, &tera, &options, &targets, &|files| {
            staging.write_files(&files)
        });
        let bundled = bundle
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .transpose()?;
        rendered?;
        Ok(bundled)
    })?;
    staging.copy_files(&loaded.theme.static_files)?;
    if let Some(name) = &generation {
        staging.write_files(&[render::OutputFile {
            path: output::INDEX_MANIFEST.to_string(),
            contents: format!("{name}\n").into_bytes(),
        }])?;
    }
    let files = staging.count();
    if let Some(took) = bundle_took {
        laps.note("(static search bundle, beside)", took);
    }
    laps.lap("render + write");
    // Both are complete. The new index generation goes in place first (no
    // output names it yet); swapping the output in is the one switch.
    if let Some((_, index_stage)) = index {
        index_stage.commit()?;
    }
    if let Err(e) = staging.commit() {
        // No output names the new generation: it goes with the failed build.
        if let Some(dir) = &generation_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        return Err(e);
    }
    if let (Some(alias), Some(name)) = (&index_dir, &generation) {
        let mut keep = vec![name.as_str()];
        keep.extend(previous_generation.as_deref());
        output::settle_index_generations(alias, &keep)?;
    }
    laps.lap("swap");
    let report = BuildReport {
        pages: loaded.site.pages.len(),
        files,
        out_dir,
        index_dir: generation_dir,
        warnings: loaded.warnings.clone(),
        elapsed: started.elapsed(),
        timings: laps.timings,
    };
    drop(lock);
    Ok((report, Built { loaded, related }))
}

/// Everything a build would reject, without writing anything. Returns all
/// diagnostics (warnings included); `Err` only for problems outside content.
pub fn check(opts: &BuildOptions, citations: bool) -> Result<Vec<Diagnostic>> {
    // The build reads the search dictionary: what fails it fails check.
    let dictionary = load::read_dictionary(&opts.root).err().map(|e| {
        Diagnostic::error(
            format!("{}/{}", load::CONTENT_DIR, load::DICTIONARY_FILE),
            None,
            format!("cannot be read: {}", error_cause(&e)),
        )
        .with_hint("save it as UTF-8 text, one `word [frequency]` a line")
    });
    let loaded = match load_site(opts) {
        Ok(loaded) => loaded,
        Err(Error::Content(mut diags)) => {
            diags.extend(dictionary);
            sort_diagnostics(&mut diags);
            return Ok(diags);
        }
        Err(e) => return Err(e),
    };
    let mut diags = loaded.warnings;
    diags.extend(dictionary);
    let files = render::render_site(&loaded.site, &loaded.theme, &RenderOptions::default())?;
    let vocabulary = match load::read_optional(&opts.root.join(lint::VOCABULARY_FILE))? {
        None => None,
        Some(text) => match lint::Vocabulary::parse(&text) {
            Ok(v) => Some(v),
            Err(d) => {
                diags.push(d);
                None
            }
        },
    };
    let outputs = lint::Outputs::new(&files, loaded.theme.static_files.keys());
    diags.extend(lint::lint(&loaded.site, &outputs, vocabulary.as_ref()));
    if citations {
        diags.extend(lint::unresolved_citations(&loaded.site));
    }
    sort_diagnostics(&mut diags);
    Ok(diags)
}

fn error_cause(e: &Error) -> String {
    match e {
        Error::Io { source, .. } => source.to_string(),
        e => e.to_string(),
    }
}

/// The tantivy folder inside the configured search index folder.
pub fn index_dir(opts: &BuildOptions, config: &Config) -> PathBuf {
    let base = match &opts.index_dir {
        Some(dir) => absolute_from_cwd(dir),
        None => config.search_index_path(&opts.root),
    };
    base.join(crate::search::index::TANTIVY_DIR)
}

/// The output folder. One that is a symbolic link is written through: the
/// build works beside the link's target, so the link stays as it is.
pub fn output_dir(opts: &BuildOptions, config: &Config) -> PathBuf {
    let dir = match &opts.out_dir {
        Some(dir) => absolute_from_cwd(dir),
        None => config.output_path(&opts.root),
    };
    if std::fs::symlink_metadata(&dir).is_ok_and(|m| m.file_type().is_symlink()) {
        if let Ok(real) = std::fs::canonicalize(&dir) {
            return real;
        }
    }
    dir
}

/// The index that goes with the output `zhiku build` made: the generation
/// its manifest names.
pub fn live_index_dir(opts: &BuildOptions, config: &Config) -> PathBuf {
    output::live_index_dir(&output_dir(opts, config), &index_dir(opts, config))
}

/// Command-line paths are relative to where the command runs, not to `--root`.
fn absolute_from_cwd(dir: &Path) -> PathBuf {
    if dir.is_absolute() {
        return dir.to_path_buf();
    }
    std::env::current_dir()
        .map(|cwd| cwd.join(dir))
        .unwrap_or_else(|_| dir.to_path_buf())
}
