"""Seed proposals with their history, written through the services.

A record gives the proposal's fields and ``history``: the steps it went through, each on
the day it happened. Loading a record replays them as the system (``by=None``), so the
transition log reads as if the office had worked the proposal. A proposal already present
(same session and title) is left alone, which makes loading idempotent.
"""

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from hcppcc.directory.models import (
    Committee,
    HandlingUnit,
    Member,
    Organization,
    Sector,
    Session,
)
from proposals import services
from proposals.choices import AssignmentRole
from proposals.models import Category, Proposal, RejectionReason, ResultClass

PROPOSAL_FIELDS = (
    "title",
    "situation",
    "suggestions",
    "explanation",
    "proposer_kind",
    "period",
    "source",
    "source_note",
)


def _at(day: datetime.date) -> datetime.datetime:
    """A step of a given day is recorded at ten in the morning, local time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _day(step: dict) -> datetime.date:
    day = step.get("date")
    if not isinstance(day, datetime.date):
        raise ValidationError({"date": "each step needs its date, e.g. date: 2020-05-20"})
    return day


def _assignment(proposal: Proposal, unit_name: str):
    return proposal.assignments.exclude(status="returned").get(unit__name=unit_name)


def _submit(proposal, step):
    return services.proposal_submit(proposal=proposal, by=None, at=_at(_day(step)))


def _accept(proposal, step):
    return services.proposal_accept(
        proposal=proposal,
        by=None,
        category=Category.objects.get_by_natural_key(step["category"]),
        at=_at(_day(step)),
    )


def _reject(proposal, step):
    return services.proposal_reject(
        proposal=proposal,
        by=None,
        reason=RejectionReason.objects.get(code=step["reason"]),
        note=step.get("note", ""),
        at=_at(_day(step)),
    )


def _assign(proposal, step):
    units = [
        services.UnitAssignment(
            HandlingUnit.objects.get_by_natural_key(row["unit"]), AssignmentRole(row["role"])
        )
        for row in step["units"]
    ]
    return services.proposal_assign(
        proposal=proposal, by=None, units=units, assigned_on=_day(step), at=_at(_day(step))
    )


def _acknowledge(proposal, step):
    return services.assignment_acknowledge(
        assignment=_assignment(proposal, step["unit"]), by=None, at=_at(_day(step))
    )


def _opinion(proposal, step):
    return services.assignment_submit_opinion(
        assignment=_assignment(proposal, step["unit"]),
        by=None,
        text=step["text"],
        at=_at(_day(step)),
    )


def _reply(proposal, step):
    return services.assignment_submit_reply(
        assignment=_assignment(proposal, step["unit"]),
        by=None,
        result_class=ResultClass.objects.get(code=step["class"]),
        text=step["text"],
        signer=step["signer"],
        reply_date=_day(step),
        at=_at(_day(step)),
    )


def _approve_reply(proposal, step):
    reply = _assignment(proposal, step["unit"]).replies.get(status="submitted")
    return services.reply_approve(reply=reply, by=None, at=_at(_day(step)))


def _feedback(proposal, step):
    return services.proposal_give_feedback(
        proposal=proposal,
        by=None,
        attitude=step["attitude"],
        result=step["result"],
        comment=step.get("comment", ""),
        at=_at(_day(step)),
    )


def _nominate_key(proposal, step):
    return services.key_nominate(
        proposal=proposal,
        by=None,
        nominated_by=step["by"],
        committee=Committee.objects.get_by_natural_key(step["committee"])
        if "committee" in step
        else None,
        organization=Organization.objects.get_by_natural_key(step["organization"])
        if "organization" in step
        else None,
        nominated_on=_day(step),
        reason=step.get("reason", ""),
    )


def _approve_key(proposal, step):
    nomination = proposal.key_nominations.get(decision="pending")
    return services.key_decide(
        nomination=nomination,
        by=None,
        approve=True,
        decided_on=_day(step),
        note=step.get("note", ""),
        at=_at(_day(step)),
    )


def _plan_supervision(proposal, step):
    return services.supervision_plan(
        proposal=proposal,
        by=None,
        leaders=[Member.objects.get(name=name) for name in step["leaders"]],
        committee=Committee.objects.get_by_natural_key(step["committee"]),
        plan=step.get("plan", ""),
        at=_at(_day(step)),
    )


def _supervision_event(proposal, step):
    return services.supervision_record_event(
        supervision=proposal.supervision,
        by=None,
        date=_day(step),
        method=step["method"],
        participants=step.get("participants", ""),
        place=step.get("place", ""),
        notes=step.get("notes", ""),
    )


def _supervision_report(proposal, step):
    return services.supervision_report(
        supervision=proposal.supervision,
        by=None,
        report=step["report"],
        reported_on=_day(step),
        at=_at(_day(step)),
    )


STEPS: dict[str, Callable[[Proposal, dict], Any]] = {
    "nominate_key": _nominate_key,
    "approve_key": _approve_key,
    "plan_supervision": _plan_supervision,
    "supervision_event": _supervision_event,
    "supervision_report": _supervision_report,
    "submit": _submit,
    "accept": _accept,
    "reject": _reject,
    "assign": _assign,
    "acknowledge": _acknowledge,
    "opinion": _opinion,
    "reply": _reply,
    "approve_reply": _approve_reply,
    "feedback": _feedback,
}


def load_record(record: dict) -> str:
    """Create the proposal ``record`` describes and replay its history.

    Returns "created", or "unchanged" when the proposal is already there. Raises
    ValidationError, a WorkflowError or a lookup error naming what is wrong.
    """
    session = Session.objects.get_by_natural_key(*record["session"])
    if Proposal.objects.filter(session=session, title=record["title"]).exists():
        return "unchanged"
    unknown = set(record) - {*PROPOSAL_FIELDS, "session", "lead", "history"}
    if unknown:
        raise ValidationError(f"unknown entries: {', '.join(sorted(unknown))}")
    proposal = Proposal(session=session, **{k: record[k] for k in PROPOSAL_FIELDS if k in record})
    lead = record.get("lead") or {}
    if "organization" in lead:
        proposal.organization = Organization.objects.get_by_natural_key(lead["organization"])
    if "committee" in lead:
        proposal.committee = Committee.objects.get_by_natural_key(lead["committee"])
    if "sector" in lead:
        proposal.sector = Sector.objects.get_by_natural_key(lead["sector"])
    history = record.get("history") or []
    first_day = _day(history[0]) if history else timezone.localdate()
    proposal = services.proposal_create(proposal=proposal, by=None, at=_at(first_day))
    for index, step in enumerate(history, start=1):
        name = step.get("step")
        if name not in STEPS:
            raise ValidationError(f"history step {index}: unknown step {name!r}")
        STEPS[name](proposal, step)
        proposal.refresh_from_db()
    return "created"
