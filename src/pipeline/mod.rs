//! The one sequencer: the only code that knows the order of the stages,
//! config -> load -> parse -> site -> render | index -> output. `zhiku build`
//! ([`build`]), `zhiku check` ([`check`]) and the live preview
//! ([`incremental::update`], planned by [`plan`]) all run the stages from
//! here.

pub mod incremental;
mod laps;
pub mod plan;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use tera::Tera;

pub use incremental::{Kept, Update};
use laps::Laps;

use crate::config::Config;
use crate::content::load;
use crate::content::parse;
use crate::error::{sort_diagnostics, Diagnostic, Error, Result, Severity};
use crate::output::{self, OutputLock, Staging};
use crate::render::theme::Theme;
use crate::render::{self, OutputFile, RenderOptions};
use crate::search::assist;
use crate::search::attachment_text::AttachmentTexts;
use crate::search::index::{IndexUpdate, Related, SearchIndex};
use crate::search::reuse;
use crate::site::lint;
use crate::site::{self, Site};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Site root holding `zhiku.yaml`, `content/` and `themes/`.
    pub root: PathBuf,
    /// Overrides the config's output folder.
    pub out_dir: Option<PathBuf>,
    pub drafts: bool,
    /// Publish `audience: internal` documents too (the members' portal);
    /// `internal: true` in `zhiku.yaml` does the same.
    pub internal: bool,
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
    /// Write `.gz` and `.br` beside the output's text files.
    pub precompress: bool,
}

/// Related documents shown on each page.
pub const RELATED_LIMIT: usize = 5;

impl BuildOptions {
    /// Which documents this build publishes.
    pub fn include(&self, config: &Config) -> site::Include {
        site::Include {
            drafts: self.drafts,
            internal: self.internal || config.internal,
        }
    }

    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            ..Default::default()
        }
    }

    /// The day policy status is computed for.
    pub fn today(&self) -> NaiveDate {
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
    /// How the index was brought up to date when it started from the
    /// previous build's (none when it was written afresh).
    pub index_update: Option<IndexUpdate>,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
    /// Wall time of each stage, in order.
    pub timings: Vec<(&'static str, Duration)>,
}

/// A loaded, validated site and its theme: what render and index start from.
pub struct Loaded {
    pub site: Arc<Site>,
    pub theme: Theme,
    pub warnings: Vec<Diagnostic>,
    /// Every parsed file by path (`content/x/y.md`), drafts included: what the
    /// live preview re-assembles the site from after a change.
    pub parsed: BTreeMap<String, parse::Parsed>,
    /// Study paths as written in `content/_paths.yaml`.
    pub path_specs: Vec<crate::site::study_path::PathSpec>,
    /// Synonym groups: zhiku's and `content/_synonyms.txt`.
    pub synonyms: Vec<Vec<String>>,
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
    load_site_as(opts, Assembly::Checked)
}

/// Whether content errors stop the assembly.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Assembly {
    /// The build and the preview: any error fails.
    Checked,
    /// `check`: the site is assembled from whatever could be read (documents
    /// with bad fields get stand-ins), its errors kept among the
    /// diagnostics, so the link and image checks report in the same run.
    Lenient,
}

fn load_site_as(opts: &BuildOptions, assembly: Assembly) -> Result<Loaded> {
    let config = load_config(opts)?;
    let theme = Theme::load(&opts.root, &config.theme)?;
    let (files, mut diags) = load::load_content(&opts.root)?;
    let today = opts.today();
    let parsed = parse_all(
        &opts.root,
        &files,
        today,
        &AttachmentRoot::new(&opts.root, &config),
        &mut diags,
    )?;
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
    let synonyms = read_synonyms(&opts.root, &mut diags)?;
    let hot_words = read_hot_words(&opts.root, &mut diags)?;
    let mut site = match assembly {
        Assembly::Checked => {
            assemble_checked(&config, &parsed, &paths, opts.include(&config), &mut diags)?
        }
        Assembly::Lenient => {
            let (site, site_diags) = site::assemble(
                config.clone(),
                parsed.values().cloned().collect(),
                &paths,
                opts.include(&config),
            );
            diags.extend(site_diags);
            sort_diagnostics(&mut diags);
            match site {
                Some(site) => site,
                None => return Err(Error::Content(diags)),
            }
        }
    };
    site.hot_words = hot_words;
    Ok(Loaded {
        site: Arc::new(site),
        theme,
        warnings: diags,
        parsed,
        path_specs: paths,
        synonyms,
    })
}

/// A list file under `content/`, or a diagnostic when it is not UTF-8.
fn read_list(root: &Path, name: &str, diags: &mut Vec<Diagnostic>) -> Result<Option<String>> {
    let rel = format!("{}/{name}", load::CONTENT_DIR);
    let path = root.join(&rel);
    match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Ok(Some(text.trim_start_matches('\u{feff}').to_string())),
            Err(_) => {
                diags.push(
                    Diagnostic::error(rel, None, "file is not valid UTF-8")
                        .with_hint("save it as UTF-8 text"),
                );
                Ok(None)
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// zhiku's synonym groups and the site's (`content/_synonyms.txt`); its
/// malformed lines are errors, as any bad input is.
fn read_synonyms(root: &Path, diags: &mut Vec<Diagnostic>) -> Result<Vec<Vec<String>>> {
    let (mut groups, _) = assist::parse_synonyms("(zhiku)", assist::DEFAULT_SYNONYMS);
    if let Some(text) = read_list(root, assist::SYNONYMS_FILE, diags)? {
        let file = format!("{}/{}", load::CONTENT_DIR, assist::SYNONYMS_FILE);
        let (site_groups, problems) = assist::parse_synonyms(&file, &text);
        groups.extend(site_groups);
        diags.extend(problems);
    }
    Ok(groups)
}

/// The editors' hot words (`content/_hotwords.txt`).
fn read_hot_words(root: &Path, diags: &mut Vec<Diagnostic>) -> Result<Vec<String>> {
    let file = format!("{}/{}", load::CONTENT_DIR, assist::HOT_WORDS_FILE);
    Ok(match read_list(root, assist::HOT_WORDS_FILE, diags)? {
        Some(text) => {
            let (words, problems) = assist::parse_hot_words(&file, &text);
            diags.extend(problems);
            words
        }
        None => Vec::new(),
    })
}

/// site: the parsed files assembled into a site. Fails with every
/// diagnostic, sorted, when any is an error; else leaves the warnings in
/// `diags`. The build and the preview's updates both go through here.
pub fn assemble_checked(
    config: &Config,
    parsed: &BTreeMap<String, parse::Parsed>,
    paths: &[crate::site::study_path::PathSpec],
    include: site::Include,
    diags: &mut Vec<Diagnostic>,
) -> Result<Site> {
    let (site, site_diags) = site::assemble(
        config.clone(),
        parsed.values().cloned().collect(),
        paths,
        include,
    );
    diags.extend(site_diags);
    sort_diagnostics(diags);
    let has_errors = diags.iter().any(|d| d.severity == Severity::Error);
    match site {
        Some(site) if !has_errors => Ok(site),
        _ => Err(Error::Content(std::mem::take(diags))),
    }
}

/// Reads and parses every file, the files split across the cores (Markdown
/// rendering is most of the work); diagnostics are sorted later, so order
/// is free. Each file is parsed as soon as it is read, so its text is freed
/// at once and the content never sits in memory twice; read one after
/// another, 100,000 files kept the build on less than one core for 12 s.
fn parse_all(
    root: &Path,
    files: &[load::ContentFile],
    today: NaiveDate,
    attachments: &AttachmentRoot<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Result<BTreeMap<String, parse::Parsed>> {
    let parts = crate::parallel::map_chunks(files, 64, |part| -> Result<_> {
        let mut diags = Vec::new();
        let mut parsed = Vec::new();
        for file in part {
            let (source, problems) = load::read_content_file(root, file)?;
            diags.extend(problems);
            let Some(src) = source else { continue };
            if let Some(p) = parse::parse_file(&src, today, &mut diags) {
                parsed.push((src.rel_path.clone(), attachments.attach(p, &mut diags)));
            }
        }
        Ok((parsed, diags))
    });
    let mut all = BTreeMap::new();
    for part in parts {
        let (parsed, mut d) = part?;
        all.extend(parsed);
        diags.append(&mut d);
    }
    Ok(all)
}

/// The attachments' text cache, beside the index generations.
pub(crate) fn attachment_cache(alias: &Path) -> PathBuf {
    alias
        .parent()
        .unwrap_or(alias)
        .join(crate::search::attachment_text::CACHE_DIR)
}

/// Where a site's documents find their files, and how large they may be.
pub(crate) struct AttachmentRoot<'r> {
    pub root: &'r Path,
    pub max_bytes: u64,
}

impl AttachmentRoot<'_> {
    pub fn new<'a>(root: &'a Path, config: &Config) -> AttachmentRoot<'a> {
        AttachmentRoot {
            root,
            max_bytes: config.attachment_max_mb.saturating_mul(1024 * 1024),
        }
    }

    /// A freshly parsed document with its attachments found on disk.
    pub fn attach(&self, mut parsed: parse::Parsed, diags: &mut Vec<Diagnostic>) -> parse::Parsed {
        if let parse::Parsed::Document(doc) = &mut parsed {
            let (found, problems) =
                crate::content::attachment::resolve(self.root, doc, self.max_bytes);
            diags.extend(problems);
            if let Some(doc) = Arc::get_mut(doc) {
                doc.attachments = found;
            }
        }
        parsed
    }
}

/// Builds the site into its output folder, replacing the previous output only
/// when everything succeeded.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    if opts.strict {
        strict_gate(opts)?;
    }
    let (report, built) = run(opts)?;
    // Freeing a large site takes a while and nothing needs it done: a
    // command that ends here exits without waiting for it.
    std::thread::spawn(move || drop(built));
    Ok(report)
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

/// [`build`], also returning what the live preview keeps to apply later
/// changes incrementally ([`incremental::update`]).
pub fn build_keeping(opts: &BuildOptions) -> Result<(BuildReport, Kept)> {
    let (report, built) = run(opts)?;
    let mut kept = Kept::new(
        built.loaded,
        built.tera,
        built.related,
        built.out_dir,
        built.index_dir.as_deref(),
    )?;
    kept.set_attachment_texts(built.attachment_texts);
    kept.word_counts = built.word_counts;
    Ok((report, kept))
}

/// What a finished build still holds, for the live preview to keep.
struct Built {
    loaded: Loaded,
    tera: Tera,
    related: Arc<Related>,
    out_dir: PathBuf,
    index_dir: Option<PathBuf>,
    attachment_texts: Arc<AttachmentTexts>,
    word_counts: Option<assist::WordCounts>,
}

/// Every stage of a build, in order; the output and index swapped in last.
fn run(opts: &BuildOptions) -> Result<(BuildReport, Built)> {
    let started = Instant::now();
    let mut laps = Laps::start();
    if !opts.no_index {
        // Loading jieba's dictionary and hashing the binary (what wrote an
        // index, for reusing it) each keep a core busy for a tenth of a
        // second; beside loading the content, the index finds them ready.
        let root = opts.root.clone();
        std::thread::spawn(move || {
            if let Ok(dictionary) = load::read_dictionary(&root) {
                crate::search::analyzer::Analyzer::shared(&dictionary);
            }
        });
        std::thread::spawn(reuse::binary_hash);
    }
    let loaded = load_site(opts)?;
    laps.lap("load + parse + site");
    // Templates are checked before anything is written.
    let tera = render::build_tera(&loaded.theme, &loaded.site.config)?;
    let out_dir = output_dir(opts, &loaded.site.config);
    let index_dir = (!opts.no_index).then(|| index_dir(opts, &loaded.site.config));
    // Held until both outputs are swapped in.
    let lock = OutputLock::acquire(
        &std::iter::once(out_dir.as_path())
            .chain(index_dir.as_deref())
            .collect::<Vec<_>>(),
    )?;
    let audience = opts.include(&loaded.site.config).audience().name();
    let audience_targets: Vec<PathBuf> = std::iter::once(out_dir.clone())
        .chain(index_dir.clone())
        .collect();
    for target in &audience_targets {
        output::check_audience(target, audience)?;
    }
    let generation = match &index_dir {
        Some(alias) => Some(IndexGeneration::write(
            opts,
            alias,
            &out_dir,
            &loaded.site,
            &loaded.synonyms,
            &mut laps,
        )?),
        None => None,
    };
    let related = Arc::new(
        generation
            .as_ref()
            .map(|g| g.related.clone())
            .unwrap_or_default(),
    );
    let mut warnings = loaded.warnings.clone();
    let mut attachment_texts = Arc::default();
    let mut word_counts = None;
    if let Some(g) = &generation {
        warnings.extend(g.attachment_problems.iter().cloned());
        attachment_texts = g.index.attachment_texts.clone();
        word_counts = Some(g.word_counts.clone());
    }
    sort_diagnostics(&mut warnings);
    let staging = Staging::recycling(&out_dir)?;
    let options = RenderOptions {
        live_reload: opts.live_reload,
        related: related.clone(),
    };
    render_and_bundle(
        &loaded,
        &tera,
        &options,
        generation.as_ref(),
        &staging,
        &mut laps,
    )?;
    let files = staging.count();
    laps.lap("render + write");
    if opts.precompress {
        staging.precompress()?;
        laps.lap("precompress");
    }
    let index_update = generation.as_ref().and_then(|g| g.update);
    let index_dir = match generation {
        Some(g) => Some(g.swap_in_with(staging, &out_dir)?),
        None => {
            staging.commit()?;
            None
        }
    };
    for target in &audience_targets {
        output::note_audience(target, audience)?;
    }
    laps.lap("swap");
    drop(lock);
    let report = BuildReport {
        pages: loaded.site.pages.len(),
        files,
        out_dir: out_dir.clone(),
        index_dir: index_dir.clone(),
        index_update,
        warnings,
        elapsed: started.elapsed(),
        timings: laps.timings,
    };
    let built = Built {
        loaded,
        tera,
        related,
        out_dir,
        index_dir,
        attachment_texts,
        word_counts,
    };
    Ok((report, built))
}

/// Renders every target into `staging`; the static search bundle is
/// exported beside it on a thread of its own (it reads only the finished
/// index, rendering only the related lists).
fn render_and_bundle(
    loaded: &Loaded,
    tera: &Tera,
    options: &RenderOptions,
    generation: Option<&IndexGeneration>,
    staging: &Staging,
    laps: &mut Laps,
) -> Result<()> {
    let site = &loaded.site;
    let targets = render::all_targets(site);
    let sink = |files: Vec<OutputFile>| staging.write_files(&files);
    let bundle_took = std::thread::scope(|scope| -> Result<Option<Duration>> {
        let bundle = generation.map(|g| {
            scope.spawn(move || -> Result<Duration> {
                let began = Instant::now();
                crate::search::bundle::export(&g.index, site, &mut |files| sink(files))?;
                Ok(began.elapsed())
            })
        });
        let rendered = render::render_with_sink(site, tera, options, &targets, &sink);
        let bundled = bundle
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .transpose()?;
        rendered?;
        Ok(bundled)
    })?;
    staging.copy_files(&loaded.theme.static_files)?;
    staging.copy_files(&loaded.site.attachment_files())?;
    if let Some(g) = generation {
        staging.write_files(&[OutputFile {
            path: output::INDEX_MANIFEST.to_string(),
            contents: format!("{}\n", g.name).into_bytes(),
        }])?;
    }
    if let Some(took) = bundle_took {
        laps.note("(static search bundle, beside)", took);
    }
    Ok(())
}

/// The search index one build writes: a generation of its own, named in the
/// output's manifest, so that swapping the output in switches pages and
/// index at once.
struct IndexGeneration {
    /// The configured index folder, the generations' common name.
    alias: PathBuf,
    name: String,
    dir: PathBuf,
    index: SearchIndex,
    stage: Staging,
    update: Option<IndexUpdate>,
    related: Related,
    /// The dictionary's words counted in the pages, for the preview's updates.
    word_counts: assist::WordCounts,
    /// Attachments that could not be read for search (warnings, notes).
    attachment_problems: Vec<Diagnostic>,
}

impl IndexGeneration {
    fn write(
        opts: &BuildOptions,
        alias: &Path,
        out_dir: &Path,
        site: &Site,
        synonyms: &[Vec<String>],
        laps: &mut Laps,
    ) -> Result<Self> {
        let name = output::new_index_generation();
        let dir = alias.parent().unwrap_or(alias).join(&name);
        let dictionary = load::read_dictionary(&opts.root)?;
        let stage = Staging::new(&dir)?;
        let build_id = reuse::build_id(&dictionary);
        let previous = output::live_index_dir(out_dir, alias);
        let reused = reuse::link_previous(&previous, stage.path(), &build_id)?;
        let mut index = if reused {
            SearchIndex::open(stage.path())?
        } else {
            SearchIndex::create(stage.path(), &dictionary)?
        };
        reuse::note_build_id(stage.path(), &build_id)?;
        let (texts, attachment_problems) =
            AttachmentTexts::for_site(site, &attachment_cache(alias), true);
        index.attachment_texts = Arc::new(texts);
        laps.lap("attachments");
        let update = if reused {
            Some(index.update_site(site)?)
        } else {
            index.write_site(site)?;
            None
        };
        laps.lap("index");
        let word_counts = assist::WordCounts::of_site(&dictionary, site)?;
        let sources = assist::Sources {
            site,
            words: &word_counts,
            synonyms: synonyms.to_vec(),
        };
        index.write_assist(stage.path(), sources)?;
        laps.lap("search assistance");
        // The same documents find the same related ones.
        let digest = index.documents_digest()?;
        let related = match reused
            .then(|| reuse::read_related(&previous, digest))
            .flatten()
        {
            Some(related) => related,
            None => index.related(site, RELATED_LIMIT)?,
        };
        let related = reuse::write_related(stage.path(), digest, related)?;
        laps.lap("related");
        Ok(IndexGeneration {
            alias: alias.to_path_buf(),
            name,
            dir,
            index,
            stage,
            update,
            related,
            word_counts,
            attachment_problems,
        })
    }

    /// Both are complete. The new generation goes in place first (no output
    /// names it yet); swapping the output in is the one switch. Returns the
    /// generation's folder.
    fn swap_in_with(self, staging: Staging, out_dir: &Path) -> Result<PathBuf> {
        let previous = output::index_generation_of(out_dir);
        self.stage.commit()?;
        if let Err(e) = staging.commit() {
            // No output names the new generation: it goes with the failed build.
            let _ = std::fs::remove_dir_all(&self.dir);
            return Err(e);
        }
        let mut keep = vec![self.name.as_str()];
        keep.extend(previous.as_deref());
        output::settle_index_generations(&self.alias, &keep)?;
        Ok(self.dir)
    }
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
    let loaded = match load_site_as(opts, Assembly::Lenient) {
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
    let attachments = loaded.site.attachment_files();
    let outputs = lint::Outputs::new(
        &files,
        loaded.theme.static_files.keys().chain(attachments.keys()),
    );
    diags.extend(lint::lint(&loaded.site, &outputs, vocabulary.as_ref()));
    if citations {
        diags.extend(lint::unresolved_citations(&loaded.site));
    }
    // What a build would say of the attachments' text (the cache is read,
    // not written: check writes nothing).
    let cache = attachment_cache(&index_dir(opts, &loaded.site.config));
    diags.extend(AttachmentTexts::for_site(&loaded.site, &cache, false).1);
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

/// The output folder as configured, a symbolic link left as it is: what a
/// server keeps following when a deployment switches the link.
pub fn output_path(opts: &BuildOptions, config: &Config) -> PathBuf {
    match &opts.out_dir {
        Some(dir) => absolute_from_cwd(dir),
        None => config.output_path(&opts.root),
    }
}

/// The output folder. One that is a symbolic link is written through: the
/// build works beside the link's target, so the link stays as it is.
pub fn output_dir(opts: &BuildOptions, config: &Config) -> PathBuf {
    let dir = output_path(opts, config);
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
