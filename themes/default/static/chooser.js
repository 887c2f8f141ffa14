// Language chooser (root index.html). Progressive enhancement only: with
// script off the page is a plain list of links.
// An explicit choice is remembered in localStorage; without one, the
// browser's preferred languages pick the first matching campus language.
(function () {
  var links = document.querySelectorAll("a[data-lang]");
  var byLang = {};
  for (var i = 0; i < links.length; i++) {
    byLang[links[i].getAttribute("data-lang")] = links[i].href;
    links[i].addEventListener("click", function (e) {
      try { localStorage.setItem("aula-lang", e.currentTarget.getAttribute("data-lang")); } catch (_) {}
    });
  }
  if (location.search.indexOf("choose") !== -1) return;
  var saved = null;
  try { saved = localStorage.getItem("aula-lang"); } catch (_) {}
  if (saved && byLang[saved]) { location.replace(byLang[saved]); return; }
  var wanted = navigator.languages || [navigator.language || ""];
  for (var j = 0; j < wanted.length; j++) {
    var base = String(wanted[j]).toLowerCase().split("-")[0];
    if (byLang[base]) { location.replace(byLang[base]); return; }
  }
})();
