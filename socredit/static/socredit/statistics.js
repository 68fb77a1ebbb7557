/* Charts of the statistics pages (Apache ECharts, vendored as echarts.min.js).
 *
 * The page carries its numbers as JSON in <script type="application/json" id="statistics-data">
 * (Django's json_script); each <div data-chart="KEY"> becomes the chart of the panel with that key.
 * No inline script and no eval: the Content-Security-Policy allows scripts from our static files only.
 * The same numbers are in the table beside each chart, so a chart that cannot be drawn loses nothing.
 */
(function () {
  "use strict";

  function axisChart(panel, horizontal, stacked, line) {
    var category = { type: "category", data: panel.categories, axisLabel: { interval: 0, hideOverlap: true } };
    var value = { type: "value", minInterval: 1 };
    if (horizontal) { category.inverse = true; category.axisLabel = { width: 110, overflow: "truncate" }; }
    else if (!line) { category.axisLabel.rotate = panel.categories.length > 4 ? 30 : 0; }
    return {
      tooltip: { trigger: "axis" },
      legend: panel.series.length > 1 ? { top: 0 } : undefined,
      grid: { left: 8, right: 16, top: panel.series.length > 1 ? 32 : 12, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: panel.series.map(function (s) {
        return { name: s.name, type: line ? "line" : "bar", data: s.data, stack: stacked ? "all" : undefined,
                 smooth: false, barMaxWidth: 36 };
      })
    };
  }

  function pieChart(panel) {
    var data = panel.categories.map(function (name, i) { return { name: name, value: panel.series[0].data[i] }; });
    return {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0, type: "scroll" },
      series: [{ type: "pie", radius: ["30%", "55%"], center: ["50%", "45%"], data: data,
                 label: { formatter: "{d}%" } }]
    };
  }

  function gaugeChart(panel) {
    var target = panel.target;
    var colors = target === null || target === undefined
      ? [[1, "#dfe5ee"]]
      : [[Math.max(0, Math.min(1, target / 100)), "#dfe5ee"], [1, "#cfe8d6"]];
    return {
      series: [{
        type: "gauge", min: 0, max: 100, radius: "95%", center: ["50%", "60%"],
        startAngle: 200, endAngle: -20, progress: { show: true, width: 12 },
        axisLine: { lineStyle: { width: 12, color: colors } },
        axisTick: { show: false }, splitLine: { length: 6 }, axisLabel: { distance: 14, fontSize: 10 },
        pointer: { show: false }, anchor: { show: false },
        detail: { valueAnimation: false, formatter: "{value}%", fontSize: 22, offsetCenter: [0, "10%"] },
        title: { offsetCenter: [0, "45%"], fontSize: 12 },
        data: [{ value: panel.value, name: target === null || target === undefined ? "" : (document.documentElement.lang === "en" ? "Target " : "目标 ") + target + "%" }]
      }]
    };
  }

  function optionFor(panel) {
    switch (panel.kind) {
      case "pie": return pieChart(panel);
      case "gauge": return gaugeChart(panel);
      case "hbar": return axisChart(panel, true, false, false);
      case "stack": return axisChart(panel, false, true, false);
      case "line": return axisChart(panel, false, false, true);
      default: return axisChart(panel, false, false, false);
    }
  }

  function hasData(panel) {
    if (panel.kind === "gauge") { return panel.value !== null && panel.value !== undefined; }
    return panel.series.some(function (s) { return s.data.some(function (v) { return v; }); });
  }

  function init() {
    var source = document.getElementById("statistics-data");
    if (!source || typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var charts = [];
    data.panels.forEach(function (panel) {
      var el = document.querySelector('[data-chart="' + panel.key + '"]');
      if (!el) { return; }
      if (!hasData(panel)) { el.classList.add("stat-chart-empty"); return; }
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(optionFor(panel));
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); }
  else { init(); }
})();
