// zhiku live preview: injected only by `zhiku serve` in preview mode.
(function () {
  "use strict";
  var overlay = null;
  function showError(message) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "zhiku-build-error";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:99999;overflow:auto;padding:2rem;" +
        "background:rgba(30,0,0,.92);color:#fff;font:14px/1.6 monospace;white-space:pre-wrap";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "构建失败，页面仍显示上一次成功构建的内容。修正后将自动刷新。\n\n" + message;
  }
  if (!window.EventSource) { return; }
  // Beside this script, so a site previewed under its base path
  // (/dangjian/__zhiku/live.js) listens under it too.
  var here = document.currentScript ? document.currentScript.src : "/__zhiku/live.js";
  var source = new EventSource(new URL("events", here).href);
  source.addEventListener("reload", function () { window.location.reload(); });
  source.addEventListener("build-error", function (e) {
    var message = "";
    try { message = JSON.parse(e.data).message; } catch (err) { message = String(e.data); }
    showError(message);
  });
})();
