/* 知库默认主题：字号与高对比度设置。
 * 在 <head> 中同步加载（不加 defer），立即把已保存的设置写到 <html> 上，避免页面闪烁；
 * 按钮在 DOMContentLoaded 之后绑定。任何情况下都不抛出异常。 */
(function () {
  "use strict";

  var root = document.documentElement;
  var SIZE_KEY = "zhiku-font-size";
  var CONTRAST_KEY = "zhiku-contrast";
  var SIZES = ["small", "medium", "large"];

  function load(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }

  function save(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (e) {
      /* 隐私模式或存储被禁用：设置只在本页生效 */
    }
  }

  function currentSize() {
    var s = root.getAttribute("data-font-size");
    return SIZES.indexOf(s) >= 0 ? s : "medium";
  }

  function applySize(size) {
    root.setAttribute("data-font-size", SIZES.indexOf(size) >= 0 ? size : "medium");
  }

  function applyContrast(on) {
    root.setAttribute("data-contrast", on ? "high" : "normal");
  }

  function syncButtons() {
    var size = currentSize();
    var high = root.getAttribute("data-contrast") === "high";
    var btns = document.querySelectorAll("button[data-font-size]");
    for (var i = 0; i < btns.length; i++) {
      btns[i].setAttribute("aria-pressed", btns[i].getAttribute("data-font-size") === size ? "true" : "false");
    }
    var toggles = document.querySelectorAll("[data-contrast-toggle]");
    for (var j = 0; j < toggles.length; j++) {
      toggles[j].setAttribute("aria-pressed", high ? "true" : "false");
    }
  }

  /* 窄屏：栏目和阅读设置收在“栏目”按钮后面，检索框一直显示。 */
  function toggleMenu(btn, open) {
    var header = btn.closest(".site-header");
    if (!header) return;
    header.classList.toggle("menu-open", open);
    btn.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function onClick(event) {
    var target = event.target;
    var menu = target && target.closest ? target.closest("button[data-menu-toggle]") : null;
    if (menu) {
      toggleMenu(menu, menu.getAttribute("aria-expanded") !== "true");
      return;
    }
    var pathBtn = target && target.closest ? target.closest("button[data-path-mark], button[data-path-reset]") : null;
    if (pathBtn) {
      onPathClick(pathBtn);
      return;
    }
    var btn = target && target.closest ? target.closest("button[data-font-size], button[data-contrast-toggle]") : null;
    if (!btn) return;
    if (btn.hasAttribute("data-contrast-toggle")) {
      var on = root.getAttribute("data-contrast") !== "high";
      applyContrast(on);
      save(CONTRAST_KEY, on ? "high" : "normal");
    } else {
      var size = btn.getAttribute("data-font-size");
      applySize(size);
      save(SIZE_KEY, currentSize());
    }
    syncButtons();
  }

  /* 学习路径进度：{ 路径 slug: [已学步骤的网址, ...] }，只存在本机浏览器中。 */
  var PATHS_KEY = "zhiku-paths";

  function loadProgress() {
    try {
      var value = JSON.parse(load(PATHS_KEY) || "{}");
      return value && typeof value === "object" && !Array.isArray(value) ? value : {};
    } catch (e) {
      return {};
    }
  }

  function studiedSteps(progress, slug) {
    var list = progress[slug];
    return Array.isArray(list) ? list : [];
  }

  /* 在路径页上，删掉已不属于本路径的旧记录，让计数与步骤一致。 */
  function pruneProgress(progress) {
    var page = document.querySelector(".path[data-path]");
    if (!page) return;
    var slug = page.getAttribute("data-path");
    var steps = [];
    var items = page.querySelectorAll("li[data-step]");
    for (var i = 0; i < items.length; i++) steps.push(items[i].getAttribute("data-step"));
    progress[slug] = studiedSteps(progress, slug).filter(function (url) {
      return steps.indexOf(url) >= 0;
    });
  }

  function syncPaths() {
    var progress = loadProgress();
    pruneProgress(progress);
    var boxes = document.querySelectorAll("[data-path][data-path-total]");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var done = studiedSteps(progress, box.getAttribute("data-path"));
      var total = parseInt(box.getAttribute("data-path-total"), 10) || 0;
      var count = Math.min(done.length, total);
      var bars = box.querySelectorAll("progress");
      for (var b = 0; b < bars.length; b++) bars[b].value = count;
      var counts = box.querySelectorAll("[data-path-done]");
      for (var c = 0; c < counts.length; c++) counts[c].textContent = String(count);
      var panels = box.querySelectorAll(".path-progress");
      for (var p = 0; p < panels.length; p++) panels[p].hidden = false;
      var steps = box.querySelectorAll("li[data-step]");
      for (var s = 0; s < steps.length; s++) {
        steps[s].classList.toggle("is-done", done.indexOf(steps[s].getAttribute("data-step")) >= 0);
      }
    }
    var marks = document.querySelectorAll("button[data-path-mark]");
    for (var m = 0; m < marks.length; m++) {
      var mark = marks[m];
      var on = studiedSteps(progress, mark.getAttribute("data-path-mark")).indexOf(mark.getAttribute("data-step")) >= 0;
      mark.setAttribute("aria-pressed", on ? "true" : "false");
      mark.textContent = on ? "✓ 已学（点击取消）" : "标记为已学";
      mark.hidden = false;
    }
  }

  function onPathClick(btn) {
    var progress = loadProgress();
    if (btn.hasAttribute("data-path-reset")) {
      var page = btn.closest("[data-path]");
      if (page) delete progress[page.getAttribute("data-path")];
    } else {
      var slug = btn.getAttribute("data-path-mark");
      var url = btn.getAttribute("data-step");
      var list = studiedSteps(progress, slug).filter(function (u) {
        return u !== url;
      });
      if (btn.getAttribute("aria-pressed") !== "true") list.push(url);
      progress[slug] = list;
    }
    save(PATHS_KEY, JSON.stringify(progress));
    syncPaths();
  }

  function prefillSearch() {
    var input = document.getElementById("search-q");
    if (!input || input.value || typeof URLSearchParams === "undefined") return;
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) input.value = q;
  }

  try {
    applySize(load(SIZE_KEY));
    applyContrast(load(CONTRAST_KEY) === "high");
    root.className += (root.className ? " " : "") + "js";
  } catch (e) {
    /* 忽略：页面仍可正常阅读 */
  }

  document.addEventListener("DOMContentLoaded", function () {
    try {
      syncButtons();
      syncPaths();
      prefillSearch();
      document.addEventListener("click", function (event) {
        try {
          onClick(event);
        } catch (e) {
          /* 忽略 */
        }
      });
      document.addEventListener("keydown", function (event) {
        var menu = document.querySelector("button[data-menu-toggle][aria-expanded=true]");
        if (event.key === "Escape" && menu) {
          toggleMenu(menu, false);
          menu.focus();
        }
      });
    } catch (e) {
      /* 忽略 */
    }
  });
})();
