// My grid on the phone: the grids the worker holds, and their open cases as dots coloured by
// deadline (red late, amber warned, green on time); a dot's label links to the case. The data
// comes in the page as a json_script block (no inline script under the CSP); a tile layer only
// when one is configured.
(function () {
  var COLOURS = { red: "#b91c1c", yellow: "#d97706", green: "#059669" };
  function start() {
    var box = document.getElementById("grid-map");
    if (!box || !window.L) { return; }
    var layers = JSON.parse(document.getElementById(box.dataset.layers).textContent);
    var map = L.map(box, { attributionControl: false });
    if (box.dataset.tiles) { L.tileLayer(box.dataset.tiles, { maxZoom: 19 }).addTo(map); }
    var grids = L.geoJSON(layers.grids, {
      style: { color: "#1d4ed8", weight: 2, fillColor: "#bfdbfe", fillOpacity: 0.2 },
      onEachFeature: function (f, shape) { shape.bindTooltip(document.createTextNode(f.properties.name)); }
    }).addTo(map);
    L.geoJSON(layers.cases, {
      pointToLayer: function (f, at) {
        return L.circleMarker(at, { radius: 8, weight: 2, color: "#fff", fillOpacity: 0.9,
                                    fillColor: COLOURS[f.properties.light] || COLOURS.green });
      },
      onEachFeature: function (f, dot) {
        var link = document.createElement("a");
        link.href = box.dataset.caseUrl.replace("NUMBER", encodeURIComponent(f.properties.number));
        link.textContent = f.properties.number + " · " + f.properties.category + " · " + f.properties.state;
        dot.bindPopup(link);
      }
    }).addTo(map);
    if (grids.getLayers().length) { map.fitBounds(grids.getBounds()); } else { map.setView([30.57, 104.07], 12); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
