/* The meeting form keeps its draft on the phone while it is filled (localStorage), so a reload or a
   dropped signal loses nothing; the idempotency key travels with the draft, so a retried or doubled
   submit makes one meeting. Live attendance counts. No dependencies. */
(function () {
  "use strict";
  var PREFIX = "meeting-draft:";

  function store() { try { return window.localStorage; } catch (e) { return null; } }

  function counts(form) {
    var marks = form.querySelectorAll("select[data-mark]");
    var c = { expected: marks.length, present: 0, leave: 0, absent: 0 };
    marks.forEach(function (s) {
      var v = s.value.split(":")[0];
      c[v] = (c[v] || 0) + 1;
      s.classList.toggle("is-leave", v === "leave");
      s.classList.toggle("is-absent", v === "absent");
    });
    Object.keys(c).forEach(function (k) {
      var el = form.querySelector('[data-count="' + k + '"]');
      if (el) el.textContent = c[k];
    });
  }

  function snapshot(form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken" || el.type === "submit") return;
      if (el.type === "checkbox") {
        data[el.name] = data[el.name] || [];
        if (el.checked) data[el.name].push(el.value);
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function restore(form, data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in data) || el.type === "file" || el.name === "csrfmiddlewaretoken") return;
      if (el.type === "checkbox") el.checked = data[el.name].indexOf(el.value) !== -1;
      else if (el.type !== "submit") el.value = data[el.name];
    });
  }

  function init(form) {
    var key = form.getAttribute("data-draft-key");
    var ls = store();
    if (ls && key) {
      var saved = ls.getItem(key);
      // A page the server sent back with errors holds the newer values: keep them, refresh the draft.
      if (saved && !document.querySelector(".field__error")) {
        try {
          restore(form, JSON.parse(saved));
          var note = document.querySelector("[data-draft-note]");
          if (note) note.hidden = false;
        } catch (e) { ls.removeItem(key); }
      }
      var save = function () { ls.setItem(key, JSON.stringify(snapshot(form))); };
      form.addEventListener("input", save);
      form.addEventListener("change", save);
      save();
    }
    form.addEventListener("change", function () { counts(form); });
    counts(form);
  }

  function clearSaved(marker) {
    var ls = store();
    if (!ls) return;
    for (var i = ls.length - 1; i >= 0; i--) {
      var k = ls.key(i);
      if (k && k.indexOf(PREFIX) === 0) {
        try {
          if (JSON.parse(ls.getItem(k)).idempotency_key === marker) ls.removeItem(k);
        } catch (e) { /* not ours */ }
      }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-draft-key]").forEach(init);
    var done = document.querySelector("[data-clear-drafts]");
    if (done) clearSaved(done.getAttribute("data-clear-drafts"));
    var edited = document.querySelector("[data-edit-draft]");
    if (edited && store()) store().removeItem(edited.getAttribute("data-edit-draft"));
  });
})();
