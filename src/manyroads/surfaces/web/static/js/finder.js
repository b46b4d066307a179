// manyroads finder: progressive enhancement. Every page works without this file.
(function () {
  "use strict";

  var SAVED = "manyroads.saved";
  // The asset version this page was built with, so the lazily loaded map files are cached safely.
  var VERSION = (function () {
    try { return new URL(document.currentScript.src).searchParams.get("v") || ""; } catch (e) { return ""; }
  })();

  function browserZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return ""; }
  }

  // Show times in the visitor's own zone: fill the forms, and reload once if the page was
  // rendered for another zone and the address does not name one.
  function useBrowserZone() {
    var zone = browserZone();
    if (!zone) return;
    document.querySelectorAll("select[data-timezone]").forEach(function (select) {
      var found = Array.prototype.some.call(select.options, function (o) { return o.value === zone; });
      if (!found) {
        var option = document.createElement("option");
        option.value = zone;
        option.textContent = zone.replace(/_/g, " ");
        select.insertBefore(option, select.firstChild);
      }
      if (!new URLSearchParams(location.search).has("tz")) select.value = zone;
    });
    var params = new URLSearchParams(location.search);
    var rendered = document.body.getAttribute("data-viewer-zone");
    if (rendered && rendered !== zone && !params.has("tz")) {
      params.set("tz", zone);  // the new address names the zone, so this happens once
      location.replace(location.pathname + "?" + params.toString() + location.hash);
    }
  }

  function locate() {
    var button = document.querySelector("[data-locate]");
    if (!button || !navigator.geolocation) return;
    button.hidden = false;
    var note = document.querySelector("[data-locate-note]");
    if (note) note.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        var form = button.closest("form");
        // Two decimals (about a kilometre) is all a meeting search needs.
        form.querySelector("[data-near]").value =
          position.coords.latitude.toFixed(2) + "," + position.coords.longitude.toFixed(2);
        var place = form.querySelector("[name=place]");
        if (place) place.value = "";
        form.submit();
      }, function () {
        button.disabled = false;
        var place = button.closest("form").querySelector("[name=place]");
        if (place) place.focus();
      }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
    });
  }

  function savedMeetings() {
    try { return JSON.parse(localStorage.getItem(SAVED) || "{}"); } catch (e) { return {}; }
  }

  function saveButton() {
    var article = document.querySelector("[data-meeting]");
    var button = document.querySelector("[data-save]");
    if (!article || !button || !window.localStorage) return;
    var card = JSON.parse(article.getAttribute("data-meeting"));
    var note = document.querySelector("[data-save-note]");
    var labels = { save: button.textContent, saved: button.getAttribute("data-saved-label") };
    function show() {
      var isSaved = !!savedMeetings()[card.id];
      button.textContent = isSaved ? labels.saved : labels.save;
      button.setAttribute("aria-pressed", isSaved ? "true" : "false");
    }
    button.hidden = false;
    if (note) note.hidden = false;
    show();
    button.addEventListener("click", function () {
      var all = savedMeetings();
      if (all[card.id]) delete all[card.id]; else all[card.id] = card;
      localStorage.setItem(SAVED, JSON.stringify(all));
      show();
    });
  }

  function shareButton() {
    var button = document.querySelector("[data-share]");
    if (!button || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var url = document.querySelector(".share a");
      navigator.clipboard.writeText(url ? url.href : location.href).then(function () {
        button.textContent = button.getAttribute("data-done-label");
      });
    });
  }

  // The map loads only when asked for, so a phone on a slow connection does not pay for it.
  function map() {
    var element = document.querySelector("[data-map]");
    var data = document.getElementById("map-data");
    if (!element || !data) return;
    var points = JSON.parse(data.textContent || "[]");
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = "/static/vendor/leaflet/leaflet.css?v=" + VERSION;
    document.head.appendChild(css);
    var script = document.createElement("script");
    script.src = "/static/vendor/leaflet/leaflet.js?v=" + VERSION;
    script.onload = function () {
      var L = window.L;
      var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      var view = L.map(element, {
        scrollWheelZoom: false, zoomAnimation: !still, fadeAnimation: !still, markerZoomAnimation: !still
      });
      L.tileLayer(element.getAttribute("data-tiles"), {
        attribution: element.getAttribute("data-attribution"), maxZoom: 18
      }).addTo(view);
      var bounds = [];
      // Meetings are round; treatment places are squares in another colour, so the two differ without colour too.
      var facilityIcon = L.divIcon({ className: "facility-marker", iconSize: [16, 16] });
      points.forEach(function (p) {
        var marker = p.kind === "facility"
          ? L.marker([p.lat, p.lon], { icon: facilityIcon, title: p.name, keyboard: false })
          : L.circleMarker([p.lat, p.lon], { radius: 8, weight: 2, color: "#0b5394", fillOpacity: 0.8 });
        var link = document.createElement("a");
        link.href = p.url;
        link.textContent = p.name;
        marker.bindPopup(link).addTo(view);
        bounds.push([p.lat, p.lon]);
      });
      if (bounds.length) view.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
      else view.setView([20, 0], 2);
      element.setAttribute("data-ready", String(points.length));
    };
    document.body.appendChild(script);
  }

  document.addEventListener("DOMContentLoaded", function () {
    useBrowserZone();
    locate();
    saveButton();
    shareButton();
    map();
  });
})();
