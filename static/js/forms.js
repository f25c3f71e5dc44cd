/* Small helps on the staff pages' forms, no library needed:
   - a live count of characters under a text area with data-counter="200";
   - on the proposal form, only the proposer fields that apply to the kind chosen. */
(function () {
  "use strict";

  function counter(area) {
    var limit = parseInt(area.dataset.counter, 10);
    var note = document.createElement("div");
    note.className = "form-text text-end";
    note.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", note);
    function update() {
      var used = Array.from(area.value).length;  // a Chinese character counts once
      note.textContent = note.dataset.template
        .replace("%(used)s", used).replace("%(limit)s", limit);
      note.classList.toggle("text-danger", used > limit);
    }
    note.dataset.template = area.dataset.counterText || "%(used)s / %(limit)s";
    area.addEventListener("input", update);
    update();
  }

  function proposerFields(form) {
    var kind = form.querySelector("[name=proposer_kind]");
    if (!kind) { return; }
    function row(name) {
      var field = form.querySelector("[name=" + name + "]");
      return field ? field.closest(".mb-3") : null;
    }
    function show() {
      var collective = kind.value === "collective";
      ["organization", "committee", "sector"].forEach(function (name) {
        var r = row(name); if (r) { r.hidden = !collective; }
      });
      var lead = row("lead_member"); if (lead) { lead.hidden = collective; }
      var cosigners = row("cosigners"); if (cosigners) { cosigners.hidden = kind.value !== "joint"; }
    }
    kind.addEventListener("change", show);
    show();
  }

  document.querySelectorAll("textarea[data-counter]").forEach(counter);
  document.querySelectorAll("form[data-proposal-form]").forEach(proposerFields);
})();
