// Code blocks in the reader's browser: each block's copy button copies the whole program its
// <template class="code-copied"> holds (hidden lines and folded regions included), and folded
// regions open while the page prints. Without JavaScript the buttons stay hidden; folds are
// <details> elements and open on a click either way. No network, no dependencies.
(function () {
  "use strict";

  // One polite live region tells screen readers what a click did.
  var status = document.createElement("div");
  status.setAttribute("role", "status");
  status.className = "visually-hidden";
  document.body.appendChild(status);

  // For pages served without a secure context (http on a LAN address), where the clipboard
  // API is missing.
  function copyBySelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.cssText = "position:fixed;top:0;left:0;width:1px;height:1px;opacity:0;";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
    area.remove();
    return copied ? Promise.resolve() : Promise.reject(new Error("the browser refused to copy"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return copyBySelection(text); });
    }
    return copyBySelection(text);
  }

  function tell(button, label, message) {
    button.textContent = label;
    status.textContent = message;
    clearTimeout(button.kilnReset);
    button.kilnReset = setTimeout(function () { button.textContent = "Copy"; }, 2000);
  }

  var blocks = document.querySelectorAll(".code-block");
  for (var i = 0; i < blocks.length; i++) {
    (function (block) {
      var button = block.querySelector(".code-copy");
      var source = block.querySelector("template.code-copied");
      if (!button || !source) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        copy(source.content.textContent).then(
          function () { tell(button, "Copied", "Copied the code to the clipboard."); },
          function () { tell(button, "Not copied", "The browser did not allow copying."); }
        );
      });
    })(blocks[i]);
  }

  // Printed pages show folded code in full, then the folds close again.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details.fold"), function (fold) {
      return !fold.open;
    });
    opened.forEach(function (fold) { fold.open = true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (fold) { fold.open = false; });
    opened = [];
  });
})();
