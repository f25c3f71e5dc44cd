"""The one write path for plain records: rows without a lifecycle (the directory, activities
as entered, bulletins) that the API and the pages create and edit field by field.

Records with a lifecycle (proposals and everything hanging off them, opinion reports once
received) move only through their own app's services; this is for the rest.
"""

from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _


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
) -> models.Model:
    """Apply ``changes`` (field → value) and ``related`` (many-to-many field → rows) to
    ``record`` — new or existing — validate it whole, and save it, if ``by`` holds the
    model's add or change permission. Nothing is written when either check fails."""
    if not may_write(by, record):
        raise PermissionDenied(_("Your role does not allow changing these records."))
    if not record._state.adding:
        record = type(record)._default_manager.select_for_update().get(pk=record.pk)
    for field, value in changes.items():
        setattr(record, field, value)
    record.full_clean()
    record.save()
    for field, rows in (related or {}).items():
        getattr(record, field).set(rows)
    return record
