"""Drafting, co-signing and submission."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hcppcc.core.workflow.errors import IllegalTransition, NotAllowed
from proposals import services
from proposals.choices import CoSignerStatus, ProposalStatus, ProposerKind
from proposals.models import Proposal
from tests.factories import MemberFactory, OrganizationFactory
from tests.proposals.conftest import draft_proposal, refreshed

pytestmark = pytest.mark.django_db
S = ProposalStatus


def test_an_explanation_over_200_characters_is_refused_on_submission(walk):
    proposal = walk.draft()
    Proposal.objects.filter(pk=proposal.pk).update(explanation="调" * 201)
    with pytest.raises(ValidationError) as error:
        services.proposal_submit(proposal=proposal, by=walk.office)
    assert "explanation" in error.value.message_dict
    assert "200" in " ".join(error.value.message_dict["explanation"])
    assert refreshed(proposal).status == S.DRAFT
    assert refreshed(proposal).registration_number is None


def test_exactly_200_characters_are_accepted(walk):
    proposal = walk.draft()
    Proposal.objects.filter(pk=proposal.pk).update(explanation="调" * 200)
    assert services.proposal_submit(proposal=proposal, by=walk.office).status == S.SUBMITTED


def test_no_research_no_proposal_an_explanation_is_required(walk):
    proposal = walk.draft()
    Proposal.objects.filter(pk=proposal.pk).update(explanation="  ")
    with pytest.raises(ValidationError) as error:
        services.proposal_submit(proposal=proposal, by=walk.office)
    assert list(error.value.message_dict) == ["explanation"]


def test_a_collective_proposal_needs_its_organization(walk):
    proposal = draft_proposal(walk.session, None, kind=ProposerKind.COLLECTIVE)
    proposal = services.proposal_create(proposal=proposal, by=walk.office)
    with pytest.raises(ValidationError, match="organization"):
        services.proposal_submit(proposal=proposal, by=walk.office)
    Proposal.objects.filter(pk=proposal.pk).update(organization=OrganizationFactory())
    assert services.proposal_submit(proposal=proposal, by=walk.office).status == S.SUBMITTED


def test_registration_numbers_follow_submission_order(walk):
    first = services.proposal_submit(proposal=walk.draft(), by=walk.office)
    second = services.proposal_submit(proposal=walk.draft(), by=walk.office)
    assert (first.registration_number, second.registration_number) == (1, 2)


def test_a_proposal_returned_for_revision_keeps_its_registration_number(walk):
    proposal = walk.to(S.SUBMITTED)
    number = proposal.registration_number
    services.proposal_return_for_revision(proposal=proposal, by=walk.office, note="请补充调研情况")
    proposal = services.proposal_submit(proposal=proposal, by=walk.office)
    assert proposal.registration_number == number
    assert proposal.review_note == "请补充调研情况"


def test_returning_for_revision_needs_a_note(walk):
    proposal = walk.to(S.SUBMITTED)
    with pytest.raises(ValidationError):
        services.proposal_return_for_revision(proposal=proposal, by=walk.office, note=" ")
    assert refreshed(proposal).status == S.SUBMITTED


def test_a_joint_proposal_waits_for_its_co_signers_and_the_last_answer_submits_it(walk):
    proposal = walk.draft(joint=True)
    second = services.cosigner_invite(proposal=proposal, member=MemberFactory(), by=walk.office)
    proposal = services.proposal_submit(proposal=proposal, by=walk.office)
    assert proposal.status == S.AWAITING_COSIGNERS
    first = proposal.cosigners.exclude(pk=second.pk).get()
    assert first.deadline == timezone.localdate() + datetime.timedelta(days=7)
    services.cosigner_respond(cosigner=first, confirm=True, by=walk.office)
    assert refreshed(proposal).status == S.AWAITING_COSIGNERS
    services.cosigner_respond(cosigner=second, confirm=False, by=walk.office)
    proposal = refreshed(proposal)
    assert proposal.status == S.SUBMITTED
    assert proposal.registration_number == 1
    assert set(proposal.cosigners.values_list("status", flat=True)) == {
        CoSignerStatus.CONFIRMED,
        CoSignerStatus.DECLINED,
    }


def test_co_signing_cannot_be_closed_early(walk):
    proposal = walk.to(S.AWAITING_COSIGNERS)
    with pytest.raises(IllegalTransition):
        services.proposal_complete_cosigning(proposal=proposal, by=walk.office)
    later = timezone.now() + datetime.timedelta(days=8)
    proposal = services.proposal_complete_cosigning(proposal=proposal, by=walk.office, at=later)
    # Nobody confirmed in time: it goes on as the lead proposer's own proposal.
    assert (proposal.status, proposal.proposer_kind) == (S.SUBMITTED, ProposerKind.INDIVIDUAL)


def test_only_the_invited_member_answers_an_invitation(walk, member_user):
    proposal = walk.to(S.AWAITING_COSIGNERS)
    cosigner = proposal.cosigners.get()
    with pytest.raises(NotAllowed):
        services.cosigner_respond(cosigner=cosigner, confirm=True, by=member_user)
    assert refreshed(cosigner).status == CoSignerStatus.INVITED


def test_a_member_drafts_and_submits_their_own_proposal(session, member_user):
    proposal = draft_proposal(session, member_user.member)
    proposal = services.proposal_create(proposal=proposal, by=member_user)
    proposal = services.proposal_submit(proposal=proposal, by=member_user)
    assert proposal.status == S.SUBMITTED
    assert proposal.created_by == member_user


def test_a_member_cannot_submit_someone_elses_proposal(session, member_user, office):
    other = services.proposal_create(proposal=draft_proposal(session, MemberFactory()), by=office)
    with pytest.raises(NotAllowed):
        services.proposal_submit(proposal=other, by=member_user)
    assert refreshed(other).status == S.DRAFT


@pytest.mark.parametrize("persona_name", ["leader", "auditor", "committee_staff", "unit_a_user"])
def test_roles_without_the_step_are_refused(walk, request, persona_name):
    proposal = walk.to(S.SUBMITTED)
    with pytest.raises(NotAllowed):
        services.proposal_accept(
            proposal=proposal,
            by=request.getfixturevalue(persona_name),
            category=walk.ref["category"],
        )
    assert refreshed(proposal).status == S.SUBMITTED
