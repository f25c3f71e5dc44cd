"""What every step on a proposal or an assignment shares: the locks, the guard, the move
along the allowed-transitions tables and the transition row.

A step is one function: keyword-only arguments, one transaction, the row locked with
``select_for_update``, its step asked (``Step.check``: who may take it, and whether the
record's state and the step's conditions allow it now, declared once in workflow.py),
``full_clean()``, a save with ``update_fields`` and one ``Transition`` row. A step that may
not be taken raises a ``WorkflowError`` and changes nothing.

``by`` is the user taking the step; ``None`` means the system itself (seed and import
loaders), which records history without a person. ``at`` lets a loader record when a step
really happened; everyone else leaves it to now.
"""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hcppcc.core.workflow.errors import IllegalTransition
from hcppcc.core.workflow.steps import Step
from hcppcc.directory.models import Session, User
from proposals.choices import (
    ASSIGNMENT_TRANSITIONS,
    PROPOSAL_TRANSITIONS,
    AssignmentAction,
    AssignmentStatus,
    ProposalAction,
    ProposalStatus,
)
from proposals.models import (
    Assignment,
    Proposal,
    Transition,
)


def now_or(at: datetime.datetime | None) -> datetime.datetime:
    return at or timezone.now()


def lock_proposal(proposal: Proposal) -> Proposal:
    # Two clerks acting on one proposal at once: the second waits here and then sees the
    # state the first left, so the transition check below refuses a duplicate step.
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


def lock_assignment(assignment: Assignment) -> Assignment:
    # Always the proposal first, then the assignment: every step takes its locks in this
    # order, so two steps on one proposal wait for each other instead of deadlocking.
    proposal = lock_proposal(Proposal(pk=assignment.proposal_id))
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    locked.proposal = proposal
    return locked


def _check(table: dict, action: str, status: str, label) -> None:
    sources, _targets = table[action]
    if status not in sources:
        raise IllegalTransition(
            _("Cannot %(action)s: the record is %(status)s.")
            % {"action": label(action), "status": label(status)}
        )


def check_proposal_transition(proposal: Proposal, action: str) -> None:
    _check(PROPOSAL_TRANSITIONS, action, proposal.status, _proposal_label)


def check_assignment_transition(assignment: Assignment, action: str) -> None:
    _check(ASSIGNMENT_TRANSITIONS, action, assignment.status, _assignment_label)


def begin_proposal_step(
    proposal: Proposal, step: Step, by: User | None, at: datetime.datetime | None = None
) -> Proposal:
    """Lock the proposal, then ask the step whether ``by`` may take it on the proposal as
    it now is (its declaration in workflow.py). Returns the locked row."""
    proposal = lock_proposal(proposal)
    step.check(proposal, by, at=at)
    return proposal


def begin_assignment_step(
    assignment: Assignment, step: Step, by: User | None, at: datetime.datetime | None = None
) -> Assignment:
    """The same for a step on an assignment (proposal locked first, then the assignment)."""
    assignment = lock_assignment(assignment)
    step.check(assignment, by, at=at)
    return assignment


def _proposal_label(value: str) -> str:
    return str(dict(ProposalAction.choices + ProposalStatus.choices).get(value, value))


def _assignment_label(value: str) -> str:
    return str(dict(AssignmentAction.choices + AssignmentStatus.choices).get(value, value))


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


def move_proposal(
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
    check_proposal_transition(proposal, action)
    logged = {"by": by, "at": at, "note": note, "proposal": proposal}
    return _move(proposal, PROPOSAL_TRANSITIONS, action, to, fields, logged)


def move_assignment(
    assignment: Assignment,
    action: str,
    to: str,
    *,
    by: User | None,
    at: datetime.datetime | None,
    note: str = "",
    fields: Sequence[str] = (),
) -> Assignment:
    """The same for one unit's assignment; the step is logged on its proposal."""
    check_assignment_transition(assignment, action)
    logged = {"by": by, "at": at, "note": note, "assignment": assignment}
    logged["proposal_id"] = assignment.proposal_id
    return _move(assignment, ASSIGNMENT_TRANSITIONS, action, to, fields, logged)


def _move(record, transitions: dict, action: str, to: str, fields: Sequence[str], logged: dict):
    """Move ``record`` to ``to`` by ``action`` and log it (``logged``: the log row's who,
    when, note and the records it belongs to)."""
    if to not in transitions[action][1]:
        raise IllegalTransition(f"{action} cannot lead to {to}")
    from_status, record.status = record.status, to
    _clean_saved_fields(record, ["status", *fields])
    record.save(update_fields=["status", "updated_at", *fields])
    Transition.objects.create(
        action=action,
        from_status=from_status,
        to_status=to,
        **{**logged, "at": now_or(logged["at"])},
    )
    return record


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
        at=now_or(at),
        note=note,
    )


def next_number(session: Session, field: str) -> int:
    """The next registration or case number of ``session``: one more than the highest.

    The session row is locked first, so two clerks numbering proposals of one session at
    the same moment take turns; a rolled-back step gives its number back, so there are no
    gaps. (On SQLite the whole write transaction is serialised instead.)
    """
    Session.objects.select_for_update().filter(pk=session.pk).first()
    highest = Proposal.objects.filter(session=session).aggregate(highest=Max(field))["highest"]
    return (highest or 0) + 1


def field_error(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})
