"""To-do lists (待办): what waits on a person now, derived from the records' states.

Nothing is stored: each kind of to-do is a query over a model's records as its reader may
see them (the model's ``Scope``), in the state that waits on them — a submitted proposal
waits on the office, an assignment not yet acknowledged on its unit. So a to-do can never
drift from the records: take the step, and the item is gone.

The apps declare their kinds in a ``todo.py`` module (``register(Todo(...))``), read once
on first use (``django.utils.module_loading.autodiscover_modules``), the way the admin
finds ``admin.py``. A kind is offered to the roles whose work it is (``roles``): the
auditor reads every submitted proposal, but reviewing them is the office's work.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.module_loading import autodiscover_modules

# How many of a kind's records a to-do list shows; the count covers them all.
SHOWN = 5


@dataclass(frozen=True, eq=False)
class Todo:
    """One kind of to-do. ``records(user, today)``: the records waiting on ``user``, in
    the order to take them, within what the user reads; ``describe(record)``: the words and
    the address of one of them; ``link``: the list page holding all of them, if one does."""

    key: str
    label: str
    roles: frozenset[str]
    records: Callable[..., QuerySet]
    describe: Callable[..., tuple[str, str]]
    link: Callable[[], str] | None = None

    def concerns(self, user) -> bool:
        return user.is_authenticated and user.is_active and user.has_role(*self.roles)


@dataclass(frozen=True)
class TodoItem:
    id: int
    title: str
    url: str


@dataclass(frozen=True)
class TodoGroup:
    key: str
    label: str
    count: int
    url: str | None
    items: list[TodoItem]


_KINDS: dict[str, Todo] = {}
_discovered = False


def register(*kinds: Todo) -> None:
    for kind in kinds:
        if kind.key in _KINDS and _KINDS[kind.key] is not kind:
            raise ValueError(f"two to-do kinds are named {kind.key!r}")
        _KINDS[kind.key] = kind


def kinds() -> list[Todo]:
    """Every kind of to-do, in the order the apps declare them."""
    global _discovered
    if not _discovered:
        autodiscover_modules("todo")
        _discovered = True
    return list(_KINDS.values())


def todo_for(user, today: datetime.date, *, shown: int = SHOWN) -> list[TodoGroup]:
    """What waits on ``user`` on ``today``: each kind of theirs that holds something, with
    its count and its first ``shown`` records. One query per kind of theirs for the count,
    and one more for each kind that holds something when ``shown`` is not 0."""
    groups = []
    for kind in kinds():
        if not kind.concerns(user):
            continue
        records = kind.records(user, today)
        count = records.count()
        if not count:
            continue
        items = []
        for record in records[:shown] if shown else ():
            title, url = kind.describe(record)
            items.append(TodoItem(record.pk, title, url))
        link = kind.link() if kind.link else None
        groups.append(TodoGroup(kind.key, str(kind.label), count, link, items))
    return groups
