"""Assignment and handling: the proposal assigned to its units (交办), units added, each
unit's acknowledgement (签收), return and extension requests and the office's decisions,
contacts with the proposer and joint units' opinions."""

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hcppcc.core.workflow.errors import IllegalTransition
from hcppcc.directory.models import HandlingUnit, User
from proposals import notices, workflow
from proposals.choices import (
    AssignmentAction,
    AssignmentRole,
    AssignmentStatus,
    ProposalAction,
    ProposalStatus,
    RequestDecision,
)
from proposals.deadlines import deadlines
from proposals.models import (
    Assignment,
    ContactLog,
    ExtensionRequest,
    JointOpinion,
    Proposal,
    ReturnRequest,
    Transition,
)
from proposals.services.replies import mark_replied_when_answered
from proposals.services.transitions import (
    begin_assignment_step,
    begin_proposal_step,
    check_assignment_transition,
    field_error,
    lock_assignment,
    lock_proposal,
    move_assignment,
    move_proposal,
    now_or,
)
from proposals.workflow import UnitAssignment


def _default_due(role: str, assigned_on: datetime.date) -> datetime.date:
    if role == AssignmentRole.JOINT:
        return deadlines().joint_opinion_due(assigned_on)
    return deadlines().reply_due(assigned_on)


def _check_roles(roles: Sequence[str]) -> None:
    leads = roles.count(AssignmentRole.LEAD)
    separates = roles.count(AssignmentRole.SEPARATE)
    joints = roles.count(AssignmentRole.JOINT)
    if leads > 1:
        raise field_error("units", _("Only one unit can lead (主办)."))
    if leads and separates:
        raise field_error(
            "units", _("A proposal is either led by one unit or handled separately, not both.")
        )
    if joints and not leads:
        raise field_error("units", _("Joint units (会办) need a lead unit (主办)."))
    if not leads and not separates:
        raise field_error("units", _("Name a lead unit or at least one separate unit."))


def _new_assignment(
    proposal: Proposal, spec: UnitAssignment, assigned_on: datetime.date
) -> Assignment:
    if not spec.unit.is_active:
        raise field_error("units", _("%(unit)s is no longer active.") % {"unit": spec.unit})
    assignment = Assignment(
        proposal=proposal,
        unit=spec.unit,
        role=spec.role,
        assigned_on=assigned_on,
        due_on=spec.due_on or _default_due(spec.role, assigned_on),
        round=proposal.handling_round,
    )
    if assignment.due_on < assigned_on:
        raise field_error(
            "units",
            _("%(unit)s: the reply date %(due)s comes before the assignment date %(on)s.")
            % {"unit": spec.unit, "due": assignment.due_on, "on": assigned_on},
        )
    # The table's constraints are checked here (the dates, just above) and by the callers
    # (a unit named once), without a query each: a batch of hundreds would spend most of
    # its time on them. The database holds them all the same.
    assignment.full_clean(validate_constraints=False)
    assignment.save()
    return assignment


@transaction.atomic
def proposal_assign(
    *,
    proposal: Proposal,
    by: User | None,
    units: Sequence[UnitAssignment],
    assigned_on: datetime.date | None = None,
    note: str = "",
    at: datetime.datetime | None = None,
    tell: bool = True,
) -> Proposal:
    """Assign an accepted proposal (交办): one lead and any joint units, or separate units.
    Each unit's contacts are told (``tell``; a batch tells each unit once instead)."""
    proposal = begin_proposal_step(proposal, workflow.ASSIGN, by, at)
    if len({spec.unit.pk for spec in units}) != len(units):
        raise field_error("units", _("A unit is named twice."))
    _check_roles([spec.role for spec in units])
    assigned_on = assigned_on or timezone.localdate(now_or(at))
    created = [_new_assignment(proposal, spec, assigned_on) for spec in units]
    if tell:
        notices.assigned(created, at=at)
    names = "、".join(f"{spec.unit}（{spec.role.label}）" for spec in units)
    return move_proposal(
        proposal,
        ProposalAction.ASSIGN,
        ProposalStatus.ASSIGNED,
        by=by,
        at=at,
        note="\n".join(filter(None, [names, note])),
    )


@transaction.atomic
def proposal_add_unit(
    *,
    proposal: Proposal,
    by: User | None,
    unit: HandlingUnit,
    role: AssignmentRole,
    due_on: datetime.date | None = None,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Assignment:
    """Give an assigned proposal to one more unit, e.g. after another unit returned it."""
    proposal = begin_proposal_step(proposal, workflow.ADD_UNIT, by, at)
    return _add_unit(proposal, unit, role, by=by, at=at, due_on=due_on, note=note)


def _add_unit(
    proposal: Proposal,
    unit: HandlingUnit,
    role: AssignmentRole,
    *,
    by: User | None,
    at: datetime.datetime | None,
    due_on: datetime.date | None = None,
    note: str = "",
) -> Assignment:
    active = list(
        proposal.assignments.exclude(status=AssignmentStatus.RETURNED).values_list(
            "unit_id", "role"
        )
    )
    if unit.pk in {unit_id for unit_id, _role in active}:
        raise field_error("unit", _("%(unit)s already holds this proposal.") % {"unit": unit})
    _check_roles([role for _unit, role in active] + [role])
    assigned_on = timezone.localdate(now_or(at))
    assignment = _new_assignment(proposal, UnitAssignment(unit, role, due_on), assigned_on)
    notices.assigned([assignment], at=at)
    Transition.objects.create(
        proposal=proposal,
        assignment=assignment,
        action="add_unit",
        to_status=assignment.status,
        by=by,
        at=now_or(at),
        note=note,
    )
    return assignment


def _start_handling(proposal: Proposal, *, by: User | None, at: datetime.datetime | None) -> None:
    if proposal.status == ProposalStatus.ASSIGNED:
        move_proposal(
            lock_proposal(proposal),
            ProposalAction.START_HANDLING,
            ProposalStatus.HANDLING,
            by=by,
            at=at,
        )


@transaction.atomic
def assignment_acknowledge(
    *, assignment: Assignment, by: User | None, at: datetime.datetime | None = None
) -> Assignment:
    """A unit acknowledges receipt (签收). The first one starts the proposal's handling."""
    assignment = begin_assignment_step(assignment, workflow.ACKNOWLEDGE, by, at)
    assignment.acknowledged_at = now_or(at)
    move_assignment(
        assignment,
        AssignmentAction.ACKNOWLEDGE,
        AssignmentStatus.ACKNOWLEDGED,
        by=by,
        at=at,
        fields=["acknowledged_at"],
    )
    _start_handling(assignment.proposal, by=by, at=at)
    return assignment


@transaction.atomic
def assignment_request_return(
    *,
    assignment: Assignment,
    by: User | None,
    reason: str,
    suggested_unit: HandlingUnit | None = None,
    at: datetime.datetime | None = None,
) -> ReturnRequest:
    """A unit asks to be relieved of an assignment (退办), within the return window."""
    assignment = begin_assignment_step(assignment, workflow.REQUEST_RETURN, by, at)
    if not reason.strip():
        raise field_error("reason", _("Give the reason for returning the proposal."))
    request = ReturnRequest(
        assignment=assignment,
        reason=reason,
        suggested_unit=suggested_unit,
        requested_by=by,
        requested_at=now_or(at),
    )
    request.full_clean()
    request.save()
    move_assignment(
        assignment,
        AssignmentAction.REQUEST_RETURN,
        AssignmentStatus.RETURN_REQUESTED,
        by=by,
        at=at,
        note=reason,
    )
    return request


def _record_decision(request, *, approve: bool, note: str, by, at) -> None:
    """Write the office's decision on a return or extension request."""
    request.decision = RequestDecision.APPROVED if approve else RequestDecision.REFUSED
    request.decision_note = note
    request.decided_by = by
    request.decided_at = now_or(at)
    request.save(
        update_fields=["decision", "decision_note", "decided_by", "decided_at", "updated_at"]
    )


@transaction.atomic
def return_request_decide(
    *,
    request: ReturnRequest,
    by: User | None,
    approve: bool,
    note: str = "",
    replacement: HandlingUnit | None = None,
    at: datetime.datetime | None = None,
) -> ReturnRequest:
    """The office approves a return (the unit is relieved; ``replacement``, if given, takes
    over its share in the same step) or refuses it (the unit keeps the proposal, as if it
    had acknowledged it)."""
    # The proposal and the assignment first, then the request: the order every step locks in.
    assignment = lock_assignment(Assignment.objects.get(pk=request.assignment_id))
    request = ReturnRequest.objects.select_for_update().get(pk=request.pk)
    request.assignment = assignment
    # Once the proposal is replied (a joint unit's answer does not hold that up), its units'
    # shares are settled: neither relieving nor keeping one changes anything.
    workflow.DECIDE_RETURN.check(request, by, at=at)
    action = AssignmentAction.APPROVE_RETURN if approve else AssignmentAction.REJECT_RETURN
    _record_decision(request, approve=approve, note=note, by=by, at=at)
    notices.request_decided(request, what=_("to return it"), approved=approve, at=at)
    if approve:
        assignment.completed_at = now_or(at)
        move_assignment(
            assignment,
            action,
            AssignmentStatus.RETURNED,
            by=by,
            at=at,
            note=note,
            fields=["completed_at"],
        )
        if replacement is not None:
            _add_unit(
                assignment.proposal, replacement, AssignmentRole(assignment.role), by=by, at=at
            )
        mark_replied_when_answered(assignment.proposal, by=by, at=at)
    else:
        if assignment.acknowledged_at is None:
            # The unit answered when it asked to return the proposal: that is when it
            # acknowledged receipt, not when the office decided.
            assignment.acknowledged_at = request.requested_at
        move_assignment(
            assignment,
            action,
            AssignmentStatus.ACKNOWLEDGED,
            by=by,
            at=at,
            note=note,
            fields=["acknowledged_at"],
        )
        _start_handling(assignment.proposal, by=by, at=at)
    return request


@transaction.atomic
def assignment_request_extension(
    *,
    assignment: Assignment,
    by: User | None,
    days: int,
    reason: str,
) -> ExtensionRequest:
    """A unit asks for more time to reply."""
    assignment = begin_assignment_step(assignment, workflow.REQUEST_EXTENSION, by)
    request = ExtensionRequest(assignment=assignment, days=days, reason=reason, requested_by=by)
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def extension_request_decide(
    *,
    request: ExtensionRequest,
    by: User | None,
    approve: bool,
    note: str = "",
    at: datetime.datetime | None = None,
) -> ExtensionRequest:
    """The office grants the extension (the due date moves) or refuses it."""
    assignment = lock_assignment(Assignment.objects.get(pk=request.assignment_id))
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    request.assignment = assignment
    workflow.DECIDE_EXTENSION.check(request, by, at=at)
    if approve:
        # Refusing closes the request whatever became of the assignment; granting moves a
        # due date, which only an assignment still being handled has.
        check_assignment_transition(assignment, AssignmentAction.EXTEND)
        if reason := workflow.ASSIGNMENT_BEING_HANDLED.refusal(assignment, now_or(at)):
            raise IllegalTransition(reason)
    _record_decision(request, approve=approve, note=note, by=by, at=at)
    notices.request_decided(request, what=_("for more time"), approved=approve, at=at)
    if approve:
        old_due = assignment.due_on
        assignment.due_on = old_due + datetime.timedelta(days=request.days)
        move_assignment(
            assignment,
            AssignmentAction.EXTEND,
            assignment.status,
            by=by,
            at=at,
            note=f"{old_due.isoformat()} → {assignment.due_on.isoformat()}",
            fields=["due_on"],
        )
    return request


@transaction.atomic
def assignment_log_contact(
    *,
    assignment: Assignment,
    by: User | None,
    date: datetime.date,
    way: str,
    people: str,
    note: str = "",
) -> ContactLog:
    """Record contact with the proposer (办前沟通, 走访) while the unit handles the proposal."""
    assignment = begin_assignment_step(assignment, workflow.LOG_CONTACT, by)
    contact = ContactLog(
        assignment=assignment, date=date, way=way, people=people, note=note, recorded_by=by
    )
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def assignment_submit_opinion(
    *, assignment: Assignment, by: User | None, text: str, at: datetime.datetime | None = None
) -> JointOpinion:
    """A joint unit sends its opinion (会办意见) to the lead unit."""
    assignment = begin_assignment_step(assignment, workflow.SUBMIT_OPINION, by, at)
    opinion = JointOpinion(assignment=assignment, text=text, submitted_by=by)
    opinion.full_clean()
    opinion.save()
    assignment.completed_at = now_or(at)
    move_assignment(
        assignment,
        AssignmentAction.SUBMIT_OPINION,
        AssignmentStatus.OPINION_SUBMITTED,
        by=by,
        at=at,
        fields=["completed_at"],
    )
    return opinion
