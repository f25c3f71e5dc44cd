"""Workflow steps, each declared once.

A ``Step`` says when it may be taken — the states its record may be in, any further
``Condition`` — who may take it (``Roles``), what is typed in to take it (a form, and for
some a table of rows) and the service that takes it. The service asks ``check`` on its
locked row before it acts; the admin, the pages and the API ask ``available`` before they
offer the step. Both read the same declaration, so a button is shown exactly when the
service would take the step (``tests/core/test_steps_offered.py`` walks every one).

What depends on what is typed in (a category chosen, a reply's date) stays in the service
and comes back as field errors; what depends on the record and the moment is declared here.
"""

import datetime
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from hcppcc.core import stale
from hcppcc.core.workflow.errors import IllegalTransition, NotAllowed, WorkflowError
from hcppcc.core.workflow.forms import EmptyForm, show_on_form
from hcppcc.core.workflow.roles import Roles


@dataclass(frozen=True)
class Condition:
    """What a step needs besides its record's state: ``holds(record, now)``, and the
    clerk's reason (``message(record)``) when it does not. ``now`` is when the step is
    taken: the present, or the date a loader replays history on."""

    holds: Callable[[Any, datetime.datetime], bool]
    message: Callable[[Any], str]

    def refusal(self, record, now: datetime.datetime) -> str | None:
        return None if self.holds(record, now) else str(self.message(record))


def _no_form_arguments(record) -> dict:
    return {}


def _as_typed(cleaned: dict) -> dict:
    return cleaned


def _no_rows(record) -> list[dict]:
    return []


@dataclass(frozen=True, eq=False)
class Step:
    """One step people take on a record.

    ``state`` names the record's field the step reads; ``sources`` the values it may start
    from (None: any), ``state_message`` the reason given otherwise (else "this step cannot
    be taken now: the record is …"). ``service`` is the dotted path of the one function
    that takes the step, called with the record, ``by`` and ``inputs(cleaned form data)``.
    """

    name: str  # in URLs: "accept", "request-extension"
    label: str
    roles: Roles
    service: str = ""
    state: str = "status"
    sources: Collection[str] | None = None
    state_message: str | None = None
    conditions: tuple[Condition, ...] = ()
    form: type[forms.Form] = EmptyForm
    form_arguments: Callable[[Any], dict] = _no_form_arguments
    # A table of rows typed in with the form (the units of an assignment), under this name.
    table: type[forms.BaseFormSet] | None = None
    table_name: str = "rows"
    # The rows a table starts with, from the record (the units a proposer suggests).
    table_initial: Callable[[Any], list[dict]] = _no_rows
    inputs: Callable[[dict], dict] = _as_typed

    # --- when, and by whom --------------------------------------------------------------

    def refusal(self, record, now: datetime.datetime | None = None) -> str | None:
        """Why the step cannot be taken on ``record`` now, or None when it can."""
        if self.sources is not None and getattr(record, self.state) not in self.sources:
            if self.state_message is not None:
                return str(self.state_message)
            shown = getattr(record, f"get_{self.state}_display", None)
            return _("This step cannot be taken now: the record is %(status)s.") % {
                "status": shown() if shown else getattr(record, self.state)
            }
        now = now or timezone.now()
        for condition in self.conditions:
            if (reason := condition.refusal(record, now)) is not None:
                return reason
        return None

    def permitted(self, record, user) -> bool:
        """Whether the user's roles allow the step on this record, whatever its state."""
        return self.roles.allow(user, record)

    def available(self, record, user, now: datetime.datetime | None = None) -> bool:
        """Whether to offer the step to ``user`` on ``record`` now."""
        return self.permitted(record, user) and self.refusal(record, now) is None

    def check(self, record, by, *, at: datetime.datetime | None = None) -> None:
        """The guard the step's service calls on its locked row. ``by=None`` is the system
        itself (seeds, imports), which no request ever carries."""
        if by is not None and not self.permitted(record, by):
            raise NotAllowed(_("Your role does not allow this step on this record."))
        if (reason := self.refusal(record, at)) is not None:
            raise IllegalTransition(reason)

    # --- what is typed in ---------------------------------------------------------------

    @property
    def service_function(self) -> Callable:
        return import_string(self.service)  # the module is imported once; this is a lookup

    def bind(self, record, data=None, files=None) -> tuple[forms.Form, Any]:
        """The step's form (and table of rows) bound to ``data``."""
        form = self.form(data, files, **self.form_arguments(record))
        table = None
        if self.table is not None:
            initial = None if data is not None else self.table_initial(record)
            table = self.table(data, prefix=self.table_name, initial=initial)
        return form, table

    def cleaned(self, form, table=None) -> dict | None:
        """The form's (and table's) input, or None when it is bad (the errors are on them)."""
        if not form.is_valid() or (table is not None and not table.is_valid()):
            return None
        cleaned = dict(form.cleaned_data)
        if table is not None:
            cleaned[self.table_name] = [row for row in table.cleaned_data if row]
        return cleaned


@dataclass(frozen=True)
class Attempt:
    """A step tried with a submitted form: ``done``, or the form (and table) with the
    reasons it was not."""

    form: forms.Form
    table: Any
    done: bool = False


@dataclass(frozen=True)
class Workflow:
    """The steps of one kind of record, in the order they are offered. ``record`` is the
    keyword its services take the record by ("proposal", "assignment" …)."""

    record: str
    steps: tuple[Step, ...] = field(default=())

    def get(self, name: str) -> Step | None:
        return next((step for step in self.steps if step.name == name), None)

    def offered(self, record, user) -> list[Step]:
        """The steps ``user`` may take on ``record`` now: the buttons to show."""
        now = timezone.now()
        return [step for step in self.steps if step.available(record, user, now)]

    def run(self, step: Step, record, user, cleaned: dict) -> Any:
        """Take ``step`` with cleaned input: the service, and nothing else, acts."""
        return step.service_function(**{self.record: record}, by=user, **step.inputs(cleaned))

    def attempt(self, step: Step, record, user, data, files=None) -> Attempt:
        """Take ``step`` with a submitted form, unless the input is bad, the form was opened
        on an older version of the record, or the service refuses: then the reasons are on
        the form and the service's transaction has written nothing."""
        form, table = step.bind(record, data, files)
        if stale.step_refused(record, form, data):
            return Attempt(form, table)
        cleaned = step.cleaned(form, table)
        if cleaned is None:
            return Attempt(form, table)
        try:
            self.run(step, record, user, cleaned)
        except WorkflowError as error:
            form.add_error(None, error.message)
            return Attempt(form, table)
        except ValidationError as error:
            show_on_form(form, record, error)
            return Attempt(form, table)
        return Attempt(form, table, done=True)
