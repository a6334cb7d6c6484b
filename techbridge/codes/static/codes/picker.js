// Region and industry pickers (codes.widgets): the text input keeps working on its own
// (it takes names or codes); this adds cascading selects (province → city → district,
// section → division → group → class) and a type-ahead list by name or pinyin initials,
// both fed by the public code-list API. Vanilla JS, no inline handlers (CSP).
"use strict";
(function () {
  if (window.techbridgePicker) {
    return; // the form media may be printed once per form on a page
  }
  window.techbridgePicker = true;
  var SEPARATORS = /[,，、;；\s]+/;
  var serial = 0;

  function get(api, params) {
    var query = Object.keys(params).map(function (key) {
      return encodeURIComponent(key) + "=" + encodeURIComponent(params[key]);
    }).join("&");
    return fetch(api + "?" + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (body) { return body.results || []; })
      .catch(function () { return []; });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function Picker(input) {
    this.input = input;
    this.api = input.getAttribute("data-api");
    this.kind = input.getAttribute("data-code-picker");
    this.multiple = input.hasAttribute("data-multiple");
    this.levels = (input.getAttribute("data-levels") || "").split("|");
    this.text = function (name) { return input.getAttribute("data-text-" + name) || ""; };
    this.rows = [];
    this.active = -1;
    this.timer = null;
    this.id = "code-picker-" + (++serial);
    this.build();
  }

  Picker.prototype.build = function () {
    var self = this;
    var input = this.input;
    var box = element("div", "code-picker");
    input.parentNode.insertBefore(box, input);
    box.appendChild(input);
    // Type-ahead: an ARIA combobox with its listbox.
    this.list = element("ul", "code-picker-list");
    this.list.id = this.id + "-list";
    this.list.setAttribute("role", "listbox");
    this.list.hidden = true;
    box.appendChild(this.list);
    this.status = element("small", "code-picker-status");
    this.status.setAttribute("aria-live", "polite");
    box.appendChild(this.status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.list.id);
    if (!input.getAttribute("placeholder")) {
      input.setAttribute("placeholder", this.text("hint"));
    }
    input.addEventListener("input", function () {
      clearTimeout(self.timer);
      self.timer = setTimeout(function () { self.suggest(); }, 200);
    });
    input.addEventListener("keydown", function (event) { self.key(event); });
    input.addEventListener("blur", function () {
      setTimeout(function () { self.close(); }, 150);
    });
    this.list.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep the focus in the input
    });
    this.list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) { self.choose(self.rows[Number(option.getAttribute("data-index"))]); }
    });
    // The cascade: one select per level, each filled when the one above is chosen.
    var cascade = element("div", "code-picker-cascade");
    this.selects = this.levels.map(function (label, depth) {
      var wrap = element("label", "code-picker-level");
      wrap.appendChild(element("span", "code-picker-level-name", label));
      var select = element("select");
      select.disabled = depth > 0;
      select.addEventListener("change", function () { self.cascade(depth); });
      wrap.appendChild(select);
      cascade.appendChild(wrap);
      return select;
    });
    if (this.multiple) {
      this.add = element("button", "button code-picker-add", this.text("add"));
      this.add.type = "button";
      this.add.disabled = true;
      this.add.addEventListener("click", function () {
        var row = self.deepest();
        if (row) { self.choose(row); }
      });
      cascade.appendChild(this.add);
    }
    box.appendChild(cascade);
    var chain = (input.getAttribute("data-chain") || "").split(" ").filter(Boolean);
    this.fill(0, "", chain);
  };

  // Fill the select at ``depth`` with the children of ``parent`` and, following
  // ``chain`` (the current value's codes from the top), preselect and go deeper.
  Picker.prototype.fill = function (depth, parent, chain) {
    var self = this;
    var select = this.selects[depth];
    if (!select) { return; }
    var params = { page_size: 200 };
    if (parent) { params.parent = parent; }
    get(this.api, params).then(function (rows) {
      select.textContent = "";
      select._rows = rows;
      var empty = element("option", "", self.text("any"));
      empty.value = "";
      select.appendChild(empty);
      rows.forEach(function (row) {
        var option = element("option", "", row.name);
        option.value = row.code;
        select.appendChild(option);
      });
      select.disabled = rows.length === 0;
      var wanted = chain && chain[depth];
      if (wanted && rows.some(function (row) { return row.code === wanted; })) {
        select.value = wanted;
        self.fill(depth + 1, wanted, chain);
      }
    });
  };

  Picker.prototype.cascade = function (depth) {
    var select = this.selects[depth];
    for (var below = depth + 1; below < this.selects.length; below++) {
      this.selects[below].textContent = "";
      this.selects[below].disabled = true;
    }
    if (select.value) {
      this.fill(depth + 1, select.value, null);
    }
    var row = this.deepest();
    if (this.multiple) {
      this.add.disabled = !row;
    } else if (row) {
      this.input.value = this.shown(row);
      this.status.textContent = "";
    }
  };

  Picker.prototype.deepest = function () {
    var found = null;
    this.selects.forEach(function (select) {
      (select._rows || []).forEach(function (row) {
        if (!select.disabled && row.code === select.value) { found = row; }
      });
    });
    return found;
  };

  // What goes into the input: names the server reads back to the same code.
  Picker.prototype.shown = function (row) {
    if (this.kind === "region") {
      return this.multiple ? row.label.replace(/\s+/g, "") : row.label;
    }
    return row.name;
  };

  Picker.prototype.term = function () {
    if (!this.multiple) { return this.input.value.trim(); }
    var parts = this.input.value.split(SEPARATORS);
    return parts[parts.length - 1];
  };

  Picker.prototype.suggest = function () {
    var self = this;
    var term = this.term();
    if (!term) { this.close(); return; }
    get(this.api, { q: term, page_size: 10 }).then(function (rows) {
      if (term !== self.term()) { return; }
      self.rows = rows;
      self.active = -1;
      self.list.textContent = "";
      rows.forEach(function (row, index) {
        var option = element("li", "code-picker-option");
        option.id = self.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("data-index", String(index));
        option.appendChild(element("span", "code-picker-name", row.name));
        if (row.label && row.label !== row.name) {
          option.appendChild(element("small", "code-picker-path", row.label));
        }
        option.title = row.code;
        self.list.appendChild(option);
      });
      self.list.hidden = rows.length === 0;
      self.input.setAttribute("aria-expanded", rows.length ? "true" : "false");
      self.status.textContent = rows.length ? "" : self.text("none");
    });
  };

  Picker.prototype.highlight = function (index) {
    var options = this.list.querySelectorAll("[role=option]");
    if (!options.length) { return; }
    this.active = (index + options.length) % options.length;
    options.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === this.active ? "true" : "false");
    }, this);
    this.input.setAttribute("aria-activedescendant", options[this.active].id);
    options[this.active].scrollIntoView({ block: "nearest" });
  };

  Picker.prototype.key = function (event) {
    var open = !this.list.hidden;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (open) { this.highlight(this.active + 1); } else { this.suggest(); }
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      this.highlight(this.active - 1);
    } else if (event.key === "Enter" && open && this.active >= 0) {
      event.preventDefault(); // choose, do not submit the form
      this.choose(this.rows[this.active]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      this.close();
    }
  };

  Picker.prototype.choose = function (row) {
    if (!row) { return; }
    var value = this.shown(row);
    if (this.multiple) {
      var parts = this.input.value.split(SEPARATORS).filter(Boolean);
      if (this.term()) { parts.pop(); }
      if (parts.indexOf(value) < 0) { parts.push(value); }
      this.input.value = parts.join(", ") + ", ";
    } else {
      this.input.value = value;
    }
    this.status.textContent = "";
    this.close();
    this.input.focus();
  };

  Picker.prototype.close = function () {
    this.list.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  function start() {
    document.querySelectorAll("input[data-code-picker]").forEach(function (input) {
      if (!input._picker) { input._picker = new Picker(input); }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
