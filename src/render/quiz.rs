//! A page's 自测 as the templates show it: questions with their inputs, and
//! for each the answer, the explanation and a link to the passage it comes
//! from (the browser grades from the same data; the answer key needs none).

use serde::Serialize;

use crate::content::quiz::{Answer, Question, JUDGE_ANSWERS, LETTERS};
use crate::content::text::slugify;
use crate::site::{quiz_wiki_target, Page, Site};

#[derive(Serialize)]
pub(super) struct QuestionView<'a> {
    /// `q1`, `q2` …: the inputs' name and the key of a wrong answer in the
    /// reader's record.
    pub(super) id: String,
    pub(super) number: usize,
    /// The type's name (`single`) and label (`单选题`).
    pub(super) kind: &'static str,
    pub(super) label: &'static str,
    /// `radio`, `checkbox` or `text`.
    pub(super) input: &'static str,
    pub(super) text: &'a str,
    pub(super) options: Vec<OptionView<'a>>,
    /// As the key prints it: `AC`, `对`, `三会一课 / 三会一课制度`.
    pub(super) answer: String,
    /// What the browser accepts, as JSON: `["AC"]`, `["三会一课","三会一课制度"]`.
    pub(super) accepted: String,
    pub(super) explain: Option<&'a str>,
    /// The passage the answer comes from: a link, and its heading.
    pub(super) source_href: Option<String>,
    pub(super) source_label: Option<String>,
}

#[derive(Serialize)]
pub(super) struct OptionView<'a> {
    /// `A` … (none for 对/错).
    pub(super) letter: Option<char>,
    /// The input's value: the letter, or 对/错.
    pub(super) value: String,
    pub(super) text: &'a str,
}

/// How a source on the same page is named.
pub(super) const THIS_PAGE: &str = "本页";

pub(super) fn questions<'a>(site: &Site, page: &'a Page) -> Vec<QuestionView<'a>> {
    page.doc
        .front
        .quiz
        .iter()
        .enumerate()
        .map(|(n, q)| {
            // Numbered on the page in order; the id keeps the place in
            // `quiz:`, so a record of a wrong answer names the same question.
            let spec = q.kind.spec();
            let (source_href, source_label) = source(site, page, q).unzip();
            QuestionView {
                id: format!("q{}", q.number),
                number: n + 1,
                kind: spec.name,
                label: spec.label,
                input: spec.input,
                text: &q.text,
                options: options(q),
                answer: q.answer.display(),
                accepted: serde_json::to_string(&q.answer.accepted()).unwrap_or_default(),
                explain: q.explain.as_deref(),
                source_href,
                source_label,
            }
        })
        .collect()
}

fn options(q: &Question) -> Vec<OptionView<'_>> {
    match q.answer {
        Answer::Judge(_) => JUDGE_ANSWERS
            .iter()
            .map(|a| OptionView {
                letter: None,
                value: a.to_string(),
                text: a,
            })
            .collect(),
        _ => q
            .options
            .iter()
            .zip(LETTERS.chars())
            .map(|(text, letter)| OptionView {
                letter: Some(letter),
                value: letter.to_string(),
                text,
            })
            .collect(),
    }
}

/// The link and label of a question's `source`: a heading of the page, or
/// of another document. None when it names nothing the build published (an
/// internal document in a public build).
fn source(site: &Site, page: &Page, q: &Question) -> Option<(String, String)> {
    let written = q.source.as_deref()?;
    if let Some(anchor) = written.strip_prefix('#') {
        let id = slugify(anchor);
        let heading = page.doc.rendered.heading(&id)?;
        return Some((format!("#{id}"), format!("{THIS_PAGE}“{}”", heading.title)));
    }
    let (j, section) = site.resolve_wiki(quiz_wiki_target(written)?).ok()?;
    let to = &site.pages[j];
    let mut href = site.config.href(&to.url);
    let mut label = format!("《{}》", to.doc.front.title);
    if let Some(heading) = section.and_then(|s| to.doc.rendered.heading(&s)) {
        href.push('#');
        href.push_str(&heading.id);
        label.push_str(&format!("“{}”", heading.title));
    }
    Some((href, label))
}
