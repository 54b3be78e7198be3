use std::process::ExitCode;

use clap::{Args, ValueEnum};

use zhiku::error::Severity;
use zhiku::pipeline;

use super::{print_diagnostics, say, SiteArgs};

#[derive(Args)]
pub struct CheckArgs {
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
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let diags = pipeline::check(&args.site.options(), args.citations)?;
    let count = |severity| diags.iter().filter(|d| d.severity == severity).count();
    let errors = count(Severity::Error);
    let warnings = count(Severity::Warning);
    match args.format {
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
    let failed = errors > 0 || (args.strict && warnings > 0);
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
