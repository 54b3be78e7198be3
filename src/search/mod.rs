pub mod analyzer;
pub mod docnum;
pub mod engine;
pub mod index;
pub mod query;
pub mod snippet;
pub mod bundle;
