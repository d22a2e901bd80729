// The case page's map: the case's point and the outline of its grid, from the JSON block
// "case-map-data" (json_script: no inline script under the Content-Security-Policy). A tile
// layer only when one is configured; without one the outline alone places the point.
(function () {
  function start() {
    var box = document.getElementById("case-map");
    var source = document.getElementById("case-map-data");
    if (!box || !source || !window.L) { return; }
    var data = JSON.parse(source.textContent);
    var map = L.map(box, { attributionControl: false, scrollWheelZoom: false });
    if (data.tiles) { L.tileLayer(data.tiles, { maxZoom: 19 }).addTo(map); }
    var point = L.latLng(data.point[1], data.point[0]);
    var outline = data.area && data.area.geometry ? L.geoJSON(data.area, {
      style: { color: "#6b7280", weight: 2, fillColor: "#fde68a", fillOpacity: 0.2 },
      interactive: false
    }) : null;
    var bounds = L.latLngBounds(point, point);
    if (outline) { bounds.extend(outline.getBounds()); }
    // The view first: a vector layer added to a map without one has nothing to draw against.
    map.fitBounds(bounds, { padding: [16, 16], maxZoom: 17 });
    if (outline) { outline.addTo(map); }
    L.circleMarker(point, { radius: 8, color: "#b91c1c", weight: 3, fillOpacity: 0.6 }).addTo(map);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
