"""Look-back reviews (提案办理"回头看")."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from hcppcc.core.workflow.errors import IllegalTransition
from hcppcc.directory.models import User
from proposals import workflow
from proposals.choices import (
    ANSWERING_ROLES,
    AssignmentAction,
    AssignmentStatus,
    LookBackDecision,
    ProposalAction,
    ProposalStatus,
)
from proposals.deadlines import deadlines
from proposals.models import (
    Assignment,
    LookBackCampaign,
    LookBackItem,
    Proposal,
    ResultClass,
    Transition,
)
from proposals.selectors import latest_approved_replies, reclassified_codes
from proposals.services.transitions import (
    lock_assignment,
    lock_proposal,
    log_event,
    move_assignment,
    move_proposal,
    now_or,
)


@transaction.atomic
def lookback_campaign_create(
    *,
    campaign: LookBackCampaign,
    by: User | None,
    result_classes: Sequence[ResultClass],
) -> LookBackCampaign:
    """Open a campaign (built, unsaved, by a form or a loader) and one review item per
    assignment whose approved reply is of one of the classes reviewed, e.g. every B and C
    reply of a session."""
    workflow.OPEN_LOOK_BACK.check(None, by)
    if campaign.pk is not None:
        raise IllegalTransition(_("This campaign has already been opened."))
    if not result_classes:
        raise ValidationError({"result_classes": _("Choose the result classes to review.")})
    campaign.full_clean()
    campaign.save()
    campaign.result_classes.set(result_classes)
    # Replied assignments only: one being handled again has no settled reply to review.
    assignments = Assignment.objects.filter(
        proposal__session=campaign.session,
        role__in=ANSWERING_ROLES,
        status=AssignmentStatus.REPLIED,
    )
    wanted = {result_class.code for result_class in result_classes}
    # A reply a review already reclassified is judged by its new class.
    effective = {
        assignment_id: reply.result_class.code
        for assignment_id, reply in latest_approved_replies(assignments).items()
    }
    effective.update(reclassified_codes(assignments))
    replies = latest_approved_replies(assignments)
    items = bulk_create_with_history(
        [
            LookBackItem(
                campaign=campaign, assignment_id=assignment_id, reply=replies[assignment_id]
            )
            for assignment_id, code in sorted(effective.items())
            if code in wanted
        ],
        LookBackItem,
        default_user=by,
    )
    now = timezone.now()
    Transition.objects.bulk_create(
        Transition(
            proposal_id=replies[item.assignment_id].assignment.proposal_id,
            assignment_id=item.assignment_id,
            action="look_back_open",
            from_status=AssignmentStatus.REPLIED,
            to_status=AssignmentStatus.REPLIED,
            by=by,
            at=now,
            note=campaign.name,
        )
        for item in items
    )
    return campaign


@transaction.atomic
def lookback_record_findings(
    *,
    item: LookBackItem,
    by: User | None,
    commitments: str,
    outcome: str,
    visited_on: datetime.date | None = None,
    evidence: str = "",
    satisfaction: str = "",
    attachment=None,
) -> LookBackItem:
    """Record what the reply promised and what the review found."""
    item = LookBackItem.objects.select_for_update().get(pk=item.pk)
    workflow.RECORD_FINDINGS.check(item, by)
    item.findings_by = by
    item.commitments = commitments
    item.outcome = outcome
    item.visited_on = visited_on
    item.evidence = evidence
    item.satisfaction = satisfaction
    fields = [
        "commitments",
        "outcome",
        "visited_on",
        "evidence",
        "satisfaction",
        "findings_by",
        "updated_at",
    ]
    if attachment is not None:
        item.attachment = attachment
        fields.append("attachment")
    if not outcome:
        raise ValidationError({"outcome": _("Say whether the promises were kept.")})
    item.full_clean()
    item.save(update_fields=fields)
    return item


@transaction.atomic
def lookback_decide(
    *,
    item: LookBackItem,
    by: User | None,
    decision: LookBackDecision,
    result_class: ResultClass | None = None,
    due_on: datetime.date | None = None,
    note: str = "",
    at: datetime.datetime | None = None,
) -> LookBackItem:
    """Decide a review: reclassify the result (kept next to the original), reopen handling
    (a new round with a new due date), or close it as it stands."""
    # The proposal first, then the item: the order every step locks in.
    items = LookBackItem.objects.filter(pk=item.pk)
    proposal = lock_proposal(Proposal(pk=items.values_list("assignment__proposal").get()[0]))
    item = items.select_for_update(of=("self",)).select_related("reply").get()
    workflow.DECIDE_LOOK_BACK.check(item, by, at=at)
    now = now_or(at)
    if decision == LookBackDecision.RECLASSIFIED:
        if result_class is None or not result_class.is_active:
            raise ValidationError({"result_class": _("Choose the new result class.")})
        if result_class.pk == item.reply.result_class_id:
            raise ValidationError({"result_class": _("That is the class the reply already has.")})
        item.reclassified_to = result_class
        log_event(
            proposal,
            "look_back_reclassify",
            by=by,
            at=now,
            note=f"{item.reply.result_class.code} → {result_class.code} {note}".strip(),
            assignment=item.assignment,
        )
    elif decision == LookBackDecision.REOPENED:
        _reopen_for_look_back(proposal, item, by=by, at=now, due_on=due_on, note=note)
    elif decision == LookBackDecision.CLOSED:
        log_event(proposal, "look_back_close", by=by, at=now, note=note, assignment=item.assignment)
    else:
        raise ValidationError({"decision": _("Choose a decision.")})
    item.decision = decision
    item.decision_note = note
    item.decided_by = by
    item.decided_at = now
    item.save(
        update_fields=[
            "decision",
            "reclassified_to",
            "decision_note",
            "decided_by",
            "decided_at",
            "updated_at",
        ]
    )
    return item


def _reopen_for_look_back(proposal, item, *, by, at, due_on, note) -> None:
    """Reopen the reviewed assignment. The first one reopened in a campaign reopens the
    proposal (a new round); another of the same proposal joins that round."""
    assignment = lock_assignment(item.assignment)
    if assignment.status != AssignmentStatus.REPLIED:
        raise IllegalTransition(_("Only a replied assignment can be reopened."))
    reopened_by_this_campaign = LookBackItem.objects.filter(
        campaign=item.campaign,
        assignment__proposal=proposal,
        decision=LookBackDecision.REOPENED,
    ).exists()
    due_on = due_on or deadlines().rehandling_due(timezone.localdate(at))
    if proposal.status == ProposalStatus.HANDLING and reopened_by_this_campaign:
        pass  # the proposal is already in the new round
    elif proposal.status in (ProposalStatus.REPLIED, ProposalStatus.CLOSED):
        proposal.handling_round += 1
        proposal.closed_at = None
        move_proposal(
            proposal,
            ProposalAction.LOOK_BACK_REOPEN,
            ProposalStatus.HANDLING,
            by=by,
            at=at,
            note=note,
            fields=["handling_round", "closed_at"],
        )
    else:
        raise IllegalTransition(_("The proposal is still being handled."))
    assignment.round = proposal.handling_round
    assignment.due_on = due_on
    assignment.completed_at = None
    move_assignment(
        assignment,
        AssignmentAction.REOPEN,
        AssignmentStatus.ACKNOWLEDGED,
        by=by,
        at=at,
        note=note,
        fields=["round", "due_on", "completed_at"],
    )
