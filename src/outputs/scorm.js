// aula's SCORM 1.2 runtime adapter, the script of a SCORM package's
// launch page (scorm.html). The launch page holds the course's pages in a
// full-size frame; the pages are the offline package's, unchanged, and
// keep their progress in localStorage (aula.js). This script, in the
// launch page only:
//  - finds the LMS's `API` object by the standard search (parents, then
//    the opener and its parents), calls LMSInitialize,
//  - restores the marks the LMS kept (cmi.suspend_data) into localStorage
//    before the first page loads, and opens the page the learner left
//    (cmi.core.lesson_location) or the one the LMS item asked for,
//  - after every change of progress (a `storage` event from the frame) and
//    every page, sets cmi.core.lesson_location, cmi.suspend_data (at most
//    4,096 characters), cmi.core.score.raw/min/max from the course's
//    questions and cmi.core.lesson_status (incomplete; completed when
//    every module is done, or passed/failed against the mastery score),
//    then LMSCommit,
//  - on leaving: cmi.core.exit, cmi.core.session_time, LMSCommit, LMSFinish.
// With no LMS around it opens the course, as the offline package does.
// Course facts come from data-* attributes of its <script> element:
// data-modules="key|key|…", data-questions="N", data-mastery="80".
(() => {
  const d = document, me = d.currentScript.dataset, K = "aula-progress";
  const frame = d.getElementById("aula-course");
  const modules = me.modules ? me.modules.split("|") : [];
  const questions = +me.questions || 0, mastery = me.mastery === undefined ? null : +me.mastery;
  const start = Date.now();

  const find = (w) => {
    for (let n = 0; w && n < 500; n++) {
      try { if (w.API) return w.API; } catch (e) { return null; }
      if (w.parent === w) break;
      w = w.parent;
    }
    return null;
  };
  const api = find(window.parent !== window ? window.parent : null) || (window.opener && find(window.opener));
  const page = new URLSearchParams(location.search).get("page");
  const open = (to) => { frame.src = /^[\w\-./]+$/.test(to || "") && !to.includes("..") ? to : "index.html"; };
  if (!api || api.LMSInitialize("") != "true") {
    open(page);
    return;
  }
  const get = (k) => api.LMSGetValue(k) || "";
  const set = (k, v) => api.LMSSetValue(k, String(v));

  // The LMS's copy wins over nothing; local marks stay (a learner who
  // worked offline keeps that work).
  const read = () => {
    try { return JSON.parse(localStorage.getItem(K)) || {}; } catch (e) { return {}; }
  };
  let kept = {};
  try { kept = JSON.parse(get("cmi.suspend_data") || "{}"); } catch (e) {}
  const local = read(), merged = { aula: 1, done: local.done || {}, quiz: local.quiz || {} };
  for (const k in kept.done || {}) merged.done[k] = merged.done[k] || kept.done[k];
  for (const k in kept.quiz || {}) merged.quiz[k] = merged.quiz[k] || kept.quiz[k];
  try { localStorage.setItem(K, JSON.stringify(merged)); } catch (e) {}

  const report = () => {
    const p = read(), done = modules.filter((k) => (p.done || {})[k]);
    // Only this course's modules and questions go to the LMS.
    const mine = { done: {}, quiz: {} };
    done.forEach((k) => { mine.done[k] = p.done[k]; });
    let right = 0;
    for (const id in p.quiz || {}) {
      if (modules.includes(id.split("#")[0])) {
        mine.quiz[id] = p.quiz[id];
        if (p.quiz[id][0] == p.quiz[id][1]) right++;
      }
    }
    let data = JSON.stringify(mine);
    if (data.length > 4096) data = JSON.stringify({ done: mine.done }).slice(0, 4096);
    const all = modules.length > 0 && done.length == modules.length;
    let status = all ? "completed" : "incomplete";
    if (questions) {
      const raw = Math.round(100 * right / questions);
      set("cmi.core.score.min", 0);
      set("cmi.core.score.max", 100);
      set("cmi.core.score.raw", raw);
      if (all && mastery !== null) status = raw >= mastery ? "passed" : "failed";
    }
    try {
      const here = frame.contentWindow.location.href, root = location.href.replace(/[^/]*$/, "");
      if (here.startsWith(root)) set("cmi.core.lesson_location", here.slice(root.length).slice(0, 255));
    } catch (e) {}
    set("cmi.suspend_data", data);
    set("cmi.core.lesson_status", status);
    api.LMSCommit("");
    return status;
  };

  frame.addEventListener("load", report);
  addEventListener("storage", (e) => { if (e.key == K || !e.key) report(); });
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    const status = report();
    const s = Math.round((Date.now() - start) / 1000);
    const two = (n) => String(n).padStart(2, "0");
    set("cmi.core.session_time", `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`);
    set("cmi.core.exit", status == "incomplete" ? "suspend" : "");
    api.LMSCommit("");
    api.LMSFinish("");
  };
  addEventListener("pagehide", finish);
  addEventListener("beforeunload", finish);

  open(page || get("cmi.core.lesson_location") || "index.html");
})();
