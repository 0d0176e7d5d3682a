/* Media seat charts: each .chart[data-source] reads its JSON (dates, series) and draws ECharts lines.
   The data block is written by the server with |tojson; nothing here builds HTML from it. */
(function () {
  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-source"));
    if (!source || !window.echarts) { element.classList.add("no-chart"); return; }
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(element, null, {renderer: "svg"});
    chart.setOption({
      animation: false,
      tooltip: {trigger: "axis"},
      legend: {type: "scroll", top: 0},
      grid: {left: 40, right: 16, top: 36, bottom: 28},
      xAxis: {type: "category", data: data.dates},
      yAxis: {type: "value", minInterval: 1},
      series: data.series.map(function (s) { return {name: s.name, type: "line", data: s.data, showSymbol: false}; })
    });
    element.setAttribute("data-drawn", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function start() { document.querySelectorAll(".chart[data-source]").forEach(draw); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
