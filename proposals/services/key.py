"""Key proposals (重点提案): nomination, the chair meeting's decision, supervision."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hcppcc.core.workflow.errors import IllegalTransition
from hcppcc.directory.models import Committee, Member, Organization, User
from proposals import workflow
from proposals.choices import (
    NOMINABLE_STATES,
    NominatedBy,
    RequestDecision,
    SupervisionStatus,
)
from proposals.models import KeyNomination, Proposal, Supervision, SupervisionEvent
from proposals.services.transitions import (
    begin_proposal_step,
    lock_proposal,
    log_event,
    now_or,
)


@transaction.atomic
def key_nominate(
    *,
    proposal: Proposal,
    by: User | None,
    nominated_by: NominatedBy,
    nominated_on: datetime.date,
    organization: Organization | None = None,
    committee: Committee | None = None,
    reason: str = "",
    at: datetime.datetime | None = None,
) -> KeyNomination:
    """Put a proposal forward as a key proposal, by the office, a party or a committee."""
    proposal = begin_proposal_step(proposal, workflow.NOMINATE_KEY, by, at)
    if nominated_by == NominatedBy.PARTY and organization is None:
        raise ValidationError({"organization": _("Name the nominating party or organization.")})
    if nominated_by == NominatedBy.COMMITTEE and committee is None:
        raise ValidationError({"committee": _("Name the nominating committee.")})
    nomination = KeyNomination(
        proposal=proposal,
        nominated_by=nominated_by,
        organization=organization if nominated_by == NominatedBy.PARTY else None,
        committee=committee if nominated_by == NominatedBy.COMMITTEE else None,
        nominated_on=nominated_on,
        reason=reason,
        recorded_by=by,
    )
    nomination.full_clean()
    nomination.save()
    log_event(proposal, "nominate_key", by=by, at=at, note=reason)
    return nomination


@transaction.atomic
def key_decide(
    *,
    nomination: KeyNomination,
    by: User | None,
    approve: bool,
    decided_on: datetime.date,
    note: str = "",
    at: datetime.datetime | None = None,
) -> KeyNomination:
    """Record the chair meeting's decision. Approved, the proposal becomes a key proposal."""
    # The proposal first, then the nomination: the order every step locks in.
    proposal = lock_proposal(Proposal(pk=nomination.proposal_id))
    nomination = KeyNomination.objects.select_for_update().get(pk=nomination.pk)
    nomination.proposal = proposal
    workflow.DECIDE_KEY.check(nomination, by, at=at)
    if decided_on < nomination.nominated_on:
        raise ValidationError({"decided_on": _("The decision cannot precede the nomination.")})
    if approve and proposal.status not in NOMINABLE_STATES:
        raise IllegalTransition(_("Only accepted proposals not yet closed can be key."))
    nomination.decision = RequestDecision.APPROVED if approve else RequestDecision.REFUSED
    nomination.decided_on = decided_on
    nomination.decision_note = note
    nomination.decided_by = by
    nomination.save(
        update_fields=["decision", "decided_on", "decision_note", "decided_by", "updated_at"]
    )
    if approve:
        proposal.is_key = True
        proposal.save(update_fields=["is_key", "updated_at"])
    log_event(proposal, "approve_key" if approve else "refuse_key", by=by, at=at, note=note)
    return nomination


def _check_leaders(leaders: Sequence[Member]) -> None:
    if not leaders:
        raise ValidationError({"leaders": _("Name at least one leader to lead the supervision.")})
    not_leaders = [str(member) for member in leaders if not member.is_leader]
    if not_leaders:
        raise ValidationError(
            {
                "leaders": _("%(names)s not a member of the chair meeting.")
                % {"names": "、".join(not_leaders)}
            }
        )


@transaction.atomic
def supervision_plan(
    *,
    proposal: Proposal,
    by: User | None,
    leaders: Sequence[Member],
    committee: Committee | None = None,
    plan: str = "",
    at: datetime.datetime | None = None,
) -> Supervision:
    """Set up the supervision of a key proposal: who leads it and how (督办方案)."""
    proposal = begin_proposal_step(proposal, workflow.PLAN_SUPERVISION, by, at)
    _check_leaders(leaders)
    supervision = Supervision(proposal=proposal, committee=committee, plan=plan)
    supervision.full_clean()
    supervision.save()
    supervision.leaders.set(leaders)
    names = "、".join(str(member) for member in leaders)
    log_event(proposal, "plan_supervision", by=by, at=at, note=names)
    return supervision


@transaction.atomic
def supervision_record_event(
    *,
    supervision: Supervision,
    by: User | None,
    date: datetime.date,
    method: str,
    participants: str = "",
    place: str = "",
    notes: str = "",
) -> SupervisionEvent:
    """Record a supervision activity. The first one puts the supervision in progress."""
    supervision = Supervision.objects.select_for_update().get(pk=supervision.pk)
    workflow.RECORD_SUPERVISION.check(supervision, by)
    event = SupervisionEvent(
        supervision=supervision,
        date=date,
        method=method,
        participants=participants,
        place=place,
        notes=notes,
        recorded_by=by,
    )
    event.full_clean()
    event.save()
    if supervision.status == SupervisionStatus.PLANNED:
        supervision.status = SupervisionStatus.IN_PROGRESS
        supervision.save(update_fields=["status", "updated_at"])
    return event


@transaction.atomic
def supervision_report(
    *,
    supervision: Supervision,
    by: User | None,
    report: str,
    reported_on: datetime.date | None = None,
    at: datetime.datetime | None = None,
) -> Supervision:
    """File the written supervision report (督办报告); the supervision is then complete."""
    supervision = Supervision.objects.select_for_update().get(pk=supervision.pk)
    workflow.REPORT_SUPERVISION.check(supervision, by, at=at)
    if not report.strip():
        raise ValidationError({"report": _("Write the report.")})
    supervision.status = SupervisionStatus.REPORTED
    supervision.report = report
    supervision.reported_on = reported_on or timezone.localdate(now_or(at))
    supervision.full_clean()
    supervision.save(update_fields=["status", "report", "reported_on", "updated_at"])
    log_event(supervision.proposal, "report_supervision", by=by, at=at)
    return supervision
