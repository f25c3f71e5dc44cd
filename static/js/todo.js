// The to-do count beside the menu's 待办, and on a landing page the to-do panel: both read
// GET /api/v1/todo/ (what waits on the reader, derived from the records' states), so that
// the pages themselves cost no query for it.
(function () {
  "use strict";
  var badge = document.getElementById("todo-count");
  var panel = document.getElementById("todo-panel");
  if (!badge && !panel) { return; }
  var url = panel ? panel.dataset.url : badge.dataset.url;
  fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (todo) {
      if (!todo) { return; }
      if (badge && todo.total) {
        badge.textContent = todo.total;
        badge.hidden = false;
      }
      if (panel && todo.groups.length) {
        var list = panel.querySelector(".todo-groups");
        todo.groups.forEach(function (group) {
          var link = document.createElement("a");
          link.className = "btn btn-outline-danger btn-sm todo-group";
          link.dataset.todo = group.key;
          link.href = group.url || panel.dataset.page;
          link.textContent = group.label + " ";
          var count = document.createElement("span");
          count.className = "badge text-bg-danger todo-count";
          count.textContent = group.count;
          link.appendChild(count);
          list.appendChild(link);
        });
        panel.hidden = false;
      }
    })
    .catch(function () { /* the count is a convenience: the page works without it */ });
})();
