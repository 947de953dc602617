// Search box of the site header: queries the static Pagefind index under pagefind/ in the
// reader's browser (loaded on first use), lists the matching lessons with an excerpt, and
// focuses on "/". Nothing is sent anywhere: the index is part of the site.
(function () {
  "use strict";
  const box = document.getElementById("search-input");
  const list = document.getElementById("search-results");
  if (!box || !list) return;
  const root = box.dataset.root || "./";
  let pagefind = null;
  let generation = 0;

  async function engine() {
    if (!pagefind) {
      const url = new URL(root + "pagefind/pagefind.js", document.baseURI).href;
      pagefind = await import(url);
      await pagefind.options({ excerptLength: 24 });
    }
    return pagefind;
  }

  function show(items, note) {
    list.replaceChildren();
    if (note) {
      const p = document.createElement("p");
      p.className = "search-note";
      p.textContent = note;
      list.append(p);
    }
    for (const item of items) {
      const a = document.createElement("a");
      a.className = "search-result";
      // Pagefind's URLs start at the site's root; the page may be served under a sub-path.
      a.href = new URL(root + item.url.replace(/^\//, ""), document.baseURI).href;
      const title = document.createElement("span");
      title.className = "search-title";
      title.textContent = (item.meta && item.meta.title) || item.url;
      const excerpt = document.createElement("span");
      excerpt.className = "search-excerpt";
      // Pagefind's excerpt is escaped text with <mark> around the matches.
      excerpt.innerHTML = item.excerpt;
      a.append(title, excerpt);
      list.append(a);
    }
    list.hidden = items.length === 0 && !note;
  }

  async function search() {
    const query = box.value.trim();
    const mine = ++generation;
    if (!query) {
      show([]);
      return;
    }
    try {
      const found = await (await engine()).search(query);
      if (mine !== generation) return;
      const items = await Promise.all(found.results.slice(0, 8).map((r) => r.data()));
      if (mine !== generation) return;
      show(items, items.length ? "" : "No lesson matches “" + query + "”.");
    } catch (error) {
      show([], "Search needs the site to be served over http (for example with kiln serve).");
    }
  }

  box.addEventListener("input", search);
  box.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      box.value = "";
      show([]);
      box.blur();
    }
  });
  document.addEventListener("keydown", (event) => {
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      box.focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (!list.contains(event.target) && event.target !== box) list.hidden = true;
  });
  box.addEventListener("focus", () => {
    if (list.childElementCount) list.hidden = false;
  });
})();
