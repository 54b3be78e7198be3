//! The HTTP content encodings zhiku makes: which files are worth
//! compressing, and how, both for `zhiku build --precompress` (files beside
//! the originals, for nginx's `gzip_static` and `serve --prod`) and for
//! `serve`'s own compression of a file that has no precompressed copy.

use std::io::Write;
use std::path::Path;

/// Text files below this size gain too little from compression to be worth
/// a second and third copy, or the work.
pub const MIN_BYTES: u64 = 1024;

/// The kinds of files worth compressing: text. (Images, PDFs and office
/// files are compressed already.)
const TEXT_EXTENSIONS: &[&str] = &["html", "css", "js", "json", "xml", "svg", "txt"];

/// One content encoding: its `Accept-Encoding` token, the suffix of its
/// precompressed file, and its two settings (the build can afford the best
/// ratio once; a server compressing on request cannot).
pub struct Encoding {
    pub token: &'static str,
    pub suffix: &'static str,
    precompress_level: u32,
    on_request_level: u32,
    write: fn(&[u8], u32) -> std::io::Result<Vec<u8>>,
}

/// The encodings, in the order a server prefers them.
pub const ENCODINGS: [Encoding; 2] = [
    // Brotli 9 rather than 11 for the build: about as small for these pages,
    // and fast enough for tens of thousands of files. 5 on request.
    Encoding {
        token: "br",
        suffix: ".br",
        precompress_level: 9,
        on_request_level: 5,
        write: brotli_bytes,
    },
    Encoding {
        token: "gzip",
        suffix: ".gz",
        precompress_level: 9,
        on_request_level: 6,
        write: gzip_bytes,
    },
];

impl Encoding {
    /// For a file written once and served many times.
    pub fn precompress(&self, bytes: &[u8]) -> std::io::Result<Vec<u8>> {
        (self.write)(bytes, self.precompress_level)
    }

    /// For a response made now.
    pub fn on_request(&self, bytes: &[u8]) -> std::io::Result<Vec<u8>> {
        (self.write)(bytes, self.on_request_level)
    }
}

/// Whether a file of this name and size is worth compressing.
pub fn worth_compressing(path: &Path, len: u64) -> bool {
    len >= MIN_BYTES
        && path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| TEXT_EXTENSIONS.contains(&e))
}

fn gzip_bytes(bytes: &[u8], level: u32) -> std::io::Result<Vec<u8>> {
    let mut gz = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::new(level),
    );
    gz.write_all(bytes)?;
    gz.finish()
}

fn brotli_bytes(bytes: &[u8], level: u32) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() / 3);
    {
        let mut br = brotli::CompressorWriter::new(&mut out, 4096, level, 22);
        br.write_all(bytes)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_encodings_round_trip_at_both_levels() {
        use std::io::Read;
        let text = "社区党建知识库。".repeat(200);
        for encoding in &ENCODINGS {
            for packed in [
                encoding.precompress(text.as_bytes()).unwrap(),
                encoding.on_request(text.as_bytes()).unwrap(),
            ] {
                assert!(packed.len() < text.len() / 4, "{}", encoding.token);
                let mut back = String::new();
                match encoding.token {
                    "br" => brotli::Decompressor::new(&packed[..], 4096)
                        .read_to_string(&mut back)
                        .unwrap(),
                    _ => flate2::read::GzDecoder::new(&packed[..])
                        .read_to_string(&mut back)
                        .unwrap(),
                };
                assert_eq!(back, text);
            }
        }
    }

    #[test]
    fn only_text_of_some_size_is_worth_compressing() {
        assert!(worth_compressing(Path::new("a/index.html"), 2048));
        assert!(!worth_compressing(Path::new("a/index.html"), 100));
        assert!(!worth_compressing(Path::new("a/photo.jpg"), 1 << 20));
        assert!(!worth_compressing(Path::new("a/README"), 1 << 20));
    }
}
