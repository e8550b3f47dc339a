// Draw each figure with Chart.js (npm, served locally). The tables under the charts carry the
// same numbers for screen readers and for copying.
const COLOURS = ["#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#b58840", "#28a197", "#6f72af", "#912b88", "#505a5f"];

for (const figure of JSON.parse(document.getElementById("chart-data").textContent)) {
  const canvas = document.getElementById(`chart-${figure.key}`);
  if (!canvas) continue;
  const labels = figure.rows.map((row) => String(row[0])); // in words already, as the table says
  const datasets = figure.columns.slice(1).map((name, index) => ({
    label: String(name),
    data: figure.rows.map((row) => row[index + 1]),
    backgroundColor: COLOURS[index % COLOURS.length],
  }));
  const stacked = figure.kind === "stacked";
  new window.Chart(canvas, {
    type: "bar",
    data: { labels, datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      indexAxis: stacked ? "x" : "y",
      scales: { x: { stacked }, y: { stacked, beginAtZero: true } },
      plugins: { legend: { display: datasets.length > 1 } },
    },
  });
  canvas.dataset.drawn = "yes";
}
