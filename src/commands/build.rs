use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use zhiku::pipeline::{self, BuildOptions};

use super::{print_diagnostics, say, IndexArgs, SiteArgs};

#[derive(Args)]
pub struct BuildArgs {
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
    /// Also write .gz and .br beside every HTML, CSS, JS, JSON, XML, SVG and text file of 1 KB
    /// or more, for web servers that serve them as they are (nginx gzip_static, serve --prod)
    #[arg(long)]
    precompress: bool,
}

pub fn run(args: BuildArgs) -> anyhow::Result<ExitCode> {
    let opts = BuildOptions {
        out_dir: args.out,
        base_url: args.base_url,
        index_dir: args.index.index_dir,
        no_index: args.index.no_index,
        strict: args.strict,
        precompress: args.precompress,
        ..args.site.options()
    };
    let report = pipeline::build(&opts)?;
    print_diagnostics(&mut std::io::stderr(), &report.warnings);
    if args.timings {
        for (stage, took) in &report.timings {
            say(&format!("  {stage:<30} {:>8.3} s", took.as_secs_f64()));
        }
    }
    if let Some(u) = report.index_update {
        say(&format!(
            "zhiku: search index updated from the previous build: {} documents kept, {} written, {} removed",
            u.kept, u.written, u.removed
        ));
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
