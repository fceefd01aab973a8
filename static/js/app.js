// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // On a wide screen the whole tree fits: open it. On a phone it stays folded.
  if (window.matchMedia && window.matchMedia("(min-width: 900px)").matches) {
    document.addEventListener("DOMContentLoaded", function () {
      document.querySelectorAll("details.tree-node").forEach(function (d) { d.open = true; });
    });
  }
  // Filter selects submit at once, so a phone user needs one tap, not two.
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.tagName === "SELECT" && el.form && el.form.classList.contains("filters")) {
      el.form.submit();
    }
  });
  // The Chinese file picker shows the chosen file's name.
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.classList && el.classList.contains("file-picker__input")) {
      var name = el.closest(".file-picker").querySelector(".file-picker__name");
      if (name) name.textContent = el.files && el.files.length ? el.files[0].name : "未选择文件";
    }
  });
})();
