"""Every change of state of a proposal or an assignment.

Each step is one function: keyword-only arguments, one transaction, the row locked with
``select_for_update``, the allowed-transitions table checked, ``full_clean()``, a save
with ``update_fields`` and one ``Transition`` row. The admin, the pages and the API all
call these. A step that may not be taken raises a ``WorkflowError`` and changes nothing.

``by`` is the user taking the step; ``None`` means the system itself (seed and import
loaders), which records history without a person. ``at`` lets a loader record when a step
really happened; everyone else leaves it to now.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hcppcc.core.records import check_unchanged
from hcppcc.core.workflow.errors import IllegalTransition, WorkflowError
from hcppcc.directory.models import HandlingUnit, Member, Session, User
from proposals import policies
from proposals.choices import (
    ADD_UNIT_STATES,
    ANSWERING_ROLES,
    ASSIGNMENT_TRANSITIONS,
    INVITE_COSIGNER_STATES,
    LOG_CONTACT_STATES,
    MERGE_HOST_STATES,
    PROPOSAL_HANDLING_STATES,
    PROPOSAL_TRANSITIONS,
    REQUEST_EXTENSION_STATES,
    AssignmentRole,
    Conversion,
    CoSignerStatus,
    ProposalStatus,
    ProposerKind,
    ReplyStatus,
    RequestDecision,
    Satisfaction,
)
from proposals.choices import AssignmentAction as AA
from proposals.choices import AssignmentStatus as AS
from proposals.choices import ProposalAction as PA
from proposals.deadlines import deadlines
from proposals.models import (
    Assignment,
    Category,
    ContactLog,
    CoSigner,
    ExtensionRequest,
    Feedback,
    JointOpinion,
    Proposal,
    RejectionReason,
    Reply,
    ResultClass,
    ReturnRequest,
    Transition,
)

# --- the machinery every step shares ------------------------------------------------------


def _now(at: datetime.datetime | None) -> datetime.datetime:
    return at or timezone.now()


def _lock_proposal(proposal: Proposal) -> Proposal:
    # Two clerks acting on one proposal at once: the second waits here and then sees the
    # state the first left, so the transition check below refuses a duplicate step.
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


def _lock_assignment(assignment: Assignment) -> Assignment:
    # Always the proposal first, then the assignment: every step takes its locks in this
    # order, so two steps on one proposal wait for each other instead of deadlocking.
    proposal = _lock_proposal(Proposal(pk=assignment.proposal_id))
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    locked.proposal = proposal
    return locked


def _check_proposal_handling(assignment: Assignment) -> None:
    """Units work on an assignment only while its proposal is being handled."""
    if assignment.proposal.status not in PROPOSAL_HANDLING_STATES:
        raise IllegalTransition(
            _("The proposal is %(status)s; its assignments take no more steps.")
            % {"status": assignment.proposal.get_status_display()}
        )


def _check(table: dict, action: str, status: str, label) -> None:
    sources, _targets = table[action]
    if status not in sources:
        raise IllegalTransition(
            _("Cannot %(action)s: the record is %(status)s.")
            % {"action": label(action), "status": label(status)}
        )


def _check_proposal(proposal: Proposal, action: str) -> None:
    _check(PROPOSAL_TRANSITIONS, action, proposal.status, _proposal_label)


def _check_assignment(assignment: Assignment, action: str) -> None:
    _check(ASSIGNMENT_TRANSITIONS, action, assignment.status, _assignment_label)


def _begin_proposal_step(proposal: Proposal, action: str, by: User | None) -> Proposal:
    """Lock the proposal, then refuse the step if the user may not take it or the table
    does not allow it from the proposal's state. Returns the locked row."""
    proposal = _lock_proposal(proposal)
    policies.require(by, action, proposal)
    _check_proposal(proposal, action)
    return proposal


def _begin_assignment_step(assignment: Assignment, action: str, by: User | None) -> Assignment:
    """The same for a step on an assignment (proposal locked first, then the assignment)."""
    assignment = _lock_assignment(assignment)
    policies.require(by, action, assignment)
    _check_assignment(assignment, action)
    return assignment


def _proposal_label(value: str) -> str:
    return str(dict(PA.choices + ProposalStatus.choices).get(value, value))


def _assignment_label(value: str) -> str:
    return str(dict(AA.choices + AS.choices).get(value, value))


def _clean_saved_fields(record, names: Sequence[str]) -> None:
    """``full_clean``, except the foreign keys this step does not write: each would cost a
    query to prove a row still exists that the database's own constraint guards anyway."""
    record.full_clean(
        exclude=[
            field.name
            for field in record._meta.concrete_fields
            if field.is_relation and field.name not in names
        ]
    )


def _move_proposal(
    proposal: Proposal,
    action: str,
    to: str,
    *,
    by: User | None,
    at: datetime.datetime | None,
    note: str = "",
    fields: Sequence[str] = (),
) -> Proposal:
    """Put ``proposal`` in state ``to``, save the fields the step set, log the step."""
    _check_proposal(proposal, action)
    if to not in PROPOSAL_TRANSITIONS[action][1]:
        raise IllegalTransition(f"{action} cannot lead to {to}")
    from_status = proposal.status
    proposal.status = to
    _clean_saved_fields(proposal, ["status", *fields])
    proposal.save(update_fields=["status", "updated_at", *fields])
    Transition.objects.create(
        proposal=proposal,
        action=action,
        from_status=from_status,
        to_status=to,
        by=by,
        at=_now(at),
        note=note,
    )
    return proposal


def _move_assignment(
    assignment: Assignment,
    action: str,
    to: str,
    *,
    by: User | None,
    at: datetime.datetime | None,
    note: str = "",
    fields: Sequence[str] = (),
) -> Assignment:
    _check_assignment(assignment, action)
    if to not in ASSIGNMENT_TRANSITIONS[action][1]:
        raise IllegalTransition(f"{action} cannot lead to {to}")
    from_status = assignment.status
    assignment.status = to
    _clean_saved_fields(assignment, ["status", *fields])
    assignment.save(update_fields=["status", "updated_at", *fields])
    Transition.objects.create(
        proposal_id=assignment.proposal_id,
        assignment=assignment,
        action=action,
        from_status=from_status,
        to_status=to,
        by=by,
        at=_now(at),
        note=note,
    )
    return assignment


def log_event(
    proposal: Proposal,
    action: str,
    *,
    by: User | None,
    at: datetime.datetime | None,
    note: str = "",
    assignment: Assignment | None = None,
) -> Transition:
    """Log a step that changes something other than the status (a key-proposal decision,
    a supervision report, a look-back verdict), so the timeline shows it too."""
    status = assignment.status if assignment else proposal.status
    return Transition.objects.create(
        proposal=proposal,
        assignment=assignment,
        action=action,
        from_status=status,
        to_status=status,
        by=by,
        at=_now(at),
        note=note,
    )


def _next_number(session: Session, field: str) -> int:
    """The next registration or case number of ``session``: one more than the highest.

    The session row is locked first, so two clerks numbering proposals of one session at
    the same moment take turns; a rolled-back step gives its number back, so there are no
    gaps. (On SQLite the whole write transaction is serialised instead.)
    """
    Session.objects.select_for_update().filter(pk=session.pk).first()
    highest = Proposal.objects.filter(session=session).aggregate(highest=Max(field))["highest"]
    return (highest or 0) + 1


def _validation(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


# --- drafting and submission ----------------------------------------------------------------


@transaction.atomic
def proposal_create(
    *,
    proposal: Proposal,
    by: User | None,
    cosigners: Sequence[Member] = (),
    at: datetime.datetime | None = None,
) -> Proposal:
    """Save a new draft (暂存) built by a form or a loader, with its invited co-signers."""
    if proposal.pk is not None:
        raise WorkflowError(_("This proposal has already been saved."))
    policies.require(by, PA.CREATE, proposal)
    proposal.status = ProposalStatus.DRAFT
    proposal.created_by = by
    proposal.full_clean()
    proposal.save()
    for member in cosigners:
        cosigner_invite(proposal=proposal, member=member, by=by)
    Transition.objects.create(
        proposal=proposal, action=PA.CREATE, to_status=ProposalStatus.DRAFT, by=by, at=_now(at)
    )
    return proposal


# What a proposer writes; editable while the proposal is a draft, fixed once submitted.
CONTENT_FIELDS = (
    "session",
    "title",
    "situation",
    "suggestions",
    "explanation",
    "category",
    "proposer_kind",
    "lead_member",
    "organization",
    "committee",
    "sector",
    "period",
    "source",
    "source_note",
    "suggested_units",
    "consent_to_publish",
    "no_publish_reason",
)


@transaction.atomic
def proposal_update(
    *,
    proposal: Proposal,
    by: User | None,
    changes: dict,
    at: datetime.datetime | None = None,
    unchanged_since: datetime.datetime | None = None,
) -> Proposal:
    """Edit a draft's content. Only the fields in ``changes`` are written, on the locked
    row, so a step taken meanwhile by someone else is never undone by a stale form; with
    ``unchanged_since`` (the version the editor read), an edit made meanwhile is refused."""
    locked = _lock_proposal(proposal)
    check_unchanged(locked, unchanged_since)
    policies.require(by, PA.SUBMIT, locked)
    if locked.status != ProposalStatus.DRAFT:
        raise IllegalTransition(_("Only a draft can be edited; this proposal is submitted."))
    unknown = set(changes) - set(CONTENT_FIELDS)
    if unknown:
        raise WorkflowError(_("These fields cannot be edited: %(fields)s") % {"fields": unknown})
    many = {name: value for name, value in changes.items() if name == "suggested_units"}
    for name, value in changes.items():
        if name not in many:
            setattr(locked, name, value)
    # The edited draft must still be one its editor may write (a member: in their own name,
    # not a collective one).
    policies.require(by, PA.CREATE, locked)
    locked.full_clean()
    fields = [name for name in changes if name not in many]
    if changes:  # a new version even when only the suggested units changed
        locked.save(update_fields=[*fields, "updated_at"])
    for name, value in many.items():
        getattr(locked, name).set(value)
    log_event(locked, "edit", by=by, at=at, note="、".join(sorted(changes)))
    return locked


@transaction.atomic
def cosigner_invite(*, proposal: Proposal, member: Member, by: User | None) -> CoSigner:
    """Invite ``member`` to co-sign a draft joint proposal."""
    proposal = _lock_proposal(proposal)
    policies.require(by, PA.SUBMIT, proposal)
    if proposal.status not in INVITE_COSIGNER_STATES:
        raise IllegalTransition(_("Co-signers can only be invited while the proposal is a draft."))
    if member.pk == proposal.lead_member_id:
        raise WorkflowError(_("The lead proposer cannot also co-sign."))
    if proposal.cosigners.filter(member=member).exists():
        raise WorkflowError(_("%(member)s is already invited.") % {"member": member})
    cosigner = CoSigner(proposal=proposal, member=member)
    cosigner.full_clean()
    cosigner.save()
    return cosigner


def _check_ready_to_submit(proposal: Proposal) -> None:
    errors = {}
    for name in ("title", "situation", "suggestions", "explanation"):
        if not getattr(proposal, name).strip():
            errors[name] = _("Required before the proposal can be submitted.")
    if proposal.proposer_kind == ProposerKind.COLLECTIVE:
        if not (proposal.organization_id or proposal.committee_id or proposal.sector_id):
            errors["organization"] = _(
                "A collective proposal needs an organization, committee or sector group."
            )
    elif not proposal.lead_member_id:
        errors["lead_member"] = _("An individual or joint proposal needs a lead proposer.")
    if proposal.proposer_kind == ProposerKind.JOINT and not proposal.cosigners.exists():
        errors["proposer_kind"] = _("A joint proposal needs at least one co-signer.")
    if not proposal.consent_to_publish and not proposal.no_publish_reason.strip():
        errors["no_publish_reason"] = _("Say why the proposal should not be published.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def proposal_submit(
    *, proposal: Proposal, by: User | None, at: datetime.datetime | None = None
) -> Proposal:
    """Submit a draft (提交). A joint proposal first waits for its co-signers (待会签)."""
    proposal = _begin_proposal_step(proposal, PA.SUBMIT, by)
    _check_ready_to_submit(proposal)
    now = _now(at)
    pending = proposal.cosigners.filter(status=CoSignerStatus.INVITED)
    if proposal.proposer_kind == ProposerKind.JOINT and pending.exists():
        deadline = deadlines().cosign_deadline(timezone.localdate(now))
        pending.filter(deadline__isnull=True).update(deadline=deadline, updated_at=now)
        return _move_proposal(proposal, PA.SUBMIT, ProposalStatus.AWAITING_COSIGNERS, by=by, at=at)
    return _enter_submitted(proposal, PA.SUBMIT, by=by, at=now)


def _enter_submitted(
    proposal: Proposal, action: str, *, by: User | None, at: datetime.datetime, note: str = ""
) -> Proposal:
    fields = ["submitted_at"]
    if proposal.registration_number is None:
        # A proposal returned for revision keeps its registration number.
        proposal.registration_number = _next_number(proposal.session, "registration_number")
        fields.append("registration_number")
    proposal.submitted_at = at
    return _move_proposal(
        proposal, action, ProposalStatus.SUBMITTED, by=by, at=at, note=note, fields=fields
    )


@transaction.atomic
def cosigner_respond(
    *, cosigner: CoSigner, confirm: bool, by: User | None, at: datetime.datetime | None = None
) -> CoSigner:
    """A co-signer confirms or declines. The last answer submits the proposal."""
    # The proposal first, then the co-signer: the order every step locks in.
    proposal = _lock_proposal(Proposal(pk=cosigner.proposal_id))
    cosigner = CoSigner.objects.select_for_update().get(pk=cosigner.pk)
    policies.require(by, policies.RESPOND_COSIGN, cosigner)
    if proposal.status != ProposalStatus.AWAITING_COSIGNERS:
        raise IllegalTransition(_("This proposal is not waiting for co-signers."))
    if cosigner.status != CoSignerStatus.INVITED:
        raise IllegalTransition(_("This invitation has already been answered."))
    if cosigner.deadline and timezone.localdate(_now(at)) > cosigner.deadline:
        raise IllegalTransition(
            _("The deadline to confirm was %(date)s.") % {"date": cosigner.deadline.isoformat()}
        )
    cosigner.status = CoSignerStatus.CONFIRMED if confirm else CoSignerStatus.DECLINED
    cosigner.responded_at = _now(at)
    cosigner.save(update_fields=["status", "responded_at", "updated_at"])
    if not proposal.cosigners.filter(status=CoSignerStatus.INVITED).exists():
        _complete_cosigning(proposal, by=by, at=_now(at))
    return cosigner


@transaction.atomic
def proposal_complete_cosigning(
    *, proposal: Proposal, by: User | None, at: datetime.datetime | None = None
) -> Proposal:
    """Close co-signing once everyone has answered or the deadline has passed."""
    proposal = _begin_proposal_step(proposal, PA.COMPLETE_COSIGNING, by)
    today = timezone.localdate(_now(at))
    waiting = proposal.cosigners.filter(status=CoSignerStatus.INVITED)
    if waiting.filter(deadline__gte=today).exists():
        raise IllegalTransition(
            _("Some co-signers have not answered and their deadline has not passed.")
        )
    return _complete_cosigning(proposal, by=by, at=_now(at))


def _complete_cosigning(proposal: Proposal, *, by: User | None, at: datetime.datetime) -> Proposal:
    note = ""
    # Whoever has not answered by now is no co-signer.
    proposal.cosigners.filter(status=CoSignerStatus.INVITED).update(
        status=CoSignerStatus.EXPIRED, updated_at=at
    )
    if not proposal.cosigners.filter(status=CoSignerStatus.CONFIRMED).exists():
        # Nobody confirmed: the proposal goes on in its lead proposer's name alone.
        proposal.proposer_kind = ProposerKind.INDIVIDUAL
        proposal.save(update_fields=["proposer_kind"])
        note = _("No co-signer confirmed; submitted as an individual proposal.")
    return _enter_submitted(proposal, PA.COMPLETE_COSIGNING, by=by, at=at, note=note)


# --- review --------------------------------------------------------------------------------


def _conclude_review(
    proposal: Proposal,
    action: str,
    to: str,
    *,
    by: User | None,
    at: datetime.datetime | None,
    note: str,
    fields: Sequence[str],
) -> Proposal:
    """Record a review outcome: its note for the proposer, when, and the new status."""
    proposal.review_note = note
    proposal.reviewed_at = _now(at)
    return _move_proposal(
        proposal,
        action,
        to,
        by=by,
        at=at,
        note=note,
        fields=[*fields, "review_note", "reviewed_at"],
    )


@transaction.atomic
def proposal_accept(
    *,
    proposal: Proposal,
    by: User | None,
    category: Category | None = None,
    note: str = "",
    case_number: int | None = None,
    at: datetime.datetime | None = None,
) -> Proposal:
    """Accept a proposal (立案): it gets the next case number of its session (第0001号),
    or ``case_number`` when a loader brings the number its ledger gave it."""
    proposal = _begin_proposal_step(proposal, PA.ACCEPT, by)
    if category is not None:
        proposal.category = category
    if proposal.category_id is None:
        raise _validation("category", _("Choose a category before accepting."))
    if case_number is None:
        proposal.case_number = _next_number(proposal.session, "case_number")
    elif Proposal.objects.filter(session=proposal.session, case_number=case_number).exists():
        raise _validation(
            "case_number",
            _("Case number %(number)s is already taken in this session.")
            % {"number": f"第{case_number:04d}号"},
        )
    else:
        proposal.case_number = case_number
    return _conclude_review(
        proposal,
        PA.ACCEPT,
        ProposalStatus.ACCEPTED,
        by=by,
        at=at,
        note=note,
        fields=["category", "case_number"],
    )


@transaction.atomic
def proposal_reject(
    *,
    proposal: Proposal,
    by: User | None,
    reason: RejectionReason,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Proposal:
    """Do not accept a proposal (不予立案), with a reason code and a note for the proposer."""
    proposal = _begin_proposal_step(proposal, PA.REJECT, by)
    if reason is None or not reason.is_active:
        raise _validation("rejection_reason", _("Choose an active reason."))
    proposal.rejection_reason = reason
    return _conclude_review(
        proposal,
        PA.REJECT,
        ProposalStatus.NOT_ACCEPTED,
        by=by,
        at=at,
        note=note,
        fields=["rejection_reason"],
    )


@transaction.atomic
def proposal_merge(
    *,
    proposal: Proposal,
    by: User | None,
    host: Proposal,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Proposal:
    """Merge a proposal into an accepted one of the same session (并案)."""
    if host.pk == proposal.pk:
        raise _validation("merged_into", _("A proposal cannot be merged into itself."))
    # Both rows locked, in primary-key order: the host must not close (or be withdrawn)
    # while a proposal is being merged into it.
    locked = {
        p.pk: p
        for p in Proposal.objects.select_for_update()
        .filter(pk__in=[proposal.pk, host.pk])
        .order_by("pk")
    }
    proposal, host = locked[proposal.pk], locked[host.pk]
    policies.require(by, PA.MERGE, proposal)
    _check_proposal(proposal, PA.MERGE)
    if host.session_id != proposal.session_id:
        raise _validation("merged_into", _("The host proposal must be of the same session."))
    if host.status not in MERGE_HOST_STATES:
        raise _validation(
            "merged_into", _("The host proposal must be accepted and not yet closed.")
        )
    proposal.merged_into = host
    return _conclude_review(
        proposal, PA.MERGE, ProposalStatus.MERGED, by=by, at=at, note=note, fields=["merged_into"]
    )


@transaction.atomic
def proposal_convert(
    *,
    proposal: Proposal,
    by: User | None,
    conversion: Conversion,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Proposal:
    """Convert a proposal into an opinion or a public-opinion report (转为意见建议/社情民意)."""
    proposal = _begin_proposal_step(proposal, PA.CONVERT, by)
    if conversion not in Conversion.values:
        raise _validation("conversion", _("Choose what the proposal becomes."))
    proposal.conversion = conversion
    return _conclude_review(
        proposal,
        PA.CONVERT,
        ProposalStatus.CONVERTED,
        by=by,
        at=at,
        note=note,
        fields=["conversion"],
    )


@transaction.atomic
def proposal_return_for_revision(
    *, proposal: Proposal, by: User | None, note: str, at: datetime.datetime | None = None
) -> Proposal:
    """Send a proposal back to its proposer to revise (退回修改); it becomes a draft again."""
    proposal = _begin_proposal_step(proposal, PA.RETURN_FOR_REVISION, by)
    if not note.strip():
        raise _validation("review_note", _("Tell the proposer what to revise."))
    proposal.review_note = note
    return _move_proposal(
        proposal,
        PA.RETURN_FOR_REVISION,
        ProposalStatus.DRAFT,
        by=by,
        at=at,
        note=note,
        fields=["review_note"],
    )


@transaction.atomic
def proposal_withdraw(
    *, proposal: Proposal, by: User | None, note: str = "", at: datetime.datetime | None = None
) -> Proposal:
    """Withdraw a proposal (撤案), at any time before it is assigned."""
    proposal = _begin_proposal_step(proposal, PA.WITHDRAW, by)
    if proposal.merged_proposals.exists():
        raise IllegalTransition(_("Other proposals were merged into this one; it stays."))
    return _move_proposal(proposal, PA.WITHDRAW, ProposalStatus.WITHDRAWN, by=by, at=at, note=note)


# --- assignment ------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitAssignment:
    """One unit to assign a proposal to; ``due_on`` defaults from the rules."""

    unit: HandlingUnit
    role: AssignmentRole
    due_on: datetime.date | None = None


def _default_due(role: str, assigned_on: datetime.date) -> datetime.date:
    if role == AssignmentRole.JOINT:
        return deadlines().joint_opinion_due(assigned_on)
    return deadlines().reply_due(assigned_on)


def _check_roles(roles: Sequence[str]) -> None:
    leads = roles.count(AssignmentRole.LEAD)
    separates = roles.count(AssignmentRole.SEPARATE)
    joints = roles.count(AssignmentRole.JOINT)
    if leads > 1:
        raise _validation("units", _("Only one unit can lead (主办)."))
    if leads and separates:
        raise _validation(
            "units", _("A proposal is either led by one unit or handled separately, not both.")
        )
    if joints and not leads:
        raise _validation("units", _("Joint units (会办) need a lead unit (主办)."))
    if not leads and not separates:
        raise _validation("units", _("Name a lead unit or at least one separate unit."))


def _new_assignment(
    proposal: Proposal, spec: UnitAssignment, assigned_on: datetime.date
) -> Assignment:
    if not spec.unit.is_active:
        raise _validation("units", _("%(unit)s is no longer active.") % {"unit": spec.unit})
    assignment = Assignment(
        proposal=proposal,
        unit=spec.unit,
        role=spec.role,
        assigned_on=assigned_on,
        due_on=spec.due_on or _default_due(spec.role, assigned_on),
        round=proposal.handling_round,
    )
    assignment.full_clean()
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
) -> Proposal:
    """Assign an accepted proposal (交办): one lead and any joint units, or separate units."""
    proposal = _begin_proposal_step(proposal, PA.ASSIGN, by)
    if len({spec.unit.pk for spec in units}) != len(units):
        raise _validation("units", _("A unit is named twice."))
    _check_roles([spec.role for spec in units])
    assigned_on = assigned_on or timezone.localdate(_now(at))
    for spec in units:
        _new_assignment(proposal, spec, assigned_on)
    names = "、".join(f"{spec.unit}（{spec.role.label}）" for spec in units)
    return _move_proposal(
        proposal,
        PA.ASSIGN,
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
    proposal = _lock_proposal(proposal)
    policies.require(by, policies.ADD_UNIT, proposal)
    if proposal.status not in ADD_UNIT_STATES:
        raise IllegalTransition(_("Units can be added only while a proposal is being handled."))
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
    active = list(proposal.assignments.exclude(status=AS.RETURNED).values_list("unit_id", "role"))
    if unit.pk in {unit_id for unit_id, _role in active}:
        raise _validation("unit", _("%(unit)s already holds this proposal.") % {"unit": unit})
    _check_roles([role for _unit, role in active] + [role])
    assigned_on = timezone.localdate(_now(at))
    assignment = _new_assignment(proposal, UnitAssignment(unit, role, due_on), assigned_on)
    Transition.objects.create(
        proposal=proposal,
        assignment=assignment,
        action=policies.ADD_UNIT,
        to_status=assignment.status,
        by=by,
        at=_now(at),
        note=note,
    )
    return assignment


def _start_handling(proposal: Proposal, *, by: User | None, at: datetime.datetime | None) -> None:
    if proposal.status == ProposalStatus.ASSIGNED:
        _move_proposal(
            _lock_proposal(proposal), PA.START_HANDLING, ProposalStatus.HANDLING, by=by, at=at
        )


@transaction.atomic
def assignment_acknowledge(
    *, assignment: Assignment, by: User | None, at: datetime.datetime | None = None
) -> Assignment:
    """A unit acknowledges receipt (签收). The first one starts the proposal's handling."""
    assignment = _begin_assignment_step(assignment, AA.ACKNOWLEDGE, by)
    _check_proposal_handling(assignment)
    assignment.acknowledged_at = _now(at)
    _move_assignment(
        assignment,
        AA.ACKNOWLEDGE,
        AS.ACKNOWLEDGED,
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
    assignment = _begin_assignment_step(assignment, AA.REQUEST_RETURN, by)
    _check_proposal_handling(assignment)
    if not reason.strip():
        raise _validation("reason", _("Give the reason for returning the proposal."))
    window_ends = deadlines().return_window_ends(assignment.assigned_on)
    if timezone.localdate(_now(at)) > window_ends:
        raise IllegalTransition(
            _("The return window closed on %(date)s.") % {"date": window_ends.isoformat()}
        )
    request = ReturnRequest(
        assignment=assignment,
        reason=reason,
        suggested_unit=suggested_unit,
        requested_by=by,
        requested_at=_now(at),
    )
    request.full_clean()
    request.save()
    _move_assignment(assignment, AA.REQUEST_RETURN, AS.RETURN_REQUESTED, by=by, at=at, note=reason)
    return request


def _record_decision(request, *, approve: bool, note: str, by, at) -> None:
    """Write the office's decision on a return or extension request."""
    request.decision = RequestDecision.APPROVED if approve else RequestDecision.REFUSED
    request.decision_note = note
    request.decided_by = by
    request.decided_at = _now(at)
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
    assignment = _lock_assignment(Assignment.objects.get(pk=request.assignment_id))
    request = ReturnRequest.objects.select_for_update().get(pk=request.pk)
    action = AA.APPROVE_RETURN if approve else AA.REJECT_RETURN
    policies.require(by, action, assignment)
    _check_assignment(assignment, action)
    # Once the proposal is replied (a joint unit's answer does not hold that up), its units'
    # shares are settled: neither relieving nor keeping one changes anything.
    _check_proposal_handling(assignment)
    if request.decision != RequestDecision.PENDING:
        raise IllegalTransition(_("This request has already been decided."))
    _record_decision(request, approve=approve, note=note, by=by, at=at)
    if approve:
        assignment.completed_at = _now(at)
        _move_assignment(
            assignment, action, AS.RETURNED, by=by, at=at, note=note, fields=["completed_at"]
        )
        if replacement is not None:
            _add_unit(
                assignment.proposal, replacement, AssignmentRole(assignment.role), by=by, at=at
            )
        _maybe_mark_replied(assignment.proposal, by=by, at=at)
    else:
        if assignment.acknowledged_at is None:
            # The unit answered when it asked to return the proposal: that is when it
            # acknowledged receipt, not when the office decided.
            assignment.acknowledged_at = request.requested_at
        _move_assignment(
            assignment, action, AS.ACKNOWLEDGED, by=by, at=at, note=note, fields=["acknowledged_at"]
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
    assignment = _lock_assignment(assignment)
    policies.require(by, policies.REQUEST_EXTENSION, assignment)
    if assignment.status not in REQUEST_EXTENSION_STATES:
        raise IllegalTransition(_("An extension can only be asked for while handling."))
    _check_proposal_handling(assignment)
    if assignment.extension_requests.filter(decision=RequestDecision.PENDING).exists():
        raise IllegalTransition(_("An extension request is already waiting for a decision."))
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
    assignment = _lock_assignment(Assignment.objects.get(pk=request.assignment_id))
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    policies.require(by, policies.DECIDE_EXTENSION, assignment)
    if request.decision != RequestDecision.PENDING:
        raise IllegalTransition(_("This request has already been decided."))
    if approve:
        _check_assignment(assignment, AA.EXTEND)
        _check_proposal_handling(assignment)
    _record_decision(request, approve=approve, note=note, by=by, at=at)
    if approve:
        old_due = assignment.due_on
        assignment.due_on = old_due + datetime.timedelta(days=request.days)
        _move_assignment(
            assignment,
            AA.EXTEND,
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
    assignment = _lock_assignment(assignment)
    policies.require(by, policies.LOG_CONTACT, assignment)
    if assignment.status not in LOG_CONTACT_STATES:
        raise IllegalTransition(_("Contacts are recorded while the unit handles the proposal."))
    _check_proposal_handling(assignment)
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
    assignment = _begin_assignment_step(assignment, AA.SUBMIT_OPINION, by)
    _check_proposal_handling(assignment)
    if assignment.role != AssignmentRole.JOINT:
        raise IllegalTransition(_("Only a joint unit sends an opinion; this unit replies."))
    opinion = JointOpinion(assignment=assignment, text=text, submitted_by=by)
    opinion.full_clean()
    opinion.save()
    assignment.completed_at = _now(at)
    _move_assignment(
        assignment, AA.SUBMIT_OPINION, AS.OPINION_SUBMITTED, by=by, at=at, fields=["completed_at"]
    )
    return opinion


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
    assignment = _begin_assignment_step(assignment, AA.SUBMIT_REPLY, by)
    _check_proposal_handling(assignment)
    if assignment.role not in ANSWERING_ROLES:
        raise IllegalTransition(_("A joint unit sends its opinion to the lead unit instead."))
    if result_class is None or not result_class.is_active:
        raise _validation("result_class", _("Choose an active result class."))
    submitted_at = _now(at)
    if reply_date > timezone.localdate(submitted_at):
        raise _validation("reply_date", _("A reply cannot be dated after it is handed in."))
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
    _move_assignment(assignment, AA.SUBMIT_REPLY, AS.REPLY_SUBMITTED, by=by, at=at)
    return reply


def _lock_reply(reply: Reply) -> tuple[Reply, Assignment]:
    # The proposal, its assignment, then the reply: the order every step locks in.
    assignment = _lock_assignment(Assignment.objects.get(pk=reply.assignment_id))
    return Reply.objects.select_for_update().get(pk=reply.pk), assignment


@transaction.atomic
def reply_approve(
    *, reply: Reply, by: User | None, note: str = "", at: datetime.datetime | None = None
) -> Reply:
    """The office approves a reply. When every answering unit's reply is approved, the
    proposal is replied (已答复) and waits for its proposer's feedback."""
    reply, assignment = _lock_reply(reply)
    policies.require(by, AA.APPROVE_REPLY, assignment)
    _check_assignment(assignment, AA.APPROVE_REPLY)
    if reply.status != ReplyStatus.SUBMITTED:
        raise IllegalTransition(_("This reply has already been reviewed."))
    reply.status = ReplyStatus.APPROVED
    reply.review_note = note
    reply.reviewed_by = by
    reply.reviewed_at = _now(at)
    reply.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at", "updated_at"])
    assignment.completed_at = _now(at)
    _move_assignment(
        assignment, AA.APPROVE_REPLY, AS.REPLIED, by=by, at=at, note=note, fields=["completed_at"]
    )
    _maybe_mark_replied(assignment.proposal, by=by, at=at)
    return reply


def _maybe_mark_replied(
    proposal: Proposal, *, by: User | None, at: datetime.datetime | None
) -> None:
    """Mark the proposal replied once every unit that owes an answer has one approved.

    Called after a reply is approved and after a return is approved (the returned unit no
    longer owes one). A proposal whose answering units were all returned waits for the
    office to add a unit; so does one whose joint units have lost their lead.
    """
    if proposal.status != ProposalStatus.HANDLING:
        return
    active = list(proposal.assignments.exclude(status=AS.RETURNED).values_list("role", "status"))
    answering = [status for role, status in active if role in ANSWERING_ROLES]
    has_joint = any(role == AssignmentRole.JOINT for role, _status in active)
    has_lead = any(role == AssignmentRole.LEAD for role, _status in active)
    if not answering or any(status != AS.REPLIED for status in answering):
        return
    if has_joint and not has_lead:
        return
    proposal.replied_at = _now(at)
    _move_proposal(
        proposal, PA.MARK_REPLIED, ProposalStatus.REPLIED, by=by, at=at, fields=["replied_at"]
    )


@transaction.atomic
def reply_send_back(
    *, reply: Reply, by: User | None, reason: str, at: datetime.datetime | None = None
) -> Reply:
    """The office sends a reply back to its unit to be redone, with the reason."""
    reply, assignment = _lock_reply(reply)
    policies.require(by, AA.SEND_BACK_REPLY, assignment)
    _check_assignment(assignment, AA.SEND_BACK_REPLY)
    if reply.status != ReplyStatus.SUBMITTED:
        raise IllegalTransition(_("This reply has already been reviewed."))
    if not reason.strip():
        raise _validation("review_note", _("Tell the unit what to change."))
    reply.status = ReplyStatus.SENT_BACK
    reply.review_note = reason
    reply.reviewed_by = by
    reply.reviewed_at = _now(at)
    reply.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at", "updated_at"])
    _move_assignment(assignment, AA.SEND_BACK_REPLY, AS.ACKNOWLEDGED, by=by, at=at, note=reason)
    return reply


# --- feedback --------------------------------------------------------------------------------


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
    proposal = _begin_proposal_step(proposal, PA.FEEDBACK, by)
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
    now = _now(at)
    if feedback.is_unsatisfied and proposal.handling_round <= deadlines().max_rehandling_rounds:
        _reopen(proposal, by=by, at=now, note=comment)
    else:
        proposal.closed_at = now
        _move_proposal(
            proposal,
            PA.FEEDBACK,
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
    _move_proposal(
        proposal,
        PA.FEEDBACK,
        ProposalStatus.HANDLING,
        by=by,
        at=at,
        note=note,
        fields=["handling_round"],
    )
    due_on = deadlines().rehandling_due(timezone.localdate(at))
    replied = proposal.assignments.select_for_update().filter(
        role__in=ANSWERING_ROLES, status=AS.REPLIED
    )
    for assignment in replied:
        assignment.round = proposal.handling_round
        assignment.due_on = due_on
        assignment.completed_at = None
        _move_assignment(
            assignment,
            AA.REOPEN,
            AS.ACKNOWLEDGED,
            by=by,
            at=at,
            note=note,
            fields=["round", "due_on", "completed_at"],
        )
