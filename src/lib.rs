//! zhiku (知库): a static site generator and Chinese full-text knowledge base
//! for community party-building documents.
//!
//! The source tree follows the pipeline; [`pipeline`] is the one sequencer
//! that `zhiku build`, `zhiku check` and the live preview all call:
//!
//! ```text
//! config -> content (load -> front matter -> markdown -> parse)
//!        -> site (assembly, links, lineage, series, taxonomies, study paths)
//!        -> render (views, feeds, graph)  |  search (index, related, bundle)
//!        -> output (stage aside, swap)
//! serve (static files, search API, live preview, watch) sits beside it;
//! import and extract bring office files into content/.
//! ```
//!
//! See docs/architecture.md for where each kind of change goes.

pub mod compression;
pub mod config;
pub mod content;
pub mod error;
pub mod extract;
pub mod import;
pub mod output;
pub mod parallel;
pub mod pipeline;
pub mod print;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;

pub use error::{Diagnostic, Error, Result};
pub use pipeline::{build, check, BuildOptions, BuildReport};
