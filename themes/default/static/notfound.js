// 404 page: offers the same path in the other languages by swapping the
// language segment of the address. Progressive enhancement only.
(function () {
  var box = document.getElementById("same-path");
  if (!box) return;
  var list = box.querySelector("ul");
  var langs = (list.getAttribute("data-languages") || "").split(" ");
  var parts = location.pathname.split("/");
  var at = -1;
  for (var i = 0; i < parts.length; i++) {
    if (langs.indexOf(parts[i]) !== -1) { at = i; break; }
  }
  if (at === -1) return;
  var here = parts[at];
  for (var j = 0; j < langs.length; j++) {
    if (langs[j] === here) continue;
    var copy = parts.slice();
    copy[at] = langs[j];
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = copy.join("/");
    a.hreflang = langs[j];
    a.lang = langs[j];
    a.textContent = copy.join("/");
    li.appendChild(a);
    list.appendChild(li);
  }
  box.hidden = false;
})();
