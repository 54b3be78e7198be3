//! What users type and what the API accepts, parsed leniently and validated
//! into a [`SearchRequest`]. No input may panic; bad parameters are refused
//! with a message naming the parameter.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::content::model::{Kind, Status};

pub const MAX_QUERY_CHARS: usize = 256;
/// Most words (and quoted phrases, and exclusions) one query may hold: each
/// is a clause the engine must intersect.
pub const MAX_QUERY_TERMS: usize = 16;
pub const MAX_PAGE_SIZE: usize = 50;
pub const DEFAULT_PAGE_SIZE: usize = 10;
/// Deep paging past this many hits is refused: nobody reads that far and it
/// bounds the work of one request.
pub const MAX_OFFSET: usize = 10_000;

/// A query split into terms and phrases to find and to exclude.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// Words and phrases that must all occur.
    pub include: Vec<String>,
    /// Words and phrases that must not occur (`-词`, `-"短语"`).
    pub exclude: Vec<String>,
}

/// Splits a query: whitespace separates words, `"…"` (or “…”, 「…」) keeps a
/// phrase together, a leading `-` excludes. An unclosed quote runs to the end.
pub fn parse_query(q: &str) -> ParsedQuery {
    let mut parsed = ParsedQuery::default();
    let chars: Vec<char> = q.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let negate =
            matches!(c, '-' | '－') && chars.get(i + 1).is_some_and(|n| !n.is_whitespace());
        if negate {
            i += 1;
        }
        let text: String;
        if let Some(close) = closing_quote(chars[i]) {
            let start = i + 1;
            let end = chars[start..]
                .iter()
                .position(|&c| c == close || (close == '”' && c == '"'))
                .map_or(chars.len(), |n| start + n);
            text = chars[start..end].iter().collect();
            i = end + 1;
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() {
                i += 1;
            }
            text = chars[start..i].iter().collect();
        }
        let text = text.trim().to_string();
        if text.is_empty() {
            continue;
        }
        if negate {
            parsed.exclude.push(text);
        } else {
            parsed.include.push(text);
        }
    }
    parsed
}

fn closing_quote(c: char) -> Option<char> {
    match c {
        '"' | '＂' => Some('"'),
        '“' => Some('”'),
        '「' => Some('」'),
        '『' => Some('』'),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    #[default]
    Relevance,
    Date,
}

/// The `sort` values, the default first.
pub const SORTS: [&str; 2] = ["relevance", "date"];

/// Raw parameters as they arrive from a URL query string or the CLI.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchParams {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub tag: Option<String>,
    pub region: Option<String>,
    pub issuer: Option<String>,
    pub status: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub sort: Option<String>,
    pub page: Option<String>,
    pub size: Option<String>,
}

/// A validated search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    pub q: String,
    pub kind: Option<Kind>,
    pub tag: Option<String>,
    pub region: Option<String>,
    pub issuer: Option<String>,
    pub status: Option<Status>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub sort: Sort,
    pub page: usize,
    pub size: usize,
}

/// A refused parameter: which one and why (in Chinese, shown to users).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParamError {
    pub param: &'static str,
    pub error: String,
}

impl std::fmt::Display for ParamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.error, self.param)
    }
}

impl std::error::Error for ParamError {}

fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl SearchRequest {
    /// Checks the parameters in order and refuses the first bad one.
    pub fn from_params(p: &SearchParams) -> Result<SearchRequest, ParamError> {
        let q = query_param(p)?;
        let kind = kind_param(p)?;
        let status = status_param(p)?;
        let (from, to) = date_params(p)?;
        let sort = sort_param(p)?;
        let (page, size) = paging_params(p)?;
        Ok(SearchRequest {
            q,
            kind,
            tag: nonempty(&p.tag).map(str::to_string),
            region: nonempty(&p.region).map(str::to_string),
            issuer: nonempty(&p.issuer).map(str::to_string),
            status,
            from,
            to,
            sort,
            page,
            size,
        })
    }
}

fn bad(param: &'static str, error: String) -> ParamError {
    ParamError { param, error }
}

/// The query, trimmed, within the length and term limits.
fn query_param(p: &SearchParams) -> Result<String, ParamError> {
    let q = p.q.as_deref().unwrap_or("").trim().to_string();
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(bad("q", format!("查询词不能超过 {MAX_QUERY_CHARS} 个字符")));
    }
    let parsed = parse_query(&q);
    if parsed.include.len() + parsed.exclude.len() > MAX_QUERY_TERMS {
        return Err(bad(
            "q",
            format!("查询词不能超过 {MAX_QUERY_TERMS} 个，请精简后再试"),
        ));
    }
    Ok(q)
}

fn kind_param(p: &SearchParams) -> Result<Option<Kind>, ParamError> {
    let Some(k) = nonempty(&p.kind) else {
        return Ok(None);
    };
    let kind = Kind::parse(k).ok_or_else(|| {
        bad(
            "kind",
            format!(
                "未知的文档类型“{k}”，可选 {}",
                Kind::ALL.map(Kind::name).join("、")
            ),
        )
    })?;
    Ok(Some(kind))
}

fn status_param(p: &SearchParams) -> Result<Option<Status>, ParamError> {
    let Some(s) = nonempty(&p.status) else {
        return Ok(None);
    };
    let status = Status::parse(s).ok_or_else(|| {
        bad(
            "status",
            format!(
                "未知的效力状态“{s}”，可选 {}",
                Status::ALL.map(Status::name).join("、")
            ),
        )
    })?;
    Ok(Some(status))
}

/// `from` and `to`, each a period's start or end, in that order.
fn date_params(p: &SearchParams) -> Result<(Option<NaiveDate>, Option<NaiveDate>), ParamError> {
    let from = match nonempty(&p.from) {
        None => None,
        Some(s) => Some(parse_partial_date(s, false).ok_or_else(|| {
            bad(
                "from",
                format!("起始日期“{s}”格式应为 YYYY、YYYY-MM 或 YYYY-MM-DD"),
            )
        })?),
    };
    let to = match nonempty(&p.to) {
        None => None,
        Some(s) => Some(parse_partial_date(s, true).ok_or_else(|| {
            bad(
                "to",
                format!("截止日期“{s}”格式应为 YYYY、YYYY-MM 或 YYYY-MM-DD"),
            )
        })?),
    };
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(bad("from", "起始日期晚于截止日期".to_string()));
        }
    }
    Ok((from, to))
}

fn sort_param(p: &SearchParams) -> Result<Sort, ParamError> {
    match nonempty(&p.sort) {
        None => Ok(Sort::Relevance),
        Some(s) if s == SORTS[0] => Ok(Sort::Relevance),
        Some(s) if s == SORTS[1] => Ok(Sort::Date),
        Some(s) => Err(bad(
            "sort",
            format!("未知的排序方式“{s}”，可选 {}", SORTS.join(" 或 ")),
        )),
    }
}

/// `page` and `size`, within the page size and deep-paging limits.
fn paging_params(p: &SearchParams) -> Result<(usize, usize), ParamError> {
    let page = match nonempty(&p.page) {
        None => 1,
        Some(s) => s
            .parse::<usize>()
            .ok()
            .filter(|&n| n >= 1)
            .ok_or_else(|| bad("page", format!("页码“{s}”应为正整数")))?,
    };
    let size = match nonempty(&p.size) {
        None => DEFAULT_PAGE_SIZE,
        Some(s) => {
            let n = s
                .parse::<usize>()
                .ok()
                .filter(|&n| n >= 1)
                .ok_or_else(|| bad("size", format!("每页条数“{s}”应为正整数")))?;
            if n > MAX_PAGE_SIZE {
                return Err(bad("size", format!("参数 size 不能超过 {MAX_PAGE_SIZE}")));
            }
            n
        }
    };
    if (page - 1).saturating_mul(size) >= MAX_OFFSET {
        return Err(bad("page", format!("最多只能查看前 {MAX_OFFSET} 条结果")));
    }
    Ok((page, size))
}

/// `2024`, `2024-03` or `2024-03-01`; the start of the period, or its end
/// when `end` is set (`to=2024` includes all of 2024).
pub fn parse_partial_date(s: &str, end: bool) -> Option<NaiveDate> {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize| {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())
            .flatten()
    };
    let year = num(parts.first()?, 4)? as i32;
    match parts.len() {
        1 => {
            if end {
                NaiveDate::from_ymd_opt(year, 12, 31)
            } else {
                NaiveDate::from_ymd_opt(year, 1, 1)
            }
        }
        2 => {
            let month = num(parts[1], 2)?;
            let first = NaiveDate::from_ymd_opt(year, month, 1)?;
            if end {
                let next = if month == 12 {
                    NaiveDate::from_ymd_opt(year + 1, 1, 1)?
                } else {
                    NaiveDate::from_ymd_opt(year, month + 1, 1)?
                };
                next.pred_opt()
            } else {
                Some(first)
            }
        }
        3 => {
            let d = NaiveDate::from_ymd_opt(year, num(parts[1], 2)?, num(parts[2], 2)?)?;
            (d.year() == year).then_some(d)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_syntax() {
        let p = parse_query(r#"社区 "三会 一课" -物业 -"红色 物业" “主题党日”  "未闭合"#);
        assert_eq!(p.include, ["社区", "三会 一课", "主题党日", "未闭合"]);
        assert_eq!(p.exclude, ["物业", "红色 物业"]);
        assert_eq!(parse_query("- 党建 \"\" -").include, ["-", "党建", "-"]);
        assert_eq!(parse_query("").include, Vec::<String>::new());
    }

    #[test]
    fn parameters_are_validated() {
        let ok = SearchRequest::from_params(&SearchParams {
            q: Some("党建".into()),
            from: Some("2020".into()),
            to: Some("2021-02".into()),
            size: Some("50".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(ok.from, NaiveDate::from_ymd_opt(2020, 1, 1));
        assert_eq!(ok.to, NaiveDate::from_ymd_opt(2021, 2, 28));
        for (params, param) in [
            (
                SearchParams {
                    size: Some("51".into()),
                    ..Default::default()
                },
                "size",
            ),
            (
                SearchParams {
                    size: Some("abc".into()),
                    ..Default::default()
                },
                "size",
            ),
            (
                SearchParams {
                    page: Some("0".into()),
                    ..Default::default()
                },
                "page",
            ),
            (
                SearchParams {
                    kind: Some("news".into()),
                    ..Default::default()
                },
                "kind",
            ),
            (
                SearchParams {
                    status: Some("valid".into()),
                    ..Default::default()
                },
                "status",
            ),
            (
                SearchParams {
                    from: Some("2020-13".into()),
                    ..Default::default()
                },
                "from",
            ),
            (
                SearchParams {
                    to: Some("20201".into()),
                    ..Default::default()
                },
                "to",
            ),
            (
                SearchParams {
                    sort: Some("title".into()),
                    ..Default::default()
                },
                "sort",
            ),
            (
                SearchParams {
                    q: Some("党".repeat(257)),
                    ..Default::default()
                },
                "q",
            ),
            (
                SearchParams {
                    from: Some("2022".into()),
                    to: Some("2021".into()),
                    ..Default::default()
                },
                "from",
            ),
        ] {
            assert_eq!(
                SearchRequest::from_params(&params).unwrap_err().param,
                param
            );
        }
    }
}
