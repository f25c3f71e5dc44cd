// The counts beside the menu — 待办 (what waits on the reader, derived from the records'
// states) and unread 通知 — and on a landing page the to-do panel. They read the API, so
// that the pages themselves cost no query for them.
(function () {
  "use strict";
  function read(url, then) {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) { if (answer) { then(answer); } })
      .catch(function () { /* a convenience: the page works without it */ });
  }
  function show(badge, count) {
    if (badge && count) {
      badge.textContent = count;
      badge.hidden = false;
    }
  }
  var notices = document.getElementById("notice-count");
  if (notices) {
    read(notices.dataset.url, function (page) { show(notices, page.count); });
  }
  var badge = document.getElementById("todo-count");
  var panel = document.getElementById("todo-panel");
  if (!badge && !panel) { return; }
  read(panel ? panel.dataset.url : badge.dataset.url, function (todo) {
    show(badge, todo.total);
    if (!panel || !todo.groups.length) { return; }
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
  });
})();
