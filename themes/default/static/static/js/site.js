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

  function onClick(event) {
    var target = event.target;
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
      prefillSearch();
      document.addEventListener("click", function (event) {
        try {
          onClick(event);
        } catch (e) {
          /* 忽略 */
        }
      });
    } catch (e) {
      /* 忽略 */
    }
  });
})();
