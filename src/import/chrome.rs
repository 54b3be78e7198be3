//! Web page furniture that survives as text: what a reader copied along
//! with the article, or what the HTML reader could not tell from markup.
//! Each rule names what it removes, for the report.

use chrono::NaiveDate;

use super::dates;

/// Lines that are furniture: (reason, the longest such a line is, any of
/// these words). The length bound keeps a sentence that merely uses one of
/// the words (分享到其他社区) in the text.
const LINE_RULES: &[(&str, usize, &[&str])] = &[
    (
        "toolbar",
        40,
        &[
            "【打印】",
            "【关闭】",
            "【字体",
            "打印本页",
            "关闭窗口",
            "分享到",
            "【收藏】",
            "[打印]",
            "[关闭]",
            "字号：大",
            "字体：大",
            "【大 中 小】",
            "【大】【中】【小】",
        ],
    ),
    (
        "page markers",
        16,
        &[
            "展开阅读全文",
            "点击查看全文",
            "阅读全文",
            "点击加载更多",
            "继续阅读",
        ],
    ),
    ("page markers", 16, &["页未读"]),
    (
        "site boilerplate",
        120,
        &[
            "本站小编",
            "供你参考和借鉴",
            "希望能帮助到你",
            "免责声明",
            "本文由用户上传",
            "如有侵权",
            "版权声明",
            "转载请注明",
            "本网站所刊登",
            "本站部分内容来源于",
        ],
    ),
    (
        "previous/next links",
        80,
        &["上一篇：", "下一篇：", "上一篇:", "下一篇:"],
    ),
    (
        "site footer",
        120,
        &[
            "版权所有",
            "Copyright",
            "copyright",
            "©",
            "ICP备",
            "ICP证",
            "公网安备",
            "网安备",
            "主办单位：",
            "承办单位：",
            "技术支持：",
            "网站标识码",
            "最佳分辨率",
            "浏览器访问",
        ],
    ),
    (
        "comments",
        20,
        &["网友评论", "发表评论", "我要评论", "暂无评论", "评论须知"],
    ),
];

/// Links of a site's foot; two or more on a short line make it furniture.
const FOOTER_LINKS: &[&str] = &[
    "关于我们",
    "网站地图",
    "联系我们",
    "设为首页",
    "加入收藏",
    "网站声明",
    "使用帮助",
];

/// Words of a document-sharing site's upload banner: one of the first
/// kind and two in all on a short line make it one.
const UPLOAD_MARKS: &[&str] = &["上传人", "上传者", "上传时间", "文档编号", "贡献者"];
const UPLOAD_WORDS: &[&str] = &[
    "上传人",
    "上传者",
    "上传时间",
    "文档编号",
    "页数",
    "下载",
    "举报",
    "收藏",
    "贡献者",
    "文档格式",
    "积分",
    "浏览量",
    "文档大小",
];

/// Headings of lists of other pages; the short lines after one are its items.
const LIST_HEADINGS: &[&str] = &[
    "相关文章",
    "相关阅读",
    "相关推荐",
    "相关新闻",
    "相关链接",
    "猜你喜欢",
    "热门标签",
    "热门文章",
    "热点推荐",
    "推荐阅读",
    "延伸阅读",
    "热门推荐",
    "最新文章",
    "精彩推荐",
    "为你推荐",
    "热门文档",
    "相关文档",
    "网友评论",
    "发表评论",
];

/// Words of an article's info line (`来源：… 发布时间：… 浏览次数：…`).
const INFO_WORDS: &[&str] = &[
    "来源：",
    "来源:",
    "发布时间",
    "发布日期",
    "发文日期",
    "浏览次数",
    "阅读次数",
    "点击数",
    "点击：",
    "访问量",
    "责任编辑",
    "编辑：",
    "作者：",
    "字号",
    "信息来源",
    "阅读量",
];

/// Why a line is furniture, or `None`.
pub fn classify(line: &str) -> Option<&'static str> {
    let t = line.trim();
    if t.is_empty() {
        return None;
    }
    let short = t.chars().count() <= 120;
    if short && is_breadcrumb(t) {
        return Some("breadcrumb");
    }
    if short && is_nav_bar(t) {
        return Some("navigation");
    }
    if is_info_line(t) {
        return Some("article info line");
    }
    if short {
        let n = t.chars().count();
        for (reason, longest, words) in LINE_RULES {
            if n <= *longest && words.iter().any(|w| t.contains(w)) {
                return Some(reason);
            }
        }
        if n <= 40 && FOOTER_LINKS.iter().filter(|w| t.contains(*w)).count() >= 2 {
            return Some("site footer");
        }
        if UPLOAD_MARKS.iter().any(|w| t.contains(w))
            && UPLOAD_WORDS.iter().filter(|w| t.contains(*w)).count() >= 2
        {
            return Some("upload banner");
        }
        if crate::extract::pdf::is_page_number(t) || is_page_marker(t) {
            return Some("page markers");
        }
    }
    if is_list_heading(t) {
        return Some("related-article and hot-tag lists");
    }
    None
}

/// `相关文章` and the like, alone on a line.
pub fn is_list_heading(line: &str) -> bool {
    let t = line.trim().trim_end_matches(['：', ':']);
    LIST_HEADINGS
        .iter()
        .any(|h| t == *h || (t.starts_with(h) && t.chars().count() <= 10))
}

/// An item of a list of links: short, no sentence end.
pub fn is_list_item(line: &str) -> bool {
    let t = line.trim();
    let n = t.chars().count();
    n > 0 && n <= 48 && !t.ends_with(['。', '；', '：'])
}

fn is_breadcrumb(t: &str) -> bool {
    let starts = [
        "首页",
        "当前位置",
        "您的位置",
        "你的位置",
        "您现在的位置",
        "所在位置",
    ];
    let seps = [">", "＞", "»", "›", "→", "/"];
    starts.iter().any(|s| t.starts_with(s)) && seps.iter().any(|s| t.contains(s))
}

/// `首页 | 党建动态 | 政策文件 …`: several short items, 首页 among them.
fn is_nav_bar(t: &str) -> bool {
    let items: Vec<&str> = t
        .split(['|', '｜', '·', ' ', '\u{3000}', '丨'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    items.len() >= 3 && items.contains(&"首页") && items.iter().all(|i| i.chars().count() <= 8)
}

fn is_page_marker(t: &str) -> bool {
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    compact.starts_with('第')
        && compact.contains("页")
        && compact.contains('共')
        && compact.chars().count() <= 16
}

fn is_info_line(t: &str) -> bool {
    let hits = INFO_WORDS.iter().filter(|w| t.contains(*w)).count();
    let starts = INFO_WORDS.iter().any(|w| t.starts_with(w));
    t.chars().count() <= 160 && (hits >= 2 || (starts && t.chars().count() <= 60))
}

/// What an article's info line says.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Info {
    pub date: Option<NaiveDate>,
    pub source: Option<String>,
    pub author: Option<String>,
}

/// The publication date, the source and the author an info line gives.
pub fn info_fields(line: &str) -> Info {
    let value_after = |keys: &[&str]| {
        keys.iter().find_map(|key| {
            let at = line.find(key)? + key.len();
            let value: String = line[at..]
                .trim_start()
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '|' && *c != '丨')
                .collect();
            let value = value.trim_end_matches(['，', ',', '。']).to_string();
            (!value.is_empty() && !INFO_WORDS.iter().any(|w| value.starts_with(w))).then_some(value)
        })
    };
    Info {
        date: dates::find(line).map(|(d, _, _)| d),
        source: value_after(&["信息来源：", "来源：", "来源:"]),
        author: value_after(&["作者：", "作者:", "撰稿：", "文："]),
    }
}

/// A site's name at the top of a copied page (`青川党建网`).
pub fn is_site_name(line: &str) -> bool {
    let t = line.trim();
    let n = t.chars().count();
    let ends = [
        "网", "网站", "门户", "在线", "频道", "平台", "文库", "之窗", "家园",
    ];
    (3..=20).contains(&n) && ends.iter().any(|e| t.ends_with(e)) && !t.contains(['。', '，', '：'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn furniture_is_named() {
        for (line, why) in [
            ("首页 > 基层风采 > 正文", "breadcrumb"),
            ("当前位置：首页 > 政策文件", "breadcrumb"),
            ("首页 | 党建动态 | 政策文件 | 基层风采", "navigation"),
            (
                "来源：江源区委组织部  发布时间：2024-06-12  浏览次数：1234",
                "article info line",
            ),
            ("【打印】【关闭】", "toolbar"),
            ("第1页 / 共4页", "page markers"),
            ("展开阅读全文", "page markers"),
            (
                "上传人：qc_xiaoli　文档编号：12345　页数：4　下载　举报",
                "upload banner",
            ),
            ("蜀ICP备12345678号-1", "site footer"),
            (
                "上一篇：东桥街道召开小区党支部书记工作例会",
                "previous/next links",
            ),
            ("相关文章", "related-article and hot-tag lists"),
        ] {
            assert_eq!(classify(line), Some(why), "{line}");
        }
        for line in [
            "一、按楼栋划分责任区。",
            "社区以楼栋为单位划出42个党员责任区，每个责任区由1名党员担任区长。",
            "各街道党工委，区直机关工委：",
        ] {
            assert_eq!(classify(line), None, "{line}");
        }
    }

    #[test]
    fn info_lines_give_date_and_source() {
        let info =
            info_fields("来源：江源区委组织部  作者：何雨  发布时间：2024-06-12  浏览次数：1234");
        assert_eq!(info.date, NaiveDate::from_ymd_opt(2024, 6, 12));
        assert_eq!(info.source.as_deref(), Some("江源区委组织部"));
        assert_eq!(info.author.as_deref(), Some("何雨"));
    }
}
