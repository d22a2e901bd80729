// The report form's map: the portal's places drawn from GeoJSON (a tile layer only when one is
// configured: the page works with none), a click or "my location" puts the pin and fills the
// hidden lon/lat fields. The places come from a URL (data-outlines) or from a json_script
// element on the page (data-layers: its id; its "grids"); data-locate="auto" asks for the
// phone's position as the page opens. Without JavaScript the address field still works.
(function () {
  function start() {
    var box = document.getElementById("pin-map");
    if (!box || !window.L) { return; }
    var lon = document.getElementById("id_lon"), lat = document.getElementById("id_lat");
    var status = document.getElementById("pin-status");
    var map = L.map(box, { attributionControl: false });
    if (box.dataset.tiles) { L.tileLayer(box.dataset.tiles, { maxZoom: 19 }).addTo(map); }
    var marker = null;
    function pin(latlng, text) {
      lon.value = latlng.lng.toFixed(6);
      lat.value = latlng.lat.toFixed(6);
      if (marker) { marker.setLatLng(latlng); } else { marker = L.circleMarker(latlng, { radius: 9, color: "#b91c1c", weight: 3 }).addTo(map); }
      status.textContent = text || status.dataset.done || "✓";
    }
    status.dataset.done = box.dataset.done || "✓";
    var places = box.dataset.layers
      ? Promise.resolve(JSON.parse(document.getElementById(box.dataset.layers).textContent).grids)
      : fetch(box.dataset.outlines).then(function (r) { return r.json(); });
    places.then(function (data) {
      var layer = L.geoJSON(data, {
        style: { color: "#6b7280", weight: 1, fillColor: "#fde68a", fillOpacity: 0.25 },
        onEachFeature: function (feature, shape) { shape.bindTooltip(document.createTextNode(feature.properties.name)); }
      }).addTo(map);
      if (layer.getLayers().length) { map.fitBounds(layer.getBounds()); } else { map.setView([30.57, 104.07], 11); }
      if (lon.value && lat.value) { pin(L.latLng(+lat.value, +lon.value)); }
    });
    map.on("click", function (e) { pin(e.latlng); });
    var here = document.getElementById("pin-here");
    function locate() {
      navigator.geolocation.getCurrentPosition(function (p) {
        var at = L.latLng(p.coords.latitude, p.coords.longitude);
        map.setView(at, 17);
        pin(at);
      }, function () { status.textContent = box.dataset.unlocated || ""; }, { enableHighAccuracy: true, timeout: 15000 });
    }
    if (here && navigator.geolocation) {
      here.addEventListener("click", locate);
      if (box.dataset.locate === "auto" && !lon.value) { locate(); }
    } else if (here) { here.hidden = true; }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
