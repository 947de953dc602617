// Live reload for `kiln serve`: reloads the page when the server says it changed, keeping the
// scroll position, and shows build errors in an overlay until they are fixed. Served only by
// `serve`; never written into a built site.
(function () {
  "use strict";
  var key = "kiln-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    window.addEventListener("load", function () { window.scrollTo(0, parseFloat(saved)); });
  }

  var overlay = null;
  function showError(message) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
        "background:rgba(20,20,24,0.94);color:#f4f4f5;padding:2rem;" +
        "font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;";
      var title = document.createElement("div");
      title.textContent = "The site failed to build. The last good version is still served; fix the error and save.";
      title.style.cssText = "font:600 16px/1.4 system-ui,sans-serif;color:#ff8a80;margin-bottom:1rem;";
      var body = document.createElement("pre");
      body.style.cssText = "white-space:pre-wrap;margin:0;";
      overlay.appendChild(title);
      overlay.appendChild(body);
      document.body.appendChild(overlay);
    }
    overlay.lastChild.textContent = message;
  }
  function clearError() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  var version = null;
  var source = new EventSource("/__kiln/events");
  source.addEventListener("hello", function (event) {
    var state = JSON.parse(event.data);
    if (version !== null && state.version !== version) { reload(); return; }
    version = state.version;
    if (state.error) { showError(state.error); } else { clearError(); }
  });
  source.addEventListener("reload", function (event) {
    var change = JSON.parse(event.data);
    version = change.version;
    clearError();
    if (change.changed.indexOf("*") >= 0 || change.changed.indexOf(location.pathname) >= 0) {
      reload();
    }
  });
  source.addEventListener("failed", function (event) {
    showError(JSON.parse(event.data).message);
  });
  function reload() {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  }
})();
