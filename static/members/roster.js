// Roster import progress: poll the job until it is no longer running, then reload for the result.
(function () {
  "use strict";
  var box = document.getElementById("roster-job");
  if (!box || box.dataset.running !== "1") return;
  var bar = document.getElementById("roster-progress");
  var status = document.getElementById("roster-status");
  var message = document.getElementById("roster-message");
  function poll() {
    fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (state) {
        bar.value = state.progress;
        bar.textContent = state.progress + "%";
        status.textContent = state.status_label;
        message.textContent = state.message;
        if (state.running) { setTimeout(poll, 1500); } else { window.location.reload(); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
