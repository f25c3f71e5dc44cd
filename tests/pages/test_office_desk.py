"""What the office sees when it records others' steps and assigns: the unit's steps say
they are recorded on the unit's behalf (代为登记), in the button and the timeline; the
assign form shows the proposal and starts from the units its proposer suggests; a member
lands on their own proposals with their invitations on top."""

import pytest
from django.urls import reverse

from proposals import services
from proposals.choices import ProposalStatus, ProposerKind
from proposals.models import Proposal
from tests.factories import HandlingUnitFactory
from tests.forms import opened
from tests.proposals.conftest import draft_proposal

pytestmark = pytest.mark.django_db


def test_the_office_records_a_units_step_on_its_behalf_and_the_timeline_says_so(
    client, walk, office, unit_a_user
):
    assigned = walk.to(ProposalStatus.ASSIGNED)
    lead = walk.lead(assigned)
    client.force_login(office)
    page = client.get(reverse("pages:proposal", args=[assigned.pk])).content.decode()
    assert "代为登记：签收" in page
    step = reverse("pages:step", args=["assignment", lead.pk, "acknowledge"])
    assert "代为登记" in client.get(step).content.decode()
    client.post(step, opened(lead))
    page = client.get(reverse("pages:proposal", args=[assigned.pk])).content.decode()
    assert "代为登记" in page.split('id="timeline"')[1]
    # The unit's own acknowledgement is plainly its own.
    client.force_login(unit_a_user)
    other = walk.to(ProposalStatus.ASSIGNED)
    page = client.get(reverse("pages:proposal", args=[other.pk])).content.decode()
    assert "代为登记：签收" not in page
    assert ">签收<" in page


def test_the_assign_form_shows_the_proposal_and_starts_from_its_suggested_units(
    client, walk, office
):
    housing = HandlingUnitFactory(name="住建局", sort_order=1)
    transport = HandlingUnitFactory(name="交通局", sort_order=2)
    draft = services.proposal_create(
        proposal=draft_proposal(walk.session, walk.proposer),
        by=office,
        suggested_units=[transport, housing],
    )
    services.proposal_submit(proposal=draft, by=office)
    accepted = services.proposal_accept(proposal=draft, by=office, category=walk.ref["category"])
    client.force_login(office)
    page = client.get(reverse("pages:step", args=["proposal", accepted.pk, "assign"]))
    html = page.content.decode()
    assert 'id="proposal-summary"' in html
    assert accepted.title in html
    rows = page.context["units"].forms
    assert [(row.initial.get("unit"), row.initial.get("role")) for row in rows[:2]] == [
        (housing, "lead"),
        (transport, "joint"),
    ]


def test_a_member_lands_on_their_own_proposals_with_their_invitations_first(
    client, walk, member_user, office
):
    from tests.factories import MemberFactory

    lead = MemberFactory(name="联名领衔")
    joint = services.proposal_create(
        proposal=draft_proposal(walk.session, lead, kind=ProposerKind.JOINT, title="请您联名"),
        by=office,
        cosigners=[member_user.member],
    )
    services.proposal_submit(proposal=joint, by=office)
    client.force_login(member_user)
    response = client.get(reverse("home"), follow=True)
    html = response.content.decode()
    assert response.context["title"] == "我的提案"
    assert 'id="invitations"' in html
    assert reverse("pages:step", args=["cosigner", joint.cosigners.get().pk, "respond"]) in html
    names = [field.name for field in response.context["filter_fields"]]
    assert names == ["q", "session", "status"]
    assert Proposal.objects.filter(pk=joint.pk).exists()
