// Behaviour that used to sit in inline event handlers, which the Content-Security-Policy
// (script-src 'self') refuses: confirmation of risky forms and the language switcher.
"use strict";
// data-confirm sits on the form or on the button that submits it (a form with several
// buttons asks only for the risky one); without JavaScript the form simply submits.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = event.submitter;
  var question = (button && button.getAttribute && button.getAttribute("data-confirm")) ||
    (form.getAttribute && form.getAttribute("data-confirm"));
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.submit();
  }
});
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});
// The menu on a phone: collapsed behind one button (the page marks itself "js" so that
// without JavaScript the menu simply stays open).
document.documentElement.classList.add("js");
document.addEventListener("click", function (event) {
  var toggle = event.target.closest && event.target.closest("[data-menu-toggle]");
  if (!toggle) {
    return;
  }
  var bar = toggle.closest(".topbar");
  var open = bar.classList.toggle("open");
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
});
// Amount fields (core.forms.AmountFormField): what will be saved, shown beside the field
// while the user types — the server's own parser answers, so the preview never disagrees
// with what the form accepts ("150万" → 150.00万元（1,500,000.00 元）).
(function () {
  var timers = new WeakMap();
  function preview(field) {
    var out = field.nextElementSibling;
    if (!out || !out.classList || !out.classList.contains("amount-preview")) {
      out = document.createElement("small");
      out.className = "amount-preview";
      out.setAttribute("aria-live", "polite");
      field.insertAdjacentElement("afterend", out);
    }
    var text = field.value.trim();
    if (!text) {
      out.textContent = "";
      return;
    }
    fetch("/amounts/preview/?text=" + encodeURIComponent(text), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (!answer || field.value.trim() !== text) {
          return;
        }
        out.textContent = answer.ok ? "= " + answer.text : answer.error;
        out.classList.toggle("error", !answer.ok);
      })
      .catch(function () {});
  }
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.hasAttribute || !field.hasAttribute("data-amount-preview")) {
      return;
    }
    clearTimeout(timers.get(field));
    timers.set(field, setTimeout(function () { preview(field); }, 250));
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-amount-preview]").forEach(function (field) {
      if (field.value.trim()) {
        preview(field);
      }
    });
  });
})();

// Menu groups (<details class="navgroup">): one open at a time; a click outside or Escape
// closes the open one, so a dropdown never stays over the page by accident.
(function () {
  const groups = () => document.querySelectorAll("details.navgroup");
  document.addEventListener("toggle", function (event) {
    const opened = event.target;
    if (!(opened instanceof HTMLDetailsElement) || !opened.classList.contains("navgroup") || !opened.open) return;
    groups().forEach(function (other) { if (other !== opened) other.open = false; });
  }, true);
  document.addEventListener("click", function (event) {
    groups().forEach(function (group) { if (group.open && !group.contains(event.target)) group.open = false; });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    groups().forEach(function (group) {
      if (group.open) { group.open = false; group.querySelector("summary").focus(); }
    });
  });
})();
