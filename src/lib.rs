//! zhiku (知库): a static site generator and Chinese full-text knowledge base
//! for community party-building documents.
//!
//! The pipeline, in order (see [`pipeline`]): [`config`] -> [`load`] ->
//! [`parse`] (with [`frontmatter`] and [`markdown`]) -> [`site`] -> [`render`]
//! (with [`theme`] and [`feeds`]) -> [`output`]. [`serve`] sits beside it.

pub mod config;
pub mod error;
pub mod extract;
pub mod feeds;
pub mod frontmatter;
pub mod import;
pub mod lint;
pub mod load;
pub mod markdown;
pub mod model;
pub mod neighbourhood;
pub mod new;
pub mod output;
pub mod parallel;
pub mod parse;
pub mod paths;
pub mod pipeline;
pub mod preview;
pub mod render;
pub mod serve;
pub mod site;
pub mod theme;
pub mod watch;

pub use error::{Diagnostic, Error, Result};
pub use pipeline::{build, check, BuildOptions, BuildReport};
pub mod search;
