use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{kind, kind_names, say};

#[derive(Args)]
pub struct NewArgs {
    /// The kind of document
    #[arg(value_parser = kind_names())]
    kind: String,
    /// File name without .md: letters, digits, - and _
    slug: String,
    /// The document's title (default: a placeholder that check warns about)
    #[arg(long)]
    title: Option<String>,
    /// Site root holding zhiku.yaml and content/
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

pub fn run(args: NewArgs) -> anyhow::Result<ExitCode> {
    let today = chrono::Local::now().date_naive();
    let path = zhiku::content::archetype::new_document(
        &args.root,
        kind(&args.kind),
        &args.slug,
        args.title.as_deref(),
        today,
    )?;
    say(&format!("zhiku: created {}", path.display()));
    Ok(ExitCode::SUCCESS)
}
