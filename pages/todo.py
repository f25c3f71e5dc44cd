"""The to-do page (待办): everything waiting on the reader, by kind, each kind with its
count, its first records and the list that holds them all (hcppcc/core/todo.py)."""

from django.shortcuts import render
from django.utils import timezone

from hcppcc.core.todo import todo_for
from pages.access import has_todo, opens_for

# Records shown per kind on the page; the count and the list's link cover the rest.
SHOWN_ON_PAGE = 20


@opens_for(has_todo)
def todo(request):
    groups = todo_for(request.user, timezone.localdate(), shown=SHOWN_ON_PAGE)
    return render(request, "pages/todo.html", {"groups": groups})
