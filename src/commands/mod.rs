//! One file per subcommand: its arguments and what it prints.

pub mod build;
pub mod check;
pub mod export;
pub mod import;
pub mod new;
pub mod print;
pub mod search;
pub mod serve;

use std::io::Write;
use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::Args;

use zhiku::content::model::Kind;
use zhiku::error::Diagnostic;
use zhiku::pipeline::BuildOptions;

#[derive(Args, Clone)]
pub struct SiteArgs {
    /// Site root holding zhiku.yaml, content/ and themes/
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Include documents marked `draft: true`
    #[arg(long)]
    pub drafts: bool,
    /// Include documents marked `audience: internal` (the members' portal;
    /// build it into its own --out and --index-dir)
    #[arg(long)]
    pub internal: bool,
}

impl SiteArgs {
    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            root: self.root.clone(),
            drafts: self.drafts,
            internal: self.internal,
            ..Default::default()
        }
    }
}

#[derive(Args, Clone)]
pub struct IndexArgs {
    /// Search index folder (default: search_index_dir from zhiku.yaml)
    #[arg(long)]
    pub index_dir: Option<PathBuf>,
    /// Build the site without the search index
    #[arg(long)]
    pub no_index: bool,
}

/// The `type:` values of the kind table, for `--kind` and `new KIND`.
pub fn kind_names() -> PossibleValuesParser {
    PossibleValuesParser::new(Kind::ALL.map(Kind::name))
}

/// A name [`kind_names`] accepted.
pub fn kind(name: &str) -> Kind {
    Kind::parse(name).expect("clap accepts only the kind table's names")
}

pub fn print_diagnostics(w: &mut impl Write, diags: &[Diagnostic]) {
    for d in diags {
        let _ = writeln!(w, "{d}");
    }
}

/// Writes to stdout, treating a closed pipe as success.
pub fn say(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
    let _ = out.flush();
}
