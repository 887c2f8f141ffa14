// 404 page: when the missing address lies in a section (/es/cursos/...),
// offers that section in the other languages (/en/courses/). It never
// guesses a page's address in another language: slugs are translated, so
// such an address usually does not exist. The section URLs come from the
// list's data-sections (each language's courses, guidelines, itineraries);
// without them only the home links above are offered. Progressive
// enhancement only.
(function () {
  var box = document.getElementById("same-path");
  if (!box) return;
  var list = box.querySelector("ul");
  var urls = (list.getAttribute("data-sections") || "").split(" ");
  var sections = {}; // language -> its section URLs, in one order
  var order = [];
  for (var i = 0; i < urls.length; i++) {
    var code = urls[i].split("/")[0];
    if (!code) continue;
    if (!sections[code]) { sections[code] = []; order.push(code); }
    sections[code].push(urls[i]);
  }
  var parts = location.pathname.split("/");
  for (var at = 0; at + 1 < parts.length; at++) {
    var mine = sections[parts[at]];
    if (!mine) continue;
    for (var k = 0; k < mine.length; k++) {
      if (mine[k].split("/")[1] !== parts[at + 1]) continue;
      var prefix = parts.slice(0, at).join("/") + "/";
      for (var j = 0; j < order.length; j++) {
        if (order[j] === parts[at] || !sections[order[j]][k]) continue;
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = prefix + sections[order[j]][k];
        a.hreflang = a.lang = order[j];
        a.textContent = a.pathname;
        li.appendChild(a);
        list.appendChild(li);
      }
      box.hidden = !list.firstChild;
      return;
    }
  }
})();
