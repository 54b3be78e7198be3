/* 知库默认主题：检索框的输入建议（WAI-ARIA combobox）。每个页面的检索框（页头的
 * #header-q、检索页的 #search-q）在第一次获得焦点时取来静态检索脚本，之后
 * 随输入列出以此开头的标签、检索词、文档标题和文号（汉字或拼音、首字母都可以），与
 * GET /api/suggest 的答案相同（search-static.js 的 complete()）。
 *
 * 键盘：↓/↑ 在建议间移动，回车选中（标题、文号直接打开该文档；词填入检索框并检索），
 * Esc 关闭建议；Tab 离开时关闭。没有脚本时检索框照常可用。 */
(function () {
  "use strict";

  var script = document.currentScript;
  var TABLES_URL = script ? script.getAttribute("data-tables") : null;
  var ENGINE_URL = script ? script.getAttribute("data-engine") : null;
  var DEBOUNCE_MS = 60;

  /* 需要时才加载：检索页已有，其他页面第一次聚焦时加载。 */
  var ready = null;
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }
  function engine() {
    if (!ready) {
      ready = Promise.resolve()
        .then(function () { return window.ZhikuTables || !TABLES_URL ? null : loadScript(TABLES_URL); })
        .then(function () { return window.ZhikuStaticSearch || !ENGINE_URL ? null : loadScript(ENGINE_URL); })
        .then(function () {
          if (!window.ZhikuStaticSearch || !window.ZhikuStaticSearch.complete) throw new Error("no engine");
          return window.ZhikuStaticSearch;
        });
      ready.catch(function () { ready = null; });
    }
    return ready;
  }

  function kindLabels() {
    var out = {};
    ((window.ZhikuTables || {}).assist || {}).kinds.forEach(function (k) { out[k.name] = k.label; });
    return out;
  }

  var count = 0;
  function Combobox(input) {
    var self = this;
    var id = "suggest-" + (++count);
    this.input = input;
    this.list = document.createElement("ul");
    this.list.id = id + "-list";
    this.list.className = "suggest-list";
    this.list.setAttribute("role", "listbox");
    this.list.setAttribute("aria-label", "检索建议");
    this.list.hidden = true;
    this.status = document.createElement("span");
    this.status.className = "visually-hidden";
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    var wrap = document.createElement("div");
    wrap.className = "suggest-wrap";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    wrap.appendChild(this.list);
    wrap.appendChild(this.status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.list.id);
    this.id = id;
    this.items = [];
    this.active = -1;
    this.seq = 0;
    this.timer = 0;

    input.addEventListener("focus", function () { engine().catch(function () {}); });
    input.addEventListener("input", function () {
      window.clearTimeout(self.timer);
      self.timer = window.setTimeout(function () { self.update(); }, DEBOUNCE_MS);
    });
    input.addEventListener("keydown", function (e) { self.onKey(e); });
    input.addEventListener("blur", function () { self.close(); });
    // mousedown, not click: the input keeps its focus.
    this.list.addEventListener("mousedown", function (e) {
      var li = e.target.closest ? e.target.closest("[role=option]") : null;
      if (!li) return;
      e.preventDefault();
      self.choose(Number(li.getAttribute("data-index")));
    });
  }

  Combobox.prototype.update = function () {
    var self = this, my = ++this.seq, prefix = this.input.value;
    if (!prefix.trim()) { this.close(); return; }
    engine().then(function (e) { return e.complete(prefix); }).then(function (answer) {
      if (my !== self.seq) return;
      self.show(answer && Array.isArray(answer.suggestions) ? answer.suggestions : []);
    }).catch(function () { self.close(); });
  };

  Combobox.prototype.show = function (items) {
    var labels = kindLabels();
    this.items = items;
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    while (this.list.firstChild) this.list.removeChild(this.list.firstChild);
    var self = this;
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = self.id + "-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-index", String(i));
      li.className = "suggest-option suggest-" + item.kind;
      var text = document.createElement("span");
      text.className = "suggest-text";
      text.textContent = item.text;
      var kind = document.createElement("span");
      kind.className = "suggest-kind";
      kind.textContent = labels[item.kind] || "";
      li.appendChild(text);
      li.appendChild(kind);
      self.list.appendChild(li);
    });
    var open = items.length > 0;
    this.list.hidden = !open;
    this.input.setAttribute("aria-expanded", open ? "true" : "false");
    this.status.textContent = open ? items.length + " 条建议，用上下方向键选择" : "";
  };

  Combobox.prototype.close = function () {
    this.seq++;
    this.items = [];
    this.active = -1;
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Combobox.prototype.move = function (to) {
    var options = this.list.querySelectorAll("[role=option]");
    if (!options.length) return;
    this.active = (to + options.length) % options.length;
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === this.active ? "true" : "false");
    }
    var li = options[this.active];
    this.input.setAttribute("aria-activedescendant", li.id);
    if (li.scrollIntoView) li.scrollIntoView({ block: "nearest" });
  };

  Combobox.prototype.choose = function (i) {
    var item = this.items[i];
    if (!item) return;
    this.close();
    if (item.url && (item.kind === "title" || item.kind === "docnum")) {
      window.location.href = item.url;
      return;
    }
    this.input.value = item.text;
    var form = this.input.form;
    if (form) {
      if (form.requestSubmit) form.requestSubmit();
      else form.submit();
    }
  };

  Combobox.prototype.onKey = function (e) {
    var open = !this.list.hidden;
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (!open) { this.update(); return; }
      this.move(this.active + 1);
    } else if (e.key === "ArrowUp") {
      if (!open) return;
      e.preventDefault();
      this.move(this.active - 1);
    } else if (e.key === "Enter") {
      if (open && this.active >= 0) {
        e.preventDefault();
        this.choose(this.active);
      } else {
        this.close();
      }
    } else if (e.key === "Escape") {
      if (open) {
        e.preventDefault();
        this.close();
      }
    } else if (e.key === "Tab") {
      this.close();
    }
  };

  function init() {
    ["header-q", "search-q"].forEach(function (id) {
      var input = document.getElementById(id);
      if (input) new Combobox(input);
    });
  }

  try {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
    else init();
  } catch (e) {
    /* 检索框照常可用 */
  }
})();
