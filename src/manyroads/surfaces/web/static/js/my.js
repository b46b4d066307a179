// My meetings: saved in this browser only. The week and the calendar file are built here,
// in the browser; nothing about them is sent to the server.
(function () {
  "use strict";

  var SAVED = "manyroads.saved";
  var WEEK = 7 * 24 * 3600 * 1000;

  function saved() {
    try { return JSON.parse(localStorage.getItem(SAVED) || "{}"); } catch (e) { return {}; }
  }

  // Wall-clock parts of an instant in a zone.
  function partsIn(date, zone) {
    var out = {};
    new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", weekday: "short"
    }).formatToParts(date).forEach(function (p) { out[p.type] = p.value; });
    return out;
  }

  function offsetMs(date, zone) {
    var p = partsIn(date, zone);
    var asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second);
    return asUtc - Math.floor(date.getTime() / 1000) * 1000;
  }

  // A wall-clock time in a zone as an instant (the earlier reading when it happens twice).
  function zonedToInstant(year, month, day, minutes, zone) {
    var guess = Date.UTC(year, month, day, 0, minutes);
    var first = guess - offsetMs(new Date(guess), zone);
    var second = guess - offsetMs(new Date(first), zone);
    return new Date(Math.min(first, second));
  }

  var DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

  // Next start at or after `now` of a weekly meeting (weekday 0 = Monday) in its zone.
  function nextStart(card, now) {
    var p = partsIn(now, card.zone);
    var today = DAYS.indexOf(p.weekday);
    for (var ahead = 0; ahead <= 8; ahead++) {
      if ((today + ahead) % 7 !== card.weekday) continue;
      var base = new Date(Date.UTC(+p.year, +p.month - 1, +p.day + ahead));
      var start = zonedToInstant(base.getUTCFullYear(), base.getUTCMonth(), base.getUTCDate(), card.start, card.zone);
      if (start >= now) return start;
    }
    return null;
  }

  function render(root, cards) {
    var lang = root.getAttribute("data-lang") || "en";
    var viewer = Intl.DateTimeFormat().resolvedOptions().timeZone;
    root.textContent = "";
    if (!cards.length) {
      var empty = document.createElement("p");
      empty.textContent = root.getAttribute("data-empty");
      root.appendChild(empty);
      return;
    }
    var now = new Date();
    var dayFormat = new Intl.DateTimeFormat(lang, { weekday: "long", month: "long", day: "numeric", timeZone: viewer });
    var timeFormat = new Intl.DateTimeFormat(lang, { hour: "numeric", minute: "2-digit", timeZone: viewer });
    var items = cards.map(function (card) {
      return { card: card, start: card.zone && card.weekday !== null ? nextStart(card, now) : null };
    }).sort(function (a, b) { return (a.start ? a.start.getTime() : Infinity) - (b.start ? b.start.getTime() : Infinity); });
    var heading = null;
    var list = null;
    items.forEach(function (item) {
      var label = item.start ? dayFormat.format(item.start) : "—";
      if (label !== heading) {
        heading = label;
        var h2 = document.createElement("h2");
        h2.textContent = label;
        root.appendChild(h2);
        list = document.createElement("ul");
        list.className = "meetings";
        root.appendChild(list);
      }
      var li = document.createElement("li");
      li.className = "meeting";
      var h3 = document.createElement("h3");
      var link = document.createElement("a");
      link.href = item.card.url + "?lang=" + lang;
      link.textContent = item.card.name;
      h3.appendChild(link);
      li.appendChild(h3);
      var when = document.createElement("p");
      when.textContent = item.start
        ? timeFormat.format(item.start) + " " + root.getAttribute("data-your-time") + " (" + viewer.replace(/_/g, " ") + ")"
        : "";
      li.appendChild(when);
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "secondary";
      remove.textContent = root.getAttribute("data-remove");
      remove.setAttribute("aria-label", root.getAttribute("data-remove") + ": " + item.card.name);
      remove.addEventListener("click", function () {
        var all = saved();
        delete all[item.card.id];
        localStorage.setItem(SAVED, JSON.stringify(all));
        render(root, Object.keys(all).map(function (k) { return all[k]; }));
      });
      li.appendChild(remove);
      list.appendChild(li);
    });
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function icsText(cards) {
    var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//manyroads//my meetings//EN", "X-WR-CALNAME:My meetings"];
    var stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
    var now = new Date();
    cards.forEach(function (card) {
      if (!card.zone || card.weekday === null) return;
      var start = nextStart(card, now);
      if (!start) return;
      var p = partsIn(start, card.zone);
      var local = p.year + p.month + p.day + "T" + pad(+p.hour % 24) + p.minute + "00";
      var escape = function (t) { return String(t || "").replace(/\\/g, "\\\\").replace(/[,;]/g, "\\$&").replace(/\n/g, "\\n"); };
      lines.push("BEGIN:VEVENT", "UID:" + card.id + "@manyroads", "DTSTAMP:" + stamp,
        "DTSTART;TZID=" + card.zone + ":" + local, "DURATION:PT" + card.duration + "M",
        "RRULE:FREQ=WEEKLY;BYDAY=" + ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][card.weekday],
        "SUMMARY:" + escape(card.name),
        "LOCATION:" + escape(card.attendance === "online" ? card.online : card.place),
        "URL:" + location.origin + card.url, "END:VEVENT");
    });
    lines.push("END:VCALENDAR");
    return lines.join("\r\n") + "\r\n";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector("[data-my-week]");
    if (!root) return;
    var all = saved();
    var cards = Object.keys(all).map(function (k) { return all[k]; });
    render(root, cards);
    var button = document.querySelector("[data-my-ics]");
    if (button && cards.length) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var current = saved();
        var blob = new Blob([icsText(Object.keys(current).map(function (k) { return current[k]; }))],
          { type: "text/calendar" });
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = "my-meetings.ics";
        document.body.appendChild(a);
        a.click();
        a.remove();
      });
    }
  });
})();
