// Self-check questions (docs/courses.md). Without this script a question
// shows its answers in "Show the answer"; with it, "Check" marks each chosen
// option right or wrong with its feedback, shows the explanation, says the
// verdict (and, for several answers, the score) in the question's live
// region, and tells the page: an `aula:quiz` event whose detail is the
// question's id (translation key#position), whether it was fully right, and
// how many questions the page has. Nothing is stored or sent.
(function () {
  var quizzes = document.querySelectorAll(".quiz[data-quiz]");

  function add(parent, tag, cls, text, lang) {
    var el = parent.appendChild(document.createElement(tag));
    el.className = cls;
    if (text) el.textContent = text;
    if (lang) el.lang = lang;
    return el;
  }

  function reset(q) {
    var said = q.querySelectorAll(".quiz-said");
    for (var i = 0; i < said.length; i++) said[i].parentNode.removeChild(said[i]);
    var items = q.querySelectorAll(".quiz-options li");
    for (i = 0; i < items.length; i++) {
      items[i].className = "";
      items[i].querySelector("input").removeAttribute("aria-describedby");
    }
    clearTimeout(q.timer);
    q.querySelector(".quiz-status").textContent = "";
  }

  function check(q) {
    var d = q.dataset, status = q.querySelector(".quiz-status");
    var items = q.querySelectorAll(".quiz-options li");
    var key = q.querySelectorAll(".quiz-key li");
    var rights = 0, right = 0, wrong = 0, said = [];
    reset(q);
    for (var i = 0; i < items.length; i++) {
      var ok = key[i].className == "quiz-right", input = items[i].querySelector("input");
      if (ok) rights++;
      if (!input.checked) continue;
      if (ok) right++; else wrong++;
      items[i].className = ok ? "quiz-ok" : "quiz-no";
      var p = add(items[i], "p", "quiz-said quiz-fb");
      p.id = q.id + "-fb-" + (i + 1);
      add(p, "strong", "", ok ? d.correct : d.wrong, d.lang);
      var fb = key[i].querySelector(".quiz-fb");
      if (fb) {
        p.appendChild(document.createTextNode(" " + fb.textContent));
        said.push(fb.textContent);
      }
      input.setAttribute("aria-describedby", p.id);
    }
    var text = d.choose, correct = right == rights && !wrong;
    if (right || wrong) {
      text = (correct ? d.correct : d.wrong) + ". " + (d.kind == "multiple"
        ? d.score.replace("{score}", Math.max(0, right - wrong)).replace("{total}", rights) + "."
        : said.join(" "));
      var why = q.querySelector(".quiz-key .quiz-explanation");
      if (why) status.parentNode.insertBefore(why.cloneNode(true), status.nextSibling).className = "quiz-said quiz-explanation";
    }
    // Emptied first and filled a moment later, so that the same verdict
    // twice in a row is announced twice.
    q.timer = setTimeout(function () { status.textContent = text; }, 100);
    if (right || wrong) {
      document.dispatchEvent(new CustomEvent("aula:quiz", {
        detail: { id: d.quiz, correct: correct, total: quizzes.length }
      }));
    }
  }

  for (var i = 0; i < quizzes.length; i++) (function (q) {
    var button = q.querySelector(".quiz-check");
    button.hidden = false;
    button.addEventListener("click", function () { check(q); });
    q.addEventListener("change", function () { reset(q); });
  })(quizzes[i]);
})();
