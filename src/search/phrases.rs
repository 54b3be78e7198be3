//! The static bundle's phrases (`p/` shards): every run of two to
//! [`PHRASE_POSITIONS`] consecutive gram tokens of a field, by its text,
//! with how often each document holds it.
//!
//! The server finds a term of several grams with a phrase query over their
//! positions. Positions cost the browser 150-700 KB for a common term
//! (docs/static-search.md); a phrase's own postings cost a few KB and say
//! the same thing: which documents hold the grams side by side, and how
//! often (the phrase frequency the server scores). A term spanning more
//! positions is checked against where the longest phrases that cover it
//! start ([`FieldPhrase::positions`], the bundle's `q/` shards).
//!
//! A phrase's key is the text its tokens spell: a bigram and the token
//! after it in the same run share a character, written once (`社区` `区服`
//! `服务` is `社区服务`); tokens that do not overlap (a number after a
//! character, two characters across punctuation) are joined by a space
//! (`2024 年`). The browser writes a query's key with [`push_token`]'s rule.

use std::collections::HashMap;
use std::hash::BuildHasher;

use super::analyzer::{gram_token_ranges, is_gram_char};

/// Phrases span at most this many token positions: every term of up to
/// four Han characters (three bigrams) is looked up whole.
pub const PHRASE_POSITIONS: usize = 3;

/// Whether `token` is a Han bigram (two gram characters).
fn is_bigram(token: &str) -> bool {
    let mut chars = token.chars();
    matches!(
        (chars.next(), chars.next(), chars.next()),
        (Some(a), Some(b), None) if is_gram_char(a) && is_gram_char(b)
    )
}

/// Whether `token` follows `previous` across punctuation between Chinese
/// characters (`区` `服务` in `社区，服务`). Phrases stop there: such
/// boundaries come every few characters and made three keys in four,
/// while a query rarely spans one (the browser then matches each side as
/// a phrase of its own). Numbers and Latin words next to characters
/// (`2024年`, `25号文`) stay in phrases.
pub fn crosses_punctuation(previous: &str, token: &str) -> bool {
    let mut chars = previous.chars();
    let lone_han = matches!((chars.next(), chars.next()), (Some(c), None) if is_gram_char(c));
    lone_han && token.chars().next().is_some_and(is_gram_char)
}

/// Appends `token`, the token after `previous`, to a phrase key.
pub fn push_token(key: &mut String, previous: Option<&str>, token: &str) {
    let first = token.chars().next();
    let overlaps = previous.is_some_and(|p| {
        is_bigram(p) && p.chars().nth(1) == first && first.is_some_and(is_gram_char)
    });
    match (previous, overlaps) {
        (None, _) => key.push_str(token),
        (Some(_), true) => key.extend(token.chars().skip(1)),
        (Some(_), false) => {
            key.push(' ');
            key.push_str(token);
        }
    }
}

/// Calls `each` with the key of every phrase of one document's field, its
/// first token's position and the number of positions it spans, once per
/// occurrence. `values` are the field's texts in indexing order; like
/// tantivy, a value starts one position after the previous one ends, so no
/// phrase spans two values.
///
/// A phrase ending in a bigram that starts a run (after a number or Latin
/// word) is also given under the key with that bigram cut to its first
/// character: a query whose last token is a lone character (`2024年`) is a
/// prefix phrase on the server, found by `2024年` and `2024年度` alike.
pub fn for_each_phrase(values: &[&str], mut each: impl FnMut(&str, u32, usize)) {
    let folded: Vec<_> = values.iter().map(|v| gram_token_ranges(v)).collect();
    // (position, value, from, to) over all values, positions gapped between values.
    let mut tokens: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut offset = 0;
    for (value, (_, ranges)) in folded.iter().enumerate() {
        let mut end = offset;
        for &(from, to, position) in ranges {
            tokens.push((offset + position, value, from, to));
            end = end.max(offset + position + 1);
        }
        offset = end + 1;
    }
    let text = |i: usize| {
        let (_, value, from, to) = tokens[i];
        &folded[value].0[from..to]
    };
    let mut key = String::new();
    for start in 0..tokens.len() {
        key.clear();
        key.push_str(text(start));
        for len in 2..=PHRASE_POSITIONS {
            let at = start + len - 1;
            if tokens.get(at).map(|t| t.0) != Some(tokens[start].0 + len - 1) {
                break;
            }
            let (previous, token) = (text(at - 1), text(at));
            if crosses_punctuation(previous, token) {
                break;
            }
            let before = key.len();
            push_token(&mut key, Some(previous), token);
            let starts_run = key.as_bytes().get(before) == Some(&b' ');
            // A run's last character alone adds nothing to its bigram: no
            // query's phrase ends with it (it ends with the bigram).
            if !starts_run && token.chars().nth(1).is_none() {
                continue;
            }
            let position = tokens[start].0 as u32;
            each(&key, position, len);
            if starts_run && is_bigram(token) {
                let first = token.chars().next().map_or(0, char::len_utf8);
                let whole = key.len();
                key.truncate(before + 1 + first);
                each(&key, position, len);
                key.truncate(before);
                push_token(&mut key, Some(previous), token);
                debug_assert_eq!(key.len(), whole);
            }
        }
    }
}

/// One phrase of a field over all documents.
#[derive(Debug, Default)]
pub struct FieldPhrase {
    pub key: String,
    /// (page id, frequency), in page order.
    pub postings: Vec<(u32, u32)>,
    /// For a phrase of [`PHRASE_POSITIONS`] positions, where it starts in
    /// each document: `postings[i].1` positions for posting `i`, ascending,
    /// all postings' in turn. Empty for shorter phrases.
    pub positions: Vec<u32>,
}

/// Every phrase of one field over all documents (each document's values
/// of the field, in page order) that `keep` accepts, with its postings
/// and, for the longest phrases, their positions.
///
/// Documents are counted in chunks on every core, each chunk with its own
/// table (a table of a whole site's phrases, 700,000 at 10,000 documents,
/// made every lookup a cache miss), and the chunks' lists joined in page
/// order. Phrases are told apart by a 64-bit hash of their key while
/// counting (a String per occurrence made this the slowest part of the
/// build); two of the few million keys of a large site sharing a hash is
/// about as likely as one in ten million builds.
pub fn field_phrases(
    documents: &[&[&str]],
    keep: &(dyn Fn(&str) -> bool + Sync),
) -> Vec<FieldPhrase> {
    let numbered: Vec<(u32, &[&str])> = documents
        .iter()
        .enumerate()
        .map(|(doc, values)| (doc as u32, *values))
        .collect();
    let parts = crate::parallel::map_chunks(&numbered, 256, |chunk| chunk_phrases(chunk, keep));
    let mut ids: HashMap<u64, u32, foldhash::fast::FixedState> = HashMap::with_capacity_and_hasher(
        parts.first().map_or(0, Vec::len) * 2,
        foldhash::fast::FixedState::with_seed(1),
    );
    let mut phrases: Vec<FieldPhrase> = Vec::new();
    for part in parts {
        for (hash, phrase) in part {
            match ids.entry(hash) {
                std::collections::hash_map::Entry::Occupied(id) => {
                    let into = &mut phrases[*id.get() as usize];
                    into.postings.extend(phrase.postings);
                    into.positions.extend(phrase.positions);
                }
                std::collections::hash_map::Entry::Vacant(id) => {
                    id.insert(phrases.len() as u32);
                    phrases.push(phrase);
                }
            }
        }
    }
    phrases
}

/// One chunk's phrases with their key hashes, in first-seen order.
fn chunk_phrases(
    documents: &[(u32, &[&str])],
    keep: &dyn Fn(&str) -> bool,
) -> Vec<(u64, FieldPhrase)> {
    /// A key `keep` refused: looked up once, not tested again.
    const REFUSED: u32 = u32::MAX;
    let hasher = foldhash::fast::FixedState::with_seed(0x007a_6869_6b75);
    let mut ids: HashMap<u64, u32, foldhash::fast::FixedState> =
        HashMap::with_hasher(foldhash::fast::FixedState::with_seed(1));
    let mut phrases: Vec<(u64, FieldPhrase)> = Vec::new();
    let mut longest: Vec<bool> = Vec::new();
    // (phrase id, position) of every occurrence in one document
    let mut seen: Vec<(u32, u32)> = Vec::new();
    for &(doc, values) in documents {
        seen.clear();
        for_each_phrase(values, |key, position, len| {
            let hash = hasher.hash_one(key);
            let id = *ids.entry(hash).or_insert_with(|| {
                if !keep(key) {
                    return REFUSED;
                }
                let phrase = FieldPhrase {
                    key: key.to_string(),
                    ..FieldPhrase::default()
                };
                phrases.push((hash, phrase));
                longest.push(len == PHRASE_POSITIONS);
                (phrases.len() - 1) as u32
            });
            if id != REFUSED {
                seen.push((id, position));
            }
        });
        seen.sort_unstable();
        for run in seen.chunk_by(|a, b| a.0 == b.0) {
            let id = run[0].0 as usize;
            let phrase = &mut phrases[id].1;
            phrase.postings.push((doc, run.len() as u32));
            if longest[id] {
                phrase
                    .positions
                    .extend(run.iter().map(|&(_, position)| position));
            }
        }
    }
    phrases
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(values: &[&str]) -> Vec<(String, u32)> {
        let mut counts: HashMap<String, u32> = HashMap::new();
        for_each_phrase(values, |k, _, _| {
            *counts.entry(k.to_string()).or_default() += 1
        });
        let mut out: Vec<(String, u32)> = counts.into_iter().collect();
        out.sort();
        out
    }

    #[test]
    fn phrases_are_the_runs_of_consecutive_tokens() {
        let p = phrases(&["社区服务，社区"]);
        // 社区 区服 服务 务(end) | 社区 区(end): punctuation takes no position,
        // but phrases stop at it.
        let keys: Vec<&str> = p.iter().map(|(k, _)| k.as_str()).collect();
        // 社区 区服 服务 务(end) | 社区 区(end): punctuation takes no position.
        assert!(keys.contains(&"社区服"));
        assert!(keys.contains(&"社区服务"));
        // 服务 + 务 at the run's end says nothing 服务 does not.
        assert!(!keys.contains(&"服务"), "{keys:?}");
        assert!(!keys.iter().any(|k| k.contains(' ')), "{keys:?}");
        // Traditional text is folded as indexed.
        assert!(phrases(&["黨中央"]).iter().any(|(k, _)| k == "党中央"));
    }

    #[test]
    fn the_longest_phrases_keep_where_each_occurrence_starts() {
        // 社区服务中心 twice in the body, the second after a value break.
        let first: &[&str] = &["社区服务中心，和社区服务站"];
        let second: &[&str] = &["无关", "社区服务"];
        let phrases = field_phrases(&[first, second], &|_| true);
        let get = |key: &str| phrases.iter().find(|p| p.key == key).unwrap();
        let full = get("社区服务");
        // 社区 0 区服 1 服务 2 务中 3 中心 4 心 5 | 和社 6 社区 7 区服 8 服务 9 务站 10;
        // the second document: 无关 0 关 1, a gap, 社区 3 区服 4 服务 5.
        assert_eq!(full.postings, vec![(0, 2), (1, 1)]);
        assert_eq!(full.positions, vec![0, 7, 3]);
        // Shorter phrases only say which documents hold them.
        let short = get("社区服");
        assert_eq!(short.postings, vec![(0, 2), (1, 1)]);
        assert!(short.positions.is_empty());
    }

    #[test]
    fn numbers_and_characters_join_with_a_space_and_values_do_not_touch() {
        let keys: Vec<String> = phrases(&["2024年度", "工作"])
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert!(keys.contains(&"2024 年度".to_string()), "{keys:?}");
        assert!(keys.contains(&"2024 年".to_string()), "{keys:?}");
        assert!(!keys.iter().any(|k| k.contains("工")), "{keys:?}");
        let counts = phrases(&["党建党建"]);
        assert_eq!(
            counts.iter().find(|(k, _)| k == "党建").map(|(_, n)| *n),
            None
        );
        assert_eq!(
            counts.iter().find(|(k, _)| k == "党建党").map(|(_, n)| *n),
            Some(1)
        );
        let twice = phrases(&["党建和党建"]);
        assert_eq!(
            twice.iter().find(|(k, _)| k == "党建和").map(|(_, n)| *n),
            Some(1)
        );
        assert_eq!(
            twice.iter().find(|(k, _)| k == "建和党").map(|(_, n)| *n),
            Some(1)
        );
    }
}
