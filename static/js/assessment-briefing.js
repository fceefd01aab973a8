// Polls the briefing's progress while it compiles, then reloads to offer the downloads.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("briefing-progress");
    if (!box || !box.dataset.running) { return; }
    var bar = box.querySelector("progress");
    var step = box.querySelector("[data-step]");
    var status = box.querySelector("[data-status]");
    function poll() {
      fetch(box.dataset.url, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (d) {
          bar.value = d.progress;
          step.textContent = d.step;
          status.textContent = d.status_display;
          if (d.done || d.failed) { window.location.reload(); } else { window.setTimeout(poll, 1500); }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 1000);
  });
})();
