"""Stale edits: a form remembers the version of the record it was opened on (its
``updated_at``), and saving is refused when someone else saved the record since — with
who, when and what they changed, from the audit history.

The admin's change forms and step forms, and the staff pages' forms, all carry the version
in a hidden ``opened_version`` field; the API carries it in ``If-Match`` (412).
"""

import datetime

from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hcppcc.core.audit import versions

FIELD = "opened_version"


def version_of(record) -> str:
    return record.updated_at.isoformat()


def guarded(record) -> bool:
    """Records with an ``updated_at`` are guarded; a form for a new record has nothing to
    be stale against."""
    return not record._state.adding and hasattr(record, "updated_at")


def _parse(text: str | None) -> datetime.datetime | None:
    try:
        seen = datetime.datetime.fromisoformat(text or "")
    except ValueError:
        return None
    return seen if seen.tzinfo is not None else None  # the form always writes the zone


def _moment(at: datetime.datetime) -> str:
    return date_format(timezone.localtime(at), "Y-m-d H:i:s")


def conflict(record, opened: str | None, *, step: bool = False) -> list[str]:
    """Why a form opened on version ``opened`` of ``record`` may not be saved now: empty
    when nobody saved the record since; else who saved it, when, and each change (field:
    before → after). ``record`` must be read fresh (locked, where the caller can).
    ``step``: the form takes a step (which may be taken again once seen) rather than
    saving the record's fields (which must be opened afresh)."""
    seen = _parse(opened)
    if seen is None:
        return [_("This form is incomplete or out of date. Open the page again.")]
    if record.updated_at == seen:
        return []
    history = getattr(record, "history", None)
    since = [] if history is None else versions(history.all(), str(record), since=seen)
    if not since:
        return [
            _(
                "Someone else saved this record at %(at)s, after you opened this page; "
                "your changes were not saved. Open the page again to see the record as "
                "it is now."
            )
            % {"at": _moment(record.updated_at)}
        ]
    lines = []
    for version in reversed(since):  # oldest first, as they happened
        lines.append(
            _("%(user)s saved this record at %(at)s, after you opened this page:")
            % {"user": version.user or _("the system"), "at": _moment(version.at)}
        )
        lines.extend(
            f"{change.field}：{_shown(change.old)} → {_shown(change.new)}"
            for change in version.changes
        )
    if step:
        lines.append(_("The step was not taken. Check their changes, then submit again."))
    else:
        lines.append(
            _("Your changes were not saved. Open the page again, check theirs, then edit.")
        )
    return lines


def _shown(value) -> str:
    return "—" if value in (None, "") else str(value)


def locked(record):
    """``record`` read again, its row locked until the transaction ends (so that the
    version checked is the one the save replaces)."""
    return type(record)._default_manager.select_for_update().get(pk=record.pk)


class StaleEditAdminMixin:
    """Admin change forms refuse to save over a save made after they were opened.

    The form gets a hidden ``opened_version``; its ``clean`` locks the row (the admin
    saves in one transaction) and compares. A refused form keeps the version it was opened
    on, so saving again is refused again until the page is opened afresh — a form posts
    every field, and a second try would silently undo the other person's change.
    """

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not guarded(obj) or FIELD in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], FIELD]}), *rest]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and guarded(obj):
            base = kwargs.get("form", self.form)
            kwargs["form"] = type(base.__name__, (VersionedForm, base), {})
        return super().get_form(request, obj, change=change, **kwargs)


class VersionedForm(forms.Form):
    """A model form that refuses to save over a newer version of its instance."""

    opened_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[FIELD].initial = version_of(self.instance)

    def clean(self):
        cleaned = super().clean()
        problems = conflict(locked(self.instance), self.data.get(FIELD))
        if problems:
            raise ValidationError(problems)
        return cleaned


def step_refused(record, form, posted) -> bool:
    """A step form posted on an older version of ``record`` (fresh from this request): the
    conflict goes on the form and the step is not taken. A step posts none of the record's
    fields, so the form shown again carries the version now current: having seen the
    other person's change, the user may take the step on it."""
    problems = conflict(record, posted.get(FIELD), step=True)
    if problems:
        form.add_error(None, problems)
    return bool(problems)
