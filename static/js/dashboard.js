// Draws the dashboard's charts from the figures the server put in the page (json_script "dashboard-figures")
// with the plotly.js served from our own static files, in Chinese (static/js/plotly-zh-cn.js). Clicking a point
// opens the list of the orders behind it: each point carries that address in its customdata. Without JavaScript
// the tables beside the charts hold the same figures, with the same links.
(function () {
  "use strict";

  function figures(root) {
    var source = root.querySelector("#dashboard-figures") || document.getElementById("dashboard-figures");
    return source ? JSON.parse(source.textContent) : {};
  }

  // In Chinese and without the cloud-share buttons (static/js/plotly-zh-cn.js, loaded before this file).
  function chartConfig(own) {
    return window.HotlineCharts ? window.HotlineCharts.config(own) : own;
  }

  function draw(root) {
    if (typeof window.Plotly === "undefined") return;
    var all = figures(root);
    root.querySelectorAll("[data-figure]").forEach(function (element) {
      var figure = all[element.getAttribute("data-figure")];
      if (!figure) return;
      var points = figure.data.reduce(function (sum, trace) { return sum + (trace.x || []).length; }, 0);
      if (!points) {
        element.textContent = all._empty || "";
        return;
      }
      element.textContent = "";
      element.classList.add("chart-drawn");
      window.Plotly.newPlot(element, figure.data, figure.layout, chartConfig(figure.config)).then(function () {
        element.on("plotly_click", function (event) {
          var point = event.points && event.points[0];
          if (point && point.customdata) window.location.assign(point.customdata);
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    draw(document);
  });
  // The filter form swaps the dashboard's body in place; draw the new body's charts.
  document.addEventListener("htmx:afterSwap", function (event) {
    draw(event.target);
  });
})();
