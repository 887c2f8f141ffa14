// aula.js: the site's one script, loaded with `defer` on every page.
// Progressive enhancement only: with script off every page is complete,
// and everything added here is absent or `hidden` until this runs.
//  1. A language picked in the header becomes the choice the language
//     chooser (index.html, chooser.js) remembers.
//  2. Embeds: the `embed` shortcode's player is made only on a click.
//  3. Progress: modules marked done (by the learner, or when a quiz reports
//     every question right), kept in localStorage under translation keys,
//     which are the same in every language and survive content edits;
//     check marks, course percentages, export, import and forget. Nothing
//     is sent anywhere. Data format and the quiz event: docs/progress.md.
// Written for browsers from 2017 on (arrow functions, NodeList.forEach,
// Element.after); no build step: this file is what is served.
(() => {
  const d = document, K = "aula-progress";
  const $ = (sel, el) => (el || d).querySelector(sel);
  const each = (sel, f) => d.querySelectorAll(sel).forEach(f);
  const make = (tag, cls) => Object.assign(d.createElement(tag), { className: cls });
  let store, p;

  each(".langs a[hreflang]", (a) => {
    a.onclick = () => {
      try { localStorage.setItem("aula-lang", a.hreflang); } catch (e) {}
    };
  });

  // Embeds (the `embed` shortcode): content of another site stays a link
  // until the learner presses the button; only then is the player made,
  // so nothing is requested from that site before. (Browsers send only
  // the origin as referrer: strict-origin-when-cross-origin is default.)
  each(".embed[data-embed-src]", (box) => {
    const b = $(".embed-load", box), e = box.dataset;
    if (!b || !/^https:\/\//.test(e.embedSrc)) return;
    b.hidden = false;
    b.onclick = () => {
      const f = Object.assign(make("iframe", ""), { src: e.embedSrc, title: e.embedTitle, allowFullscreen: true });
      b.replaceWith(f);
      f.focus();
    };
  });

  // No storage (private mode, a browser that refuses file:// storage):
  // no progress UI at all, rather than marks that vanish on the next page.
  try {
    store = localStorage;
    store.setItem(K + "?", 1);
    store.removeItem(K + "?");
  } catch (e) { return; }
  const tools = d.getElementById(K);
  if (!tools) return;
  const s = tools.dataset, live = $("[role=status]", tools), file = $("input", tools);
  const art = $("article[data-key]"), key = art && art.dataset.key, mark = $(".pdone button");

  // Only what is well formed is kept, from storage or an imported file.
  const clean = (v) => {
    const o = { aula: 1, done: {}, quiz: {} };
    if (!v || v.aula !== 1 || typeof v.done != "object") return null;
    for (const k in v.done) if (typeof v.done[k] == "string") o.done[k] = v.done[k];
    for (const k in v.quiz) {
      const q = v.quiz[k];
      if (q && q[1] >= q[0]) o.quiz[k] = [+q[0], +q[1]];
    }
    return o;
  };
  const read = () => {
    let v;
    try { v = JSON.parse(store.getItem(K)); } catch (e) {}
    return clean(v) || clean({ aula: 1, done: {} });
  };
  const save = () => {
    try { store.setItem(K, JSON.stringify(p)); } catch (e) {}
    paint();
  };
  const today = () => new Date().toISOString().slice(0, 10);
  const fill = (t, o) => t.replace(/\{(\w)\}/g, (m, c) => o[c]);
  const say = (t) => {
    live.textContent = "";
    setTimeout(() => { live.textContent = t; }, 99);
  };

  const paint = () => {
    // A check mark after the link of each done module in a list.
    each("li[data-key]", (li) => {
      let m = $(".pmark", li);
      if (!p.done[li.dataset.key]) return m && m.remove();
      if (m) return;
      m = make("span", "pmark");
      m.textContent = s.done;
      const a = $("a", li);
      a ? a.after(m) : li.append(m);
    });
    // A course's share of done modules: always on its page, on its cards
    // once started.
    each("[data-modules]", (el) => {
      const keys = el.dataset.modules.split("|"), n = keys.filter((k) => p.done[k]).length;
      const pc = Math.floor(100 * n / keys.length);
      let bar = $(".pbar", el);
      if (!n && el.tagName == "LI") return bar && bar.remove();
      if (!bar) {
        bar = make("p", "pbar");
        const at = $(".meta", el);
        at ? at.after(bar) : el.append(bar);
      }
      bar.textContent = fill(s.course, { p: pc, d: n, t: keys.length });
      bar.style.setProperty("--p", pc + "%");
      bar.classList.toggle("full", n == keys.length);
    });
    if (mark) mark.setAttribute("aria-pressed", !!p.done[key]);
  };

  // quiz.js reports each checked question as {id, correct: true|false};
  // a module whose completion is "quiz" is done once every question on
  // its page was last answered right. Stored per question as [right, 1].
  d.addEventListener("aula:quiz", (e) => {
    const x = e.detail || {};
    let ok = art && art.dataset.completion == "quiz";
    if (!x.id) return;
    p = read();
    p.quiz[x.id] = [x.correct ? 1 : 0, 1];
    each(".quiz[data-quiz]", (f) => {
      const q = p.quiz[f.dataset.quiz];
      ok = ok && q && q[0] == q[1];
    });
    if (ok && !p.done[key]) {
      p.done[key] = today();
      say(s.auto);
    }
    save();
  });

  if (mark) {
    mark.parentNode.hidden = false;
    mark.onclick = () => {
      p = read();
      if (p.done[key]) delete p.done[key];
      else p.done[key] = today();
      save();
    };
  }

  tools.onclick = (e) => {
    const act = e.target.value;
    if (act == "export") {
      const a = d.createElement("a");
      a.href = URL.createObjectURL(new Blob([JSON.stringify(read(), null, 1)], { type: "application/json" }));
      a.download = K + "-" + today() + ".json";
      d.body.append(a);
      a.click();
      a.remove();
    } else if (act == "import") {
      file.click();
    } else if (act == "forget" && confirm(s.confirm)) {
      store.removeItem(K);
      p = read();
      paint();
      say(s.forgotten);
    }
  };
  // Importing adds to what is here; what is here wins where both have a key.
  file.onchange = () => {
    const r = new FileReader();
    r.onload = () => {
      let v;
      try { v = clean(JSON.parse(r.result)); } catch (e) {}
      if (!v) return say(s.bad);
      p = read();
      for (const k in v.done) p.done[k] = p.done[k] || v.done[k];
      for (const k in v.quiz) p.quiz[k] = p.quiz[k] || v.quiz[k];
      save();
      say(fill(s.imported, { n: Object.keys(p.done).length }));
    };
    if (file.files[0]) r.readAsText(file.files[0]);
    file.value = "";
  };
  // Another tab changed progress.
  addEventListener("storage", (e) => {
    if (e.key == K || !e.key) {
      p = read();
      paint();
    }
  });

  p = read();
  paint();
  tools.hidden = false;
})();
