//! The one analyzer used for documents and queries alike.
//!
//! Text is normalized first (NFKC width folding, Traditional -> Simplified,
//! lowercase), keeping for every normalized character the byte range it came
//! from, so that highlights mark the original (possibly Traditional,
//! full-width) characters. Two token streams come out of the normalized text:
//! - words: jieba-rs in search mode with the 党建 domain dictionary, for
//!   ranking whole-word matches first;
//! - grams: overlapping CJK bigrams, a single character only where a run of
//!   Han characters ends, and whole Latin words and numbers, with positions,
//!   so that any substring of the text can be found as a phrase of bigrams
//!   (`段简` finds `一段简单`). One token per character: a character alone is
//!   found as the prefix of the bigram it starts (`段` is `段*`), which the
//!   search engine and the static bundle resolve from the term dictionary.
//!
//! The jieba dictionary is loaded once per dictionary text and shared: tantivy
//! clones tokenizers for every query parse.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::UnicodeNormalization;

use crate::content::text::to_simplified;

/// The domain dictionary shipped with zhiku; a site extends it with
/// `content/_dictionary.txt`.
pub const DOMAIN_DICTIONARY: &str = include_str!("dangjian_dict.txt");

pub const WORDS_TOKENIZER: &str = "zh_words";
pub const GRAMS_TOKENIZER: &str = "zh_grams";

/// Text after normalization, with the source byte range of each character.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    pub text: String,
    /// For each char of `text`, in order: (start, end) bytes in the original.
    pub spans: Vec<(usize, usize)>,
    /// Byte offset in `text` of each char (plus one final entry: `text.len()`).
    pub char_bytes: Vec<usize>,
}

impl Normalized {
    /// Original byte range for the normalized byte range `from..to`.
    pub fn original_range(&self, from: usize, to: usize) -> (usize, usize) {
        let first = self.char_bytes.partition_point(|&b| b < from);
        let last = self.char_bytes.partition_point(|&b| b < to);
        if first >= self.spans.len() || last == 0 {
            return (0, 0);
        }
        (self.spans[first].0, self.spans[last - 1].1)
    }
}

/// NFKC, Traditional -> Simplified, lowercase. Character-for-character where
/// the source was one character, so offsets can be mapped back.
pub fn normalize(original: &str) -> Normalized {
    let mut folded = String::with_capacity(original.len());
    let mut spans = Vec::with_capacity(original.len());
    for (start, c) in original.char_indices() {
        let end = start + c.len_utf8();
        if c.is_ascii() {
            folded.push(c.to_ascii_lowercase());
            spans.push((start, end));
            continue;
        }
        if is_plain_han(c) {
            folded.push(c);
            spans.push((start, end));
            continue;
        }
        for n in std::iter::once(c).nfkc() {
            for l in n.to_lowercase() {
                folded.push(l);
                spans.push((start, end));
            }
        }
    }
    // fast2s maps one char to one char (looking at its neighbours for the few
    // ambiguous ones), so `spans` stays aligned.
    let text = match to_simplified(&folded) {
        std::borrow::Cow::Owned(converted) if converted.chars().count() == spans.len() => converted,
        _ => folded,
    };
    let mut char_bytes: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    char_bytes.push(text.len());
    Normalized {
        text,
        spans,
        char_bytes,
    }
}

/// CJK Unified Ideographs (and Extension A): NFKC leaves them as they are
/// and they have no case, so folding skips both lookups for most of a
/// Chinese text. (Compatibility ideographs, U+F900 on, do change under NFKC.)
fn is_plain_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// Han ideographs and kana: scripts written without spaces, indexed by grams.
pub fn is_gram_char(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}'
        | '〇'
    )
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_gram_char(c)
}

/// One token of analyzed text. Offsets are bytes in the *original* text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyzedToken {
    pub text: String,
    pub position: usize,
    pub from: usize,
    pub to: usize,
}

/// The analyzer: a jieba segmenter with the domain dictionary loaded.
pub struct Analyzer {
    jieba: Jieba,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Analyzer")
    }
}

impl Analyzer {
    /// An analyzer with the stock and domain dictionaries plus `extra`
    /// (lines of `word [freq [tag]]`), shared per dictionary text: loading
    /// jieba takes a noticeable fraction of a second.
    pub fn shared(extra: &str) -> Arc<Analyzer> {
        static CACHE: OnceLock<Mutex<HashMap<u64, Arc<Analyzer>>>> = OnceLock::new();
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        extra.hash(&mut hasher);
        let key = hasher.finish();
        let cache = CACHE.get_or_init(Default::default);
        let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(key)
            .or_insert_with(|| Arc::new(Analyzer::new(extra)))
            .clone()
    }

    fn new(extra: &str) -> Analyzer {
        let mut jieba = Jieba::new();
        for line in DOMAIN_DICTIONARY.lines().chain(extra.lines()) {
            let mut parts = line.split_whitespace();
            let Some(word) = parts.next().filter(|w| !w.starts_with('#')) else {
                continue;
            };
            let freq = parts.next().and_then(|f| f.parse().ok());
            let word = normalize(word).text;
            jieba.add_word(&word, freq, None);
        }
        Analyzer { jieba }
    }

    /// Word tokens (jieba search mode): whole words and their dictionary
    /// sub-words; punctuation and spaces dropped.
    pub fn words(&self, original: &str) -> Vec<AnalyzedToken> {
        let norm = normalize(original);
        self.words_of(&norm)
    }

    pub fn words_of(&self, norm: &Normalized) -> Vec<AnalyzedToken> {
        let mut out = Vec::new();
        for t in self.jieba.cut_for_search(&norm.text, true) {
            if !t.word.chars().any(char::is_alphanumeric) {
                continue;
            }
            let (from, to) = norm.original_range(t.byte_start, t.byte_end);
            out.push(AnalyzedToken {
                text: t.word.to_string(),
                position: out.len(),
                from,
                to,
            });
        }
        out
    }

    /// Words of a query term the way jieba cuts it normally (no sub-words).
    pub fn query_words(&self, text: &str) -> Vec<String> {
        let norm = normalize(text);
        self.jieba
            .cut(&norm.text, true)
            .into_iter()
            .filter(|t| t.word.chars().any(char::is_alphanumeric))
            .map(|t| t.word.to_string())
            .collect()
    }
}

/// Gram tokens for indexing: at each Han character, at its position, the
/// bigram it starts, or the character alone when it ends its run; each Latin
/// word or number one token. Punctuation separates but takes no position, so
/// `中组发〔2004〕25号` and `中组发[2004]25号` give the same tokens.
///
/// Every character of a run still has a token that starts with it, so a
/// character's occurrences are the postings of the terms with that prefix:
/// indexing a unigram beside every bigram doubled the tokens (and the
/// indexing time) to store what the bigrams already say.
pub fn grams(original: &str) -> Vec<AnalyzedToken> {
    grams_of(&normalize(original), true)
}

/// Gram tokens for a query: only what a phrase needs (the bigram chain of
/// each Han run, a unigram for a lone character), with the positions the
/// indexed text would have.
pub fn query_grams(text: &str) -> Vec<AnalyzedToken> {
    grams_of(&normalize(text), false)
}

fn grams_of(norm: &Normalized, for_index: bool) -> Vec<AnalyzedToken> {
    let chars: Vec<(usize, char)> = norm.text.char_indices().collect();
    let mut out = Vec::new();
    let mut position = 0;
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if is_gram_char(c) {
            let run_end = chars[i..]
                .iter()
                .position(|&(_, c)| !is_gram_char(c))
                .map_or(chars.len(), |n| i + n);
            let run_len = run_end - i;
            for k in i..run_end {
                let (b, ch) = chars[k];
                let end = b + ch.len_utf8();
                if (for_index && k + 1 == run_end) || run_len == 1 {
                    let (from, to) = norm.original_range(b, end);
                    out.push(AnalyzedToken {
                        text: ch.to_string(),
                        position,
                        from,
                        to,
                    });
                }
                if k + 1 < run_end {
                    let (b2, ch2) = chars[k + 1];
                    let end2 = b2 + ch2.len_utf8();
                    let (from, to) = norm.original_range(b, end2);
                    out.push(AnalyzedToken {
                        text: norm.text[b..end2].to_string(),
                        position,
                        from,
                        to,
                    });
                }
                position += 1;
            }
            i = run_end;
        } else if is_word_char(c) {
            let run_end = chars[i..]
                .iter()
                .position(|&(_, c)| !is_word_char(c))
                .map_or(chars.len(), |n| i + n);
            let end = chars.get(run_end).map_or(norm.text.len(), |&(b, _)| b);
            let (from, to) = norm.original_range(start, end);
            out.push(AnalyzedToken {
                text: norm.text[start..end].to_string(),
                position,
                from,
                to,
            });
            position += 1;
            i = run_end;
        } else {
            i += 1;
        }
    }
    out
}

/// The words tokenizer as tantivy sees it.
#[derive(Clone)]
pub struct WordsTokenizer(pub Arc<Analyzer>);

/// The grams tokenizer as tantivy sees it.
#[derive(Clone)]
pub struct GramsTokenizer;

/// `normalize` without the offset bookkeeping: what indexing needs. The
/// last text is remembered per thread because tantivy analyses the body twice
/// in a row (words, then grams).
fn fold_for_index(original: &str) -> String {
    thread_local! {
        static LAST: std::cell::RefCell<(String, String)> = Default::default();
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if last.0 != original {
            let folded = fold(original);
            last.0.clear();
            last.0.push_str(original);
            last.1 = folded;
        }
        last.1.clone()
    })
}

fn fold(original: &str) -> String {
    if original.is_ascii() {
        return original.to_ascii_lowercase();
    }
    let mut folded = String::with_capacity(original.len());
    let mut chars = 0;
    for c in original.chars() {
        if c.is_ascii() {
            folded.push(c.to_ascii_lowercase());
            chars += 1;
            continue;
        }
        if is_plain_han(c) {
            folded.push(c);
            chars += 1;
            continue;
        }
        for n in std::iter::once(c).nfkc() {
            for l in n.to_lowercase() {
                folded.push(l);
                chars += 1;
            }
        }
    }
    // As in `normalize`: keep the conversion only when it is char for char.
    match to_simplified(&folded) {
        std::borrow::Cow::Owned(converted) if converted.chars().count() == chars => converted,
        _ => folded,
    }
}

/// The folded text of `original` and its index-time gram tokens as
/// (start, end, position) byte ranges of it: what the gram fields hold, for
/// readers that need the tokens in order (the static bundle's phrases).
pub fn gram_token_ranges(original: &str) -> (String, Vec<(usize, usize, usize)>) {
    let text = fold(original);
    let ranges = gram_ranges(&text);
    (text, ranges)
}

/// Index-time gram tokens as (start, end, position) byte ranges of the
/// folded text: the same tokens as [`grams`] without a String each.
fn gram_ranges(text: &str) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::with_capacity(text.len() / 2);
    let mut position = 0;
    let mut iter = text.char_indices().peekable();
    while let Some((start, c)) = iter.next() {
        if is_gram_char(c) {
            let end = start + c.len_utf8();
            match iter.peek() {
                Some(&(_, next)) if is_gram_char(next) => {
                    out.push((start, end + next.len_utf8(), position))
                }
                _ => out.push((start, end, position)),
            }
            position += 1;
        } else if is_word_char(c) {
            let mut end = start + c.len_utf8();
            while let Some(&(b, next)) = iter.peek() {
                if !is_word_char(next) {
                    break;
                }
                end = b + next.len_utf8();
                iter.next();
            }
            out.push((start, end, position));
            position += 1;
        }
    }
    out
}

/// Index-time tokens over one folded text: each token's text is copied into
/// one reused buffer, so indexing allocates per field, not per token.
/// Offsets are bytes of the folded text (tantivy stores none of them).
pub struct RangeTokenStream {
    text: String,
    ranges: Vec<(usize, usize, usize)>,
    index: usize,
    token: Token,
}

impl TokenStream for RangeTokenStream {
    fn advance(&mut self) -> bool {
        let Some(&(from, to, position)) = self.ranges.get(self.index) else {
            return false;
        };
        self.index += 1;
        self.token.text.clear();
        self.token.text.push_str(&self.text[from..to]);
        self.token.position = position;
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position_length = 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

impl Tokenizer for WordsTokenizer {
    type TokenStream<'a> = RangeTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> RangeTokenStream {
        let text = fold_for_index(text);
        let mut ranges = Vec::new();
        for t in self.0.jieba.cut_for_search(&text, true) {
            if t.word.chars().any(char::is_alphanumeric) {
                ranges.push((t.byte_start, t.byte_end, ranges.len()));
            }
        }
        RangeTokenStream {
            text,
            ranges,
            index: 0,
            token: Token::default(),
        }
    }
}

impl Tokenizer for GramsTokenizer {
    type TokenStream<'a> = RangeTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> RangeTokenStream {
        let text = fold_for_index(text);
        RangeTokenStream {
            ranges: gram_ranges(&text),
            text,
            index: 0,
            token: Token::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(tokens: &[AnalyzedToken]) -> Vec<&str> {
        tokens.iter().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn normalization_folds_width_script_and_case() {
        assert_eq!(normalize("ＸＸ市１２３").text, "xx市123");
        assert_eq!(normalize("黨員志願服務").text, "党员志愿服务");
        assert_eq!(normalize("Party").text, "party");
    }

    #[test]
    fn plain_han_is_what_nfkc_and_lowercase_leave_alone() {
        for c in ('\u{3400}'..='\u{4DBF}').chain('\u{4E00}'..='\u{9FFF}') {
            let folded: String = std::iter::once(c)
                .nfkc()
                .flat_map(char::to_lowercase)
                .collect();
            assert_eq!(folded, c.to_string(), "U+{:04X}", c as u32);
        }
        // A compatibility ideograph is not plain: NFKC maps it.
        assert!(!is_plain_han('\u{F900}'));
        assert_ne!(normalize("\u{F900}").text, "\u{F900}");
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let original = "石橋社區的志願服務";
        let tokens = grams(original);
        let t = tokens.iter().find(|t| t.text == "志愿").unwrap();
        assert_eq!(&original[t.from..t.to], "志願");
        let words = Analyzer::shared("").words("ＸＸ市黨員");
        let t = words.iter().find(|t| t.text == "xx").unwrap();
        assert_eq!(&"ＸＸ市黨員"[t.from..t.to], "ＸＸ");
    }

    #[test]
    fn index_tokenizers_give_the_analyzer_tokens() {
        let text = "石橋社區「鄰里守望」ＡＢＣ志願服務隊2016年 Hello World，中组发〔2004〕25号";
        let collect = |mut stream: RangeTokenStream| {
            let mut out = Vec::new();
            while stream.advance() {
                out.push((stream.token().text.clone(), stream.token().position));
            }
            out
        };
        let expected = |tokens: Vec<AnalyzedToken>| -> Vec<(String, usize)> {
            tokens.into_iter().map(|t| (t.text, t.position)).collect()
        };
        let analyzer = Analyzer::shared("");
        assert_eq!(
            collect(GramsTokenizer.token_stream(text)),
            expected(grams(text))
        );
        let mut words = WordsTokenizer(analyzer.clone());
        assert_eq!(
            collect(words.token_stream(text)),
            expected(analyzer.words(text))
        );
        // The cached fold is per text, not stale.
        assert_eq!(
            collect(GramsTokenizer.token_stream("黨")),
            vec![("党".to_string(), 0)]
        );
    }

    #[test]
    fn grams_cover_every_substring() {
        let tokens = grams("一段简单");
        assert_eq!(texts(&tokens), ["一段", "段简", "简单", "单"]);
        // Every character starts a token: the first of its bigram, or alone
        // at the end of its run.
        let text = "一段简单，党建";
        let tokens = grams(text);
        for (position, c) in "一段简单党建".chars().enumerate() {
            assert!(
                tokens
                    .iter()
                    .any(|t| t.position == position && t.text.starts_with(c)),
                "{c}"
            );
        }
        let q = query_grams("段简");
        assert_eq!(texts(&q), ["段简"]);
        assert_eq!(q[0].position, 0);
        // Brackets of any kind take no position: 文号 variants give the same tokens.
        let a: Vec<_> = query_grams("中组发〔2004〕25号")
            .into_iter()
            .map(|t| (t.text, t.position))
            .collect();
        let b: Vec<_> = query_grams("中组发[2004]25号")
            .into_iter()
            .map(|t| (t.text, t.position))
            .collect();
        let c: Vec<_> = query_grams("中组发（2004）25号")
            .into_iter()
            .map(|t| (t.text, t.position))
            .collect();
        assert_eq!(a, b);
        assert_eq!(a, c);
    }

    #[test]
    fn domain_terms_stay_whole() {
        let a = Analyzer::shared("");
        assert!(texts(&a.words("坚持三会一课制度")).contains(&"三会一课"));
        assert!(texts(&a.words("推行共驻共建")).contains(&"共驻共建"));
        assert_eq!(a.query_words("三会一课"), ["三会一课"]);
        // A site's own dictionary extends the shipped one.
        let b = Analyzer::shared("邻里守望\n");
        assert_eq!(b.query_words("邻里守望"), ["邻里守望"]);
    }
}
