// Header language switcher: a language the reader picks here becomes the
// choice the language chooser (index.html, chooser.js) remembers, so the
// site's root opens in it next time. Progressive enhancement only.
(function () {
  var links = document.querySelectorAll(".langs a[hreflang]");
  for (var i = 0; i < links.length; i++) {
    links[i].addEventListener("click", function (e) {
      try { localStorage.setItem("aula-lang", e.currentTarget.getAttribute("hreflang")); } catch (_) {}
    });
  }
})();
