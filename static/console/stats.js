// Figures page: the trend and per-group charts (ECharts, vendored), from the page's JSON; and the
// period fields that matter for the chosen kind (all stay in the form, so nothing typed is lost).
(function () {
  "use strict";

  function showPeriodFields() {
    var kind = document.getElementById("kind");
    if (!kind) return;
    var custom = kind.value === "custom";
    document.querySelectorAll(".period-range").forEach(function (el) { el.hidden = !custom; });
    document.querySelectorAll(".period-on").forEach(function (el) { el.hidden = custom; });
  }

  function percentAxis() {
    return { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } };
  }

  function drawTrend(data) {
    var el = document.getElementById("trend-chart");
    if (!el || !window.echarts) return;
    var rates = ["response_rate", "resolution_rate", "satisfaction_rate", "on_time_rate"];
    var series = [{ name: data.names.received, type: "bar", yAxisIndex: 1, data: data.trend.received }];
    rates.forEach(function (code) {
      series.push({ name: data.names[code], type: "line", connectNulls: true, data: data.trend[code] });
    });
    echarts.init(el).setOption({
      tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 48, right: 48, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.buckets },
      yAxis: [percentAxis(), { type: "value", name: "件", minInterval: 1 }],
      series: series
    });
  }

  function drawGroups(data) {
    var el = document.getElementById("group-chart");
    if (!el || !window.echarts) return;
    echarts.init(el).setOption({
      tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 48, right: 48, top: 40, bottom: 90 },
      xAxis: { type: "category", data: data.groups, axisLabel: { rotate: 35, interval: 0 } },
      yAxis: [{ type: "value", name: "件", minInterval: 1 }, percentAxis()],
      series: [
        { name: data.names.received, type: "bar", data: data.group_received },
        { name: data.names.response_rate, type: "line", yAxisIndex: 1, data: data.group_response }
      ]
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    showPeriodFields();
    var kind = document.getElementById("kind");
    if (kind) kind.addEventListener("change", showPeriodFields);
    var json = document.getElementById("stats-data");
    if (!json) return;
    var data = JSON.parse(json.textContent);
    drawTrend(data);
    drawGroups(data);
  });
})();
