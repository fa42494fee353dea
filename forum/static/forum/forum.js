/* Forum enhancements; every page works without this file.
   - A topic page tells the server how far the member has read once it is
     shown (a beacon POST), so the GET itself writes nothing.
   - The new-topic form shows the project fields only for projects. */
(function () {
  "use strict";

  function sendReadPosition() {
    var form = document.querySelector("[data-read-beacon]");
    if (!form) return;
    var data = new FormData(form);
    data.append("beacon", "1");
    if (navigator.sendBeacon && navigator.sendBeacon(form.action, data)) return;
    if (window.fetch) {
      fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        keepalive: true,
      }).catch(function () {
        /* not read this time: the markers stay until the next visit */
      });
    }
  }

  function toggleProjectFields() {
    var fields = document.querySelector("[data-project-fields]");
    if (!fields) return;
    var form = fields.closest("form");
    var kinds = form.querySelectorAll("input[name=kind]");
    function sync() {
      var chosen = form.querySelector("input[name=kind]:checked");
      var isProject = chosen && chosen.value === "project";
      // Fields with errors stay visible whatever the kind.
      fields.hidden = !isProject && !fields.querySelector(".field--error");
    }
    for (var i = 0; i < kinds.length; i += 1) {
      kinds[i].addEventListener("change", sync);
    }
    sync();
  }

  function ready() {
    sendReadPosition();
    toggleProjectFields();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
