// "Ask before you post": while a member writes a new topic, fetch answered
// questions, lessons and articles that match its title and first lines
// (debounced), and show them above the submit button. Without JavaScript the
// "Check for similar questions" button posts the draft to a page instead.
(function () {
  "use strict";
  var WAIT_MS = 400;
  var MIN_CHARS = 8;

  function setUp(box) {
    var form = box.closest("form");
    if (!form) return;
    var title = form.querySelector("[name=title]");
    var body = form.querySelector("[name=body]");
    var results = box.querySelector("[data-help-similar-results]");
    var check = box.querySelector("[data-help-similar-check]");
    var timer = null;
    var last = "";
    var controller = null;

    function text() {
      var t = title ? title.value : "";
      var b = body ? body.value.slice(0, 400) : "";
      return (t + " " + t + " " + b).replace(/\s+/g, " ").trim();
    }

    function fetchNow() {
      var q = text();
      if (q.length < MIN_CHARS || q === last) return;
      last = q;
      if (controller) controller.abort();
      controller = new AbortController();
      var url = box.getAttribute("data-url") + "?q=" + encodeURIComponent(q);
      fetch(url, { credentials: "same-origin", signal: controller.signal, headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) { if (html) results.innerHTML = html; })
        .catch(function () { /* aborted by a newer request, or offline: keep what is shown */ });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchNow, WAIT_MS);
    }

    if (title) title.addEventListener("input", later);
    if (body) body.addEventListener("input", later);
    if (check) {
      check.addEventListener("click", function (event) {
        event.preventDefault();
        last = "";
        fetchNow();
      });
    }
    fetchNow();
  }

  document.querySelectorAll("[data-help-similar]").forEach(setUp);
})();
