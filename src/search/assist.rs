//! Search assistance: reading a Latin query as pinyin or initials, "did you
//! mean" for homophone and typing slips, synonyms, and completions.
//!
//! All of it works on one table, [`AssistData`], made once per build from
//! the site's own vocabulary and written twice: beside the index
//! (`assist.json`, for `/api/search`, `/api/suggest` and `zhiku search`) and
//! into the static bundle (for the browser, which ports the functions below
//! one for one). Same table, same rules: the same answers on both paths.
//!
//! A Han query is never matched by sound: homophones are only ever offered
//! as a suggestion (`流动党圆` suggests `流动党员`; it does not find it).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use tantivy::Searcher;

use super::analyzer::{is_gram_char, normalize};
use super::index::{index_err, Fields};
use crate::error::{Diagnostic, Result};
use crate::site::{Page, Site};

/// The table's file, beside the index and in the bundle (`search/assist.json`).
pub const ASSIST_FILE: &str = "assist.json";
/// The site's own synonym groups, in `content/`.
pub const SYNONYMS_FILE: &str = "_synonyms.txt";
/// The editors' hot words, in `content/`.
pub const HOT_WORDS_FILE: &str = "_hotwords.txt";
/// Hot words shown at most.
pub const MAX_HOT_WORDS: usize = 12;
/// Synonym groups shipped with zhiku; the site's file adds to them.
pub const DEFAULT_SYNONYMS: &str = include_str!("synonyms.txt");

/// Vocabulary terms kept, most frequent first: enough for the words people
/// search, small enough for the browser to fetch.
pub const MAX_TERMS: usize = 6000;
/// Titles, and 文号, offered as completions: the newest documents' (the
/// file the browser fetches stays small however large the site).
pub const MAX_DOCUMENT_COMPLETIONS: usize = 1000;
/// Completions returned for one prefix.
pub const MAX_COMPLETIONS: usize = 10;
/// Longest prefix `/api/suggest` completes, in characters.
pub const MAX_PREFIX_CHARS: usize = 32;
/// Longest Latin term read as pinyin, in letters.
const MAX_PINYIN_LETTERS: usize = 64;
/// A query finding fewer documents than this gets a "did you mean" when a
/// corrected query finds more.
pub const SUGGEST_BELOW: usize = 3;

/// The table, as stored.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct AssistData {
    /// Toneless pinyin (the most common reading; `ü` written `v`) -> the
    /// characters read so: the 3,755 common characters (GB 2312 level 1),
    /// where most slips land, and every character of the table.
    pub pinyin: BTreeMap<String, String>,
    /// The vocabulary, normalized, with the number of documents having each
    /// term: most frequent first.
    pub terms: Vec<(String, u32)>,
    /// Synonym groups, normalized.
    pub synonyms: Vec<Vec<String>>,
    /// Tags, titles and 文号, in the order they are offered.
    pub completions: Vec<Completion>,
}

/// What a completion is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CompletionKind {
    Tag,
    Term,
    Title,
    Docnum,
}

impl CompletionKind {
    /// In the order they are offered: words that complete the query first,
    /// then documents to go to.
    pub const ALL: [CompletionKind; 4] = [
        CompletionKind::Tag,
        CompletionKind::Term,
        CompletionKind::Title,
        CompletionKind::Docnum,
    ];

    /// As JSON writes it.
    pub fn name(self) -> &'static str {
        match self {
            CompletionKind::Tag => "tag",
            CompletionKind::Term => "term",
            CompletionKind::Title => "title",
            CompletionKind::Docnum => "docnum",
        }
    }

    /// How the search box labels it.
    pub fn label(self) -> &'static str {
        match self {
            CompletionKind::Tag => "标签",
            CompletionKind::Term => "检索词",
            CompletionKind::Title => "文档",
            CompletionKind::Docnum => "文号",
        }
    }
}

/// One stored completion (short keys: the browser fetches these).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Completion {
    #[serde(rename = "t")]
    pub text: String,
    #[serde(rename = "k")]
    pub kind: CompletionKind,
    #[serde(rename = "u", default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The normalized text, when it differs from `text` (Traditional, full-width).
    #[serde(rename = "n", default, skip_serializing_if = "Option::is_none")]
    pub norm: Option<String>,
}

/// One completion as `/api/suggest` answers it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Suggestion {
    pub text: String,
    pub kind: CompletionKind,
    pub url: Option<String>,
}

/// A completion candidate with its pinyin, as the static bundle's
/// `complete/` shards hold it: the browser then completes from one small
/// shard instead of the whole table.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate<'a> {
    /// Its place among the vocabulary terms (kind `Term`) or among the
    /// completions: the order it is offered in within its kind.
    pub index: usize,
    pub kind: CompletionKind,
    pub text: &'a str,
    pub url: Option<&'a str>,
    /// The normalized text the prefix is matched against, when it differs
    /// from `text`.
    pub norm: Option<&'a str>,
    /// Full pinyin and initials, when every character has a reading.
    pub pinyin: Option<(&'a str, &'a str)>,
}

impl Candidate<'_> {
    /// What a prefix that finds it starts with: the first character of its
    /// normalized text, and the first letter of its pinyin.
    pub fn leads(&self) -> Vec<char> {
        let matched = self.norm.unwrap_or(self.text);
        let mut leads: Vec<char> = matched.chars().take(1).collect();
        if let Some(first) = self.pinyin.and_then(|(full, _)| full.chars().next()) {
            if !leads.contains(&first) {
                leads.push(first);
            }
        }
        leads
    }
}

/// A key as (full pinyin, initials).
fn key_pinyin(key: &Option<Key>) -> Option<(&str, &str)> {
    key.as_ref().map(|k| (k.full.as_str(), k.initials.as_str()))
}

/// A text's pinyin: every syllable, and every syllable's first letter.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    full: String,
    initials: String,
}

/// The table with its lookups.
#[derive(Debug, Default)]
pub struct Assist {
    data: AssistData,
    /// Character -> its pinyin, from `data.pinyin`.
    syllables: HashMap<char, String>,
    term_keys: Vec<Option<Key>>,
    /// Full pinyin -> term indices, most frequent first.
    by_full: HashMap<String, Vec<usize>>,
    by_initials: HashMap<String, Vec<usize>>,
    /// Normalized member -> its groups.
    groups_of: HashMap<String, Vec<usize>>,
    completion_keys: Vec<Option<Key>>,
}

/// The toneless pinyin of a Han character, as the table stores it.
pub fn syllable(c: char) -> Option<String> {
    use pinyin::ToPinyin;
    c.to_pinyin().map(|p| p.plain().replace('ü', "v"))
}

/// A Latin query term read as letters only: lower case, tone marks and tone
/// digits and apostrophes dropped, `ü` as `v`. `None` when anything else is
/// in it or fewer than two letters remain.
pub fn latin_letters(term: &str) -> Option<String> {
    let mut out = String::new();
    for c in term.nfkc().flat_map(char::to_lowercase) {
        let letter = match c {
            'a'..='z' => c,
            'ā' | 'á' | 'ǎ' | 'à' => 'a',
            'ē' | 'é' | 'ě' | 'è' => 'e',
            'ī' | 'í' | 'ǐ' | 'ì' => 'i',
            'ō' | 'ó' | 'ǒ' | 'ò' => 'o',
            'ū' | 'ú' | 'ǔ' | 'ù' => 'u',
            'ü' | 'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' => 'v',
            '1'..='5' | '\'' | '’' => continue,
            _ => return None,
        };
        out.push(letter);
    }
    (out.len() >= 2 && out.len() <= MAX_PINYIN_LETTERS).then_some(out)
}

impl Assist {
    fn key_of(&self, norm: &str) -> Option<Key> {
        let mut key = Key {
            full: String::new(),
            initials: String::new(),
        };
        for c in norm.chars() {
            if is_gram_char(c) {
                let s = self.syllables.get(&c)?;
                key.full.push_str(s);
                key.initials.extend(s.chars().next());
            } else if c.is_ascii_alphanumeric() {
                key.full.push(c.to_ascii_lowercase());
                key.initials.push(c.to_ascii_lowercase());
            }
        }
        (!key.full.is_empty()).then_some(key)
    }
}

impl Assist {
    pub fn new(data: AssistData) -> Assist {
        let mut assist = Assist {
            syllables: data
                .pinyin
                .iter()
                .flat_map(|(s, chars)| chars.chars().map(move |c| (c, s.clone())))
                .collect(),
            ..Assist::default()
        };
        let term_keys: Vec<Option<Key>> =
            data.terms.iter().map(|(t, _)| assist.key_of(t)).collect();
        let mut by_full: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_initials: HashMap<String, Vec<usize>> = HashMap::new();
        // Terms are stored most frequent first, so each list is too.
        for (i, key) in term_keys.iter().enumerate() {
            if let Some(key) = key {
                by_full.entry(key.full.clone()).or_default().push(i);
                by_initials.entry(key.initials.clone()).or_default().push(i);
            }
        }
        let mut groups_of: HashMap<String, Vec<usize>> = HashMap::new();
        for (g, group) in data.synonyms.iter().enumerate() {
            for member in group {
                let groups = groups_of.entry(member.clone()).or_default();
                if !groups.contains(&g) {
                    groups.push(g);
                }
            }
        }
        assist.completion_keys = data
            .completions
            .iter()
            .map(|c| assist.key_of(c.norm.as_deref().unwrap_or(&c.text)))
            .collect();
        assist.data = data;
        assist.term_keys = term_keys;
        assist.by_full = by_full;
        assist.by_initials = by_initials;
        assist.groups_of = groups_of;
        assist
    }

    pub fn data(&self) -> &AssistData {
        &self.data
    }

    /// Every completion candidate: the vocabulary terms, then the stored
    /// completions, each in its stored order.
    pub fn candidates(&self) -> impl Iterator<Item = Candidate<'_>> {
        let terms = self
            .data
            .terms
            .iter()
            .enumerate()
            .map(move |(index, (term, _))| Candidate {
                index,
                kind: CompletionKind::Term,
                text: term,
                url: None,
                norm: None,
                pinyin: key_pinyin(&self.term_keys[index]),
            });
        let completions = self
            .data
            .completions
            .iter()
            .enumerate()
            .map(move |(index, c)| Candidate {
                index,
                kind: c.kind,
                text: &c.text,
                url: c.url.as_deref(),
                norm: c.norm.as_deref(),
                pinyin: key_pinyin(&self.completion_keys[index]),
            });
        terms.chain(completions)
    }

    fn term(&self, i: usize) -> &str {
        &self.data.terms[i].0
    }

    /// The Han terms a Latin query term spells: the whole term as one
    /// word's pinyin, else as several words' pinyin one after another,
    /// else as a word's initials (`gbqj`). `None` when it spells nothing
    /// in the vocabulary, or is not Latin.
    pub fn reading(&self, term: &str) -> Option<String> {
        let letters = latin_letters(term)?;
        if let Some(ids) = self.by_full.get(&letters) {
            return Some(self.term(ids[0]).to_string());
        }
        if let Some(words) = self.split(&letters, &self.by_full, None) {
            return Some(words);
        }
        if let Some(ids) = self.by_initials.get(&letters) {
            return Some(self.term(ids[0]).to_string());
        }
        self.split(&letters, &self.by_initials, None)
    }

    /// `letters` cut into the fewest vocabulary words' pinyin (or initials,
    /// as `keys` holds them; ties: the most documents in all), their Han
    /// text joined; at least two words. With `chars`, only cuts whose text
    /// has that many characters.
    fn split(
        &self,
        letters: &str,
        keys: &HashMap<String, Vec<usize>>,
        chars: Option<usize>,
    ) -> Option<String> {
        // best[i]: the best cut of letters[..i] as (words, documents, term ids).
        let n = letters.len();
        let mut best: Vec<Option<(usize, u64, Vec<usize>)>> = vec![None; n + 1];
        best[0] = Some((0, 0, Vec::new()));
        for end in 1..=n {
            for start in 0..end {
                let Some((words, docs, ids)) = &best[start] else {
                    continue;
                };
                let Some(found) = keys.get(&letters[start..end]) else {
                    continue;
                };
                let id = found[0];
                let candidate = (
                    words + 1,
                    docs + u64::from(self.data.terms[id].1),
                    [ids.as_slice(), &[id]].concat(),
                );
                let better = match &best[end] {
                    None => true,
                    Some((w, d, _)) => candidate.0 < *w || (candidate.0 == *w && candidate.1 > *d),
                };
                if better {
                    best[end] = Some(candidate);
                }
            }
        }
        let (words, _, ids) = best[n].take()?;
        let text: String = ids.iter().map(|&i| self.term(i)).collect();
        let fits = chars.is_none_or(|c| text.chars().count() == c);
        (words >= 2 && fits).then_some(text)
    }

    /// What to offer instead of one query term that found little: a Han
    /// term's homophone with as many characters (`流动党圆` -> `流动党员`),
    /// or for Latin that spells nothing the closest word by letters
    /// (`liudongdangyan` -> `流动党员`). `None` when nothing is close.
    pub fn correction(&self, term: &str) -> Option<String> {
        let norm = normalize(term).text;
        let chars = norm.chars().count();
        if chars >= 2 && norm.chars().all(is_gram_char) {
            let key = self.key_of(&norm)?;
            if let Some(ids) = self.by_full.get(&key.full) {
                let same_length = ids
                    .iter()
                    .map(|&i| self.term(i))
                    .find(|t| *t != norm && t.chars().count() == chars);
                if let Some(t) = same_length {
                    return Some(t.to_string());
                }
            }
            return self
                .split(&key.full, &self.by_full, Some(chars))
                .filter(|t| *t != norm);
        }
        let letters = latin_letters(term)?;
        if self.reading(term).is_some() {
            return None;
        }
        let limit = if letters.len() <= 6 { 1 } else { 2 };
        let mut closest: Option<(usize, usize)> = None;
        for (i, key) in self.term_keys.iter().enumerate() {
            let Some(key) = key else { continue };
            if key.full.len().abs_diff(letters.len()) > limit {
                continue;
            }
            let distance = strsim::levenshtein(&letters, &key.full);
            if distance <= limit && closest.is_none_or(|(d, _)| distance < d) {
                closest = Some((distance, i));
            }
        }
        closest.map(|(_, i)| self.term(i).to_string())
    }

    /// The other members of every synonym group `term` is in, in the
    /// groups' order, each once.
    pub fn synonyms(&self, term: &str) -> Vec<String> {
        let norm = normalize(term).text;
        let mut out: Vec<String> = Vec::new();
        for &g in self.groups_of.get(&norm).map_or(&[][..], Vec::as_slice) {
            for member in &self.data.synonyms[g] {
                if *member != norm && !out.contains(member) {
                    out.push(member.clone());
                }
            }
        }
        out
    }

    /// Up to [`MAX_COMPLETIONS`] completions of `prefix`: entries whose
    /// text starts with it, or (for Latin) whose pinyin or initials do;
    /// tags, then vocabulary terms, then titles, then 文号, each kind in
    /// its stored order; each text once.
    pub fn complete(&self, prefix: &str) -> Vec<Suggestion> {
        let norm = normalize(prefix.trim()).text;
        if norm.is_empty() {
            return Vec::new();
        }
        let letters = latin_letters(prefix.trim());
        let matches = |text: &str, key: Option<&Key>| -> bool {
            text.starts_with(&norm)
                || letters.as_deref().is_some_and(|l| {
                    key.is_some_and(|k| k.full.starts_with(l) || k.initials.starts_with(l))
                })
        };
        let mut out: Vec<Suggestion> = Vec::new();
        let mut push = |text: &str, kind, url: Option<&String>| {
            if out.len() < MAX_COMPLETIONS && !out.iter().any(|s| s.text == text) {
                out.push(Suggestion {
                    text: text.to_string(),
                    kind,
                    url: url.cloned(),
                });
            }
        };
        for kind in CompletionKind::ALL {
            if kind == CompletionKind::Term {
                for (i, (term, _)) in self.data.terms.iter().enumerate() {
                    if matches(term, self.term_keys[i].as_ref()) {
                        push(term, kind, None);
                    }
                }
                continue;
            }
            for (i, c) in self.data.completions.iter().enumerate() {
                let text = c.norm.as_deref().unwrap_or(&c.text);
                if c.kind == kind && matches(text, self.completion_keys[i].as_ref()) {
                    push(&c.text, kind, c.url.as_ref());
                }
            }
        }
        out
    }
}

/// Parses a synonyms file: one group a line, members separated by spaces or
/// commas (`,` `，` `、`), `#` to the end of the line a comment. A line with
/// one member, or a member holding a quote or starting with `-` (query
/// syntax), is reported and left out.
pub fn parse_synonyms(file: &str, text: &str) -> (Vec<Vec<String>>, Vec<Diagnostic>) {
    let mut groups = Vec::new();
    let mut problems = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let members: Vec<String> = line
            .split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、'))
            .filter(|m| !m.is_empty())
            .map(|m| normalize(m).text)
            .collect();
        let bad = members
            .iter()
            .find(|m| m.starts_with('-') || m.contains(['"', '“', '”', '「', '」']));
        if let Some(bad) = bad {
            problems.push(
                Diagnostic::error(
                    file,
                    Some(n + 1),
                    format!("synonym `{bad}` holds query syntax"),
                )
                .with_hint("write plain words: no quotes, no leading `-`"),
            );
            continue;
        }
        let mut distinct: Vec<String> = Vec::new();
        for m in members {
            if !distinct.contains(&m) {
                distinct.push(m);
            }
        }
        if distinct.len() < 2 {
            problems.push(
                Diagnostic::error(file, Some(n + 1), "a synonym group needs two words or more")
                    .with_hint("put the words that mean the same on one line: `两新组织 新经济组织 新社会组织`"),
            );
            continue;
        }
        groups.push(distinct);
    }
    (groups, problems)
}

/// Parses a hot-words file: one word or phrase a line, `#` comments. More
/// than [`MAX_HOT_WORDS`], or a line longer than a query may be, is reported.
pub fn parse_hot_words(file: &str, text: &str) -> (Vec<String>, Vec<Diagnostic>) {
    let mut words: Vec<String> = Vec::new();
    let mut problems = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let word = line.split('#').next().unwrap_or("").trim();
        if word.is_empty() || words.iter().any(|w| w == word) {
            continue;
        }
        if word.chars().count() > super::query::MAX_QUERY_CHARS {
            problems.push(Diagnostic::error(
                file,
                Some(n + 1),
                "a hot word longer than a query may be",
            ));
        } else if words.len() == MAX_HOT_WORDS {
            problems.push(
                Diagnostic::error(
                    file,
                    Some(n + 1),
                    format!("more than {MAX_HOT_WORDS} hot words"),
                )
                .with_hint("keep the few words most people look for"),
            );
        } else {
            words.push(word.to_string());
        }
    }
    (words, problems)
}

/// What the table is made from besides the index.
pub struct Sources<'a> {
    pub site: &'a Site,
    /// The dictionary's words counted in the site's text.
    pub words: &'a WordCounts,
    /// The synonym groups (shipped and the site's).
    pub synonyms: Vec<Vec<String>>,
}

/// The words of the domain dictionary and the site's, each with the number
/// of pages whose title or text holds it. Counted over the whole site once;
/// the live preview then counts again only the pages an update changed (a
/// recount of every page was most of an update's time at 10,000 documents).
#[derive(Clone)]
pub struct WordCounts {
    /// The site dictionary the words came from.
    dictionary: String,
    words: Vec<String>,
    finder: Option<aho_corasick::AhoCorasick>,
    pages_with: Vec<u32>,
}

impl WordCounts {
    /// The words of `dictionary` and the domain dictionary, counted in every
    /// page of `site` (on every core).
    pub fn of_site(dictionary: &str, site: &Site) -> Result<WordCounts> {
        let words: Vec<String> = dictionary
            .lines()
            .chain(super::analyzer::DOMAIN_DICTIONARY.lines())
            .filter_map(|l| l.split_whitespace().next())
            .map(|w| normalize(w).text)
            .filter(|w| w.chars().count() >= 2)
            .collect();
        let finder = if words.is_empty() {
            None
        } else {
            Some(
                aho_corasick::AhoCorasick::new(&words)
                    .map_err(|e| crate::error::Error::Index(format!("dictionary: {e}")))?,
            )
        };
        let mut counts = WordCounts {
            dictionary: dictionary.to_string(),
            pages_with: vec![0; words.len()],
            words,
            finder,
        };
        let per_chunk = crate::parallel::map_chunks(&site.pages, 256, |pages| {
            let mut part = vec![0u32; counts.words.len()];
            let mut seen = vec![false; counts.words.len()];
            for page in pages {
                counts.mark_words_of(page, &mut seen);
                for (n, &s) in part.iter_mut().zip(&seen) {
                    *n += u32::from(s);
                }
            }
            part
        });
        for part in per_chunk {
            for (n, m) in counts.pages_with.iter_mut().zip(part) {
                *n += m;
            }
        }
        Ok(counts)
    }

    /// Whether these are the counts of `dictionary`'s words.
    pub fn is_of(&self, dictionary: &str) -> bool {
        self.dictionary == dictionary
    }

    /// Counts `removed` (pages as they were) out and `added` in.
    pub fn update<'p>(
        &mut self,
        removed: impl IntoIterator<Item = &'p Page>,
        added: impl IntoIterator<Item = &'p Page>,
    ) {
        let mut seen = vec![false; self.words.len()];
        for page in removed {
            self.mark_words_of(page, &mut seen);
            for (n, &s) in self.pages_with.iter_mut().zip(&seen) {
                *n = n.saturating_sub(u32::from(s));
            }
        }
        for page in added {
            self.mark_words_of(page, &mut seen);
            for (n, &s) in self.pages_with.iter_mut().zip(&seen) {
                *n += u32::from(s);
            }
        }
    }

    /// Sets `seen` (one flag per word) to the words found in a page's title
    /// or text; reused from page to page, as this runs for every page.
    fn mark_words_of(&self, page: &Page, seen: &mut [bool]) {
        seen.fill(false);
        let Some(finder) = &self.finder else { return };
        for part in [&page.doc.front.title, &page.doc.rendered.text] {
            for m in finder.find_overlapping_iter(part.as_str()) {
                seen[m.pattern().as_usize()] = true;
            }
        }
    }

    fn counted(&self) -> impl Iterator<Item = (&str, u32)> {
        self.words
            .iter()
            .zip(&self.pages_with)
            .filter(|&(_, &n)| n > 0)
            .map(|(w, &n)| (w.as_str(), n))
    }
}

/// Makes the table: the words of titles and headings as the index has them,
/// the dictionary's words found in the text, tags, regions, issuers and
/// series, each with the number of documents that have it.
pub fn build(searcher: &Searcher, fields: &Fields, from: Sources<'_>) -> Result<AssistData> {
    let site = from.site;
    let mut counts: HashMap<String, u32> = HashMap::new();
    for field in [fields.title, fields.headings] {
        let mut per_field: HashMap<String, u32> = HashMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field).map_err(index_err)?;
            let mut stream = inverted.terms().stream().map_err(|e| index_err(e.into()))?;
            while stream.advance() {
                if let Ok(term) = std::str::from_utf8(stream.key()) {
                    *per_field.entry(term.to_string()).or_insert(0) += stream.value().doc_freq;
                }
            }
        }
        for (term, n) in per_field {
            merge_count(&mut counts, &term, n);
        }
    }
    for (word, n) in from.words.counted() {
        merge_count(&mut counts, word, n);
    }
    // Counted as written, then each distinct name normalized once: a site
    // has a few hundred names on tens of thousands of pages.
    let mut as_written: HashMap<&str, u32> = HashMap::new();
    for page in &site.pages {
        let front = &page.doc.front;
        let named = front
            .tags
            .iter()
            .chain(&front.region)
            .chain(&front.policy.issuers)
            .chain(&front.training.series);
        for name in named {
            *as_written.entry(name.as_str()).or_insert(0) += 1;
        }
    }
    let mut labels: HashMap<String, u32> = HashMap::new();
    for (name, n) in as_written {
        *labels.entry(normalize(name).text).or_insert(0) += n;
    }
    for (label, n) in &labels {
        merge_count(&mut counts, label, *n);
    }
    let mut terms: Vec<(String, u32)> = counts
        .into_iter()
        .filter(|(t, _)| is_vocabulary_word(t))
        .collect();
    terms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    terms.truncate(MAX_TERMS);

    let mut completions = Vec::new();
    let mut tags: Vec<(&String, u32)> = Vec::new();
    for page in &site.pages {
        for tag in &page.doc.front.tags {
            match tags.iter_mut().find(|(t, _)| *t == tag) {
                Some((_, n)) => *n += 1,
                None => tags.push((tag, 1)),
            }
        }
    }
    tags.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let entry = |text: &str, kind, url: Option<String>| {
        let norm = normalize(text).text;
        Completion {
            text: text.to_string(),
            kind,
            url,
            norm: (norm != text).then_some(norm),
        }
    };
    for (tag, _) in tags {
        completions.push(entry(tag, CompletionKind::Tag, None));
    }
    // Pages are newest first.
    for page in site.pages.iter().take(MAX_DOCUMENT_COMPLETIONS) {
        let url = Some(site.config.href(&page.url));
        completions.push(entry(&page.doc.front.title, CompletionKind::Title, url));
    }
    let numbered = site
        .pages
        .iter()
        .filter(|p| p.doc.front.policy.doc_number.is_some())
        .take(MAX_DOCUMENT_COMPLETIONS);
    for page in numbered {
        if let Some(n) = &page.doc.front.policy.doc_number {
            let url = Some(site.config.href(&page.url));
            completions.push(entry(n, CompletionKind::Docnum, url));
        }
    }
    let mut pinyin: BTreeMap<String, String> = BTreeMap::new();
    let texts = terms
        .iter()
        .map(|(t, _)| t.as_str())
        .chain(
            completions
                .iter()
                .map(|c| c.norm.as_deref().unwrap_or(&c.text)),
        )
        .chain(from.synonyms.iter().flatten().map(String::as_str));
    let mut han: Vec<char> = common_characters();
    han.extend(texts.flat_map(str::chars).filter(|&c| is_gram_char(c)));
    han.sort_unstable();
    han.dedup();
    for c in han {
        if let Some(s) = syllable(c) {
            pinyin.entry(s).or_default().push(c);
        }
    }
    Ok(AssistData {
        pinyin,
        terms,
        synonyms: from.synonyms,
        completions,
    })
}

/// The 3,755 characters of GB 2312 level 1 (rows 16-55): the common ones.
fn common_characters() -> Vec<char> {
    let mut bytes = Vec::with_capacity(3755 * 2);
    for row in 0xB0u8..=0xD7 {
        for cell in 0xA1u8..=0xFE {
            // Row 55 stops at cell 0xF9.
            if row == 0xD7 && cell > 0xF9 {
                break;
            }
            bytes.extend([row, cell]);
        }
    }
    let (text, _, _) = encoding_rs::GB18030.decode(&bytes);
    text.chars().filter(|&c| is_gram_char(c)).collect()
}

/// A word worth offering: two characters or more, Han or Latin letters and
/// digits only, not a number.
fn is_vocabulary_word(term: &str) -> bool {
    term.chars().count() >= 2
        && term
            .chars()
            .all(|c| is_gram_char(c) || c.is_ascii_alphanumeric())
        && !term.chars().all(|c| c.is_ascii_digit())
}

/// Keeps the larger count for a term found in several places.
fn merge_count(into: &mut HashMap<String, u32>, term: &str, count: u32) {
    let slot = into.entry(term.to_string()).or_insert(0);
    *slot = (*slot).max(count);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(terms: &[(&str, u32)]) -> Assist {
        let mut data = AssistData::default();
        for (t, n) in terms {
            data.terms.push((t.to_string(), *n));
        }
        for c in common_characters() {
            data.pinyin.entry(syllable(c).unwrap()).or_default().push(c);
        }
        Assist::new(data)
    }

    #[test]
    fn completion_kinds_are_written_by_their_names() {
        for kind in CompletionKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
        }
    }

    #[test]
    fn the_common_characters_are_gb2312_level_one() {
        let common = common_characters();
        assert_eq!(common.len(), 3755);
        assert_eq!(common[0], '啊');
        assert!(common.contains(&'党') && common.contains(&'圆'));
    }

    #[test]
    fn latin_letters_drop_tones_and_keep_only_letters() {
        assert_eq!(
            latin_letters("Liú dòng").as_deref(),
            None,
            "space splits terms before this"
        );
        assert_eq!(latin_letters("liu2dong4").as_deref(), Some("liudong"));
        assert_eq!(latin_letters("Lǜ").as_deref(), Some("lv"));
        assert_eq!(latin_letters("xi'an").as_deref(), Some("xian"));
        assert_eq!(latin_letters("党员"), None);
        assert_eq!(latin_letters("a"), None);
        assert_eq!(syllable('绿').as_deref(), Some("lv"));
    }

    #[test]
    fn pinyin_reads_as_one_word_several_words_or_initials() {
        let a = table(&[
            ("流动党员", 5),
            ("流动", 9),
            ("党员", 30),
            ("固本强基", 2),
            ("社区党建", 4),
        ]);
        assert_eq!(a.reading("liudongdangyuan").as_deref(), Some("流动党员"));
        assert_eq!(a.reading("dangyuanliudong").as_deref(), Some("党员流动"));
        assert_eq!(a.reading("gbqj").as_deref(), Some("固本强基"));
        assert_eq!(a.reading("sqdj").as_deref(), Some("社区党建"));
        assert_eq!(
            a.reading("dyld").as_deref(),
            Some("党员流动"),
            "initials of two words"
        );
        assert_eq!(a.reading("xyz"), None);
        assert_eq!(a.reading("党员"), None);
    }

    #[test]
    fn corrections_are_homophones_of_the_same_length_or_close_spellings() {
        let a = table(&[("流动党员", 5), ("党员", 30), ("领头雁", 3), ("流动", 9)]);
        assert_eq!(a.correction("流动党圆").as_deref(), Some("流动党员"));
        assert_eq!(a.correction("领头燕").as_deref(), Some("领头雁"));
        assert_eq!(
            a.correction("流动党员"),
            None,
            "a right word is not corrected"
        );
        assert_eq!(a.correction("liudongdangyan").as_deref(), Some("流动党员"));
        assert_eq!(
            a.correction("liudongdangyuan"),
            None,
            "it reads, so no correction"
        );
    }

    #[test]
    fn synonym_files_report_bad_lines_and_groups_work_both_ways() {
        let (groups, problems) = parse_synonyms(
            "content/_synonyms.txt",
            "# 注释\n两新组织，新经济组织, 新社会组织\n孤词\n\"引号\" 词\n",
        );
        assert_eq!(groups, vec![vec!["两新组织", "新经济组织", "新社会组织"]]);
        assert_eq!(
            problems.iter().map(|d| d.line).collect::<Vec<_>>(),
            vec![Some(3), Some(4)]
        );
        let a = Assist::new(AssistData {
            synonyms: groups,
            ..AssistData::default()
        });
        assert_eq!(a.synonyms("新经济组织"), vec!["两新组织", "新社会组织"]);
        assert!(a.synonyms("党员").is_empty());
    }

    #[test]
    fn completions_by_characters_pinyin_and_initials_in_kind_order() {
        let mut data = table(&[("流动党员", 5), ("流动", 9)]).data;
        data.completions.push(Completion {
            text: "流动党员管理办法".into(),
            kind: CompletionKind::Title,
            url: Some("/policies/a/".into()),
            norm: None,
        });
        let a = Assist::new(data);
        let texts = |p: &str| {
            a.complete(p)
                .into_iter()
                .map(|s| s.text)
                .collect::<Vec<_>>()
        };
        assert_eq!(texts("流动"), vec!["流动党员", "流动", "流动党员管理办法"]);
        assert_eq!(texts("liud"), vec!["流动党员", "流动", "流动党员管理办法"]);
        assert_eq!(texts("ldd"), vec!["流动党员", "流动党员管理办法"]);
        assert!(texts("xyz").is_empty());
    }

    #[test]
    fn candidates_lead_with_their_first_character_and_first_pinyin_letter() {
        let mut data = table(&[("流动党员", 5)]).data;
        data.completions.push(Completion {
            text: "黨員".into(),
            kind: CompletionKind::Tag,
            url: None,
            norm: Some("党员".into()),
        });
        data.completions.push(Completion {
            text: "2024年".into(),
            kind: CompletionKind::Title,
            url: Some("/a/".into()),
            norm: None,
        });
        let a = Assist::new(data);
        let leads: Vec<(CompletionKind, usize, Vec<char>)> = a
            .candidates()
            .map(|c| (c.kind, c.index, c.leads()))
            .collect();
        assert_eq!(
            leads,
            vec![
                (CompletionKind::Term, 0, vec!['流', 'l']),
                // The normalized text, not the Traditional one.
                (CompletionKind::Tag, 0, vec!['党', 'd']),
                // A number is its own pinyin: one lead.
                (CompletionKind::Title, 1, vec!['2']),
            ]
        );
        let tag = a.candidates().nth(1).unwrap();
        assert_eq!(tag.pinyin, Some(("dangyuan", "dy")));
    }
}
