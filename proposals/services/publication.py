"""Publishing proposals and replies (提案和答复公开), only with the proposer's consent."""

from django.db import transaction
from django.utils.translation import gettext as _

from hcppcc.core.workflow.errors import IllegalTransition
from hcppcc.directory.models import User
from proposals import workflow
from proposals.choices import ACCEPTED_STATES, ReplyStatus
from proposals.models import Proposal, Reply
from proposals.services.transitions import lock_proposal, log_event


def _check_consent(proposal: Proposal) -> None:
    if not proposal.consent_to_publish:
        raise IllegalTransition(_("The proposer did not agree to publication."))


@transaction.atomic
def proposal_set_published(*, proposal: Proposal, by: User | None, published: bool) -> Proposal:
    """Publish (or withdraw from publication) an accepted proposal."""
    proposal = lock_proposal(proposal)
    workflow.PUBLISH_PROPOSAL.check(proposal, by)
    if published:
        _check_consent(proposal)
        if proposal.status not in ACCEPTED_STATES:
            raise IllegalTransition(_("Only accepted proposals are published."))
    if proposal.is_published != published:
        proposal.is_published = published
        proposal.save(update_fields=["is_published", "updated_at"])
        log_event(proposal, "publish" if published else "unpublish", by=by, at=None)
    return proposal


@transaction.atomic
def reply_set_published(*, reply: Reply, by: User | None, published: bool) -> Reply:
    """Publish (or withdraw) an approved reply, with its proposal's consent."""
    # The proposal first, then the reply: the order every step locks in.
    proposal = lock_proposal(Proposal(pk=reply.assignment.proposal_id))
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    workflow.PUBLISH_REPLY.check(reply, by)
    if published:
        _check_consent(proposal)
        if reply.status != ReplyStatus.APPROVED:
            raise IllegalTransition(_("Only approved replies are published."))
    if reply.is_published != published:
        reply.is_published = published
        reply.save(update_fields=["is_published", "updated_at"])
    return reply
