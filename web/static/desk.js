// The desk's only script (no inline scripts: the CSP forbids them).
"use strict";

// Now: refresh the figures every 5 s and the charts every 30 s.
(function () {
  var figures = document.getElementById("figures");
  if (!figures) return;
  var tick = 0;
  setInterval(function () {
    fetch("/now/figures", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) figures.innerHTML = html; });
    tick += 1;
    if (tick % 6 === 0) {
      document.querySelectorAll("img.chart").forEach(function (img) {
        img.src = img.src.split("?")[0] + "?t=" + Date.now();
      });
    }
  }, 5000);
})();

// Grid: filter by person (name or organisation, any script) and by table, in the page.
(function () {
  var grid = document.getElementById("grid");
  if (!grid) return;
  var person = document.getElementById("filter-person");
  var table = document.getElementById("filter-table");
  function apply() {
    var who = (person.value || "").trim().toLowerCase();
    var number = (table.value || "").trim();
    grid.querySelectorAll("tbody tr").forEach(function (row) {
      var okTable = !number || row.dataset.table === number;
      var okPerson = true;
      row.querySelectorAll("td.cell").forEach(function (cell) {
        var hit = !who || cell.textContent.toLowerCase().indexOf(who) >= 0;
        cell.classList.toggle("dim", !!who && !hit);
      });
      if (who) okPerson = row.textContent.toLowerCase().indexOf(who) >= 0;
      row.hidden = !(okTable && okPerson);
    });
  }
  person.addEventListener("input", apply);
  table.addEventListener("input", apply);
})();

// Pages that follow something running (a broadcast's delivery) reload themselves.
(function () {
  var marker = document.getElementById("autoreload");
  if (!marker) return;
  var seconds = parseInt(marker.dataset.seconds || "15", 10);
  setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();

// Print buttons.
document.querySelectorAll("button.print").forEach(function (b) {
  b.addEventListener("click", function () { window.print(); });
});
