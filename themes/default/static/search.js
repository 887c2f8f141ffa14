// search.js: the search box of the search page (search.html), the only
// page that loads it. Progressive enhancement: with script off the page
// says search needs JavaScript and links to the course list. Nothing is
// fetched before the learner types: then the Pagefind bundle aula built
// (pagefind/pagefind.js, src/outputs/search.rs) is imported, and it
// fetches only the index of this page's language (<html lang>), and of
// that only the parts the words need. Opened from disk (file://) browsers
// refuse to load it, so the page says so instead of showing the box.
// No dependencies, no build step: this file is what is served.
(() => {
  const d = document, box = d.getElementById("aula-search");
  if (!box || !box.dataset.bundle) return;
  const s = box.dataset, form = box.querySelector("form"), input = form.querySelector("input");
  const note = box.querySelector(".search-note"), live = box.querySelector("[role=status]");
  const list = box.querySelector("ol");
  const fill = (t, o) => t.replace(/\{(\w)\}/g, (m, c) => o[c]);
  const say = (t) => { note.firstElementChild.textContent = t; note.hidden = false; };
  if (location.protocol == "file:") return say(s.offline);
  note.hidden = true;
  form.hidden = false;
  let pf, last = "";
  // The import resolves against this script's URL, so make it absolute
  // from the page's. No web worker: one file less to download.
  const load = () => pf || (pf = import(new URL(s.bundle, d.baseURI).href).then(async (m) => {
    await m.options({ noWorker: true, excerptLength: 24 });
    return m;
  }));
  // An excerpt is Pagefind's escaped text with <mark> around the words
  // found: keep the text and the marks, nothing else.
  const excerpt = (html) => {
    const p = d.createElement("p");
    new DOMParser().parseFromString(html, "text/html").body.childNodes.forEach((n) => {
      p.append(n.nodeName == "MARK" ? Object.assign(d.createElement("mark"), { textContent: n.textContent }) : n.textContent);
    });
    return p;
  };
  const run = async () => {
    const q = input.value.trim();
    if (q == last) return;
    last = q;
    if (!q) { live.textContent = list.textContent = ""; return; }
    live.textContent = s.loading;
    let found;
    try {
      found = await (await load()).debouncedSearch(q, {}, 200);
    } catch (e) {
      form.hidden = true;
      live.textContent = list.textContent = "";
      return say(s.failed);
    }
    if (!found || q != last) return; // a newer search replaced this one
    const items = await Promise.all(found.results.slice(0, 10).map((r) => r.data()));
    if (q != last) return;
    list.textContent = "";
    items.forEach((r) => {
      const li = d.createElement("li"), h = d.createElement("h2"), a = d.createElement("a");
      a.href = r.url;
      a.textContent = r.meta.title || r.url;
      h.append(a);
      li.append(h, excerpt(r.excerpt));
      list.append(li);
    });
    live.textContent = fill(items.length ? s.count : s.none, { q, n: found.results.length });
  };
  form.onsubmit = (e) => { e.preventDefault(); run(); };
  input.oninput = run;
  if (input.value) run(); // a query kept by the browser on back navigation
})();
