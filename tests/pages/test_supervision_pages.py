"""Key proposals and look-back reviews on the pages: the chair meeting's decisions, the
leaders' own supervisions, look-back campaigns opened and their items."""

import datetime

import pytest
from django.urls import reverse

from proposals import services
from proposals.choices import LookBackDecision, NominatedBy, ProposalStatus, RequestDecision
from proposals.models import KeyNomination, LookBackCampaign, LookBackItem
from tests.forms import opened

pytestmark = pytest.mark.django_db
DAY = datetime.date(2020, 6, 1)


def nominate(walk):
    proposal = walk.to(ProposalStatus.HANDLING)
    return services.key_nominate(
        proposal=proposal, by=walk.office, nominated_by=NominatedBy.OFFICE, nominated_on=DAY
    )


def test_the_office_records_the_chair_meetings_decision_from_the_list(client, walk, office):
    waiting, decided = nominate(walk), nominate(walk)
    services.key_decide(nomination=decided, by=office, approve=False, decided_on=DAY)
    client.force_login(office)
    page = client.get(reverse("pages:nominations"))
    rows = [row.pk for row in page.context["page"].object_list]
    assert rows[0] == waiting.pk  # the one still waiting comes first
    decide = reverse("pages:step", args=["keynomination", waiting.pk, "decide"])
    assert decide in page.content.decode()
    assert reverse("pages:step", args=["keynomination", decided.pk, "decide"]) not in (
        page.content.decode()
    )
    response = client.post(decide, opened(waiting, approve="True", decided_on="2020-06-10"))
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.decision == RequestDecision.APPROVED
    assert waiting.proposal.is_key


def test_leaders_and_auditors_read_the_nominations_without_deciding(client, walk, auditor):
    nomination = nominate(walk)
    client.force_login(auditor)
    page = client.get(reverse("pages:nominations")).content.decode()
    assert walk.session.label in page or nomination.proposal.title in page
    assert "/do/keynomination/" not in page


def test_a_leader_opens_the_supervisions_they_lead(client, walk, leader, office):
    nomination = nominate(walk)
    services.key_decide(nomination=nomination, by=office, approve=True, decided_on=DAY)
    mine = services.supervision_plan(
        proposal=nomination.proposal, by=office, leaders=[leader.member]
    )
    client.force_login(leader)
    page = client.get(reverse("pages:supervisions"))
    mine_url = f"{reverse('pages:supervisions')}?leader={leader.member.pk}"
    assert mine_url.replace("&", "&amp;") in page.content.decode()
    led = client.get(mine_url)
    assert [s.pk for s in led.context["page"].object_list] == [mine.pk]
    detail = client.get(reverse("pages:proposal", args=[mine.proposal_id])).content.decode()
    assert reverse("pages:step", args=["supervision", mine.pk, "record-event"]) in detail


def test_the_office_opens_a_look_back_campaign_on_the_pages(client, walk, office):
    closed = walk.to(ProposalStatus.CLOSED)  # its lead unit replied class A
    client.force_login(office)
    assert client.get(reverse("pages:lookback-new")).status_code == 200
    response = client.post(
        reverse("pages:lookback-new"),
        {
            "name": "2020年A类答复回头看",
            "year": 2020,
            "session": walk.session.pk,
            "result_classes": [walk.ref["A"].pk],
            "starts_on": "2020-10-01",
            "ends_on": "2020-11-30",
        },
    )
    campaign = LookBackCampaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('pages:lookback')}?campaign={campaign.pk}"
    item = LookBackItem.objects.get(campaign=campaign)
    assert item.assignment.proposal == closed
    assert item.decision == LookBackDecision.PENDING
    listed = client.get(reverse("pages:campaigns"))
    assert campaign.name in listed.content.decode()


def test_a_campaign_that_ends_before_it_starts_is_refused_and_nothing_is_opened(
    client, walk, office
):
    client.force_login(office)
    response = client.post(
        reverse("pages:lookback-new"),
        {
            "name": "回头看",
            "year": 2020,
            "session": walk.session.pk,
            "result_classes": [walk.ref["B"].pk],
            "starts_on": "2020-11-30",
            "ends_on": "2020-10-01",
        },
    )
    assert response.status_code == 400
    assert not LookBackCampaign.objects.exists()


@pytest.mark.parametrize("count", [1, 12])
def test_the_nomination_list_costs_the_same_however_long(
    client, walk, office, count, django_assert_num_queries
):
    for _ in range(count):
        nominate(walk)
    client.force_login(office)
    url = reverse("pages:nominations")
    client.get(url)
    # session, user, roles, the count, the page of nominations with their proposals
    with django_assert_num_queries(5):
        response = client.get(url)
    assert len(response.context["page"].object_list) == count
    assert KeyNomination.objects.count() == count


@pytest.mark.parametrize("count", [1, 12])
def test_the_campaign_list_costs_the_same_however_long(
    client, walk, office, count, django_assert_num_queries
):
    for number in range(count):
        services.lookback_campaign_create(
            campaign=LookBackCampaign(
                name=f"回头看{number}", year=2020, session=walk.session, starts_on=DAY, ends_on=DAY
            ),
            by=office,
            result_classes=[walk.ref["B"], walk.ref["C"]],
        )
    client.force_login(office)
    url = reverse("pages:campaigns")
    client.get(url)
    # session, user, roles, the count, the page of campaigns, their result classes, and
    # the sessions the filter offers
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(response.context["page"].object_list) == count
