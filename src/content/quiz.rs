//! 自测: the `quiz:` of a document's front matter. Question types are one
//! table ([`QUESTION_TYPES`]); the page, the answer key, the browser's
//! grading and `zhiku check` all read it.

use serde::Serialize;
use serde_yaml::Value;

/// The kinds of question a self-test may ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QuestionType {
    Single,
    Multiple,
    Judge,
    Fill,
}

/// One row of the question-type table.
#[derive(Debug, Serialize)]
pub struct QuestionTypeSpec {
    pub kind: QuestionType,
    /// The `type:` value editors write.
    pub name: &'static str,
    pub label: &'static str,
    /// Answered by choosing among `options:` (else 对/错 or typed text).
    pub has_options: bool,
    /// The page's input for it: `radio`, `checkbox` or `text`.
    pub input: &'static str,
}

pub const QUESTION_TYPES: [QuestionTypeSpec; 4] = [
    QuestionTypeSpec {
        kind: QuestionType::Single,
        name: "single",
        label: "单选题",
        has_options: true,
        input: "radio",
    },
    QuestionTypeSpec {
        kind: QuestionType::Multiple,
        name: "multiple",
        label: "多选题",
        has_options: true,
        input: "checkbox",
    },
    QuestionTypeSpec {
        kind: QuestionType::Judge,
        name: "judge",
        label: "判断题",
        has_options: false,
        input: "radio",
    },
    QuestionTypeSpec {
        kind: QuestionType::Fill,
        name: "fill",
        label: "填空题",
        has_options: false,
        input: "text",
    },
];

/// The two answers of a 判断题, in the order the page offers them.
pub const JUDGE_ANSWERS: [&str; 2] = ["对", "错"];

/// Option letters: a question has at most this many options.
pub const LETTERS: &str = "ABCDEFGH";

impl QuestionType {
    pub fn spec(self) -> &'static QuestionTypeSpec {
        &QUESTION_TYPES[self as usize]
    }

    pub fn parse(name: &str) -> Option<QuestionType> {
        QUESTION_TYPES
            .iter()
            .find(|t| t.name == name.trim())
            .map(|t| t.kind)
    }
}

/// The right answer of a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Indices into `options`, ascending.
    Options(Vec<usize>),
    /// 对 (true) or 错.
    Judge(bool),
    /// Accepted texts, as written.
    Fill(Vec<String>),
}

impl Answer {
    /// As the answer key prints it: `AC`, `对`, `三会一课`.
    pub fn display(&self) -> String {
        match self {
            Answer::Options(picked) => picked
                .iter()
                .filter_map(|&i| LETTERS.chars().nth(i))
                .collect(),
            Answer::Judge(right) => JUDGE_ANSWERS[usize::from(!right)].to_string(),
            Answer::Fill(texts) => texts.join(" / "),
        }
    }

    /// What the browser compares an answer with: letters, 对/错, or the
    /// accepted texts.
    pub fn accepted(&self) -> Vec<String> {
        match self {
            Answer::Fill(texts) => texts.clone(),
            other => vec![other.display()],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub text: String,
    pub kind: QuestionType,
    pub options: Vec<String>,
    pub answer: Answer,
    pub explain: Option<String>,
    /// `#小节` of the same page or `[[path#小节]]`, as written.
    pub source: Option<String>,
    /// Its place in `quiz:`, from 1 (problems are named `quiz[n].field`).
    pub number: usize,
    /// The line of its `q:` in the source file.
    pub line: Option<usize>,
}

/// One problem with one question: the field (`answer`) and the message.
pub type QuizProblem = (&'static str, String);

/// Reads one item of `quiz:`. Problems are returned with the field they
/// are about; a question with any is left out.
pub fn parse_question(item: &Value) -> Result<Question, Vec<QuizProblem>> {
    let Value::Mapping(map) = item else {
        return Err(vec![(
            "q",
            "a question is a mapping with q, type, options, answer, explain, source".to_string(),
        )]);
    };
    let text_of = |key: &str| -> Option<String> {
        match map.get(key)? {
            Value::String(s) => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
        .filter(|s| !s.is_empty())
    };
    let mut problems: Vec<QuizProblem> = Vec::new();
    for key in map.keys().filter_map(Value::as_str) {
        if !["q", "type", "options", "answer", "explain", "source"].contains(&key) {
            problems.push((
                "q",
                format!("unknown key '{key}': use q, type, options, answer, explain, source"),
            ));
        }
    }
    let text = text_of("q");
    if text.is_none() {
        problems.push(("q", "the question text `q:` is missing".to_string()));
    }
    let names: Vec<&str> = QUESTION_TYPES.iter().map(|t| t.name).collect();
    let kind = match text_of("type") {
        None => {
            problems.push((
                "type",
                format!("`type:` is missing: use {}", names.join(", ")),
            ));
            None
        }
        Some(t) => {
            let kind = QuestionType::parse(&t);
            if kind.is_none() {
                problems.push((
                    "type",
                    format!("unknown question type '{t}': use {}", names.join(", ")),
                ));
            }
            kind
        }
    };
    let options: Vec<String> = match map.get("options") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Sequence(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => s.trim().to_string(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => String::new(),
            })
            .collect(),
        Some(_) => {
            problems.push(("options", "expected a list of options".to_string()));
            Vec::new()
        }
    };
    let answer = kind.and_then(|kind| answer_of(kind, map.get("answer"), &options, &mut problems));
    match (problems.is_empty(), text, kind, answer) {
        (true, Some(text), Some(kind), Some(answer)) => Ok(Question {
            text,
            kind,
            options,
            answer,
            explain: text_of("explain"),
            source: text_of("source"),
            number: 0,
            line: None,
        }),
        _ => Err(problems),
    }
}

fn answer_of(
    kind: QuestionType,
    written: Option<&Value>,
    options: &[String],
    problems: &mut Vec<QuizProblem>,
) -> Option<Answer> {
    let spec = kind.spec();
    if spec.has_options {
        if options.len() < 2 || options.len() > LETTERS.len() {
            problems.push((
                "options",
                format!(
                    "a {} needs 2 to {} options, it has {}",
                    spec.label,
                    LETTERS.len(),
                    options.len()
                ),
            ));
            return None;
        }
        if options.iter().any(String::is_empty) {
            problems.push(("options", "an option is empty".to_string()));
        }
    } else if !options.is_empty() {
        problems.push((
            "options",
            format!("a {} has no options: remove `options:`", spec.label),
        ));
    }
    let text = match written {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Bool(b)) => JUDGE_ANSWERS[usize::from(!b)].to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Sequence(items)) if kind == QuestionType::Fill => {
            let texts: Vec<String> = items
                .iter()
                .filter_map(Value::as_str)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            if texts.is_empty() {
                problems.push(("answer", "no accepted answer is given".to_string()));
                return None;
            }
            return Some(Answer::Fill(texts));
        }
        _ => {
            problems.push(("answer", "`answer:` is missing".to_string()));
            return None;
        }
    };
    if text.is_empty() {
        problems.push(("answer", "`answer:` is empty".to_string()));
        return None;
    }
    match kind {
        QuestionType::Single | QuestionType::Multiple => {
            let mut picked = Vec::new();
            for c in text
                .chars()
                .filter(|c| !c.is_whitespace() && *c != ',' && *c != '，')
            {
                let letter = c.to_ascii_uppercase();
                match LETTERS[..options.len()].find(letter) {
                    Some(i) if !picked.contains(&i) => picked.push(i),
                    Some(_) => {}
                    None => {
                        let last = LETTERS.chars().nth(options.len() - 1).unwrap_or('A');
                        problems.push((
                            "answer",
                            format!(
                                "'{c}' is not among the options: the {} options are A to {last}",
                                options.len()
                            ),
                        ));
                        return None;
                    }
                }
            }
            picked.sort_unstable();
            if kind == QuestionType::Single && picked.len() != 1 {
                problems.push((
                    "answer",
                    format!(
                        "a 单选题 has exactly one answer, '{text}' gives {}",
                        picked.len()
                    ),
                ));
                return None;
            }
            if kind == QuestionType::Multiple && picked.len() < 2 {
                problems.push((
                    "answer",
                    format!("a 多选题 has two or more answers, '{text}' gives one: make it single"),
                ));
                return None;
            }
            Some(Answer::Options(picked))
        }
        QuestionType::Judge => match JUDGE_ANSWERS.iter().position(|a| *a == text) {
            Some(i) => Some(Answer::Judge(i == 0)),
            None => {
                problems.push((
                    "answer",
                    format!("a 判断题 is answered 对 or 错, not '{text}'"),
                ));
                None
            }
        },
        QuestionType::Fill => Some(Answer::Fill(vec![text])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(yaml: &str) -> Result<Question, Vec<QuizProblem>> {
        parse_question(&serde_yaml::from_str(yaml).unwrap())
    }

    #[test]
    fn answers_are_read_by_type() {
        let q = question("{q: 问, type: multiple, options: [甲, 乙, 丙], answer: ca}").unwrap();
        assert_eq!(q.answer, Answer::Options(vec![0, 2]));
        assert_eq!(q.answer.display(), "AC");
        let q = question("{q: 问, type: judge, answer: 错}").unwrap();
        assert_eq!(q.answer, Answer::Judge(false));
        let q = question("{q: 问, type: fill, answer: [三会一课, 三会一课制度]}").unwrap();
        assert_eq!(q.answer.accepted(), ["三会一课", "三会一课制度"]);
    }

    #[test]
    fn each_mistake_names_its_field() {
        let field = |yaml: &str| question(yaml).unwrap_err()[0].clone();
        assert_eq!(
            field("{q: 问, type: single, options: [甲, 乙], answer: AB}").0,
            "answer"
        );
        assert!(field("{q: 问, type: single, options: [甲, 乙], answer: C}")
            .1
            .contains("A to B"));
        assert_eq!(field("{q: 问, type: essay, answer: 甲}").0, "type");
        assert_eq!(field("{q: 问, type: judge, answer: 是}").0, "answer");
        assert_eq!(
            field("{q: 问, type: judge, options: [对, 错], answer: 对}").0,
            "options"
        );
    }
}
