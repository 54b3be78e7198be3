use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, ValueEnum};

use zhiku::pipeline;
use zhiku::search::export;

use super::{print_diagnostics, SiteArgs};

#[derive(Args)]
pub struct ExportArgs {
    #[command(flatten)]
    site: SiteArgs,
    #[arg(long, value_enum, default_value_t = ExportFormat::Ndjson)]
    format: ExportFormat,
    /// Where to write: a file, or - for standard output
    #[arg(long, default_value = "-", value_name = "FILE|-")]
    out: String,
    /// The `_index` each bulk action names
    #[arg(long, default_value = "zhiku")]
    index_name: String,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    /// OpenSearch/Elasticsearch bulk-API lines: an action, then the document
    Ndjson,
    /// The index settings and mapping those documents need (JSON)
    Mapping,
}

pub fn run(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let mut out: Box<dyn Write> = if args.out == "-" {
        Box::new(std::io::stdout().lock())
    } else {
        let path = PathBuf::from(&args.out);
        let file = std::fs::File::create(&path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Box::new(std::io::BufWriter::new(file))
    };
    match args.format {
        ExportFormat::Mapping => {
            serde_json::to_writer_pretty(&mut out, &export::mapping())?;
            writeln!(out)?;
            out.flush()?;
        }
        ExportFormat::Ndjson => {
            let loaded = pipeline::load_site(&args.site.options())?;
            print_diagnostics(&mut std::io::stderr(), &loaded.warnings);
            let count = export::write_ndjson(&loaded.site, &args.index_name, &mut out)?;
            eprintln!("zhiku export: {count} documents");
        }
    }
    Ok(ExitCode::SUCCESS)
}
