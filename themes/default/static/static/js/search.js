/* 知库默认主题：全文检索页（/search/）。
 *
 * - 数据来源只有一个入口 fetchResults(params)：有 zhiku 服务器时请求它的 GET /api/search，
 *   纯静态托管时用浏览器内的静态索引（search-static.js，读取 /search/ 下的索引包），
 *   两者返回同样的 JSON，无需任何配置；判断方法见 detectBackend。
 * - 页面状态全部保存在地址栏：每次检索都 history.pushState，前进、后退（popstate）
 *   和直接打开带参数的链接都能还原检索词、筛选条件和结果。
 * - 服务器返回的 title_html、snippet 只保留文字和 <mark>，其余字段一律作为纯文本写入。
 * - 不使用 console；任何错误都在页面内提示，不向外抛出。 */
(function () {
  "use strict";

  var TAGS_COLLAPSED = 12;

  /* 种类、效力状态、栏目和分类的名称来自构建生成的 zhiku-tables.js。 */
  var TABLES = window.ZhikuTables || {};
  /* 站点发布所在的路径（如 /dangjian），结果的地址是站内路径，链接时加上它。 */
  var BASE = TABLES.base_path || "";
  function labels(list) {
    var out = {};
    (list || []).forEach(function (e) { out[e.name] = e.label; });
    return out;
  }
  var KINDS = labels(TABLES.kinds);
  var STATUSES = labels(TABLES.statuses);
  var PAGE_SIZE = (TABLES.query || {}).default_page_size;
  /* 没有结果时给出的浏览入口：各栏目，再加标签、地区。 */
  var BROWSE = (TABLES.sections || []).map(function (s) { return [s.url, s.title]; })
    .concat((TABLES.taxonomies || []).map(function (t) { return [t.url, t.label]; }));
  var SORTS = TABLES.sorts || [];
  var FILTER_TABLE = TABLES.filters || [];
  var TEXT_FILTERS = FILTER_TABLE.filter(function (f) { return !f.choice; }).map(function (f) { return f.param; });
  var FILTER_KEYS = FILTER_TABLE.map(function (f) { return f.param; });
  var DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

  /* 筛选面板的分组：facet 为返回数据中 facets 的键，param 为对应的检索参数。
   * 年份分组没有单独的参数，选中某年即把 from、to 都设为该年。 */
  var FACET_GROUPS = (TABLES.facets || []).map(function (f) { return { facet: f.key, param: f.param, title: f.title }; });
  /* 分面的标题（类别、效力状态……）加冒号，用于已选条件和结果的隐藏说明。 */
  function titleOf(facet) {
    var g = FACET_GROUPS.filter(function (x) { return x.facet === facet; })[0];
    return (g ? g.title : facet) + "：";
  }

  /* ---------- 数据来源 ---------- */

  function searchError(message, param, type) {
    var err = new Error(message);
    err.param = param || null;
    err.type = type || "server";
    return err;
  }

  /* zhiku 服务器（zhiku serve）给它送出的每个文件都加上 X-Zhiku-Search 头，值为检索接口的
   * 地址；纯静态托管没有这个头。对本页地址发一次 HEAD 请求即可判断（这个地址一定存在，
   * 不会产生 404 和控制台错误）。结果在页面存续期间不变；网络故障时下次再试。 */
  var backend = null; // Promise：接口地址，或 null（使用静态索引）

  function detectBackend() {
    if (!backend) {
      var probe = fetch(window.location.pathname, { method: "HEAD", credentials: "same-origin", cache: "no-store" })
        .then(function (res) {
          var api = res.headers.get("X-Zhiku-Search") || "";
          // 读完（空的）响应体，请求才算正常结束，否则浏览器会把它记为中止
          return res.text().then(function () {
            return api.charAt(0) === "/" && api.charAt(1) !== "/" ? api : null;
          });
        });
      backend = probe;
      probe.catch(function () { if (backend === probe) backend = null; });
    }
    return backend;
  }

  /**
   * 执行一次检索。params 为普通对象，键为 q、kind、tag、region、issuer、status、
   * from、to、sort、page、size，空值会被省略。
   * 成功时返回 /api/search 的 JSON；参数错误（400）时抛出带 .param 的 Error，
   * 网络或服务器故障时抛出带友好提示的 Error（.type 为 "network" 或 "server"）。
   */
  async function fetchResults(params) {
    var clean = {};
    Object.keys(params).forEach(function (key) {
      var v = params[key];
      if (v !== undefined && v !== null && String(v) !== "") clean[key] = String(v);
    });
    var api;
    try {
      api = await detectBackend();
    } catch (e) {
      throw searchError("无法连接检索服务，请检查网络连接后重试。", null, "network");
    }
    return api ? fetchServer(api, clean) : fetchStatic(clean);
  }

  async function fetchStatic(params) {
    var engine = window.ZhikuStaticSearch;
    if (!engine || typeof engine.search !== "function") {
      throw searchError("检索功能未能加载，请刷新页面后重试。", null, "client");
    }
    try {
      return await engine.search(params);
    } catch (err) {
      var message = err && err.message ? err.message : "检索时出现问题，请稍后再试。";
      if (err && err.param) throw searchError(message, err.param, "param");
      throw searchError(message, null, err && err.type === "network" ? "network" : "server");
    }
  }

  async function fetchServer(api, params) {
    var res;
    try {
      res = await fetch(api + "?" + new URLSearchParams(params).toString(), {
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      });
    } catch (e) {
      throw searchError("无法连接检索服务，请检查网络连接后重试。", null, "network");
    }
    var data = null;
    try {
      data = await res.json();
    } catch (e) {
      data = null;
    }
    if (res.status === 400) {
      var msg = data && typeof data.error === "string" && data.error ? data.error : "检索参数有误，请修改后重试。";
      throw searchError(msg, data && typeof data.param === "string" ? data.param : null, "param");
    }
    if (!res.ok) {
      throw searchError("检索服务暂时不可用（" + res.status + "），请稍后再试。", null, "server");
    }
    if (!data || typeof data !== "object" || !Array.isArray(data.hits)) {
      throw searchError("检索服务返回的数据无法识别，请稍后再试。", null, "server");
    }
    return data;
  }

  /* ---------- 页面状态（与地址栏一一对应） ---------- */

  function emptyState() {
    return { q: "", kind: "", tag: "", region: "", issuer: "", status: "", from: "", to: "", sort: "relevance", page: 1 };
  }

  function copyState(s) {
    var c = emptyState();
    Object.keys(c).forEach(function (k) { c[k] = s[k]; });
    return c;
  }

  function stateFromSearch(search) {
    var p = new URLSearchParams(search || "");
    var s = emptyState();
    s.q = (p.get("q") || "").trim();
    TEXT_FILTERS.forEach(function (k) { s[k] = (p.get(k) || "").trim(); });
    var kind = p.get("kind") || "";
    if (Object.prototype.hasOwnProperty.call(KINDS, kind)) s.kind = kind;
    var status = p.get("status") || "";
    if (Object.prototype.hasOwnProperty.call(STATUSES, status)) s.status = status;
    var sort = p.get("sort") || "";
    if (SORTS.indexOf(sort) >= 0) s.sort = sort;
    var page = parseInt(p.get("page") || "1", 10);
    s.page = isFinite(page) && page >= 1 ? Math.min(page, 10000) : 1;
    return s;
  }

  /* 地址栏与接口共用的参数：省略空值、默认排序和第 1 页。 */
  function stateParams(s) {
    var out = {};
    if (s.q) out.q = s.q;
    FILTER_KEYS.forEach(function (k) { if (s[k]) out[k] = s[k]; });
    if (s.sort && s.sort !== "relevance") out.sort = s.sort;
    if (s.page > 1) out.page = String(s.page);
    return out;
  }

  function apiParams(s) {
    var out = stateParams(s);
    out.size = String(PAGE_SIZE);
    return out;
  }

  function stateUrl(s) {
    var qs = new URLSearchParams(stateParams(s)).toString();
    return window.location.pathname + (qs ? "?" + qs : "");
  }

  function hasFilters(s) {
    return FILTER_KEYS.some(function (k) { return !!s[k]; });
  }

  function isBlank(s) {
    return !s.q && !hasFilters(s);
  }

  function yearOf(s) {
    return /^\d{4}$/.test(s.from) && s.from === s.to ? s.from : "";
  }

  function validDate(v) {
    var m = DATE_RE.exec(v);
    if (!m) return false;
    if (m[2] && (Number(m[2]) < 1 || Number(m[2]) > 12)) return false;
    if (m[3] && (Number(m[3]) < 1 || Number(m[3]) > 31)) return false;
    return true;
  }

  /* ---------- 页面元素 ---------- */

  var el = {};
  var current = emptyState();
  var seq = 0;
  var busyTimer = 0;
  var tagsExpanded = false;
  var filtersOpen = false;
  var baseTitle = document.title;
  var lastFacets = null; // 最近一次的分面数据，供“显示全部标签”直接重绘

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function hidden(text) {
    return make("span", "visually-hidden", text);
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  /* 把只含 <mark> 的 HTML 写入元素：借助 <template> 解析（不执行脚本、不加载资源），
   * 再只复制文字和 <mark>，其余标签去掉外壳、保留文字。 */
  function setMarkedHTML(target, html) {
    clear(target);
    if (typeof html !== "string" || html === "") return;
    var tpl = document.createElement("template");
    tpl.innerHTML = html;
    copyMarked(tpl.content, target);
  }

  function copyMarked(from, to) {
    for (var n = from.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3) {
        to.appendChild(document.createTextNode(n.nodeValue));
      } else if (n.nodeType === 1) {
        if (n.nodeName === "MARK") {
          var mark = document.createElement("mark");
          copyMarked(n, mark);
          to.appendChild(mark);
        } else {
          copyMarked(n, to);
        }
      }
    }
  }

  /* 只接受站内链接，防止 javascript: 等地址。 */
  function safeHref(url) {
    if (typeof url !== "string" || url === "") return null;
    if (url.charAt(0) === "/" && url.charAt(1) !== "/" && url.charAt(1) !== "\\") return url;
    try {
      var u = new URL(url, window.location.href);
      if (u.origin === window.location.origin) return u.pathname + u.search + u.hash;
    } catch (e) {
      /* 不是合法地址 */
    }
    return null;
  }

  function formatDate(d) {
    var m = typeof d === "string" ? DATE_RE.exec(d) : null;
    if (!m) return typeof d === "string" ? d : "";
    var out = m[1] + "年";
    if (m[2]) out += Number(m[2]) + "月";
    if (m[3]) out += Number(m[3]) + "日";
    return out;
  }

  function formatMs(ms) {
    var n = Number(ms);
    if (typeof ms !== "number" || !isFinite(n) || n < 0) return "";
    if (n >= 10) return String(Math.round(n));
    if (n === 0) return "0";
    return String(Number(n.toPrecision(2)));
  }

  function toInt(v, fallback) {
    var n = Number(v);
    return isFinite(n) && n >= 0 ? Math.floor(n) : fallback;
  }

  function kindLabel(kind) {
    return Object.prototype.hasOwnProperty.call(KINDS, kind) ? KINDS[kind] : kind;
  }

  function statusLabel(status) {
    return Object.prototype.hasOwnProperty.call(STATUSES, status) ? STATUSES[status] : status;
  }

  /* 结果区和筛选面板每次都整体重绘。若焦点原本在其中（例如刚按下的筛选按钮），
   * 重绘后按 data-focus-key 把焦点放回对应的新元素，键盘用户不会丢失位置；
   * 找不到时退到第一个“当前筛选”按钮，再退到检索词框。 */
  function repaint(fn) {
    var a = document.activeElement;
    var memo = a && a !== document.body && el.layout.contains(a) ? (a.getAttribute("data-focus-key") || "") : null;
    fn();
    if (memo === null) return;
    // 焦点仍在某个元素上（未被替换，或 fn 已主动移动焦点）时不干预
    if (document.activeElement && document.activeElement !== document.body) return;
    var nodes = el.layout.querySelectorAll("[data-focus-key]");
    for (var i = 0; i < nodes.length; i++) {
      if (memo && nodes[i].getAttribute("data-focus-key") === memo) {
        nodes[i].focus();
        return;
      }
    }
    var chip = memo.indexOf("chip-") === 0 ? el.active.querySelector("button") : null;
    if (chip) chip.focus();
    else focusQuery();
  }

  function focusQuery() {
    if (el.q) el.q.focus();
  }

  /* ---------- 表单 ---------- */

  function syncForm(s) {
    el.q.value = s.q;
    el.from.value = s.from;
    el.to.value = s.to;
    el.sort.value = s.sort === "date" ? "date" : "relevance";
    clearFieldErrors();
  }

  function clearFieldErrors() {
    [el.q, el.from, el.to, el.sort].forEach(function (input) {
      input.removeAttribute("aria-invalid");
    });
    el.from.setAttribute("aria-describedby", "search-date-hint");
    el.to.setAttribute("aria-describedby", "search-date-hint");
    el.dateError.hidden = true;
    el.dateError.textContent = "";
  }

  function markFieldError(param, message) {
    var input = { q: el.q, from: el.from, to: el.to, sort: el.sort }[param];
    if (!input) return null;
    input.setAttribute("aria-invalid", "true");
    if (param === "from" || param === "to") {
      el.dateError.textContent = message;
      el.dateError.hidden = false;
      input.setAttribute("aria-describedby", "search-date-error search-date-hint");
    }
    return input;
  }

  function dateProblem(s) {
    if (s.from && !validDate(s.from)) return { param: "from", message: "起始日期“" + s.from + "”格式不对，请填写 2019、2019-05 或 2019-05-06 这样的日期。" };
    if (s.to && !validDate(s.to)) return { param: "to", message: "截止日期“" + s.to + "”格式不对，请填写 2019、2019-05 或 2019-05-06 这样的日期。" };
    if (s.from && s.to && s.from.slice(0, 4) > s.to.slice(0, 4)) return { param: "to", message: "截止日期早于起始日期，请调整日期范围。" };
    return null;
  }

  /* ---------- 检索与导航 ---------- */

  /* 用户操作：写入地址栏（新的历史记录）后检索。 */
  function navigate(next, opts) {
    current = next;
    var url = stateUrl(next);
    try {
      if (url !== window.location.pathname + window.location.search) {
        window.history.pushState(null, "", url);
      }
    } catch (e) {
      /* 无法写入历史记录时仍然显示结果 */
    }
    syncForm(next);
    start(next, opts || {});
  }

  function start(s, opts) {
    run(s, opts).catch(function () {
      /* run 内部已在页面上提示，这里只防止未处理的 Promise 拒绝 */
    });
  }

  /* 结果区的 data-state（loading、results、empty、error、intro）和 data-url（所显示的检索
   * 对应的地址）供自动化测试判断页面是否已显示当前地址的结果。 */
  function markState(s, state) {
    el.results.setAttribute("data-state", state);
    el.results.setAttribute("data-url", stateUrl(s));
  }

  async function run(s, opts) {
    var my = ++seq;
    el.facets.removeAttribute("aria-busy");
    clearFieldErrors();
    updateTitle(s);

    var problem = dateProblem(s);
    if (problem) {
      setBusy(false);
      markFieldError(problem.param, problem.message);
      repaint(function () { renderMessage(problem.message, "is-error"); });
      markState(s, "error");
      return;
    }
    if (isBlank(s)) {
      setBusy(false);
      repaint(renderIntro);
      markState(s, "intro");
      return;
    }

    setBusy(true);
    markState(s, "loading");
    var data;
    try {
      data = await fetchResults(apiParams(s));
    } catch (err) {
      if (my !== seq) return;
      setBusy(false);
      repaint(function () { renderError(err, opts); });
      markState(s, "error");
      return;
    }
    if (my !== seq) return; // 已有更新的检索，丢弃过时的结果
    setBusy(false);
    try {
      repaint(function () { render(s, data); });
      // 静态检索的标签、地区计数在结果显示之后才到：筛选面板标为忙，到了再重绘
      if (typeof data.more_facets === "function") moreFacets(s, my, data.more_facets);
      markState(s, toInt(data.total, 0) > 0 ? "results" : "empty");
    } catch (e) {
      repaint(function () { renderError(searchError("显示检索结果时出错，请刷新页面后重试。", null, "client"), opts); });
      markState(s, "error");
      return;
    }
    if (opts && opts.focusResults) {
      el.resultsTitle.focus();
      if (el.results.scrollIntoView) el.results.scrollIntoView({ block: "start" });
    }
  }

  function setBusy(on) {
    if (busyTimer) {
      window.clearTimeout(busyTimer);
      busyTimer = 0;
    }
    // aria-busy 只加在结果列表上，不加在状态行的祖先上，以免读屏软件推迟播报“正在检索”
    if (on) {
      el.body.setAttribute("aria-busy", "true");
      el.results.classList.add("is-loading");
      busyTimer = window.setTimeout(function () {
        busyTimer = 0;
        setStatus("正在检索……", "is-loading");
      }, 300);
    } else {
      el.body.removeAttribute("aria-busy");
      el.results.classList.remove("is-loading");
    }
  }

  function updateTitle(s) {
    document.title = s.q ? "“" + s.q + "”的检索结果 - " + baseTitle : baseTitle;
  }

  /* ---------- 渲染 ---------- */

  function setStatus(content, className) {
    clear(el.status);
    el.status.className = "search-status" + (className ? " " + className : "");
    if (content === null || content === undefined) return;
    if (typeof content === "string") {
      el.status.appendChild(make("p", null, content));
    } else {
      el.status.appendChild(content);
    }
  }

  function showFilters(show) {
    el.filters.hidden = !show;
    el.layout.classList.toggle("has-filters", show);
  }

  function renderIntro() {
    setStatus(null);
    renderActive(current);
    clear(el.body);
    clear(el.pages);
    clear(el.facets);
    showFilters(false);
    var box = make("div", "search-intro");
    box.appendChild(make("p", null, "输入检索词后按回车或点击“检索”。也可以只填写发布日期，列出该时间段内的全部文档。"));
    el.body.appendChild(box);
  }

  function renderMessage(message, className) {
    setStatus(message, className);
    renderActive(current);
    clear(el.body);
    clear(el.pages);
  }

  function renderError(err, opts) {
    var message = err && err.message ? err.message : "检索时出现问题，请稍后再试。";
    var type = err && err.type ? err.type : "server";
    var field = type === "param" && err.param ? markFieldError(err.param, message) : null;

    var box = make("div", "search-error");
    box.appendChild(make("p", null, (type === "param" ? "检索条件有误：" : "") + message));
    setStatus(box, "is-error");
    renderActive(current);
    clear(el.body);
    clear(el.pages);
    clear(el.facets);
    showFilters(false);

    if (type === "param") {
      if (hasFilters(current)) el.body.appendChild(clearFiltersButton("清除全部筛选条件", "error-clear"));
    } else {
      var retry = make("button", "search-button-secondary", "重新检索");
      retry.type = "button";
      retry.setAttribute("data-action", "retry");
      el.body.appendChild(retry);
    }
    if (field && opts && opts.fromForm) field.focus();
  }

  function render(s, data) {
    var total = toInt(data.total, 0);
    var size = toInt(data.size, PAGE_SIZE) || PAGE_SIZE;
    var page = toInt(data.page, s.page) || 1;
    var totalPages = toInt(data.total_pages, Math.ceil(total / size));
    var hits = data.hits;

    // 状态行
    var status = make("p");
    if (total > 0) {
      var text = "找到 " + total + " 篇文档";
      var ms = formatMs(data.took_ms);
      if (ms) text += "，用时 " + ms + " 毫秒";
      if (totalPages > 1) text += "（第 " + page + " / " + totalPages + " 页）";
      status.textContent = text;
    } else {
      status.textContent = s.q ? "没有找到与“" + s.q + "”相关的文档。" : "没有找到符合筛选条件的文档。";
    }
    var statusBox = make("div");
    statusBox.appendChild(status);
    var notes = assistNotes(s, data);
    if (notes) statusBox.appendChild(notes);
    setStatus(statusBox, total > 0 ? "" : "is-empty");

    renderActive(s);
    renderFacets(s, data.facets && typeof data.facets === "object" ? data.facets : {});

    clear(el.body);
    if (total === 0) {
      el.body.appendChild(noResultsHelp(s));
    } else if (hits.length === 0) {
      var past = make("div", "search-empty");
      past.appendChild(make("p", null, "这一页没有结果。"));
      var first = copyState(s);
      first.page = 1;
      past.appendChild(pageLink(first, "回到第 1 页", "first"));
      el.body.appendChild(past);
    } else {
      var list = make("ol", "search-hits");
      list.start = (page - 1) * size + 1;
      hits.forEach(function (hit) {
        if (hit && typeof hit === "object") list.appendChild(renderHit(hit));
      });
      el.body.appendChild(list);
    }

    renderPagination(s, page, totalPages, total);
  }

  /* 检索辅助的说明：纠错建议（只建议，不替换查询）、拼音读法、同时检索的同义词。 */
  function assistNotes(s, data) {
    var box = make("div", "search-assist"), any = false;
    if (typeof data.suggestion === "string" && data.suggestion) {
      var p = make("p", "search-suggestion");
      p.appendChild(document.createTextNode("您是不是要找："));
      var next = copyState(s);
      next.q = data.suggestion;
      next.page = 1;
      var a = make("a", null, data.suggestion);
      a.href = stateUrl(next);
      a.setAttribute("data-action", "suggest");
      a.setAttribute("data-q", data.suggestion);
      p.appendChild(a);
      box.appendChild(p);
      any = true;
    }
    if (typeof data.expanded === "string" && data.expanded) {
      box.appendChild(make("p", "search-expanded", "已按拼音读作“" + data.expanded + "”检索。"));
      any = true;
    }
    var also = Array.isArray(data.also) ? data.also.filter(function (w) { return typeof w === "string"; }) : [];
    if (also.length) {
      box.appendChild(make("p", "search-also", "同时检索了同义词：" + also.join("、") + "。"));
      any = true;
    }
    return any ? box : null;
  }

  function renderHit(hit) {
    var kind = typeof hit.kind === "string" ? hit.kind : "";
    var li = make("li", "search-hit" + (Object.prototype.hasOwnProperty.call(KINDS, kind) ? " kind-" + kind : ""));

    var h = make("h3", "search-hit-title");
    var href = safeHref(hit.url);
    if (href && href.charAt(0) === "/") href = BASE + href;
    var titleBox = href ? make("a") : make("span");
    if (href) titleBox.href = href;
    if (typeof hit.title_html === "string" && hit.title_html) {
      setMarkedHTML(titleBox, hit.title_html);
    } else {
      titleBox.textContent = typeof hit.title === "string" && hit.title ? hit.title : (href || "（无标题）");
    }
    h.appendChild(titleBox);
    li.appendChild(h);

    var meta = make("p", "meta search-hit-meta");
    var label = typeof hit.kind_label === "string" && hit.kind_label ? hit.kind_label : kindLabel(kind);
    if (label) {
      var k = make("span", "search-hit-kind");
      k.appendChild(hidden(titleOf("kind")));
      k.appendChild(document.createTextNode(label));
      meta.appendChild(k);
    }
    if (typeof hit.date === "string" && hit.date) {
      var d = make("span", "search-hit-date");
      d.appendChild(hidden("发布日期："));
      var t = make("time", null, formatDate(hit.date));
      t.setAttribute("datetime", hit.date);
      d.appendChild(t);
      meta.appendChild(d);
    }
    if (typeof hit.doc_number === "string" && hit.doc_number) {
      var n = make("span", "doc-number search-hit-docno");
      n.appendChild(hidden("文号："));
      n.appendChild(document.createTextNode(hit.doc_number));
      meta.appendChild(n);
    }
    if (typeof hit.status === "string" && hit.status) {
      var st = make("span", "search-hit-status");
      st.appendChild(hidden(titleOf("status")));
      var cls = Object.prototype.hasOwnProperty.call(STATUSES, hit.status) ? " status-" + hit.status : "";
      st.appendChild(make("span", "badge" + cls, typeof hit.status_label === "string" && hit.status_label ? hit.status_label : statusLabel(hit.status)));
      meta.appendChild(st);
    }
    if (typeof hit.region === "string" && hit.region) {
      var r = make("span", "search-hit-region");
      r.appendChild(hidden("地区："));
      r.appendChild(document.createTextNode(hit.region));
      meta.appendChild(r);
    }
    if (meta.firstChild) li.appendChild(meta);

    if (typeof hit.snippet === "string" && hit.snippet) {
      var snip = make("p", "search-hit-snippet");
      setMarkedHTML(snip, hit.snippet);
      li.appendChild(snip);
    }
    return li;
  }

  function noResultsHelp(s) {
    var box = make("div", "search-empty");
    box.appendChild(make("p", "search-empty-title", "可以试试："));
    var ul = make("ul");
    if (s.q) {
      ul.appendChild(make("li", null, "检查检索词有没有错别字；"));
      ul.appendChild(make("li", null, "减少关键词，或换用更常见、更简短的说法；"));
      if (/["“”]/.test(s.q) || /(^|\s)-\S/.test(s.q)) {
        ul.appendChild(make("li", null, "去掉引号（短语检索）或减号（排除）后再试；"));
      }
    }
    if (hasFilters(s)) {
      ul.appendChild(make("li", null, "去掉部分筛选条件，或放宽发布日期范围。"));
    } else {
      ul.appendChild(make("li", null, "按栏目、标签或地区浏览全部文档。"));
    }
    box.appendChild(ul);
    if (hasFilters(s)) {
      box.appendChild(clearFiltersButton("清除全部筛选条件", "empty-clear"));
    } else {
      var links = make("p", "search-browse");
      BROWSE.forEach(function (pair) {
        var a = make("a", null, pair[1]);
        a.href = pair[0];
        links.appendChild(a);
      });
      box.appendChild(links);
    }
    return box;
  }

  function clearFiltersButton(text, focusKey) {
    var b = make("button", "search-button-secondary", text);
    b.type = "button";
    b.setAttribute("data-action", "clear-filters");
    b.setAttribute("data-focus-key", focusKey);
    return b;
  }

  /* 当前筛选条件：每项可单独取消，另有“清除全部”。发文机关等没有分面的条件也在这里显示。 */
  function renderActive(s) {
    clear(el.active);
    var items = [];
    if (s.kind) items.push({ keys: ["kind"], text: titleOf("kind") + kindLabel(s.kind) });
    if (s.status) items.push({ keys: ["status"], text: titleOf("status") + statusLabel(s.status) });
    if (yearOf(s)) {
      items.push({ keys: ["from", "to"], text: titleOf("year") + s.from + "年" });
    } else if (s.from || s.to) {
      items.push({ keys: ["from", "to"], text: "发布日期：" + (s.from ? formatDate(s.from) : "不限") + " 至 " + (s.to ? formatDate(s.to) : "不限") });
    }
    if (s.region) items.push({ keys: ["region"], text: titleOf("region") + s.region });
    if (s.tag) items.push({ keys: ["tag"], text: titleOf("tags") + s.tag });
    if (s.issuer) items.push({ keys: ["issuer"], text: "发文机关：" + s.issuer });

    if (items.length === 0) {
      el.active.hidden = true;
      return;
    }
    el.active.hidden = false;
    el.active.appendChild(make("span", "search-active-label", "当前筛选："));
    var ul = make("ul", "search-active-list");
    items.forEach(function (item) {
      var li = make("li");
      var b = make("button", "search-chip");
      b.type = "button";
      b.setAttribute("data-action", "remove-filter");
      b.setAttribute("data-keys", item.keys.join(","));
      b.setAttribute("data-focus-key", "chip-" + item.keys.join(","));
      b.appendChild(make("span", null, item.text));
      b.appendChild(hidden("，取消此条件"));
      var x = make("span", "search-chip-x", "×");
      x.setAttribute("aria-hidden", "true");
      b.appendChild(x);
      li.appendChild(b);
      ul.appendChild(li);
    });
    el.active.appendChild(ul);
    if (items.length > 1) {
      var all = make("button", "search-chip-clear", "清除全部");
      all.type = "button";
      all.setAttribute("data-action", "clear-filters");
      all.setAttribute("data-focus-key", "chip-clear");
      el.active.appendChild(all);
    }
  }

  function moreFacets(s, my, more) {
    el.facets.setAttribute("aria-busy", "true");
    more().then(function (facets) {
      if (my !== seq) return;
      el.facets.removeAttribute("aria-busy");
      repaint(function () { renderFacets(s, facets); });
    }, function () {
      // 取不到时保留已有的分面，不打扰结果
      if (my === seq) el.facets.removeAttribute("aria-busy");
    });
  }

  function facetSelected(s, group) {
    if (group.param === "year") return yearOf(s);
    return s[group.param] || "";
  }

  function renderFacets(s, facets) {
    lastFacets = facets;
    clear(el.facets);
    var any = false;
    var selectedCount = 0;

    FACET_GROUPS.forEach(function (group) {
      var raw = Array.isArray(facets[group.facet]) ? facets[group.facet] : [];
      var items = [];
      raw.forEach(function (it) {
        if (!it || typeof it !== "object" || it.value === undefined || it.value === null) return;
        var value = String(it.value);
        if (value === "") return;
        items.push({
          value: value,
          label: typeof it.label === "string" && it.label ? it.label : value,
          count: toInt(it.count, 0)
        });
      });
      var selected = facetSelected(s, group);
      if (selected) selectedCount++;
      // 已选的条件即使计数为 0 也要显示
      if (selected && !items.some(function (it) { return it.value === selected; })) {
        var label = group.param === "kind" ? kindLabel(selected) : group.param === "status" ? statusLabel(selected) : selected;
        items.unshift({ value: selected, label: label, count: 0 });
      }
      items = items.filter(function (it) { return it.count > 0 || it.value === selected; });
      if (group.param === "year") {
        items.sort(function (a, b) { return a.value < b.value ? 1 : a.value > b.value ? -1 : 0; });
      }
      if (items.length === 0) return;
      any = true;

      var box = make("div", "facet-group facet-" + group.facet);
      box.setAttribute("role", "group");
      var titleId = "facet-title-" + group.facet;
      box.setAttribute("aria-labelledby", titleId);
      var h = make("h3", "facet-title", group.title);
      h.id = titleId;
      box.appendChild(h);

      var collapsible = group.param === "tag" && items.length > TAGS_COLLAPSED + 2;
      var ul = make("ul", "facet-list");
      items.forEach(function (it, i) {
        var pressed = it.value === selected;
        if (collapsible && !tagsExpanded && i >= TAGS_COLLAPSED && !pressed) return;
        var li = make("li");
        var b = make("button", "facet-btn");
        b.type = "button";
        b.setAttribute("aria-pressed", pressed ? "true" : "false");
        b.setAttribute("data-action", "toggle-facet");
        b.setAttribute("data-param", group.param);
        b.setAttribute("data-value", it.value);
        b.setAttribute("data-focus-key", "facet-" + group.param + "-" + it.value);
        b.appendChild(make("span", "facet-label", group.param === "year" ? it.label + "年" : it.label));
        var c = make("span", "facet-count");
        c.appendChild(hidden("，"));
        c.appendChild(document.createTextNode(String(it.count)));
        c.appendChild(hidden(" 篇"));
        b.appendChild(c);
        li.appendChild(b);
        ul.appendChild(li);
      });
      box.appendChild(ul);
      if (collapsible) {
        var more = make("button", "facet-more", tagsExpanded ? "收起标签" : "显示全部 " + items.length + " 个标签");
        more.type = "button";
        more.setAttribute("data-action", "toggle-tags");
        more.setAttribute("aria-expanded", tagsExpanded ? "true" : "false");
        more.setAttribute("data-focus-key", "facet-more");
        box.appendChild(more);
      }
      el.facets.appendChild(box);
    });

    showFilters(any);
    updateFiltersToggle(selectedCount);
  }

  function updateFiltersToggle(selectedCount) {
    var n = typeof selectedCount === "number" ? selectedCount : 0;
    el.toggle.textContent = (filtersOpen ? "收起筛选条件" : "显示筛选条件") + (n > 0 ? "（已选 " + n + " 项）" : "");
    el.toggle.setAttribute("aria-expanded", filtersOpen ? "true" : "false");
    el.filters.classList.toggle("is-open", filtersOpen);
  }

  function pageLink(s, text, key, label) {
    var a = make("a", null, text);
    a.href = stateUrl(s);
    a.setAttribute("data-action", "page");
    a.setAttribute("data-page", String(s.page));
    a.setAttribute("data-focus-key", "page-" + key);
    if (label) a.setAttribute("aria-label", label);
    return a;
  }

  /* 分页：与栏目页相同，只显示首页、末页和当前页前后两页。 */
  function renderPagination(s, page, totalPages, total) {
    clear(el.pages);
    if (totalPages <= 1) return;
    var nav = make("nav", "pagination");
    nav.setAttribute("aria-label", "检索结果分页");
    var ul = make("ul");

    function at(n) {
      var c = copyState(s);
      c.page = n;
      return c;
    }
    function item(node) {
      var li = make("li");
      li.appendChild(node);
      ul.appendChild(li);
    }

    if (page > 1) {
      var prev = pageLink(at(page - 1), "‹ 上一页", "prev");
      prev.rel = "prev";
      item(prev);
    }
    for (var n = 1; n <= totalPages; n++) {
      if (n === page) {
        var cur = make("span", "current", n);
        cur.setAttribute("aria-current", "page");
        item(cur);
      } else if (n === 1 || n === totalPages || (n >= page - 2 && n <= page + 2)) {
        item(pageLink(at(n), String(n), String(n), "第 " + n + " 页"));
      } else if (n === page - 3 || n === page + 3) {
        var gap = make("span", "gap", "…");
        gap.setAttribute("aria-hidden", "true");
        item(gap);
      }
    }
    if (page < totalPages) {
      var next = pageLink(at(page + 1), "下一页 ›", "next");
      next.rel = "next";
      item(next);
    }
    nav.appendChild(ul);
    nav.appendChild(make("p", "pagination-info", "第 " + page + " / " + totalPages + " 页，共 " + total + " 篇"));
    el.pages.appendChild(nav);
  }

  /* ---------- 事件 ---------- */

  /* 检索框、日期和排序一起生效：提交表单（回车或“检索”按钮）和改变排序都走这里。 */
  function applyForm() {
    var next = copyState(current);
    next.q = el.q.value.trim();
    next.from = el.from.value.trim();
    next.to = el.to.value.trim();
    next.sort = el.sort.value === "date" ? "date" : "relevance";
    next.page = 1;
    var problem = dateProblem(next);
    if (problem) {
      // 日期格式不对时不检索、不改地址栏，把焦点放到出错的输入框
      clearFieldErrors();
      var field = markFieldError(problem.param, problem.message);
      if (field) field.focus();
      return;
    }
    navigate(next, { fromForm: true });
  }

  function onSubmit(event) {
    event.preventDefault();
    applyForm();
  }

  function onSortChange() {
    applyForm();
  }

  function onClick(event) {
    var target = event.target && event.target.closest ? event.target.closest("[data-action]") : null;
    if (!target || !el.layout.contains(target)) return;
    var action = target.getAttribute("data-action");
    var next = copyState(current);

    if (action === "page") {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      var p = parseInt(target.getAttribute("data-page") || "1", 10);
      next.page = isFinite(p) && p >= 1 ? p : 1;
      navigate(next, { focusResults: true });
    } else if (action === "suggest") {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      next.q = target.getAttribute("data-q") || "";
      next.page = 1;
      navigate(next, {});
    } else if (action === "toggle-facet") {
      var param = target.getAttribute("data-param");
      var value = target.getAttribute("data-value") || "";
      var on = target.getAttribute("aria-pressed") === "true";
      if (param === "year") {
        next.from = on ? "" : value;
        next.to = on ? "" : value;
      } else if (FILTER_KEYS.indexOf(param) >= 0) {
        next[param] = on ? "" : value;
      } else {
        return;
      }
      next.page = 1;
      navigate(next, {});
    } else if (action === "remove-filter") {
      (target.getAttribute("data-keys") || "").split(",").forEach(function (k) {
        if (FILTER_KEYS.indexOf(k) >= 0) next[k] = "";
      });
      next.page = 1;
      navigate(next, {});
    } else if (action === "clear-filters") {
      FILTER_KEYS.forEach(function (k) { next[k] = ""; });
      next.page = 1;
      navigate(next, {});
    } else if (action === "toggle-tags") {
      tagsExpanded = !tagsExpanded;
      // 不必重新检索：用上一次的分面数据重绘
      if (lastFacets) repaint(function () { renderFacets(current, lastFacets); });
    } else if (action === "toggle-filters") {
      filtersOpen = !filtersOpen;
      updateFiltersToggle(countSelected(current));
    } else if (action === "retry") {
      focusQuery();
      start(current, {});
    }
  }

  function countSelected(s) {
    var n = 0;
    FACET_GROUPS.forEach(function (g) { if (facetSelected(s, g)) n++; });
    return n;
  }

  function onPopState() {
    current = stateFromSearch(window.location.search);
    syncForm(current);
    start(current, {});
  }

  function guard(fn) {
    return function (event) {
      try {
        fn(event);
      } catch (e) {
        try {
          renderError(searchError("页面出现问题，请刷新后重试。", null, "client"), {});
        } catch (e2) {
          /* 忽略 */
        }
      }
    };
  }

  function init() {
    el.form = document.getElementById("search-form");
    el.q = document.getElementById("search-q");
    el.from = document.getElementById("search-from");
    el.to = document.getElementById("search-to");
    el.sort = document.getElementById("search-sort");
    el.dateError = document.getElementById("search-date-error");
    el.layout = document.getElementById("search-app");
    el.filters = document.getElementById("search-filters");
    el.toggle = document.getElementById("search-filters-toggle");
    el.facets = document.getElementById("search-facets");
    el.results = document.getElementById("search-results");
    el.resultsTitle = document.getElementById("search-results-title");
    el.active = document.getElementById("search-active");
    el.status = document.getElementById("search-status");
    el.body = document.getElementById("search-body");
    el.pages = document.getElementById("search-pages");
    var required = ["form", "q", "from", "to", "sort", "dateError", "layout", "filters", "toggle", "facets", "results", "resultsTitle", "active", "status", "body", "pages"];
    for (var i = 0; i < required.length; i++) {
      if (!el[required[i]]) return; // 模板与脚本不匹配：保持页面原样
    }
    if (typeof window.fetch !== "function" || typeof URLSearchParams === "undefined" || !window.history || !window.history.pushState) {
      setStatus("您的浏览器版本过旧，无法使用全文检索，请升级浏览器后重试。", "is-error");
      return;
    }

    el.toggle.setAttribute("data-action", "toggle-filters");
    // 窄屏上日期与排序收起；已经设了的话展开
    var optionsToggle = document.getElementById("search-options-toggle");
    function showOptions(open) {
      el.form.classList.toggle("options-open", open);
      optionsToggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
    if (optionsToggle) {
      var initial = stateFromSearch(window.location.search);
      showOptions(!!(initial.from || initial.to || initial.sort === "date"));
      optionsToggle.addEventListener("click", guard(function () {
        showOptions(optionsToggle.getAttribute("aria-expanded") !== "true");
      }));
    }
    el.form.addEventListener("submit", guard(onSubmit));
    el.sort.addEventListener("change", guard(onSortChange));
    el.layout.addEventListener("click", guard(onClick));
    window.addEventListener("popstate", guard(onPopState));

    // 提前判断数据来源（只取响应头），第一次检索时不必再等
    detectBackend().catch(function () { /* 检索时再试 */ });
    current = stateFromSearch(window.location.search);
    syncForm(current);
    start(current, {});
  }

  try {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", guard(init));
    } else {
      guard(init)();
    }
  } catch (e) {
    /* 忽略：检索框仍可作为普通表单提交 */
  }
})();
