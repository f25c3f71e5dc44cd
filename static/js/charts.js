// Draws each <canvas data-chart="key"> from the page's #chart-data JSON
// ({key: {labels: [...], counts: [...]}}). The same numbers are in the table beside it.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var palette = ["#b02a37", "#e35d6a", "#fd7e14", "#ffc107", "#198754", "#20c997",
                 "#0d6efd", "#6f42c1", "#6c757d", "#adb5bd"];
  // Category labels never skipped; a percentage axis runs 0–100.
  function scales(canvas) {
    var value = { beginAtZero: true };
    if (canvas.dataset.percent) {
      value.max = 100;
      value.ticks = { callback: function (v) { return v + "%"; } };
    }
    var category = { ticks: { autoSkip: false } };
    return canvas.dataset.horizontal ? { x: value, y: category } : { x: category, y: value };
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var series = data[canvas.dataset.chart];
    if (!series) { return; }
    var type = canvas.dataset.type || "bar";
    var round = type === "doughnut";
    new Chart(canvas, {
      type: type,
      data: {
        labels: series.labels,
        datasets: [{
          data: series.counts,
          backgroundColor: round ? palette : palette[0],
        }],
      },
      options: {
        indexAxis: canvas.dataset.horizontal ? "y" : "x",
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { display: round, position: "right" } },
        scales: round ? {} : scales(canvas),
      },
    });
  });
})();
