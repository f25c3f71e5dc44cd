"""What each user may see of the records hanging off proposals: one mechanism for the
pages, the admin and the API, built on ``Proposal/Assignment.objects.visible_to``."""

from django.db.models import Q, QuerySet

from hcppcc.directory.choices import Role
from proposals.choices import ReplyStatus
from proposals.models import (
    Assignment,
    Feedback,
    KeyNomination,
    LookBackCampaign,
    LookBackItem,
    Proposal,
    Reply,
    Supervision,
    Transition,
)
from proposals.models.lifecycle import READ_ALL_ROLES


def reads_everything(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(*READ_ALL_ROLES))


def _handling_proposals(user) -> QuerySet:
    """The proposals whose handling the user may follow: all for the office, leaders and
    auditors; a unit's own; a member's own. Committee staff read proposals (to link
    activities to them) but not how they are handled."""
    if reads_everything(user):
        return Proposal.objects.all()
    if user.is_authenticated and user.has_role(Role.HANDLING_UNIT, Role.MEMBER):
        return Proposal.objects.visible_to(user)
    return Proposal.objects.none()


def _handling_only(user) -> bool:
    """A unit user's view: its own handling, without the proposer's view on top."""
    return reads_everything(user) or (user.is_authenticated and user.has_role(Role.HANDLING_UNIT))


def replies(user) -> QuerySet:
    """Replies on the assignments the user sees; a proposer sees them once approved (not
    drafts under review, not the office's notes on one sent back)."""
    visible = Reply.objects.filter(assignment__in=Assignment.objects.visible_to(user))
    if _handling_only(user):
        return visible
    return visible.filter(status=ReplyStatus.APPROVED)


def requests(model, user) -> QuerySet:
    """Return or extension requests: between a unit and the office, not the proposer's."""
    if not _handling_only(user):
        return model.objects.none()
    return model.objects.filter(assignment__in=Assignment.objects.visible_to(user))


def feedback(user) -> QuerySet:
    return Feedback.objects.filter(proposal__in=_handling_proposals(user))


def key_nominations(user) -> QuerySet:
    return KeyNomination.objects.filter(proposal__in=_handling_proposals(user))


def supervisions(user) -> QuerySet:
    return Supervision.objects.filter(proposal__in=_handling_proposals(user))


def transitions(user, proposal) -> QuerySet:
    """A proposal's log as the user may read it: all of it for the office, leaders and
    auditors; the proposal's own steps and the user's own unit's for a unit user; the
    proposal's own steps for its proposer."""
    log = Transition.objects.filter(proposal=proposal)
    if reads_everything(user):
        return log
    own = Assignment.objects.none()
    if user.is_authenticated and user.has_role(Role.HANDLING_UNIT) and user.handling_unit_id:
        own = Assignment.objects.filter(proposal=proposal, unit_id=user.handling_unit_id)
    return log.filter(Q(assignment=None) | Q(assignment__in=own))


def lookback_campaigns(user) -> QuerySet:
    """Look-back reviews are the office's: leaders and auditors read them too."""
    return (
        LookBackCampaign.objects.all()
        if reads_everything(user)
        else LookBackCampaign.objects.none()
    )


def lookback_items(user) -> QuerySet:
    return LookBackItem.objects.all() if reads_everything(user) else LookBackItem.objects.none()
