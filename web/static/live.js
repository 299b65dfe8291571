/* Ghimar Desk: a case page's live feed (server-sent events). No library, no CDN. */
(function () {
  "use strict";
  var log = document.getElementById("timeline");
  var state = document.getElementById("live-state");
  if (!log || !window.EventSource) { return; }
  var source = new EventSource(log.dataset.events + "?after=" + encodeURIComponent(log.dataset.cursor));
  source.addEventListener("open", function () { state.textContent = state.dataset.on; });
  source.addEventListener("error", function () { state.textContent = state.dataset.off; });
  source.addEventListener("items", function (event) {
    log.insertAdjacentHTML("beforeend", JSON.parse(event.data).html);
    log.lastElementChild.scrollIntoView({block: "nearest"});
  });
  source.addEventListener("status", function (event) {
    document.getElementById("case-status").innerHTML = JSON.parse(event.data).html;
  });
  source.addEventListener("signed-out", function () { source.close(); window.location.reload(); });
}());
