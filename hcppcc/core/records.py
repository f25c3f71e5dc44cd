"""The one write path for plain records: rows without a lifecycle (the directory, activities
as entered, bulletins) that the API and the pages create and edit field by field.

Records with a lifecycle (proposals and everything hanging off them) move only through
their own app's services; this is for the rest. Where a record of this kind may be edited
only in some states (an opinion report until it is decided on), its app's service calls
this one with that rule (``editable``).
"""

from collections.abc import Callable, Iterable, Mapping

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _


class StaleRecord(Exception):
    """Someone else saved the record after the caller read it: its edit would undo theirs."""

    def __init__(self, message=None):
        super().__init__(message or _("The record changed since you read it; read it again."))
        self.message = str(self.args[0])


def check_unchanged(locked: models.Model, unchanged_since) -> None:
    """Refuse an edit based on an older read (``unchanged_since``: the ``updated_at`` the
    caller saw), checked on the locked row so that two edits of one read cannot both pass."""
    if unchanged_since is not None and locked.updated_at != unchanged_since:
        raise StaleRecord()


def permission_for(model: type[models.Model], verb: str) -> str:
    """``"add"`` on Member → ``"directory.add_member"``."""
    return f"{model._meta.app_label}.{verb}_{model._meta.model_name}"


def may_write(user, record: models.Model) -> bool:
    verb = "add" if record._state.adding else "change"
    return user.has_perm(permission_for(type(record), verb))


@transaction.atomic
def record_save(
    *,
    record: models.Model,
    by,
    changes: Mapping[str, object],
    related: Mapping[str, Iterable[models.Model]] | None = None,
    unchanged_since=None,
    editable: Callable[[models.Model, Mapping[str, object]], None] | None = None,
) -> models.Model:
    """Apply ``changes`` (field → value) and ``related`` (many-to-many field → rows) to
    ``record`` — new or existing — validate it whole, and save it, if ``by`` holds the
    model's add or change permission, and — when ``unchanged_since`` is given — if nobody
    saved the record since the caller read it. ``editable(record, changes)``, the caller's
    rule of what may be written (asked on the locked row of an existing record, after the
    permission), raises to refuse.
    Nothing is written when a check fails."""
    # ``None`` is the system itself (seeds, imports): no request ever carries it.
    if by is not None and not may_write(by, record):
        raise PermissionDenied(_("Your role does not allow changing these records."))
    if not record._state.adding:
        record = type(record)._default_manager.select_for_update().get(pk=record.pk)
        check_unchanged(record, unchanged_since)
    if editable is not None:
        editable(record, changes)
    for field, value in changes.items():
        setattr(record, field, value)
    record._history_user = by  # the audit history's author, in commands as in requests
    record.full_clean()
    record.save()
    for field, rows in (related or {}).items():
        getattr(record, field).set(rows)
    return record
