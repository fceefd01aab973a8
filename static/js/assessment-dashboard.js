// The dashboard's two charts, drawn with the self-hosted Chart.js; the figures are also on the page as text.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("dashboard-data");
    if (!source || !window.Chart) { return; }
    var data = JSON.parse(source.textContent);
    var red = "#b03a2e";
    function bar(id, set, colour) {
      var el = document.getElementById(id);
      if (!el) { return; }
      new window.Chart(el, {
        type: "bar",
        data: { labels: set.labels, datasets: [{ data: set.values, backgroundColor: colour }] },
        options: { responsive: true, plugins: { legend: { display: false } },
                   scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
      });
    }
    bar("chart-stars", data.stars, red);
    bar("chart-rect", data.rect, "#d4a017");
  });
})();
