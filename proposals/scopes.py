"""Who reads which of the proposals' records: one ``Scope`` per model, read alike by the
staff pages, the admin and the API (hcppcc/core/scopes.py).

The office, leaders and auditors read everything. A handling unit's user reads the
proposals it was assigned and its own unit's handling; a member reads their own and
co-signed proposals and how they are handled, but of replies only those approved, and
nothing of what passes between a unit and the office. Committee staff read proposals (to
link activities to them) but not their handling.
"""

from django.db.models import Q

from hcppcc.core.scopes import Scope
from hcppcc.directory.choices import Role
from proposals.choices import AssignmentRole, AssignmentStatus, ReplyStatus
from proposals.models import (
    Assignment,
    Award,
    ContactLog,
    CoSigner,
    EvaluationRound,
    EvaluationVote,
    ExtensionRequest,
    Feedback,
    JointOpinion,
    KeyNomination,
    LookBackCampaign,
    LookBackItem,
    Proposal,
    ProposalAttachment,
    Reply,
    ReturnRequest,
    Supervision,
    SupervisionEvent,
    Transition,
)

READ_ALL = frozenset({Role.PROPOSAL_OFFICE, Role.LEADER, Role.AUDITOR})


def _unit_id(user) -> int:
    # A unit user without a unit reads nothing of a unit's (no id is 0).
    return user.handling_unit_id or 0


def _member_id(user) -> int:
    # Read once per user object (Django keeps the related member, or its absence, on it).
    member = getattr(user, "member", None)
    return member.pk if member is not None else 0


def _assigned_to_unit_of(field: str, user) -> Q:
    assigned = Assignment.objects.filter(unit_id=_unit_id(user)).values("proposal_id")
    return Q(**{f"{field}__in": assigned})


def _assigned_to_unit(user) -> Q:
    return _assigned_to_unit_of("pk", user)


def _proposed_by_member(user) -> Q:
    member_id = _member_id(user)
    return Q(lead_member_id=member_id) | Q(
        pk__in=CoSigner.objects.filter(member_id=member_id).values("proposal_id")
    )


# A unit's proposals are those it was assigned; a member's, those they lead or co-sign.
_OWN_PROPOSALS = {Role.HANDLING_UNIT: _assigned_to_unit, Role.MEMBER: _proposed_by_member}

# The proposals a user reads: their text, proposer and state.
PROPOSALS = Scope(Proposal, everything=READ_ALL | {Role.COMMITTEE_STAFF}, own=_OWN_PROPOSALS)
# The proposals whose handling a user follows: committee staff are not among them.
HANDLING = Scope(Proposal, everything=READ_ALL, own=_OWN_PROPOSALS)


def _own_unit(user) -> Q:
    return Q(unit_id=_unit_id(user))


def _of_own_proposals(user) -> Q:
    return Q(proposal__in=Proposal.objects.filter(_proposed_by_member(user)).values("pk"))


ASSIGNMENTS = Scope(
    Assignment,
    everything=READ_ALL,
    own={Role.HANDLING_UNIT: _own_unit, Role.MEMBER: _of_own_proposals},
)


def _on_unit_assignments(user) -> Q:
    return Q(assignment__unit_id=_unit_id(user))


def _approved_for_member(user) -> Q:
    """A proposer reads a reply once the office approved it: not a draft under review,
    nor the office's note on one sent back."""
    assignments = Assignment.objects.filter(_of_own_proposals(user))
    return Q(assignment__in=assignments.values("pk"), status=ReplyStatus.APPROVED)


REPLIES = Scope(
    Reply,
    everything=READ_ALL,
    own={
        Role.HANDLING_UNIT: _on_unit_assignments,
        Role.MEMBER: _approved_for_member,
    },
)


# Return and extension requests pass between a unit and the office, not the proposer.
RETURN_REQUESTS = Scope(
    ReturnRequest, everything=READ_ALL, own={Role.HANDLING_UNIT: _on_unit_assignments}
)
EXTENSION_REQUESTS = Scope(
    ExtensionRequest, everything=READ_ALL, own={Role.HANDLING_UNIT: _on_unit_assignments}
)


def _opinions_of_unit(user) -> Q:
    """A unit reads its own joint opinions and those sent to it as the lead unit."""
    led = Assignment.objects.filter(unit_id=_unit_id(user), role=AssignmentRole.LEAD).exclude(
        status=AssignmentStatus.RETURNED
    )
    return Q(assignment__unit_id=_unit_id(user)) | Q(
        assignment__proposal_id__in=led.values("proposal_id")
    )


# Joint opinions go to the lead unit, not to the proposer.
JOINT_OPINIONS = Scope(
    JointOpinion, everything=READ_ALL, own={Role.HANDLING_UNIT: _opinions_of_unit}
)

COSIGNERS = PROPOSALS.below(CoSigner, "proposal")
ATTACHMENTS = PROPOSALS.below(ProposalAttachment, "proposal")
CONTACTS = ASSIGNMENTS.below(ContactLog, "assignment")
FEEDBACK = HANDLING.below(Feedback, "proposal")
KEY_NOMINATIONS = HANDLING.below(KeyNomination, "proposal")
SUPERVISIONS = HANDLING.below(Supervision, "proposal")
SUPERVISION_EVENTS = SUPERVISIONS.below(SupervisionEvent, "supervision")

# Look-back reviews are the office's; leaders and auditors read them too.
LOOKBACK_CAMPAIGNS = Scope(LookBackCampaign, everything=READ_ALL)
LOOKBACK_ITEMS = Scope(LookBackItem, everything=READ_ALL)

# Democratic evaluation and awards are the office's records; leaders and auditors read them.
EVALUATION_ROUNDS = Scope(EvaluationRound, everything=READ_ALL)
EVALUATION_VOTES = Scope(EvaluationVote, everything=READ_ALL)
AWARDS = Scope(Award, everything=READ_ALL)


def _unit_timeline(user) -> Q:
    """A unit user reads a proposal's own steps and its own unit's, not other units'."""
    return _assigned_to_unit_of("proposal", user) & (
        Q(assignment=None) | Q(assignment__unit_id=_unit_id(user))
    )


def _member_timeline(user) -> Q:
    """A proposer reads the proposal's own steps, not each unit's."""
    own = Proposal.objects.filter(_proposed_by_member(user)).values("pk")
    return Q(proposal__in=own, assignment=None)


# A proposal's timeline (办理过程).
TRANSITIONS = Scope(
    Transition,
    everything=READ_ALL,
    own={Role.HANDLING_UNIT: _unit_timeline, Role.MEMBER: _member_timeline},
)
