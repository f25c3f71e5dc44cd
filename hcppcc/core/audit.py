"""The audit history (django-simple-history): every save of an audited record keeps a
version with who and when; ``changes`` reads before → after from it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    field: str
    old: object
    new: object


@dataclass(frozen=True)
class Version:
    at: object
    user: object
    kind: str  # created, changed
    record: str
    changes: list[Change]


IGNORED = {"updated_at", "created_at"}


def _shown(field, value):
    """A choice as its label (已立案, not accepted), a link as the record it names."""
    if value is None:
        return None
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return field.related_model._default_manager.filter(pk=value).first() or value
    return value


def _changes(previous, current) -> list[Change]:
    """Every tracked field that differs between two versions (the workflow's own status
    and dates included, which Django's forms would leave out as not editable)."""
    changes = []
    for field in current.instance_type._meta.concrete_fields:
        if field.name in IGNORED or not hasattr(current, field.attname):
            continue
        old, new = getattr(previous, field.attname), getattr(current, field.attname)
        if old != new:
            changes.append(Change(str(field.verbose_name), _shown(field, old), _shown(field, new)))
    return changes


def versions(history, label: str = "", since=None, also=None) -> list[Version]:
    """The versions of one record's ``history`` queryset, newest first, each with the
    fields that changed from the version before (by their verbose names); with ``since``
    (an ``updated_at``), only the saves made after it. ``also(previous, current)``: the
    further changes a kind reads from two versions (an account's roles, which the history
    keeps in a table beside each version)."""
    rows = list(history.select_related("history_user").order_by("history_date", "history_id"))
    out = []
    for previous, current in zip([None, *rows], rows, strict=False):
        if since is not None and current.updated_at <= since:
            continue
        changes = []
        if previous is not None:
            changes = _changes(previous, current)
            if also is not None:
                changes += also(previous, current)
            if not changes:
                continue
        kind = "created" if current.history_type == "+" else "changed"
        out.append(Version(current.history_date, current.history_user, kind, label, changes))
    return out[::-1]
