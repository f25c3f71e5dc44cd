"""Replies and feedback: a unit's reply (答复), the office's review of it, the proposal
replied once every answering unit's reply is approved, and the proposer's verdict (委员反馈)
that closes it or starts another round."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hcppcc.directory.models import User
from proposals import notices, workflow
from proposals.choices import (
    ANSWERING_ROLES,
    AssignmentAction,
    AssignmentRole,
    AssignmentStatus,
    ProposalAction,
    ProposalStatus,
    ReplyStatus,
    Satisfaction,
)
from proposals.deadlines import deadlines
from proposals.models import (
    Assignment,
    Feedback,
    Proposal,
    Reply,
    ResultClass,
)
from proposals.services.transitions import (
    begin_assignment_step,
    begin_proposal_step,
    field_error,
    lock_assignment,
    move_assignment,
    move_proposal,
    now_or,
)


@transaction.atomic
def assignment_submit_reply(
    *,
    assignment: Assignment,
    by: User | None,
    result_class: ResultClass,
    text: str,
    signer: str,
    reply_date: datetime.date,
    file=None,
    at: datetime.datetime | None = None,
) -> Reply:
    """The lead (or a separate) unit submits its reply (答复) for the office to review."""
    assignment = begin_assignment_step(assignment, workflow.SUBMIT_REPLY, by, at)
    if result_class is None or not result_class.is_active:
        raise field_error("result_class", _("Choose an active result class."))
    submitted_at = now_or(at)
    if reply_date > timezone.localdate(submitted_at):
        raise field_error("reply_date", _("A reply cannot be dated after it is handed in."))
    reply = Reply(
        assignment=assignment,
        round=assignment.round,
        result_class=result_class,
        text=text,
        signer=signer,
        reply_date=reply_date,
        due_on=assignment.due_on,
        submitted_at=submitted_at,
        submitted_by=by,
    )
    if file is not None:
        reply.file = file
    reply.full_clean()
    reply.save()
    move_assignment(
        assignment, AssignmentAction.SUBMIT_REPLY, AssignmentStatus.REPLY_SUBMITTED, by=by, at=at
    )
    return reply


def lock_reply(reply: Reply) -> Reply:
    """Lock a reply, with its assignment and proposal (the order every step locks in)."""
    assignment = lock_assignment(Assignment.objects.get(pk=reply.assignment_id))
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    reply.assignment = assignment
    return reply


@transaction.atomic
def reply_approve(
    *, reply: Reply, by: User | None, note: str = "", at: datetime.datetime | None = None
) -> Reply:
    """The office approves a reply. When every answering unit's reply is approved, the
    proposal is replied (已答复) and waits for its proposer's feedback."""
    reply = lock_reply(reply)
    assignment = reply.assignment
    workflow.APPROVE_REPLY.check(reply, by, at=at)
    reply.status = ReplyStatus.APPROVED
    reply.review_note = note
    reply.reviewed_by = by
    reply.reviewed_at = now_or(at)
    reply.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at", "updated_at"])
    assignment.completed_at = now_or(at)
    move_assignment(
        assignment,
        AssignmentAction.APPROVE_REPLY,
        AssignmentStatus.REPLIED,
        by=by,
        at=at,
        note=note,
        fields=["completed_at"],
    )
    mark_replied_when_answered(assignment.proposal, by=by, at=at)
    notices.reply_approved(reply, at=at)
    return reply


def mark_replied_when_answered(
    proposal: Proposal, *, by: User | None, at: datetime.datetime | None
) -> None:
    """Mark the proposal replied once every unit that owes an answer has one approved.

    Called after a reply is approved and after a return is approved (the returned unit no
    longer owes one). A proposal whose answering units were all returned waits for the
    office to add a unit; so does one whose joint units have lost their lead.
    """
    if proposal.status != ProposalStatus.HANDLING:
        return
    active = list(
        proposal.assignments.exclude(status=AssignmentStatus.RETURNED).values_list("role", "status")
    )
    answering = [status for role, status in active if role in ANSWERING_ROLES]
    has_joint = any(role == AssignmentRole.JOINT for role, _status in active)
    has_lead = any(role == AssignmentRole.LEAD for role, _status in active)
    if not answering or any(status != AssignmentStatus.REPLIED for status in answering):
        return
    if has_joint and not has_lead:
        return
    proposal.replied_at = now_or(at)
    move_proposal(
        proposal,
        ProposalAction.MARK_REPLIED,
        ProposalStatus.REPLIED,
        by=by,
        at=at,
        fields=["replied_at"],
    )


@transaction.atomic
def reply_send_back(
    *, reply: Reply, by: User | None, reason: str, at: datetime.datetime | None = None
) -> Reply:
    """The office sends a reply back to its unit to be redone, with the reason."""
    reply = lock_reply(reply)
    assignment = reply.assignment
    workflow.SEND_BACK_REPLY.check(reply, by, at=at)
    if not reason.strip():
        raise field_error("review_note", _("Tell the unit what to change."))
    reply.status = ReplyStatus.SENT_BACK
    reply.review_note = reason
    reply.reviewed_by = by
    reply.reviewed_at = now_or(at)
    reply.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at", "updated_at"])
    move_assignment(
        assignment,
        AssignmentAction.SEND_BACK_REPLY,
        AssignmentStatus.ACKNOWLEDGED,
        by=by,
        at=at,
        note=reason,
    )
    notices.reply_sent_back(reply, reason, at=at)
    return reply


@transaction.atomic
def proposal_give_feedback(
    *,
    proposal: Proposal,
    by: User | None,
    attitude: Satisfaction,
    result: Satisfaction,
    comment: str = "",
    at: datetime.datetime | None = None,
) -> Feedback:
    """The proposer judges the handling (委员反馈). Satisfied or basically satisfied closes
    the proposal (办结); unsatisfied sends it back to its units for another round, up to
    the rules' limit, after which it closes with the unsatisfied verdict on record."""
    proposal = begin_proposal_step(proposal, workflow.FEEDBACK, by, at)
    feedback = Feedback(
        proposal=proposal,
        round=proposal.handling_round,
        attitude=attitude,
        result=result,
        comment=comment,
        given_by=by,
    )
    feedback.full_clean()
    feedback.save()
    now = now_or(at)
    if feedback.is_unsatisfied and proposal.handling_round <= deadlines().max_rehandling_rounds:
        _reopen(proposal, by=by, at=now, note=comment)
    else:
        proposal.closed_at = now
        move_proposal(
            proposal,
            ProposalAction.FEEDBACK,
            ProposalStatus.CLOSED,
            by=by,
            at=now,
            note=comment,
            fields=["closed_at"],
        )
    return feedback


def _reopen(proposal: Proposal, *, by: User | None, at: datetime.datetime, note: str) -> None:
    """Start another handling round: the answering units reply again by a new due date."""
    proposal.handling_round += 1
    move_proposal(
        proposal,
        ProposalAction.FEEDBACK,
        ProposalStatus.HANDLING,
        by=by,
        at=at,
        note=note,
        fields=["handling_round"],
    )
    due_on = deadlines().rehandling_due(timezone.localdate(at))
    replied = proposal.assignments.select_for_update().filter(
        role__in=ANSWERING_ROLES, status=AssignmentStatus.REPLIED
    )
    for assignment in replied:
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
