// 批量交办: the header's box ticks or unticks every row at once.
(function () {
  "use strict";
  var all = document.getElementById("include-all");
  if (!all) { return; }
  var boxes = document.querySelectorAll("#batch-rows input[name$='-include']");
  all.checked = Array.prototype.every.call(boxes, function (box) { return box.checked; });
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
  });
})();
