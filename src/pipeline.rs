//! The only code that knows the order of the build:
//! config -> load -> parse -> site -> render -> output (write aside, swap).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::config::Config;
use crate::error::{sort_diagnostics, Diagnostic, Error, Result, Severity};
use crate::load;
use crate::output::Staging;
use crate::parse;
use crate::render::{self, RenderOptions};
use crate::site::{self, Site};
use crate::theme::Theme;

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
}

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
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
}

/// A loaded, validated site and its theme: what render and index start from.
pub struct Loaded {
    pub site: Site,
    pub theme: Theme,
    pub warnings: Vec<Diagnostic>,
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
    let parsed: Vec<parse::Parsed> = sources
        .iter()
        .filter_map(|src| parse::parse_file(src, today, &mut diags))
        .collect();
    let (site, site_diags) = site::assemble(config, parsed, opts.drafts);
    diags.extend(site_diags);
    sort_diagnostics(&mut diags);
    let has_errors = diags.iter().any(|d| d.severity == Severity::Error);
    match site {
        Some(site) if !has_errors => Ok(Loaded {
            site,
            theme,
            warnings: diags,
        }),
        _ => Err(Error::Content(diags)),
    }
}

/// Builds the site into its output folder, replacing the previous output only
/// when everything succeeded.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let loaded = load_site(opts)?;
    let files = render::render_site(
        &loaded.site,
        &loaded.theme,
        &RenderOptions {
            live_reload: opts.live_reload,
        },
    )?;
    let out_dir = output_dir(opts, &loaded.site.config);
    let staging = Staging::new(&out_dir)?;
    staging.write_files(&files)?;
    staging.copy_files(&loaded.theme.static_files)?;
    staging.commit()?;
    Ok(BuildReport {
        pages: loaded.site.pages.len(),
        files: files.len() + loaded.theme.static_files.len(),
        out_dir,
        warnings: loaded.warnings,
        elapsed: started.elapsed(),
    })
}

/// Everything a build would reject, without writing anything. Returns all
/// diagnostics (warnings included); `Err` only for problems outside content.
pub fn check(opts: &BuildOptions) -> Result<Vec<Diagnostic>> {
    match load_site(opts) {
        Ok(loaded) => {
            render::render_site(&loaded.site, &loaded.theme, &RenderOptions::default())?;
            Ok(loaded.warnings)
        }
        Err(Error::Content(diags)) => Ok(diags),
        Err(e) => Err(e),
    }
}

pub fn output_dir(opts: &BuildOptions, config: &Config) -> PathBuf {
    match &opts.out_dir {
        Some(dir) if dir.is_absolute() => dir.clone(),
        Some(dir) => std::env::current_dir()
            .map(|cwd| cwd.join(dir))
            .unwrap_or_else(|_| dir.clone()),
        None => config.output_path(&opts.root),
    }
}

/// Resolves `--root` for display and for the server.
pub fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
