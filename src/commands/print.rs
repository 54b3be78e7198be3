use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use zhiku::pipeline::{self, BuildOptions};

use super::{say, SiteArgs};

#[derive(Args)]
pub struct PrintArgs {
    /// The study path or training series: its slug (xinren, paths/xinren, series/…) or a series' name
    target: String,
    #[command(flatten)]
    site: SiteArgs,
    /// The built site to print from (default: output_dir from zhiku.yaml); run `zhiku build` first
    #[arg(long)]
    out: Option<PathBuf>,
    /// Where to write the PDF (default: <slug>-handbook.pdf here)
    #[arg(long, short = 'o')]
    pdf: Option<PathBuf>,
}

pub fn run(args: PrintArgs) -> anyhow::Result<ExitCode> {
    let opts = BuildOptions {
        out_dir: args.out,
        ..args.site.options()
    };
    let config = pipeline::load_config(&opts)?;
    let out_dir = pipeline::output_dir(&opts, &config);
    // The public portal's handbook from the public build, the members' from theirs.
    zhiku::output::check_audience(&out_dir, opts.include(&config).audience().name())?;
    let handbook = zhiku::print::find_handbook(&out_dir, &args.target)?;
    let chromium = zhiku::print::find_chromium().context(
        "zhiku print needs Chromium (Debian/Ubuntu: apt-get install chromium; or set ZHIKU_CHROMIUM); \
         without it, open the handbook page in a browser and print it",
    )?;
    let slug = handbook
        .trim_matches('/')
        .split('/')
        .nth(1)
        .unwrap_or("handbook")
        .to_string();
    let pdf = args
        .pdf
        .unwrap_or_else(|| PathBuf::from(format!("{slug}-handbook.pdf")));
    let printed =
        zhiku::print::print_handbook(&chromium, &out_dir, config.base_path(), &handbook, &pdf)?;
    let contents: Vec<String> = printed
        .contents
        .iter()
        .map(|(part, page)| match part.strip_prefix("step-") {
            Some(n) => format!("第 {n} 部分 p.{page}"),
            None => format!("参考答案 p.{page}"),
        })
        .collect();
    say(&format!(
        "zhiku: printed {handbook} to {} ({} pages; contents: {})",
        pdf.display(),
        printed.pages,
        contents.join(", ")
    ));
    Ok(ExitCode::SUCCESS)
}
