// The command dashboard: the parts of the place on a map coloured by overdue cases (click one to
// drill down), and the four rates of the last twelve months. Data comes in the page as JSON
// blocks (json_script), so no inline script is needed under the Content-Security-Policy.
(function () {
  function data(id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
  function start() {
    var labels = document.getElementById("board-labels").dataset;
    var box = document.getElementById("board-map");
    var places = data("board-map-data");
    if (box && window.L && places) {
      var map = L.map(box, { attributionControl: false });
      var worst = Math.max(1, Math.max.apply(null, places.features.map(function (f) { return f.properties.overdue; }).concat([0])));
      var layer = L.geoJSON(places, {
        style: function (f) {
          var share = f.properties.overdue / worst;
          return { color: "#6b7280", weight: 1, fillColor: f.properties.overdue ? "#b91c1c" : "#10b981",
                   fillOpacity: f.properties.overdue ? 0.25 + 0.6 * share : 0.25 };
        },
        onEachFeature: function (f, shape) {
          shape.bindTooltip(document.createTextNode(f.properties.name + " · " + labels.open + " " + f.properties.open + " · " +
                            labels.overdue + " " + f.properties.overdue));
          if (f.properties.level !== "grid") {
            shape.on("click", function () { window.location.search = "?area=" + f.properties.code; });
          }
        }
      }).addTo(map);
      if (layer.getLayers().length) { map.fitBounds(layer.getBounds()); } else { map.setView([30.57, 104.07], 10); }
    }
    var chartBox = document.getElementById("board-trend");
    var trend = data("board-trend-data");
    if (chartBox && window.echarts && trend) {
      var chart = echarts.init(chartBox, null, { renderer: "svg" });
      function series(name, key) {
        return { name: name, type: "line", smooth: true, data: trend.map(function (r) { return r[key] === null ? null : Math.round(r[key] * 1000) / 10; }) };
      }
      chart.setOption({
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + "%"; } },
        legend: { bottom: 0 },
        grid: { left: 40, right: 16, top: 16, bottom: 48 },
        xAxis: { type: "category", data: trend.map(function (r) { return r.month; }) },
        yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        series: [series(labels.response, "response_rate"), series(labels.resolution, "resolution_rate"),
                 series(labels.satisfaction, "satisfaction_rate"), series(labels.ontime, "on_time_rate")]
      });
      window.addEventListener("resize", function () { chart.resize(); });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
