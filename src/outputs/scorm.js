// aula's SCORM 1.2 runtime adapter (docs/lms.md). No dependency; written,
// like aula.js, for browsers from 2017 on. Two places load it:
//  - The launch page of a SCORM package (scorm.html), which holds the
//    course's pages in a full-size frame (#aula-course) for the whole
//    session. It finds the LMS's `API` by the standard search (this window
//    and its parents, then the opener and its parents), calls
//    LMSInitialize, puts the marks the LMS kept (cmi.suspend_data) into
//    localStorage before the first page loads, and opens the page the LMS
//    item asks for (?page=), else where the learner left
//    (cmi.core.lesson_location), else the course page. After every page
//    and every change of progress (a `storage` event from the frame) it
//    sets cmi.core.lesson_location, cmi.suspend_data (at most 4,096
//    characters), cmi.core.score.raw/min/max from the course's questions
//    and cmi.core.lesson_status (incomplete; completed when every module
//    is done, or passed/failed against the mastery score), then
//    LMSCommit; on leaving, cmi.core.session_time and cmi.core.exit,
//    LMSCommit and LMSFinish.
//  - Every page of the package, for platforms that run the package as an
//    HTML5 app and offer it the SCORM 1.2 API (Kolibri). Inside the launch
//    page it does nothing. Elsewhere, when it finds an API, it reports the
//    same data when the page opens, after whatever can change progress (a
//    click, a file chosen, a quiz result: aula.js handles them first) if
//    the stored progress changed, and when the page is hidden; never
//    LMSFinish: an app's pages come and go within one session.
// With no API found it does nothing more: the package is the offline
// package. The pages keep progress in localStorage (`aula-progress`,
// docs/progress.md); this script only copies it to and from the LMS.
// Course facts come from data-* attributes of its <script> element:
// data-modules="key|key|…" (module translation keys in order),
// data-questions="n|n|…" (self-check questions per module),
// data-mastery="80" (when there are questions).
(() => {
  const d = document, me = d.currentScript, data = me.dataset, K = "aula-progress";
  const frame = d.getElementById("aula-course");
  const modules = (data.modules || "").split("|").filter(Boolean);
  const counts = (data.questions || "").split("|").map((n) => +n || 0);
  const questions = counts.reduce((a, b) => a + b, 0);
  const root = me.src.replace(/[^/]*$/, ""), start = Date.now();
  const obj = (v) => (v && typeof v == "object" && !Array.isArray(v) ? v : {});

  if (frame) window.aulaScorm = 1;
  else {
    try { if (parent != window && parent.aulaScorm) return; } catch (e) {}
  }
  const find = (w) => {
    for (let n = 0; w && n < 10; n++) {
      try { if (w.API) return w.API; } catch (e) { return null; }
      if (w.parent == w) break;
      w = w.parent;
    }
    return null;
  };
  let api = null;
  try { api = find(window) || find(window.opener); } catch (e) {}
  const page = new URLSearchParams(location.search).get("page");
  // Only a page inside the package: no scheme, no leading `/`, no `..`
  // (also not as `%2e`).
  const open = (to) => {
    frame.src = /^[\w\-.%/]+$/.test(to || "") && !/(^|\/)\.\.(\/|$)|^\/|%2e/i.test(to) ? to : "index.html";
  };
  let init = false;
  try { init = !!api && String(api.LMSInitialize("")) == "true"; } catch (e) {}
  // A launch page needs the session; a page of an app takes what it gets.
  if (!api || (frame && !init)) {
    if (frame) open(page);
    return;
  }
  const get = (k) => { try { return String(api.LMSGetValue(k) || ""); } catch (e) { return ""; } };
  const set = (k, v) => { try { api.LMSSetValue(k, String(v)); } catch (e) {} };
  const read = () => {
    try { return obj(JSON.parse(localStorage.getItem(K))); } catch (e) { return {}; }
  };

  // The LMS's marks join the browser's; where both have one, the
  // browser's stays. Suspend data in the short form (see `store`) names
  // modules by their position.
  let kept = {};
  try { kept = obj(JSON.parse(get("cmi.suspend_data") || "{}")); } catch (e) {}
  const key = (k) => (kept.i ? (modules[+k.split("#")[0]] || "") + k.replace(/^\d+/, "") : k);
  const local = read(), done = obj(local.done), quiz = obj(local.quiz);
  let more = false;
  for (const k in obj(kept.done)) if (key(k) && !done[key(k)]) { done[key(k)] = kept.done[k]; more = true; }
  for (const k in obj(kept.quiz)) if (!/^#/.test(key(k)) && !quiz[key(k)]) { quiz[key(k)] = kept.quiz[k]; more = true; }
  if (more) {
    try { localStorage.setItem(K, JSON.stringify({ aula: 1, done, quiz })); } catch (e) {}
  }
  const lms = parseFloat(get("cmi.student_data.mastery_score"));
  const mastery = !isNaN(lms) ? lms : data.mastery ? +data.mastery : null;

  // What the LMS keeps: this course's done modules and right answers
  // (the score needs no more), by key; by position if that is too long;
  // entries dropped from the end if even that is.
  const store = (mine) => {
    let s = JSON.stringify(mine);
    if (s.length <= 4096) return s;
    const short = { aula: 1, i: 1, done: {}, quiz: {} };
    for (const k in mine.done) short.done[modules.indexOf(k)] = mine.done[k];
    for (const k in mine.quiz) short.quiz[modules.indexOf(k.split("#")[0]) + k.replace(/^[^#]*/, "")] = mine.quiz[k];
    for (const part of ["quiz", "done"]) {
      const ks = Object.keys(short[part]);
      while ((s = JSON.stringify(short)).length > 4096 && ks.length) delete short[part][ks.pop()];
    }
    return s;
  };

  let finished = false, told = null;
  const report = () => {
    if (finished) return "";
    try { told = localStorage.getItem(K); } catch (e) {}
    const p = read(), pd = obj(p.done), pq = obj(p.quiz);
    const mine = { aula: 1, done: {}, quiz: {} };
    let n = 0, right = 0;
    modules.forEach((k, m) => {
      if (typeof pd[k] == "string") { mine.done[k] = pd[k]; n++; }
      for (let q = 1; q <= counts[m]; q++) {
        const r = pq[k + "#" + q];
        if (Array.isArray(r) && r[1] > 0 && r[0] == r[1]) { mine.quiz[k + "#" + q] = [1, 1]; right++; }
      }
    });
    const all = modules.length > 0 && n == modules.length;
    let status = all ? "completed" : "incomplete";
    if (questions) {
      const raw = Math.round(100 * right / questions);
      set("cmi.core.score.min", 0);
      set("cmi.core.score.max", 100);
      set("cmi.core.score.raw", raw);
      if (all && mastery !== null) status = raw >= mastery ? "passed" : "failed";
    }
    try {
      const here = (frame ? frame.contentWindow.location : location).href.replace(/[?#].*$/, "");
      if (here.startsWith(root)) set("cmi.core.lesson_location", here.slice(root.length).slice(0, 255));
    } catch (e) {}
    set("cmi.suspend_data", store(mine));
    set("cmi.core.lesson_status", status);
    try { api.LMSCommit(""); } catch (e) {}
    return status;
  };

  if (!frame) {
    // After aula.js has handled the event: its handlers sit on the
    // targets (the mark button, the progress tools) or, for a quiz result,
    // run in the same dispatch; this only sets a timer.
    const later = () => setTimeout(() => {
      let now = null;
      try { now = localStorage.getItem(K); } catch (e) {}
      if (now !== told) report();
    }, 50);
    ["click", "change", "aula:quiz"].forEach((t) => d.addEventListener(t, later));
    addEventListener("pagehide", report);
    d.addEventListener("visibilitychange", () => { if (d.hidden) report(); });
    report();
    return;
  }
  frame.addEventListener("load", report);
  addEventListener("storage", (e) => { if (e.key == K || !e.key) report(); });
  const finish = () => {
    const status = report();
    if (finished) return;
    finished = true;
    const s = Math.round((Date.now() - start) / 1000);
    const two = (n) => String(n).padStart(2, "0");
    set("cmi.core.session_time", `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`);
    set("cmi.core.exit", status == "completed" || status == "passed" ? "" : "suspend");
    try { api.LMSCommit(""); api.LMSFinish(""); } catch (e) {}
  };
  addEventListener("pagehide", finish);
  addEventListener("beforeunload", finish);
  open(page || get("cmi.core.lesson_location"));
})();
