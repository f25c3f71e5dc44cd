"""Template helpers for the staff pages: links that keep the filter state in the URL,
Bootstrap classes on form widgets, and what a list row shows of a record's state (its
number, its clock, the one next step)."""

import datetime
from dataclasses import dataclass

from django import forms, template
from django.urls import reverse
from django.utils.translation import gettext as _

from hcppcc.directory.choices import Role
from proposals import workflow
from proposals.selectors import Clock

register = template.Library()


@register.simple_tag(takes_context=True)
def query(context, **changes) -> str:
    """The current query string with ``changes`` applied (``None`` drops a key); a new
    filter or ordering starts again on page 1."""
    params = context["request"].GET.copy()
    if "page" not in changes:
        params.pop("page", None)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_query(context, field: str) -> str:
    """Sort by ``field``; again to reverse."""
    current = context["request"].GET.get("ordering", "")
    return query(context, ordering=f"-{field}" if current == field else field)


@register.filter
def sort_mark(request, field: str) -> str:
    current = request.GET.get("ordering", "")
    return "▲" if current == field else "▼" if current == f"-{field}" else ""


@register.filter
def bs(field):
    """Render a bound field with Bootstrap's class for its widget."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.NullBooleanSelect):
        css = "form-select"
    elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return field.as_widget()
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@register.filter
def case_number(proposal) -> str:
    """Where the case number goes: 第0001号, or, before the proposal is filed (立案),
    未立案 with its registration number (登记号) once it has one."""
    if proposal.case_number:
        return proposal.number_display
    if proposal.registration_number:
        return _("not filed (registration no. %(number)s)") % {
            "number": proposal.registration_display
        }
    return _("not filed")


@register.filter
def clock(due: datetime.date | None, today: datetime.date) -> Clock | None:
    """The clock of a deadline still running (``due``; None once it has stopped)."""
    return None if due is None else Clock(label="", due=due, days_left=(due - today).days)


@dataclass(frozen=True)
class NextSteps:
    """The steps a list row may offer, in order; the row offers the first its reader may
    take now. ``doers``: the roles whose own work they are (empty: whoever takes the step),
    so that the office, which records a unit's steps from its letters, is not offered
    each unit's 签收 on the list."""

    steps: tuple
    doers: frozenset[str] = frozenset()


NEXT_STEPS = {
    "assignment": NextSteps(
        (workflow.ACKNOWLEDGE, workflow.SUBMIT_REPLY, workflow.SUBMIT_OPINION),
        frozenset({Role.HANDLING_UNIT}),
    ),
    "proposal": NextSteps((workflow.SUBMIT, workflow.ASSIGN, workflow.FEEDBACK)),
}


@register.simple_tag(takes_context=True)
def next_step(context, kind: str, record) -> dict | None:
    """The one step a list row offers (``{"label", "url"}``), where the record's state makes
    it obvious — 签收 for an assignment awaiting acknowledgement — or None. A step the
    office would take for its unit or member (代为登记) is left to the record's page, where
    it says so."""
    user = context["request"].user
    offer = NEXT_STEPS[kind]
    if offer.doers and not user.has_role(*offer.doers):
        return None
    for step in offer.steps:
        if step.available(record, user) and not workflow.on_behalf(step, record, user):
            url = reverse("pages:step", args=[kind, record.pk, step.name])
            return {"label": step.label, "url": url}
    return None
