/* The workbook site's quizzes and flashcards, in plain JavaScript: no kernel, no network.
 *
 * Quizzes: every element with data-svc-quiz holds its questions (buttons, or a text box for a
 * numeric question) and a JSON answer key. A choice or a typed number is marked at once, the
 * verdict and explanation are written into the question's aria-live region, and the answer is
 * kept in localStorage as "svcworkbook:unitN:question:ID" = {"chosen" or "given", "correct"}.
 * Saved answers are shown again when the page is reloaded; "Clear my answers" removes them.
 *
 * Flashcards: Leitner boxes as in svcworkbook.learning.flashcards. "Knew it" moves a card up a
 * box (at most 5), "Didn't know it" back to box 1; the card is next due INTERVAL_DAYS[box] days
 * later. Unseen cards are due today; due cards come lowest box first, then earliest due, then
 * in the unit's order. Kept as "svcworkbook:unitN:card:ID" = {box, due, reviews, lapses}.
 */
(function () {
  "use strict";

  var memory = {}; // used when the browser refuses localStorage (some private windows)
  var storageWorks = (function () {
    try {
      var probe = "svcworkbook:probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return true;
    } catch (e) {
      return false;
    }
  })();

  function load(key) {
    var text = storageWorks ? window.localStorage.getItem(key) : memory[key];
    if (text === null || text === undefined) return null;
    try {
      return JSON.parse(text);
    } catch (e) {
      return null; // a value written by something else: treated as not answered
    }
  }

  function save(key, value) {
    var text = JSON.stringify(value);
    if (storageWorks) window.localStorage.setItem(key, text);
    else memory[key] = text;
  }

  function removePrefix(prefix) {
    var keys = storageWorks ? Object.keys(window.localStorage) : Object.keys(memory);
    keys.forEach(function (key) {
      if (key.indexOf(prefix) === 0) {
        if (storageWorks) window.localStorage.removeItem(key);
        else delete memory[key];
      }
    });
  }

  function readJson(root, selector) {
    var block = root.querySelector(selector);
    return block ? JSON.parse(block.textContent) : null;
  }

  function setText(element, parts) {
    /* parts: a list of [className or "", text]; written as spans, never as HTML */
    element.textContent = "";
    parts.forEach(function (part) {
      var span = document.createElement("span");
      if (part[0]) span.className = part[0];
      span.textContent = part[1];
      element.appendChild(span);
    });
  }

  /* Numbers as typed: "0.82", "82%", "1,234", "£12.50"; null when it is not a number. A "%"
     divides by 100 unless the answer is itself in per cent (percentSign = true). */
  function parseNumber(text, percentSign) {
    var t = String(text).trim().replace(/,/g, "").replace(/£/g, "");
    var scale = 1;
    if (t.slice(-1) === "%") {
      scale = percentSign ? 1 : 0.01;
      t = t.slice(0, -1).trim();
    }
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return null;
    return parseFloat(t) * scale;
  }

  /* Right when |given - answer| <= tolerance (svcworkbook.content.models.Question.accepts). */
  function numericRight(given, key) {
    return Math.abs(given - key.value) <= key.tolerance + 1e-9;
  }

  // --- quizzes ----------------------------------------------------------------------------

  function setUpQuiz(root) {
    var key = readJson(root, ".svc-quiz-key");
    if (!key) return;
    var prefix = "svcworkbook:unit" + key.unit + ":question:";
    var byId = {};
    key.questions.forEach(function (q) {
      byId[q.id] = q;
    });
    var score = root.querySelector(".svc-score");
    var items = Array.prototype.slice.call(root.querySelectorAll(".svc-question"));

    function showScore() {
      var answered = 0;
      var right = 0;
      key.questions.forEach(function (q) {
        var saved = load(prefix + q.id);
        if (saved) {
          answered += 1;
          if (saved.correct) right += 1;
        }
      });
      score.textContent =
        answered === 0
          ? "No answers yet: 0 of " + key.questions.length + " answered."
          : "Answered " + answered + " of " + key.questions.length + "; " + right + " right.";
    }

    function show(item, q, saved) {
      var feedback = item.querySelector(".svc-feedback");
      var buttons = item.querySelectorAll(".svc-option");
      Array.prototype.forEach.call(buttons, function (b) {
        var chosen = saved && q.kind === "choice" && Number(b.dataset.option) === saved.chosen;
        b.setAttribute("aria-pressed", chosen ? "true" : "false");
      });
      var input = item.querySelector("input");
      if (input && saved && saved.given !== undefined) input.value = saved.given;
      if (input && !saved) input.value = "";
      feedback.className = "svc-feedback";
      if (!saved) {
        feedback.textContent = "";
        return;
      }
      feedback.classList.add(saved.correct ? "svc-right" : "svc-wrong");
      var verdict;
      if (saved.correct) verdict = "Right.";
      else if (q.kind === "choice") verdict = "Not quite: the answer is " + q.letter + ".";
      else verdict = "Not quite.";
      setText(feedback, [
        [saved.correct ? "svc-verdict-right" : "svc-verdict-wrong", verdict + " "],
        ["", q.explanation]
      ]);
    }

    items.forEach(function (item) {
      var q = byId[item.dataset.question];
      if (!q) return;
      var storeKey = prefix + q.id;
      Array.prototype.forEach.call(item.querySelectorAll(".svc-option"), function (button) {
        button.addEventListener("click", function () {
          var chosen = Number(button.dataset.option);
          var saved = { chosen: chosen, correct: chosen === q.answer };
          save(storeKey, saved);
          show(item, q, saved);
          showScore();
        });
      });
      var form = item.querySelector("form.svc-numeric");
      if (form) {
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          var input = form.querySelector("input");
          var given = parseNumber(input.value, q.percent);
          var feedback = item.querySelector(".svc-feedback");
          if (given === null) {
            feedback.className = "svc-feedback svc-wrong";
            setText(feedback, [
              ["svc-verdict-wrong", "Type a number "],
              ["", "(such as 0.82, 82% or 1,234), then press Check."]
            ]);
            return;
          }
          var saved = { given: input.value.trim(), correct: numericRight(given, q) };
          save(storeKey, saved);
          show(item, q, saved);
          showScore();
        });
      }
      show(item, q, load(storeKey));
    });

    var clear = root.querySelector(".svc-clear");
    if (clear) {
      clear.addEventListener("click", function () {
        removePrefix(prefix);
        items.forEach(function (item) {
          var q = byId[item.dataset.question];
          if (q) show(item, q, null);
        });
        showScore();
        score.textContent = "Your answers to unit " + key.unit + " were cleared. " + score.textContent;
      });
    }
    showScore();
  }

  // --- flashcards -------------------------------------------------------------------------

  function isoDate(day) {
    var m = String(day.getMonth() + 1).padStart(2, "0");
    var d = String(day.getDate()).padStart(2, "0");
    return day.getFullYear() + "-" + m + "-" + d;
  }

  function addDays(iso, days) {
    var parts = iso.split("-").map(Number);
    var day = new Date(parts[0], parts[1] - 1, parts[2] + days);
    return isoDate(day);
  }

  function setUpCards(root) {
    var data = readJson(root, ".svc-cards-data");
    if (!data || !data.cards.length) return;
    var prefix = "svcworkbook:unit" + data.unit + ":card:";
    var top = Math.max.apply(null, Object.keys(data.intervals).map(Number));
    var status = root.querySelector(".svc-card-status");
    var front = root.querySelector(".svc-card-front");
    var back = root.querySelector(".svc-card-back");
    var flip = root.querySelector(".svc-card-flip");
    var knew = root.querySelector(".svc-card-knew");
    var didnt = root.querySelector(".svc-card-didnt");
    var reset = root.querySelector(".svc-card-reset");
    var queue = [];
    var position = 0;

    function today() {
      return isoDate(new Date());
    }

    function stateOf(card) {
      return load(prefix + card.id) || { box: 1, due: today(), reviews: 0, lapses: 0 };
    }

    function boxCounts() {
      var counts = {};
      Object.keys(data.intervals).forEach(function (b) {
        counts[b] = 0;
      });
      data.cards.forEach(function (card) {
        counts[String(stateOf(card).box)] += 1;
      });
      return Object.keys(counts)
        .map(function (b) {
          return "box " + b + ": " + counts[b];
        })
        .join(", ");
    }

    function buildQueue() {
      var now = today();
      var order = {};
      data.cards.forEach(function (card, i) {
        order[card.id] = i;
      });
      queue = data.cards.filter(function (card) {
        return stateOf(card).due <= now;
      });
      queue.sort(function (a, b) {
        var sa = stateOf(a);
        var sb = stateOf(b);
        if (sa.box !== sb.box) return sa.box - sb.box;
        if (sa.due !== sb.due) return sa.due < sb.due ? -1 : 1;
        return order[a.id] - order[b.id];
      });
      position = 0;
    }

    function showFront(message) {
      back.hidden = true;
      back.textContent = "";
      knew.disabled = true;
      didnt.disabled = true;
      var card = queue[position];
      var where = card
        ? "Card " + (position + 1) + " of " + queue.length + " due today (" + boxCounts() + ")."
        : "All done for today (" + boxCounts() + "). Cards you did not know come back tomorrow.";
      status.textContent = (message ? message + " " : "") + where;
      if (!card) {
        front.textContent = "No cards are due today.";
        flip.disabled = true;
        return;
      }
      front.textContent = card.front;
      flip.disabled = false;
    }

    function answer(known) {
      var card = queue[position];
      if (!card) return;
      var state = stateOf(card);
      var box = known ? Math.min(state.box + 1, top) : 1;
      save(prefix + card.id, {
        box: box,
        due: addDays(today(), data.intervals[String(box)]),
        reviews: state.reviews + 1,
        lapses: state.lapses + (known ? 0 : 1)
      });
      position += 1;
      showFront(known ? "Moved to box " + box + "." : "Back to box 1.");
      (position < queue.length ? flip : reset).focus();
    }

    flip.addEventListener("click", function () {
      var card = queue[position];
      if (!card) return;
      back.textContent = card.back;
      back.hidden = false;
      flip.disabled = true;
      knew.disabled = false;
      didnt.disabled = false;
      status.textContent = "The back of the card is shown. Did you know it?";
      knew.focus();
    });
    knew.addEventListener("click", function () {
      answer(true);
    });
    didnt.addEventListener("click", function () {
      answer(false);
    });
    reset.addEventListener("click", function () {
      removePrefix(prefix);
      buildQueue();
      showFront("Every card is back in box 1.");
    });
    buildQueue();
    showFront(storageWorks ? "" : "This browser is not keeping your cards after you close it.");
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-svc-quiz]"), setUpQuiz);
    Array.prototype.forEach.call(document.querySelectorAll("[data-svc-flashcards]"), setUpCards);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
