/* 知库默认主题：自测、错题本和学习记录。
 * 一切只保存在读者自己的浏览器里（localStorage），不上传、不登录。
 * 记录 "zhiku-study"：{ version, wrong: {"网址#题号": 错题}, quizzes: {网址: 最近一次成绩},
 *   read: {网址: 读完的页面}, steps: {网址: 路径中标记为已学的页面} }；
 * 学习路径的标记本身在 "zhiku-paths"（site.js），导出时一并带上。 */
(function () {
  "use strict";

  var STUDY_KEY = "zhiku-study";
  var PATHS_KEY = "zhiku-paths";
  var VERSION = 1;

  function load(key) {
    try {
      var value = JSON.parse(window.localStorage.getItem(key) || "null");
      return value && typeof value === "object" && !Array.isArray(value) ? value : null;
    } catch (e) {
      return null;
    }
  }

  function save(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
    } catch (e) {
      /* 隐私模式或存储已满：本次结果只在本页显示 */
    }
  }

  function emptyRecord() {
    return { version: VERSION, wrong: {}, quizzes: {}, read: {}, steps: {} };
  }

  function record() {
    var r = load(STUDY_KEY) || {};
    var out = emptyRecord();
    ["wrong", "quizzes", "read", "steps"].forEach(function (k) {
      if (r[k] && typeof r[k] === "object" && !Array.isArray(r[k])) out[k] = r[k];
    });
    return out;
  }

  function today() {
    var d = new Date();
    function two(n) {
      return (n < 10 ? "0" : "") + n;
    }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
  }

  /* 填空题的比较：忽略空白、全角半角、大小写和句末标点。 */
  function normalize(text) {
    var t = String(text || "");
    if (t.normalize) t = t.normalize("NFKC");
    return t.replace(/\s+/g, "").replace(/[。．.，,；;！!？?]+$/, "").toLowerCase();
  }

  function given(fieldset) {
    var type = fieldset.getAttribute("data-type");
    var inputs = fieldset.querySelectorAll("input");
    if (type === "fill") return inputs.length ? inputs[0].value.trim() : "";
    var picked = [];
    for (var i = 0; i < inputs.length; i++) if (inputs[i].checked) picked.push(inputs[i].value);
    return picked.sort().join("");
  }

  function isRight(fieldset, answer) {
    var accepted = [];
    try {
      accepted = JSON.parse(fieldset.getAttribute("data-accepted") || "[]");
    } catch (e) {
      accepted = [];
    }
    if (!answer) return false;
    if (fieldset.getAttribute("data-type") === "fill") {
      var mine = normalize(answer);
      return accepted.some(function (a) {
        return normalize(a) === mine;
      });
    }
    return accepted.indexOf(answer) >= 0;
  }

  function questionText(fieldset) {
    var legend = fieldset.querySelector("legend");
    return legend ? legend.textContent.replace(/\s+/g, " ").trim() : "";
  }

  /* ---- 自测 ---- */

  function grade(quiz) {
    var url = quiz.getAttribute("data-quiz");
    var title = quiz.getAttribute("data-quiz-title") || document.title;
    var r = record();
    var questions = quiz.querySelectorAll("fieldset.quiz-q");
    var right = 0;
    for (var i = 0; i < questions.length; i++) {
      var q = questions[i];
      var answer = given(q);
      var ok = isRight(q, answer);
      var key = url + "#" + q.getAttribute("data-q");
      if (ok) {
        right++;
        delete r.wrong[key];
      } else {
        var explain = q.querySelector(".quiz-explain");
        r.wrong[key] = {
          url: url,
          title: title,
          q: q.getAttribute("data-q"),
          text: questionText(q),
          answer: explain ? explain.textContent.trim() : "",
          date: today()
        };
      }
      q.classList.toggle("is-right", ok);
      q.classList.toggle("is-wrong", !ok);
      var verdict = q.querySelector(".quiz-verdict");
      if (verdict) verdict.textContent = ok ? "✓ 回答正确" : answer ? "✗ 回答错误" : "✗ 未作答";
      var feedback = q.querySelector(".quiz-feedback");
      if (feedback) feedback.hidden = false;
      var inputs = q.querySelectorAll("input");
      for (var k = 0; k < inputs.length; k++) inputs[k].disabled = true;
    }
    var total = questions.length;
    r.quizzes[url] = { title: title, score: right, total: total, date: today() };
    save(STUDY_KEY, r);
    var score = quiz.querySelector(".quiz-score");
    if (score) {
      score.textContent =
        "得分：" + right + " / " + total + "。" +
        (right === total ? "全部答对。" : "答错 " + (total - right) + " 题，已记入错题本，逐题解析见各题下方。");
    }
    var submit = quiz.querySelector(".quiz-submit");
    var redo = quiz.querySelector(".quiz-redo");
    if (submit) submit.hidden = true;
    if (redo) {
      redo.hidden = false;
      redo.focus();
    }
  }

  function redo(quiz) {
    var questions = quiz.querySelectorAll("fieldset.quiz-q");
    for (var i = 0; i < questions.length; i++) {
      var q = questions[i];
      q.classList.remove("is-right", "is-wrong");
      var feedback = q.querySelector(".quiz-feedback");
      if (feedback) feedback.hidden = true;
      var inputs = q.querySelectorAll("input");
      for (var k = 0; k < inputs.length; k++) {
        inputs[k].disabled = false;
        if (inputs[k].type === "text") inputs[k].value = "";
        else inputs[k].checked = false;
      }
    }
    var score = quiz.querySelector(".quiz-score");
    if (score) score.textContent = "";
    var submit = quiz.querySelector(".quiz-submit");
    var redoBtn = quiz.querySelector(".quiz-redo");
    if (redoBtn) redoBtn.hidden = true;
    if (submit) submit.hidden = false;
    var first = quiz.querySelector("fieldset.quiz-q input");
    if (first) first.focus();
  }

  function setUpQuizzes() {
    var quizzes = document.querySelectorAll("section.quiz[data-quiz]");
    for (var i = 0; i < quizzes.length; i++) {
      (function (quiz) {
        var form = quiz.querySelector("form");
        if (!form) return;
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          grade(quiz);
        });
        var again = quiz.querySelector(".quiz-redo");
        if (again) {
          again.addEventListener("click", function () {
            redo(quiz);
          });
        }
      })(quizzes[i]);
    }
  }

  /* ---- 读完、标记为已学 ---- */

  function noteRead() {
    var doc = document.querySelector("[data-study-url]");
    var article = doc && doc.querySelector("article.content");
    if (!article || typeof IntersectionObserver === "undefined") return;
    var end = document.createElement("div");
    end.className = "study-end";
    end.setAttribute("aria-hidden", "true");
    article.appendChild(end);
    var scrolled = false;
    window.addEventListener("scroll", function () {
      scrolled = true;
    }, { passive: true });
    var observer = new IntersectionObserver(function (entries) {
      var seen = entries.some(function (e) {
        return e.isIntersecting;
      });
      var short = document.documentElement.scrollHeight <= window.innerHeight;
      if (!seen || !(scrolled || short)) return;
      var r = record();
      r.read[doc.getAttribute("data-study-url")] = {
        title: doc.getAttribute("data-study-title") || document.title,
        minutes: parseInt(doc.getAttribute("data-study-minutes"), 10) || 0,
        date: today()
      };
      save(STUDY_KEY, r);
      observer.disconnect();
    });
    observer.observe(end);
  }

  /* 路径标记在 site.js 里切换；这里记下页面的标题和学时，供“我的学习”列出。 */
  function onPathMark(event) {
    var btn = event.target && event.target.closest ? event.target.closest("button[data-path-mark]") : null;
    if (!btn) return;
    var r = record();
    r.steps[btn.getAttribute("data-step")] = {
      title: btn.getAttribute("data-step-title") || btn.getAttribute("data-step"),
      minutes: parseInt(btn.getAttribute("data-step-minutes"), 10) || 0,
      date: today()
    };
    save(STUDY_KEY, r);
  }

  /* ---- 我的学习 ---- */

  function markedUrls() {
    var paths = load(PATHS_KEY) || {};
    var urls = [];
    Object.keys(paths).forEach(function (slug) {
      (Array.isArray(paths[slug]) ? paths[slug] : []).forEach(function (u) {
        if (typeof u === "string" && urls.indexOf(u) < 0) urls.push(u);
      });
    });
    return urls;
  }

  function studiedPages(r) {
    var pages = {};
    Object.keys(r.read).forEach(function (url) {
      var p = r.read[url];
      pages[url] = { url: url, title: p.title, minutes: p.minutes || 0, date: p.date, how: "读完" };
    });
    markedUrls().forEach(function (url) {
      var p = r.steps[url] || { title: url, minutes: 0, date: "" };
      if (pages[url]) pages[url].how = "读完、路径标记";
      else pages[url] = { url: url, title: p.title, minutes: p.minutes || 0, date: p.date, how: "路径标记" };
    });
    return Object.keys(pages).map(function (k) {
      return pages[k];
    });
  }

  function base() {
    var study = document.getElementById("study");
    return (study && study.getAttribute("data-base")) || "";
  }

  function link(url, text) {
    var a = document.createElement("a");
    a.href = base() + url;
    a.textContent = text;
    return a;
  }

  function cell(row, content) {
    var td = document.createElement("td");
    if (typeof content === "string") td.textContent = content;
    else td.appendChild(content);
    row.appendChild(td);
  }

  function byDate(a, b) {
    return String(b.date || "").localeCompare(String(a.date || ""));
  }

  function renderStudy() {
    var study = document.getElementById("study");
    if (!study) return;
    var r = record();
    var wrong = Object.keys(r.wrong).map(function (k) {
      return r.wrong[k];
    }).sort(byDate);
    var pages = studiedPages(r).sort(byDate);
    var quizzes = Object.keys(r.quizzes).map(function (url) {
      var q = r.quizzes[url];
      return { url: url, title: q.title, score: q.score, total: q.total, date: q.date };
    }).sort(byDate);
    var minutes = pages.reduce(function (sum, p) {
      return sum + (p.minutes || 0);
    }, 0);
    var counts = { pages: pages.length, minutes: minutes, quizzes: quizzes.length, wrong: wrong.length };
    Object.keys(counts).forEach(function (k) {
      var el = study.querySelector('[data-study-count="' + k + '"]');
      if (el) el.textContent = String(counts[k]);
    });
    var day = study.querySelector("[data-study-today]");
    if (day) day.textContent = today();

    var list = study.querySelector('[data-study-list="wrong"]');
    list.textContent = "";
    wrong.forEach(function (w) {
      var li = document.createElement("li");
      var p = document.createElement("p");
      p.className = "study-wrong-q";
      p.textContent = w.text;
      li.appendChild(p);
      var meta = document.createElement("p");
      meta.className = "meta";
      meta.appendChild(link(w.url + "#self-test-" + w.q, "《" + w.title + "》自测，重新作答"));
      meta.appendChild(document.createTextNode("　" + (w.date || "")));
      li.appendChild(meta);
      if (w.answer) {
        var key = document.createElement("details");
        var summary = document.createElement("summary");
        summary.textContent = "查看答案";
        key.appendChild(summary);
        var text = document.createElement("p");
        text.textContent = w.answer;
        key.appendChild(text);
        li.appendChild(key);
      }
      list.appendChild(li);
    });

    function table(name, rows, fill) {
      var t = study.querySelector('[data-study-table="' + name + '"]');
      var body = t.querySelector("tbody");
      body.textContent = "";
      rows.forEach(function (item) {
        var tr = document.createElement("tr");
        fill(tr, item);
        body.appendChild(tr);
      });
      t.hidden = rows.length === 0;
      study.querySelector('[data-study-empty="' + name + '"]').hidden = rows.length > 0;
    }
    table("pages", pages, function (tr, p) {
      cell(tr, link(p.url, p.title));
      cell(tr, p.how);
      cell(tr, p.date || "");
      cell(tr, p.minutes ? p.minutes + " 分钟" : "—");
    });
    table("quizzes", quizzes, function (tr, q) {
      cell(tr, link(q.url + "#self-test", q.title));
      cell(tr, q.score + " / " + q.total);
      cell(tr, q.date || "");
    });
    list.hidden = wrong.length === 0;
    study.querySelector('[data-study-empty="wrong"]').hidden = wrong.length > 0;
    study.hidden = false;
  }

  function say(text) {
    var el = document.querySelector(".study-message");
    if (el) el.textContent = text;
  }

  function exportRecord() {
    var data = {
      app: "zhiku",
      kind: "study-record",
      version: VERSION,
      exported: today(),
      study: record(),
      paths: load(PATHS_KEY) || {}
    };
    var blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "zhiku-study-" + today() + ".json";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () {
      URL.revokeObjectURL(a.href);
      a.remove();
    }, 0);
    say("已导出学习记录（" + a.download + "）。");
  }

  /* 导入与本机已有记录合并：同一条以日期较新的为准。 */
  function importRecord(text) {
    var data;
    try {
      data = JSON.parse(text);
    } catch (e) {
      data = null;
    }
    if (!data || data.app !== "zhiku" || data.kind !== "study-record" || !data.study) {
      say("导入失败：这不是知库导出的学习记录文件。");
      return;
    }
    var mine = record();
    ["wrong", "quizzes", "read", "steps"].forEach(function (k) {
      var theirs = data.study[k];
      if (!theirs || typeof theirs !== "object") return;
      Object.keys(theirs).forEach(function (id) {
        var item = theirs[id];
        if (!item || typeof item !== "object") return;
        if (!mine[k][id] || String(item.date || "") >= String(mine[k][id].date || "")) mine[k][id] = item;
      });
    });
    save(STUDY_KEY, mine);
    var paths = load(PATHS_KEY) || {};
    var incoming = data.paths && typeof data.paths === "object" ? data.paths : {};
    Object.keys(incoming).forEach(function (slug) {
      var list = Array.isArray(paths[slug]) ? paths[slug] : [];
      (Array.isArray(incoming[slug]) ? incoming[slug] : []).forEach(function (u) {
        if (typeof u === "string" && list.indexOf(u) < 0) list.push(u);
      });
      paths[slug] = list;
    });
    save(PATHS_KEY, paths);
    renderStudy();
    say("已导入学习记录。");
  }

  function setUpStudyPage() {
    var study = document.getElementById("study");
    if (!study) return;
    renderStudy();
    study.addEventListener("click", function (event) {
      var t = event.target;
      if (!t || !t.closest) return;
      if (t.closest("[data-study-export]")) exportRecord();
      else if (t.closest("[data-study-print]")) window.print();
      else if (t.closest("[data-study-clear]")) {
        if (window.confirm("清除本浏览器中的全部学习记录和错题？此操作不能撤销。")) {
          try {
            window.localStorage.removeItem(STUDY_KEY);
            window.localStorage.removeItem(PATHS_KEY);
          } catch (e) {
            /* 忽略 */
          }
          renderStudy();
          say("已清除。");
        }
      }
    });
    var file = study.querySelector("[data-study-import]");
    if (file) {
      file.addEventListener("change", function () {
        var f = file.files && file.files[0];
        if (!f) return;
        var reader = new FileReader();
        reader.onload = function () {
          importRecord(String(reader.result || ""));
          file.value = "";
        };
        reader.readAsText(f);
      });
    }
  }

  /* 学习手册：`zhiku print` 第二遍打印时用 ?pages=step-1:3,… 把页码填进目录。 */
  function tocPages() {
    var spans = document.querySelectorAll(".handbook-toc [data-page-of]");
    if (!spans.length || typeof URLSearchParams === "undefined") return;
    var given = new URLSearchParams(window.location.search).get("pages");
    if (!given) return;
    var pages = {};
    given.split(",").forEach(function (pair) {
      var kv = pair.split(":");
      if (kv.length === 2 && /^\d{1,4}$/.test(kv[1])) pages[kv[0]] = kv[1];
    });
    for (var i = 0; i < spans.length; i++) {
      spans[i].textContent = pages[spans[i].getAttribute("data-page-of")] || "";
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    try {
      tocPages();
      setUpQuizzes();
      noteRead();
      setUpStudyPage();
      document.addEventListener("click", onPathMark, true);
    } catch (e) {
      /* 忽略：页面仍可阅读，自测答案在“参考答案”里 */
    }
  });
})();
