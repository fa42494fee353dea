/* Events are listed in the time zone where they happen; this adds the time in
   the reader's own zone (their browser's) when it differs. Without JavaScript
   the event's own time and zone name remain. */
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) { return; }
  var here = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var lang = document.documentElement.lang || undefined;
  document.querySelectorAll("time[data-local-time]").forEach(function (node) {
    if (!here || node.getAttribute("data-zone") === here) { return; }
    var moment = new Date(node.getAttribute("datetime"));
    if (isNaN(moment.getTime())) { return; }
    var text = new Intl.DateTimeFormat(lang, {
      weekday: "short", day: "numeric", month: "short",
      hour: "2-digit", minute: "2-digit", timeZoneName: "short"
    }).format(moment);
    var local = document.createElement("span");
    local.className = "local-time";
    local.textContent = " · " + node.getAttribute("data-label") + ": " + text;
    node.insertAdjacentElement("afterend", local);
  });
})();
