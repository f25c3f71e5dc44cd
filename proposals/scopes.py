"""What each user may see of the records hanging off proposals: one mechanism for the
pages, the admin and the API, built on ``Proposal/Assignment.objects.visible_to``."""

from django.db.models import QuerySet

from proposals.models import (
    Assignment,
    Feedback,
    KeyNomination,
    LookBackCampaign,
    LookBackItem,
    Proposal,
    Reply,
    Supervision,
)
from proposals.models.lifecycle import READ_ALL_ROLES


def reads_everything(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(*READ_ALL_ROLES))


def replies(user) -> QuerySet:
    return Reply.objects.filter(assignment__in=Assignment.objects.visible_to(user))


def requests(model, user) -> QuerySet:
    """Return or extension requests: seen by whoever sees the assignment."""
    return model.objects.filter(assignment__in=Assignment.objects.visible_to(user))


def feedback(user) -> QuerySet:
    return Feedback.objects.filter(proposal__in=Proposal.objects.visible_to(user))


def key_nominations(user) -> QuerySet:
    return KeyNomination.objects.filter(proposal__in=Proposal.objects.visible_to(user))


def supervisions(user) -> QuerySet:
    return Supervision.objects.filter(proposal__in=Proposal.objects.visible_to(user))


def lookback_campaigns(user) -> QuerySet:
    """Look-back reviews are the office's: leaders and auditors read them too."""
    return (
        LookBackCampaign.objects.all()
        if reads_everything(user)
        else LookBackCampaign.objects.none()
    )


def lookback_items(user) -> QuerySet:
    return LookBackItem.objects.all() if reads_everything(user) else LookBackItem.objects.none()
