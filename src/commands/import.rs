use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use clap::Args;

use zhiku::import::{self, ImportOptions, ImportReport};

use super::{kind, kind_names, say};

#[derive(Args)]
pub struct ImportArgs {
    /// Files or folders: .docx .pdf .html .htm .txt .md, and .doc .wps .rtf .odt through LibreOffice
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Site root holding zhiku.yaml and content/
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The kind of document (default: guessed, and said why)
    #[arg(long, value_parser = kind_names())]
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
}

pub fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let root = args.root;
    if !root.join("content").is_dir() && !root.join("zhiku.yaml").is_file() {
        bail!(
            "{} is not a zhiku site (no zhiku.yaml or content/): pass --root",
            root.display()
        );
    }
    let inputs = import::inputs(&args.files);
    if inputs.len() != 1 && (args.title.is_some() || args.slug.is_some()) {
        bail!("--title and --slug name one document: import one file with them");
    }
    if inputs.is_empty() {
        bail!("no importable files found (.docx .pdf .html .htm .txt .md .doc .wps .rtf .odt)");
    }
    let opts = ImportOptions {
        root,
        kind: args.kind.as_deref().map(kind),
        title: args.title,
        slug: args.slug,
        dry_run: args.dry_run,
        today: chrono::Local::now().date_naive(),
    };
    let mut failed = 0;
    let mut reports = Vec::new();
    let mut stderr = std::io::stderr().lock();
    for input in &inputs {
        match import::import_file(input, &opts) {
            Ok(report) => {
                if !args.json {
                    tell(&mut stderr, input, &report);
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
    if args.json {
        say(&serde_json::to_string_pretty(&reports)?);
    } else if inputs.len() > 1 {
        let done = if args.dry_run {
            "checked (dry run)"
        } else {
            "imported"
        };
        let _ = writeln!(
            stderr,
            "zhiku import: {} {done}, {failed} failed",
            inputs.len() - failed
        );
    }
    Ok(if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The document on stdout (a dry run's only output), what was done on stderr.
fn tell(stderr: &mut impl Write, input: &std::path::Path, report: &ImportReport) {
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
