"""What waits on the office, the units, the members and the leaders in the proposals'
work (hcppcc/core/todo.py): each kind a state of the records, read within the reader's
scope. The unit's kinds are the queues of its desk (``selectors.desk_queues``)."""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from hcppcc.core.todo import Todo, register
from hcppcc.directory.choices import Role
from proposals import scopes
from proposals.choices import (
    AssignmentRole,
    CoSignerStatus,
    DeskQueue,
    LookBackDecision,
    ProposalStatus,
    ReplyStatus,
    RequestDecision,
    SupervisionStatus,
)
from proposals.deadlines import deadlines
from proposals.models import CoSigner, SupervisionEvent
from proposals.selectors import desk_queues

OFFICE = frozenset({Role.PROPOSAL_OFFICE})
UNIT = frozenset({Role.HANDLING_UNIT})
MEMBER = frozenset({Role.MEMBER})
LEADER = frozenset({Role.LEADER})


def _list(name: str, **filters) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(filters, doseq=True)}" if filters else url


def _proposal(proposal) -> tuple[str, str]:
    return str(proposal), reverse("pages:proposal", args=[proposal.pk])


def _assignment(assignment) -> tuple[str, str]:
    title = f"{assignment.proposal} · {assignment.unit}"
    return title, reverse("pages:assignment", args=[assignment.pk])


def _on_assignment(record) -> tuple[str, str]:
    """A request or a reply, shown as the assignment it belongs to."""
    return _assignment(record.assignment)


def _theirs(records, user, field: str):
    """``records`` whose ``field`` is the user's member record (none without one)."""
    member = getattr(user, "member", None)
    return records.filter(**{field: member}) if member is not None else records.none()


# --- the office --------------------------------------------------------------------------


def _submitted(user, today):
    return (
        scopes.PROPOSALS.visible_to(user)
        .filter(status=ProposalStatus.SUBMITTED)
        .order_by("submitted_at", "pk")
    )


def _cosigning_lapsed(user, today):
    """Proposals whose co-signers have all had their time: none is still asked with a day
    left, so the office closes co-signing (the proposal goes on with those who confirmed)."""
    asked = CoSigner.objects.filter(proposal=OuterRef("pk"), status=CoSignerStatus.INVITED)
    still_open = asked.filter(Q(deadline__gte=today) | Q(deadline__isnull=True))
    return (
        scopes.PROPOSALS.visible_to(user)
        .filter(status=ProposalStatus.AWAITING_COSIGNERS)
        .filter(~Exists(still_open))
        .order_by("pk")
    )


def _pending(scope):
    def records(user, today):
        pending = scope.visible_to(user).filter(decision=RequestDecision.PENDING)
        return pending.select_related("assignment__proposal", "assignment__unit").order_by("pk")

    return records


def _replies_to_approve(user, today):
    return (
        scopes.REPLIES.visible_to(user)
        .filter(status=ReplyStatus.SUBMITTED)
        .select_related("assignment__proposal", "assignment__unit")
        .order_by("submitted_at", "pk")
    )


def _overdue(user, today):
    return (
        scopes.ASSIGNMENTS.visible_to(user)
        .overdue(today)
        .select_related("proposal", "unit")
        .order_by("due_on", "pk")
    )


def _feedback_overdue(user, today):
    """Replied proposals whose proposer has let the feedback deadline pass."""
    replied_before = today - datetime.timedelta(days=deadlines().feedback_days)
    return (
        scopes.PROPOSALS.visible_to(user)
        .filter(status=ProposalStatus.REPLIED, replied_at__date__lt=replied_before)
        .order_by("replied_at", "pk")
    )


def _lookback_to_decide(user, today):
    """Look-back items whose findings are in and wait for the office's decision."""
    return (
        scopes.LOOKBACK_ITEMS.visible_to(user)
        .filter(decision=LookBackDecision.PENDING)
        .exclude(outcome="")
        .select_related("assignment__proposal", "assignment__unit")
        .order_by("pk")
    )


register(
    Todo(
        "proposals_to_review",
        _("Proposals to review"),
        OFFICE,
        _submitted,
        _proposal,
        lambda: _list("pages:proposals", status=ProposalStatus.SUBMITTED),
    ),
    Todo(
        "cosigning_lapsed",
        _("Co-signing has run out"),
        OFFICE,
        _cosigning_lapsed,
        _proposal,
        lambda: _list("pages:proposals", status=ProposalStatus.AWAITING_COSIGNERS),
    ),
    Todo(
        "return_requests",
        _("Requests to return a proposal"),
        OFFICE,
        _pending(scopes.RETURN_REQUESTS),
        _on_assignment,
        lambda: _list("pages:assignments", status="return_requested"),
    ),
    Todo(
        "extension_requests",
        _("Requests for more time"),
        OFFICE,
        _pending(scopes.EXTENSION_REQUESTS),
        _on_assignment,
    ),
    Todo(
        "replies_to_approve",
        _("Replies to approve"),
        OFFICE,
        _replies_to_approve,
        _on_assignment,
        lambda: _list("pages:assignments", status="reply_submitted"),
    ),
    Todo(
        "assignments_overdue",
        _("Assignments overdue"),
        OFFICE,
        _overdue,
        _assignment,
        lambda: _list("pages:assignments", overdue="true"),
    ),
    Todo(
        "feedback_overdue",
        _("Proposer feedback overdue"),
        OFFICE,
        _feedback_overdue,
        _proposal,
        lambda: _list("pages:proposals", status=ProposalStatus.REPLIED),
    ),
    Todo(
        "lookback_to_decide",
        _("Look-back reviews to decide"),
        OFFICE,
        _lookback_to_decide,
        _on_assignment,
        lambda: _list("pages:lookback", decision=LookBackDecision.PENDING),
    ),
)


# --- a handling unit: its desk's queues ----------------------------------------------------


def _queue(queue: str, **also):
    def records(user, today):
        return (
            scopes.ASSIGNMENTS.visible_to(user)
            .filter(desk_queues(today)[queue], **also)
            .select_related("proposal", "unit")
            .order_by("due_on", "pk")
        )

    return records


def _on_the_desk(assignment) -> tuple[str, str]:
    """An assignment as its own unit reads it: the proposal (the unit is itself)."""
    return str(assignment.proposal), reverse("pages:assignment", args=[assignment.pk])


def _unit_todo(key: str, label, queue: str, **also) -> Todo:
    return Todo(
        key,
        label,
        UNIT,
        _queue(queue, **also),
        _on_the_desk,
        lambda: _list("pages:assignments", queue=queue, **also),
    )


register(
    _unit_todo("to_acknowledge", _("Assignments to acknowledge"), DeskQueue.TO_ACKNOWLEDGE),
    _unit_todo("due_soon", _("Replies due within 7 days"), DeskQueue.DUE_SOON),
    _unit_todo("overdue", _("Overdue"), DeskQueue.OVERDUE),
    _unit_todo("sent_back", _("Replies sent back for revision"), DeskQueue.SENT_BACK),
    _unit_todo(
        "joint_opinions",
        _("Joint opinions to send"),
        DeskQueue.TO_ANSWER,
        role=AssignmentRole.JOINT,
    ),
)


# --- a member ------------------------------------------------------------------------------


def _invitations(user, today):
    invited = scopes.COSIGNERS.visible_to(user).filter(
        status=CoSignerStatus.INVITED, proposal__status=ProposalStatus.AWAITING_COSIGNERS
    )
    return _theirs(invited, user, "member").select_related("proposal").order_by("pk")


def _own(status: str):
    def records(user, today):
        proposals = scopes.PROPOSALS.visible_to(user).filter(status=status)
        return _theirs(proposals, user, "lead_member").order_by("pk")

    return records


register(
    Todo(
        "cosigning_invitations",
        _("Invitations to co-sign"),
        MEMBER,
        _invitations,
        lambda cosigner: _proposal(cosigner.proposal),
        lambda: _list("pages:proposals"),
    ),
    Todo(
        "feedback_to_give",
        _("Replies waiting for your feedback"),
        MEMBER,
        _own(ProposalStatus.REPLIED),
        _proposal,
        lambda: _list("pages:proposals", status=ProposalStatus.REPLIED),
    ),
    Todo(
        "own_drafts",
        _("Your drafts"),
        MEMBER,
        _own(ProposalStatus.DRAFT),
        _proposal,
        lambda: _list("pages:proposals", status=ProposalStatus.DRAFT),
    ),
)


# --- a leader ------------------------------------------------------------------------------


def _led(user):
    open_ones = scopes.SUPERVISIONS.visible_to(user).exclude(status=SupervisionStatus.REPORTED)
    return _theirs(open_ones, user, "leaders").select_related("proposal").order_by("pk")


def _quiet_this_month(user, today):
    """Key proposals the leader leads with no supervision activity since the month began."""
    this_month = SupervisionEvent.objects.filter(
        supervision=OuterRef("pk"), date__gte=today.replace(day=1)
    )
    return _led(user).filter(~Exists(this_month))


def _report_due(user, today):
    """Supervisions whose proposal is answered or closed: the leader's report is due."""
    done = (ProposalStatus.REPLIED, ProposalStatus.CLOSED)
    return _led(user).filter(proposal__status__in=done)


register(
    Todo(
        "supervision_quiet",
        _("Key proposals you lead with no activity this month"),
        LEADER,
        _quiet_this_month,
        lambda supervision: _proposal(supervision.proposal),
        lambda: _list("pages:supervisions"),
    ),
    Todo(
        "supervision_reports",
        _("Supervision reports due"),
        LEADER,
        _report_due,
        lambda supervision: _proposal(supervision.proposal),
        lambda: _list("pages:supervisions"),
    ),
)
