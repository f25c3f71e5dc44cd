"""Who may take which step on which record: one table, used by services and by the pages.

The proposal office may take every step a person takes. Members act on their own
proposals; handling-unit users on their own unit's assignments; leaders record the
supervision of the key proposals they lead. Steps the services take
by themselves (handling started, all replies approved, handled again) belong to nobody.
"""

from django.utils.translation import gettext as _

from hcppcc.core.workflow.errors import NotAllowed
from hcppcc.directory.choices import Role
from proposals.choices import AssignmentAction as AA
from proposals.choices import ProposalAction as PA
from proposals.choices import ProposerKind

# Extra steps that are not transitions of the tables in choices.py.
RESPOND_COSIGN = "respond_cosign"
ADD_UNIT = "add_unit"
REQUEST_EXTENSION = "request_extension"
DECIDE_EXTENSION = "decide_extension"
LOG_CONTACT = "log_contact"
NOMINATE_KEY = "nominate_key"
DECIDE_KEY = "decide_key"
PLAN_SUPERVISION = "plan_supervision"
RECORD_SUPERVISION = "record_supervision"
REPORT_SUPERVISION = "report_supervision"
LOOK_BACK = "look_back"
PUBLISH = "publish"

SYSTEM_ACTIONS = frozenset({PA.START_HANDLING, PA.MARK_REPLIED, AA.REOPEN})


def _is_lead(user, proposal) -> bool:
    member = getattr(user, "member", None)
    return member is not None and proposal.lead_member_id == member.pk


def _drafts_own(user, proposal) -> bool:
    """A member drafts individual or joint proposals in their own name; collective ones
    (a party's, a committee's, a sector group's) are the office's to enter."""
    return _is_lead(user, proposal) and proposal.proposer_kind != ProposerKind.COLLECTIVE


def _is_cosigner(user, cosigner) -> bool:
    member = getattr(user, "member", None)
    return member is not None and cosigner.member_id == member.pk


def _leads(user, supervision) -> bool:
    member = getattr(user, "member", None)
    return member is not None and supervision.leaders.filter(pk=member.pk).exists()


def _own_unit(user, assignment) -> bool:
    return user.handling_unit_id is not None and assignment.unit_id == user.handling_unit_id


# action -> test on (user, record) for members
MEMBER_STEPS = {
    # A member drafts proposals in their own name; collective ones are the office's to enter.
    PA.CREATE: _drafts_own,
    PA.SUBMIT: _is_lead,
    PA.COMPLETE_COSIGNING: _is_lead,
    PA.WITHDRAW: _is_lead,
    PA.FEEDBACK: _is_lead,
    RESPOND_COSIGN: _is_cosigner,
}
# action -> test on (user, assignment) for handling-unit users
UNIT_STEPS = {
    AA.ACKNOWLEDGE: _own_unit,
    AA.REQUEST_RETURN: _own_unit,
    REQUEST_EXTENSION: _own_unit,
    LOG_CONTACT: _own_unit,
    AA.SUBMIT_OPINION: _own_unit,
    AA.SUBMIT_REPLY: _own_unit,
}


# action -> test on (user, supervision) for leaders (主席会议成员)
LEADER_STEPS = {
    RECORD_SUPERVISION: _leads,
    REPORT_SUPERVISION: _leads,
}

# Who besides the office takes steps, and which.
ROLE_STEPS = (
    (Role.MEMBER, MEMBER_STEPS),
    (Role.HANDLING_UNIT, UNIT_STEPS),
    (Role.LEADER, LEADER_STEPS),
)


def may(user, action: str, record) -> bool:
    """Whether ``user`` may take ``action`` on ``record`` (a proposal, assignment or co-signer)."""
    if action in SYSTEM_ACTIONS or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.has_role(Role.PROPOSAL_OFFICE):
        return True
    for role, steps in ROLE_STEPS:
        if action in steps and user.has_role(role):
            return steps[action](user, record)
    return False


def may_ever(user, action: str) -> bool:
    """Whether ``user``'s roles allow ``action`` on some record at all: whether to offer a
    "new proposal" button, or to refuse a create before reading its input."""
    if action in SYSTEM_ACTIONS or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.has_role(Role.PROPOSAL_OFFICE):
        return True
    return any(action in steps and user.has_role(role) for role, steps in ROLE_STEPS)


def require(user, action: str, record) -> None:
    """Refuse the step unless ``user`` may take it. ``None`` is the system itself (seeds,
    imports), which the services let through: no request ever carries it."""
    if user is not None and not may(user, action, record):
        raise NotAllowed(_("Your role does not allow this step on this record."))
