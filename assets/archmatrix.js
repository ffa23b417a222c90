// SPDX-License-Identifier: MIT
// Sorting and filtering for the archmatrix matrix. The page is complete
// without it: this only hides rows and reorders them.
(function () {
  "use strict";

  function cellValue(row, index, numeric) {
    var cell = row.children[index];
    var v = cell ? cell.getAttribute("data-value") || cell.textContent : "";
    return numeric ? parseFloat(v) || 0 : v.toLowerCase();
  }

  // Stable sort of the table's rows by column `index`; ties keep the order
  // by image name, so a sorted column still reads alphabetically.
  function sortTable(table, th, index) {
    var numeric = th.getAttribute("data-sort") === "num";
    var dir = th.getAttribute("aria-sort") === "ascending" ?
      "descending" : "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var sign = dir === "ascending" ? 1 : -1;

    rows.forEach(function (r, i) { r._amOrder = i; });
    rows.sort(function (a, b) {
      var x = cellValue(a, index, numeric);
      var y = cellValue(b, index, numeric);
      if (x < y) return -sign;
      if (x > y) return sign;
      return a._amOrder - b._amOrder;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) {
      h.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", dir);
  }

  function makeSortable(table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, index) {
      if (!th.hasAttribute("data-sort")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.title = "Sort by " + th.textContent;
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        sortTable(table, th, index);
      });
    });
  }

  function setup() {
    var form = document.querySelector("[data-controls]");
    var tables = document.querySelectorAll("table[data-matrix]");
    if (!form || tables.length === 0) return;

    var text = form.querySelector("[data-filter-text]");
    var state = form.querySelector("[data-filter-state]");
    var col = form.querySelector("[data-filter-col]");
    var count = form.querySelector("[data-count]");

    function rowMatches(row, q, s, c) {
      var name = row.cells[0].getAttribute("data-value") || "";
      if (q && name.toLowerCase().indexOf(q) < 0) return false;
      if (!s) return true;
      var cells = row.querySelectorAll("td[data-state]");
      for (var i = 0; i < cells.length; i++) {
        if (c && cells[i].getAttribute("data-col") !== c) continue;
        if (cells[i].getAttribute("data-state") === s) return true;
      }
      return false;
    }

    function apply() {
      var q = text.value.trim().toLowerCase();
      var s = state.value;
      var c = col.value;
      var shown = 0, total = 0;
      Array.prototype.forEach.call(tables, function (table) {
        var here = 0, all = 0;
        Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
          var ok = rowMatches(row, q, s, c);
          row.hidden = !ok;
          all++;
          if (ok) here++;
        });
        total += all;
        shown += here;
        // Say so when a table is left empty, and count what it shows.
        var wrap = table.closest(".table-wrap");
        var note = wrap && wrap.nextElementSibling;
        if (note && note.hasAttribute("data-no-match")) note.hidden = here > 0;
        var head = wrap && document.getElementById(
          wrap.getAttribute("aria-labelledby"));
        var badge = head && head.querySelector(".count");
        if (badge) badge.textContent = here === all ? all : here + " of " + all;
      });
      count.textContent = shown === total ?
        total + " images" : "Showing " + shown + " of " + total + " images";
    }

    // A link may preselect a view: index.html?state=blocked&col=linux/arm64
    var params = new URLSearchParams(window.location.search);
    if (params.get("q")) text.value = params.get("q");
    if (params.get("state")) state.value = params.get("state");
    if (params.get("col")) col.value = params.get("col");

    form.addEventListener("submit", function (e) { e.preventDefault(); });
    text.addEventListener("input", apply);
    state.addEventListener("change", apply);
    col.addEventListener("change", apply);
    Array.prototype.forEach.call(tables, makeSortable);
    form.hidden = false;
    apply();
  }

  if (document.readyState === "loading")
    document.addEventListener("DOMContentLoaded", setup);
  else
    setup();
})();
