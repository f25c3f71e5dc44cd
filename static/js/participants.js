// The participants table on an activity's form: tick or untick every row at once, and
// keep the count of ticked rows in view. Without scripts the rows are ticked one by one.
document.addEventListener("DOMContentLoaded", function () {
  var table = document.getElementById("participants");
  if (!table) return;
  var boxes = function () { return table.querySelectorAll('input[name="participant"]'); };
  var all = document.getElementById("check-all");
  var shown = document.getElementById("ticked-count");
  var count = function () {
    var ticked = 0;
    boxes().forEach(function (box) { if (box.checked) ticked += 1; });
    if (shown) shown.textContent = ticked;
    if (all) all.checked = ticked > 0 && ticked === boxes().length;
  };
  var tickAll = function (ticked) {
    boxes().forEach(function (box) { box.checked = ticked; });
    count();
  };
  if (all) all.addEventListener("change", function () { tickAll(all.checked); });
  table.querySelectorAll("[data-tick]").forEach(function (button) {
    button.addEventListener("click", function () { tickAll(button.dataset.tick === "all"); });
  });
  table.addEventListener("change", function (event) {
    if (event.target.name === "participant") count();
  });
  count();
});
