//! The `zhiku` command: a thin layer over the library's pipeline. Each
//! subcommand lives in `commands/`; only this binary prints.

mod commands;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use zhiku::error::Severity;
use zhiku::Error;

#[derive(Parser)]
#[command(name = "zhiku", version, about = "知库: 社区党建知识库静态站点生成器")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the static portal into public/
    Build(commands::build::BuildArgs),
    /// Check content without writing anything; exit 1 on errors
    Check(commands::check::CheckArgs),
    /// Build and serve the portal with live reload (or, with --prod, serve the built site)
    Serve(commands::serve::ServeArgs),
    /// Create a new document from its kind's archetype
    New(commands::new::NewArgs),
    /// Import Word, PDF, web pages and text as documents (content/<section>/<slug>.md)
    Import(commands::import::ImportArgs),
    /// Search the built index from the terminal
    Search(commands::search::SearchArgs),
    /// Print a study path's or a training series' handbook (学习手册) as a PDF through headless Chromium
    Print(commands::print::PrintArgs),
    /// Export the documents for OpenSearch/Elasticsearch (bulk NDJSON) or their mapping
    Export(commands::export::ExportArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => commands::build::run(args),
        Command::Check(args) => commands::check::run(args),
        Command::Serve(args) => commands::serve::run(args),
        Command::New(args) => commands::new::run(args),
        Command::Import(args) => commands::import::run(args),
        Command::Search(args) => commands::search::run(args),
        Command::Export(args) => commands::export::run(args),
        Command::Print(args) => commands::print::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            report_error(&e);
            ExitCode::FAILURE
        }
    }
}

fn report_error(e: &anyhow::Error) {
    let mut stderr = std::io::stderr().lock();
    if let Some(Error::Content(diags)) = e.downcast_ref::<Error>() {
        commands::print_diagnostics(&mut stderr, diags);
        let errors = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let _ = writeln!(
            stderr,
            "error: build failed: {errors} error(s) in content; the previous output is unchanged"
        );
        return;
    }
    let mut said = e.to_string();
    let _ = write!(stderr, "error: {said}");
    for cause in e.chain().skip(1) {
        // Our errors already carry their cause's text.
        let text = cause.to_string();
        if !said.contains(&text) {
            let _ = write!(stderr, ": {text}");
            said.push_str(&text);
        }
    }
    let _ = writeln!(stderr);
}
