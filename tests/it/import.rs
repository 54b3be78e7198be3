//! `zhiku import` on real files: a 公文 .docx written as Word writes it, the
//! PDF and the .doc LibreOffice made from it, saved web pages, copied text,
//! a GBK file and a scan. Expectations are hand-written per fixture
//! (tests/fixtures/import/expected.json): every field, every sentence kept,
//! every piece of furniture gone; and the imported site passes `check` and
//! builds.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{repo_root, SiteTest};
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures/import").join(name)
}

fn expected() -> Value {
    let text = std::fs::read_to_string(fixture("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn import(site: &SiteTest, args: &[&str]) -> Output {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    site.zhiku(&all)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// The report of a single-file `--json` import.
fn import_json(site: &SiteTest, file: &Path, extra: &[&str]) -> Value {
    let path = file.to_str().unwrap();
    let mut args = vec![path, "--json"];
    args.extend_from_slice(extra);
    let out = import(site, &args);
    assert!(out.status.success(), "{}: {}", path, stderr(&out));
    let reports: Value = serde_json::from_slice(&out.stdout).unwrap();
    reports[0].clone()
}

/// The Markdown body as text: front matter cut, backslash escapes undone.
fn body_text(site: &SiteTest, report: &Value) -> String {
    let text = std::fs::read_to_string(site.root.join(report["path"].as_str().unwrap())).unwrap();
    let body = text.splitn(3, "---\n").nth(2).unwrap().to_string();
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                if next != '\n' {
                    out.push(next);
                }
                continue;
            }
        }
        out.push(c);
    }
    out
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Field by field and sentence by sentence against expected.json.
fn assert_matches_expectations(site: &SiteTest, name: &str, report: &Value) {
    let exp = &expected()[name];
    let field = |k: &str| report["fields"][k].clone();
    assert_eq!(
        report["kind"], exp["kind"],
        "{name}: kind ({})",
        report["kind_reason"]
    );
    assert_eq!(report["title"], exp["title"], "{name}: title");
    assert_eq!(field("title"), exp["title"], "{name}: title field");
    for key in ["doc_number", "date"] {
        if !exp[key].is_null() {
            assert_eq!(field(key), exp[key], "{name}: {key}");
        }
    }
    if let Some(issuers) = exp["issuer"].as_array() {
        let got = match field("issuer") {
            Value::String(s) => vec![s],
            v => strings(&v),
        };
        assert_eq!(
            got,
            strings(&Value::Array(issuers.clone())),
            "{name}: issuer"
        );
    }
    let body = body_text(site, report);
    for kept in strings(&exp["kept"]) {
        assert!(
            body.contains(&kept),
            "{name}: lost «{kept}»\n--- body ---\n{body}"
        );
    }
    for gone in strings(&exp["removed"]) {
        assert!(
            !body.contains(&gone),
            "{name}: kept furniture «{gone}»\n--- body ---\n{body}"
        );
    }
    for pair in exp["normalized"].as_array().into_iter().flatten() {
        let (from, to) = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
        assert!(
            body.contains(to),
            "{name}: «{from}» not normalised to «{to}»\n{body}"
        );
        assert!(!body.contains(from), "{name}: «{from}» still there");
    }
    // The title, the 文号 and the issuers live in front matter, not twice.
    let title = exp["title"].as_str().unwrap();
    assert!(!body.contains(title), "{name}: title repeated in the body");
    if let Some(n) = exp["doc_number"].as_str() {
        assert!(!body.contains(n), "{name}: 文号 repeated in the body");
    }
    // Everything dropped is accounted for in the report.
    assert!(
        !report["removed"].as_array().unwrap().is_empty(),
        "{name}: no removed list"
    );
}

#[test]
fn every_format_imports_field_by_field_and_sentence_by_sentence() {
    let site = SiteTest::empty();
    let mut pages = Vec::new();
    for name in [
        "gongwen.docx",
        "gongwen.pdf",
        "web-article.html",
        "doc-share.html",
        "copied.txt",
        "gbk.txt",
    ] {
        // The docx and its PDF are one document (one 文号): the PDF goes
        // into a site of its own.
        let pdf_site;
        let target = if name == "gongwen.pdf" {
            pdf_site = SiteTest::empty();
            &pdf_site
        } else {
            &site
        };
        let report = import_json(target, &fixture(name), &[]);
        assert_eq!(report["written"], true);
        assert_matches_expectations(target, name, &report);
        if name == "gongwen.pdf" {
            let check = target.zhiku(&["check"]);
            assert!(check.status.success(), "{}", stderr(&check));
        } else {
            pages.push(report);
        }
    }

    // The whole imported site passes check and builds.
    let check = site.zhiku(&["check"]);
    assert!(check.status.success(), "check: {}", stderr(&check));
    site.built();

    // The 公文's numbered paragraphs are headings of a real table of contents.
    let docx = &pages[0];
    let url = docx["path"]
        .as_str()
        .unwrap()
        .trim_start_matches("content/")
        .trim_end_matches(".md")
        .to_string();
    let html = site.main(&format!("{url}/index.html"));
    for h in strings(&expected()["gongwen.docx"]["headings"]) {
        let id = h.replace('、', "");
        assert!(
            html.contains(&format!("id=\"{id}\"")),
            "no heading {h}:\n{html}"
        );
    }
    // The table is a table, the picture is published, the footnote is one.
    assert!(
        html.contains("<table>") && html.contains("<td>区委组织部</td>"),
        "{html}"
    );
    let pictures = strings(&docx["pictures"]);
    assert_eq!(pictures.len(), 1, "{docx}");
    assert!(site.root.join(&pictures[0]).is_file());
    let published = pictures[0].trim_start_matches("static/");
    assert!(
        site.out().join(published).is_file(),
        "picture not in the output"
    );
    assert!(html.contains(&format!("src=\"/{published}\"")), "{html}");
    assert!(html.contains("footnote"), "footnote lost: {html}");
    assert!(html.contains("<em>年度党建述职评议</em>"), "italic lost");
}

#[test]
fn the_report_names_each_removed_fragment_and_why() {
    let site = SiteTest::empty();
    let report = import_json(&site, &fixture("web-article.html"), &["--dry-run"]);
    assert_eq!(report["written"], false);
    assert!(
        !site.root.join(report["path"].as_str().unwrap()).exists(),
        "dry run wrote"
    );
    let removed = report["removed"].as_array().unwrap();
    let reason_of = |needle: &str| {
        removed
            .iter()
            .find(|r| r["text"].as_str().unwrap().contains(needle))
            .map(|r| r["reason"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("«{needle}» not reported: {removed:#?}"))
    };
    assert_eq!(reason_of("蜀ICP备12345678号-1"), "page footer");
    assert_eq!(reason_of("浏览次数"), "article info line");
    assert!(reason_of("发表评论").contains("comments"));
    assert!(reason_of("相关文章").contains("related"));
    assert_eq!(report["fields"]["source"], "江源区委组织部");
    assert_eq!(
        report["kind_reason"],
        "no 文号 or policy title word: the default"
    );
    assert!(report["markdown"].as_str().unwrap().starts_with("---\n"));
}

#[test]
fn a_scan_is_refused_and_nothing_is_written() {
    let site = SiteTest::empty();
    let out = import(&site, &[fixture("scan.pdf").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("scan.pdf: error: this PDF has no text layer"),
        "{err}"
    );
    assert!(err.contains("OCR"), "{err}");
    let written = walkdir::WalkDir::new(site.root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count();
    assert_eq!(written, 0);
}

#[test]
fn existing_files_and_numbers_are_never_overwritten() {
    let site = SiteTest::empty();
    let docx = fixture("gongwen.docx");
    let first = import_json(&site, &docx, &[]);
    let path = site.root.join(first["path"].as_str().unwrap());
    let edited = std::fs::read_to_string(&path).unwrap() + "\n编辑补充的一段话。\n";
    std::fs::write(&path, &edited).unwrap();
    let again = import(&site, &[docx.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), edited);
    // Under another name it is still the same 文号.
    let renamed = import(&site, &[docx.to_str().unwrap(), "--slug", "other"]);
    assert_eq!(renamed.status.code(), Some(1));
    assert!(
        stderr(&renamed).contains("江组发〔2025〕7号 is already the 文号 of content/policies/"),
        "{}",
        stderr(&renamed)
    );
    assert!(!site.root.join("content/policies/other.md").exists());
}

#[test]
fn a_folder_imports_every_supported_file_and_reports_each() {
    let site = SiteTest::empty();
    let inbox = site.root.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    for name in ["copied.txt", "gbk.txt", "scan.pdf"] {
        std::fs::copy(fixture(name), inbox.join(name)).unwrap();
    }
    std::fs::write(inbox.join("notes.xyz"), "not a document").unwrap();
    let out = import(&site, &[inbox.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1), "the scan fails the run");
    let reports: Value = serde_json::from_slice(&out.stdout).unwrap();
    let reports = reports.as_array().unwrap();
    assert_eq!(reports.len(), 3, "{reports:#?}");
    assert!(reports[0]["source"]
        .as_str()
        .unwrap()
        .ends_with("copied.txt"));
    assert_eq!(reports[0]["kind"], "policy");
    assert_eq!(reports[1]["kind"], "experience");
    assert!(reports[2]["error"]
        .as_str()
        .unwrap()
        .contains("no text layer"));
    let check = site.zhiku(&["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
}

#[test]
fn kind_title_and_slug_can_be_given() {
    let site = SiteTest::empty();
    let report = import_json(
        &site,
        &fixture("gbk.txt"),
        &[
            "--kind",
            "case",
            "--title",
            "东桥街道小区党支部建设",
            "--slug",
            "dongqiao-xiaoqu",
        ],
    );
    assert_eq!(report["path"], "content/cases/dongqiao-xiaoqu.md");
    assert_eq!(report["kind_reason"], "--kind");
    assert_eq!(report["fields"]["title"], "东桥街道小区党支部建设");
    // A case keeps its signature as the 单位.
    assert_eq!(report["fields"]["organization"], "江源区东桥街道党工委");
    let bad = import(
        &site,
        &[fixture("gbk.txt").to_str().unwrap(), "--slug", "../x"],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("not a safe file name"));
}

#[test]
fn imported_markup_cannot_inject_script() {
    let site = SiteTest::empty();
    let page = site.root.join("hostile.html");
    std::fs::write(
        &page,
        r#"<html><head><meta charset="utf-8"><title>测试</title></head><body>
<h1>关于加强社区安全工作的通知</h1>
<p>各社区：<script>alert(1)</script></p>
<p>请点击<a href="javascript:alert(2)">这里</a>查看<img src="x.png" onerror="alert(3)">要求。</p>
<p>文本里写着 &lt;script&gt;alert(4)&lt;/script&gt; 和 [链接](javascript:alert(5)) 以及 <b onclick="alert(6)">加粗</b>。</p>
<p>一、总体要求。各社区要高度重视安全工作，落实好各项措施。</p>
</body></html>"#,
    )
    .unwrap();
    let report = import_json(&site, &page, &["--kind", "policy"]);
    site.built();
    let url = report["path"]
        .as_str()
        .unwrap()
        .trim_start_matches("content/")
        .trim_end_matches(".md");
    let html = site.read(&format!("{url}/index.html"));
    for bad in ["<script>alert", "href=\"javascript:", "onerror", "onclick"] {
        assert!(!html.contains(bad), "{bad} reached the page");
    }
    assert!(
        html.contains("&lt;script&gt;alert(4)"),
        "the text itself stays readable"
    );
}

#[test]
fn office_formats_without_libreoffice_say_how_to_install_it() {
    let site = SiteTest::empty();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zhiku"))
        .args(["import", fixture("gongwen.doc").to_str().unwrap(), "--root"])
        .arg(&site.root)
        .env("ZHIKU_SOFFICE", "/nonexistent/soffice")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("needs LibreOffice"), "{err}");
    assert!(
        err.contains("apt-get install libreoffice-writer-nogui"),
        "{err}"
    );
}

#[test]
#[cfg_attr(
    not(has_soffice),
    ignore = "LibreOffice (soffice) is not installed; .ci/run installs it"
)]
fn a_doc_file_goes_through_libreoffice() {
    let site = SiteTest::empty();
    let report = import_json(&site, &fixture("gongwen.doc"), &[]);
    // The .doc is the docx saved by LibreOffice: the same expectations hold.
    assert_matches_expectations(&site, "gongwen.docx", &report);
    let check = site.zhiku(&["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
}

#[test]
fn a_completely_saved_page_brings_its_pictures_and_never_svg() {
    let site = SiteTest::empty();
    let dir = site.root.join("saved");
    std::fs::create_dir_all(dir.join("page_files")).unwrap();
    // The picture of the docx fixture, saved beside the page as browsers do.
    let png = {
        let bytes = std::fs::read(fixture("gongwen.docx")).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut f = zip.by_name("word/media/image1.png").unwrap();
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut out).unwrap();
        out
    };
    std::fs::write(dir.join("page_files/photo%201.png"), &png).unwrap();
    std::fs::write(
        dir.join("page_files/logo.svg"),
        "<svg onload=\"alert(1)\"/>",
    )
    .unwrap();
    std::fs::write(
        dir.join("page.html"),
        r#"<html><head><meta charset="utf-8"></head><body><article>
<h1>月湖社区楼栋议事会典型案例</h1>
<p>月湖社区在加装电梯中推行楼栋议事会，三个月内完成了全部协商。</p>
<p><img src="page_files/photo%25201.png" alt="议事会现场"></p>
<p><img src="page_files/logo.svg" alt="标志"></p>
<p>议事会让居民自己商量、自己决定，矛盾少了，进度快了。</p>
</article></body></html>"#,
    )
    .unwrap();
    let report = import_json(&site, &dir.join("page.html"), &[]);
    assert_eq!(report["kind"], "case");
    let pictures = strings(&report["pictures"]);
    assert_eq!(pictures.len(), 1, "{report}");
    assert_eq!(std::fs::read(site.root.join(&pictures[0])).unwrap(), png);
    let warnings = strings(&report["warnings"]).join("\n");
    assert!(warnings.contains("logo.svg (svg) left out"), "{warnings}");
    let check = site.zhiku(&["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
}

/// Layouts met when trying the importer on documents made the ways offices
/// make them (LibreOffice-written OOXML with Title and heading styles and
/// style-linked numbering, PDFs with running heads and fallback fonts, hard
/// wrapped text, Markdown with front matter): each once went wrong.
#[test]
fn layouts_met_in_practice() {
    let layout = |name: &str| fixture(&format!("layouts/{name}"));
    let site = SiteTest::empty();
    struct Case {
        file: &'static str,
        kind: &'static str,
        title: &'static str,
        date: Option<&'static str>,
        doc_number: Option<&'static str>,
        kept: &'static [&'static str],
        gone: &'static [&'static str],
    }
    let yijian_kept: &[&str] = &[
        "各县（市、区）委，市委各部委，市级国家机关各部门党组（党委），各人民团体党组：",
        "一、总体要求",
        "全市128个城市社区",
        "（一）健全组织体系",
    ];
    let yijian_gone: &[&str] = &["青川市人民政府公报", "000086", "特急", "— 2 —", "若干意\n"];
    let cases = [
        Case {
            file: "01-shiwei-yijian.docx",
            kind: "policy",
            title: "中共青川市委员会关于深化街道社区党建引领基层治理的若干意见",
            date: Some("2025-03-18"),
            doc_number: Some("青委发〔2025〕7号"),
            kept: yijian_kept,
            gone: yijian_gone,
        },
        Case {
            file: "01-shiwei-yijian-running-header.pdf",
            kind: "policy",
            title: "中共青川市委员会关于深化街道社区党建引领基层治理的若干意见",
            date: Some("2025-03-18"),
            doc_number: Some("青委发〔2025〕7号"),
            kept: yijian_kept,
            gone: yijian_gone,
        },
        Case {
            file: "05-dianti-banfa-tongzhi.docx",
            kind: "policy",
            title: "青川市江源区人民政府办公室关于印发《江源区老旧小区加装电梯议事协商工作办法（试行）》的通知",
            date: Some("2025-02-27"),
            doc_number: Some("江源政办发〔2025〕3号"),
            kept: &["各街道办事处，区政府各部门，各有关单位：", "（此件公开发布）"],
            gone: &["2025年2月27日"],
        },
        Case {
            file: "04-shiliu-zongjie-quote-font.pdf",
            kind: "experience",
            title: "石榴社区党委2024年度工作总结",
            date: Some("2024-12-26"),
            doc_number: None,
            kept: &[
                "围绕“党建引领、居民自治、服务到家”的目标，扎实推进各项工作。",
                "建立流动党员“线上党小组”；每季度组织一次社区工作者业务比武。",
            ],
            gone: &[],
        },
        Case {
            file: "07-yingchuan-fayan-hardwrap.txt",
            kind: "experience",
            title: "在全市社区治理经验交流会上的发言",
            date: None,
            doc_number: None,
            kept: &["辖区内有7个社区、老旧小区43个，60岁以上老人占常住人口的27.5%。"],
            gone: &["60岁\n"],
        },
        Case {
            file: "13-yiyou-toubu.md",
            kind: "experience",
            title: "东坝街道“党员先锋岗”让办事群众少跑腿",
            date: Some("2024-10-15"),
            doc_number: None,
            kept: &["tags: [党员先锋岗, 党群服务中心]", "一、岗位设置"],
            gone: &[],
        },
        Case {
            file: "13b-markdown-plain.md",
            kind: "case",
            title: "滨江街道“四点半课堂”典型案例",
            date: None,
            doc_number: None,
            kept: &["**2 300余户**", "- 在职党员中的教师志愿者轮流值班；", "| 2024 | 265 |"],
            gone: &["\\*"],
        },
        Case {
            file: "02-lianhe-lunxun-tongzhi.docx",
            kind: "policy",
            title: "关于开展2025年度社区工作者轮训的通知",
            date: Some("2025-03-18"),
            doc_number: Some("江源组发〔2025〕7号"),
            kept: &["各街道党工委、办事处，区直有关单位：", "一、培训对象"],
            gone: &["[2025]", "| 文件"],
        },
        Case {
            file: "10-gb2312-table.html",
            kind: "policy",
            title: "江源区关于加强和改进新就业群体党建工作的实施意见",
            date: Some("2023-08-10"),
            doc_number: Some("江源组发〔2023〕21号"),
            kept: &[
                "一、扩大组织覆盖。",
                "提供饮水、充电、休息等服务，2023年底前建成30个。",
                "纳入年度述职评议内容（具体考核办法另行制定），区委组织部将适时组织督查。",
            ],
            gone: &["区政府办文件", "当前位置", "打印本页", "ICP"],
        },
        Case {
            file: "12-title-zhanming-lanmu.html",
            kind: "experience",
            title: "柳湾街道“红色议事厅”让小区难题有人管",
            date: Some("2024-07-02"),
            doc_number: None,
            kept: &["“楼下的垃圾桶挪走以后，夏天终于能开窗了。”", "author: \"王静\""],
            gone: &["登录"],
        },
        Case {
            file: "09e-big5.txt",
            kind: "policy",
            title: "關於進一步加強社區黨建工作的通知",
            date: None,
            doc_number: None,
            kept: &["請於六月底前完成黨員信息核對。"],
            gone: &[],
        },
        Case {
            file: "09d-utf16le-nobom.txt",
            kind: "case",
            title: "滨江街道“睦邻小院”案例：用一处闲置车棚化解十年邻里纠纷",
            date: Some("2024-09-12"),
            doc_number: None,
            kept: &["一、基本情况"],
            gone: &[],
        },
    ];
    for case in &cases {
        let report = import_json(&site, &layout(case.file), &["--dry-run"]);
        let md = report["markdown"].as_str().unwrap();
        assert_eq!(
            report["kind"], case.kind,
            "{}: {}",
            case.file, report["kind_reason"]
        );
        assert_eq!(report["title"], case.title, "{}", case.file);
        if let Some(d) = case.date {
            assert!(
                md.contains(&format!("date: {d}")),
                "{}: date\n{md}",
                case.file
            );
        }
        if let Some(n) = case.doc_number {
            assert_eq!(report["fields"]["doc_number"], n, "{}", case.file);
        }
        let text = md.replace('\\', "");
        for k in case.kept {
            assert!(text.contains(k), "{}: lost «{k}»\n{md}", case.file);
        }
        for g in case.gone {
            assert!(!md.contains(g), "{}: kept «{g}»\n{md}", case.file);
        }
    }
    // A classified 公文 is imported with a warning saying why it may not be public.
    let report = import_json(&site, &layout("01-shiwei-yijian.docx"), &["--dry-run"]);
    let warnings = strings(&report["warnings"]).join("\n");
    assert!(
        warnings.contains("秘密★1年") && warnings.contains("主动公开"),
        "{warnings}"
    );
    // Imported for real, side by side, they pass check.
    for name in [
        "01-shiwei-yijian.docx",
        "05-dianti-banfa-tongzhi.docx",
        "13-yiyou-toubu.md",
        "07-yingchuan-fayan-hardwrap.txt",
    ] {
        import_json(&site, &layout(name), &[]);
    }
    let check = site.zhiku(&["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
}
