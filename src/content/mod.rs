//! The content stage: files under `content/` read, their front matter
//! validated and their Markdown rendered, one [`parse::Parsed`] per file.

pub mod archetype;
pub mod attachment;
pub mod docnum;
pub mod frontmatter;
pub mod load;
pub mod markdown;
pub mod model;
pub mod parse;
pub mod quiz;
pub mod text;
