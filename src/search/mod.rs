pub mod analyzer;
pub mod bundle;
pub mod char_query;
pub mod engine;
pub mod index;
pub mod query;
pub mod ranking;
pub mod snippet;
