// The dashboard's charts, drawn with the self-hosted Chart.js; the figures are also on the page as text.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("dashboard-data");
    if (!source || !window.Chart) { return; }
    var data = JSON.parse(source.textContent);
    var red = "#b03a2e";
    function bar(id, set, colour, max) {
      var el = document.getElementById(id);
      if (!el || !set) { return; }
      var y = { beginAtZero: true, ticks: { precision: 0 } };
      if (max) { y.max = max; }
      new window.Chart(el, {
        type: "bar",
        data: { labels: set.labels, datasets: [{ data: set.values, backgroundColor: colour }] },
        options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: y } }
      });
    }
    bar("chart-stars", data.stars, red);
    bar("chart-rect", data.rect, "#d4a017");
    bar("chart-areas", data.areas, "#1f5fa8", 100);
  });
})();
