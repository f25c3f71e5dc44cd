"""Publication only with the proposer's consent; contact details are never published."""

import pytest

from hcppcc.core.workflow.errors import IllegalTransition
from proposals import services
from proposals.choices import ProposalStatus
from proposals.models import Proposal
from proposals.selectors import public_record
from tests.proposals.conftest import refreshed

pytestmark = pytest.mark.django_db
S = ProposalStatus


def test_publication_is_refused_without_consent(walk):
    proposal = walk.to(S.REPLIED)
    Proposal.objects.filter(pk=proposal.pk).update(
        consent_to_publish=False, no_publish_reason="涉及个人信息"
    )
    with pytest.raises(IllegalTransition):
        services.proposal_set_published(proposal=proposal, by=walk.office, published=True)
    reply = walk.lead(proposal).replies.get()
    with pytest.raises(IllegalTransition):
        services.reply_set_published(reply=reply, by=walk.office, published=True)
    assert not refreshed(proposal).is_published
    assert public_record(refreshed(proposal)) == {}


def test_a_published_record_carries_no_contact_details(walk, proposer):
    proposer.phone = "13900000000"
    proposer.save()
    walk.unit_a.contact_person = "王联络"
    walk.unit_a.contact_phone = "0471-1234567"
    walk.unit_a.save()
    proposal = walk.to(S.REPLIED)
    services.proposal_set_published(proposal=proposal, by=walk.office, published=True)
    services.reply_set_published(
        reply=walk.lead(proposal).replies.get(), by=walk.office, published=True
    )
    record = public_record(refreshed(proposal))
    assert record["title"] == proposal.title
    assert len(record["replies"]) == 1
    text = repr(record)
    for secret in ("13900000000", "王联络", "0471-1234567"):
        assert secret not in text


def test_only_accepted_proposals_are_published(walk):
    with pytest.raises(IllegalTransition):
        services.proposal_set_published(
            proposal=walk.to(S.SUBMITTED), by=walk.office, published=True
        )
