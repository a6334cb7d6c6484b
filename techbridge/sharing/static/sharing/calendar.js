// Booking calendar: pick a start slot, then a later slot of the same day to book a longer
// time; the link then opens the confirmation page with the price. Without JavaScript each
// free slot is a plain link to that page for one step. A static file because the
// Content-Security-Policy (script-src 'self') refuses inline scripts.
"use strict";
(function () {
  var cal = document.querySelector("[data-calendar]");
  var pick = document.querySelector("[data-pick]");
  if (!cal || !pick) {
    return;
  }
  var step = parseInt(cal.getAttribute("data-step"), 10) || 30;
  var max = parseInt(cal.getAttribute("data-max"), 10) || step;
  var url = cal.getAttribute("data-book-url");
  var label = pick.querySelector("[data-pick-label]");
  var go = pick.querySelector("[data-pick-go]");
  var unit = pick.getAttribute("data-unit") || "min";
  var first = null;
  var last = null;

  function row(link) {
    return parseInt(link.getAttribute("data-row"), 10);
  }

  function freeRows(day) {
    var rows = {};
    cal.querySelectorAll('a[data-day="' + day + '"]').forEach(function (link) {
      rows[row(link)] = link;
    });
    return rows;
  }

  function clear() {
    cal.querySelectorAll(".picked").forEach(function (el) {
      el.classList.remove("picked");
    });
    first = null;
    last = null;
    pick.hidden = true;
  }

  function show() {
    var rows = freeRows(first.getAttribute("data-day"));
    for (var i = row(first); i <= row(last); i += 1) {
      rows[i].parentNode.classList.add("picked");
    }
    var minutes = (row(last) - row(first) + 1) * step;
    var day = first.closest("[data-day-label]").getAttribute("data-day-label");
    label.textContent = day + " " + first.getAttribute("data-from") + "–" +
      last.getAttribute("data-to") + " (" + minutes + " " + unit + ")";
    go.href = url + "?start=" + encodeURIComponent(first.getAttribute("data-start")) +
      "&minutes=" + minutes;
    pick.hidden = false;
  }

  function extends_(link) {
    if (!first || link.getAttribute("data-day") !== first.getAttribute("data-day")) {
      return false;
    }
    var from = row(first);
    var to = row(link);
    if (to < from || (to - from + 1) * step > max) {
      return false;
    }
    var rows = freeRows(link.getAttribute("data-day"));
    for (var i = from; i <= to; i += 1) {
      if (!rows[i]) {
        return false;
      }
    }
    return true;
  }

  cal.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-start]");
    if (!link) {
      return;
    }
    event.preventDefault();
    if (first && first === last && link === first) {
      clear();
      return;
    }
    var grow = extends_(link) && first === last;
    var keep = first;
    clear();
    first = grow ? keep : link;
    last = link;
    show();
  });

  var reset = pick.querySelector("[data-pick-clear]");
  if (reset) {
    reset.addEventListener("click", clear);
  }
})();
