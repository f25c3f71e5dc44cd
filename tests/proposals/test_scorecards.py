"""Handling-unit scorecards, checked number by number on a small hand-built year."""

import datetime

import pytest
from django.utils import timezone

from proposals import services
from proposals.choices import AssignmentRole, ProposalStatus
from proposals.models import LookBackCampaign
from proposals.selectors import unit_scorecards
from tests.proposals.conftest import refreshed

pytestmark = pytest.mark.django_db
S = ProposalStatus
Unit = services.UnitAssignment


def at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(day + " 10:00"))


def accepted(walk):
    return walk.to(S.ACCEPTED)


def reply(walk, assignment, code, day):
    reply = services.assignment_submit_reply(
        assignment=assignment,
        by=walk.office,
        result_class=walk.ref[code],
        text="答复",
        signer="某某",
        reply_date=datetime.date.fromisoformat(day),
        at=at(day),
    )
    services.reply_approve(reply=reply, by=walk.office, at=at(day))


def feedback(walk, proposal, result, day):
    services.proposal_give_feedback(
        proposal=proposal, by=walk.office, attitude="satisfied", result=result, at=at(day)
    )


@pytest.fixture
def year(walk, unit_c):
    a, b, c = walk.unit_a, walk.unit_b, unit_c
    office = walk.office
    june_1 = datetime.date(2020, 6, 1)

    # P1: A leads, B joins. A acknowledges in time and replies B in time; B is late.
    p1 = accepted(walk)
    services.proposal_assign(
        proposal=p1,
        by=office,
        units=[Unit(a, AssignmentRole.LEAD), Unit(b, AssignmentRole.JOINT)],
        assigned_on=june_1,
        at=at("2020-06-01"),
    )
    services.assignment_acknowledge(assignment=walk.lead(p1), by=office, at=at("2020-06-05"))
    services.assignment_acknowledge(assignment=walk.joint(p1), by=office, at=at("2020-06-20"))
    reply(walk, walk.lead(p1), "B", "2020-08-20")
    feedback(walk, p1, "satisfied", "2020-09-01")

    # P2: A alone; late to acknowledge, late to reply (A), the proposer is unsatisfied, A
    # handles it again and replies A; satisfied the second time.
    p2 = accepted(walk)
    services.proposal_assign(
        proposal=p2, by=office, units=[Unit(a, AssignmentRole.LEAD)], assigned_on=june_1
    )
    services.assignment_acknowledge(assignment=walk.lead(p2), by=office, at=at("2020-06-15"))
    reply(walk, walk.lead(p2), "A", "2020-09-10")
    feedback(walk, p2, "unsatisfied", "2020-09-15")
    reply(walk, walk.lead(p2), "A", "2020-10-01")
    feedback(walk, p2, "satisfied", "2020-10-10")

    # P3: B and C separately; C returns it, B replies C in time.
    p3 = accepted(walk)
    services.proposal_assign(
        proposal=p3,
        by=office,
        units=[Unit(b, AssignmentRole.SEPARATE), Unit(c, AssignmentRole.SEPARATE)],
        assigned_on=datetime.date(2020, 7, 1),
        at=at("2020-07-01"),
    )
    c_share = p3.assignments.get(unit=c)
    request = services.assignment_request_return(
        assignment=c_share, by=office, reason="不属本单位职责", at=at("2020-07-02")
    )
    services.return_request_decide(request=request, by=office, approve=True, at=at("2020-07-03"))
    b_share = p3.assignments.get(unit=b)
    services.assignment_acknowledge(assignment=b_share, by=office, at=at("2020-07-03"))
    reply(walk, b_share, "C", "2020-08-01")
    assert refreshed(p3).status == S.REPLIED

    # P4: assigned the year before: not counted.
    p4 = accepted(walk)
    services.proposal_assign(
        proposal=p4,
        by=office,
        units=[Unit(a, AssignmentRole.LEAD)],
        assigned_on=datetime.date(2019, 12, 20),
    )

    # A look-back review of the B replies finds A's promise kept.
    campaign = services.lookback_campaign_create(
        campaign=LookBackCampaign(
            name="回头看",
            year=2020,
            session=walk.session,
            starts_on=datetime.date(2020, 11, 1),
            ends_on=datetime.date(2020, 11, 30),
        ),
        by=office,
        result_classes=[walk.ref["B"]],
    )
    item = campaign.items.get()
    services.lookback_record_findings(item=item, by=office, commitments="x", outcome="fulfilled")
    return {"A": a, "B": b, "C": c}


def test_the_scorecards_figure_by_figure(year):
    cards = {card.unit.name: card for card in unit_scorecards(2020)}
    a, b, c = cards["甲单位"], cards["乙单位"], cards["丙单位"]

    assert (a.received, a.acknowledged_on_time, a.answering, a.replied) == (2, 1, 2, 2)
    assert (a.replied_on_time, a.on_time_rate) == (1, 0.5)
    assert sorted(a.days_to_reply) == [80, 101]
    assert a.median_days_to_reply == 90.5
    assert dict(a.results) == {"A": 1, "B": 1}
    assert dict(a.satisfaction) == {"satisfied": 2}
    assert (a.rehandled, a.return_requests) == (1, 0)
    assert dict(a.look_back) == {"fulfilled": 1}

    assert (b.received, b.acknowledged_on_time, b.answering, b.replied) == (2, 1, 1, 1)
    assert (b.replied_on_time, b.on_time_rate, b.days_to_reply) == (1, 1.0, [31])
    assert dict(b.results) == {"C": 1}
    assert dict(b.satisfaction) == {}  # P3 has no feedback; in P1, B only joined
    assert b.rehandled == 0

    assert (c.received, c.acknowledged_on_time, c.answering, c.replied) == (1, 0, 0, 0)
    assert (c.on_time_rate, c.median_days_to_reply) == (None, None)
    assert (c.return_requests, c.returns_approved) == (1, 1)

    assert set(cards) == {"甲单位", "乙单位", "丙单位"}


def test_another_year_counts_only_its_own_assignments(year):
    cards = unit_scorecards(2019)
    assert [(card.unit.name, card.received, card.answering, card.replied) for card in cards] == [
        ("甲单位", 1, 1, 0)
    ]


def test_the_scorecards_cost_eight_queries_whatever_the_size(year, django_assert_num_queries):
    with django_assert_num_queries(8):
        unit_scorecards(2020)


def test_the_office_reads_the_scorecards_in_the_admin(client, year, office):
    from django.urls import reverse

    client.force_login(office)
    changelist = client.get(reverse("admin:proposals_proposal_changelist"))
    url = reverse("admin:proposals_proposal_scorecards")
    assert url in changelist.content.decode()
    page = client.get(url, {"year": 2020}).content.decode()
    assert "甲单位" in page
    assert "丙单位" in page


def test_units_added_in_a_later_round_are_not_counted_as_handling_again(walk, unit_c):
    """Unsatisfied feedback reopens A's share; C, added afterwards, never handled it twice."""
    proposal = accepted(walk)
    services.proposal_assign(
        proposal=proposal,
        by=walk.office,
        units=[Unit(walk.unit_a, AssignmentRole.SEPARATE)],
        assigned_on=datetime.date(2020, 6, 1),
    )
    share = proposal.assignments.get()
    services.assignment_acknowledge(assignment=share, by=walk.office, at=at("2020-06-02"))
    reply(walk, share, "C", "2020-07-01")
    feedback(walk, proposal, "unsatisfied", "2020-07-10")
    services.proposal_add_unit(
        proposal=proposal, by=walk.office, unit=unit_c, role=AssignmentRole.SEPARATE
    )
    cards = {card.unit.name: card for card in unit_scorecards(2020)}
    assert cards["甲单位"].rehandled == 1
    assert cards.get("丙单位") is None or cards["丙单位"].rehandled == 0


def test_a_refused_return_counts_from_when_the_unit_asked(walk, unit_a_user):
    proposal = accepted(walk)
    services.proposal_assign(
        proposal=proposal,
        by=walk.office,
        units=[Unit(walk.unit_a, AssignmentRole.LEAD)],
        assigned_on=datetime.date(2020, 6, 1),
    )
    request = services.assignment_request_return(
        assignment=walk.lead(proposal), by=unit_a_user, reason="x", at=at("2020-06-02")
    )
    services.return_request_decide(
        request=request, by=walk.office, approve=False, at=at("2020-06-25")
    )
    (card,) = unit_scorecards(2020)
    assert card.acknowledged_on_time == 1


def test_on_time_is_judged_by_when_the_reply_was_handed_in(walk):
    proposal = accepted(walk)
    services.proposal_assign(
        proposal=proposal,
        by=walk.office,
        units=[Unit(walk.unit_a, AssignmentRole.LEAD)],
        assigned_on=datetime.date(2020, 6, 1),
    )
    lead = walk.lead(proposal)
    services.assignment_acknowledge(assignment=lead, by=walk.office, at=at("2020-06-02"))
    late = services.assignment_submit_reply(
        assignment=lead,
        by=walk.office,
        result_class=walk.ref["A"],
        text="答复",
        signer="某某",
        reply_date=datetime.date(2020, 8, 31),  # the letter is dated before the due date...
        at=at("2020-11-30"),  # ...but it was handed in three months late
    )
    services.reply_approve(reply=late, by=walk.office, at=at("2020-12-01"))
    (card,) = unit_scorecards(2020)
    assert (card.replied, card.replied_on_time) == (1, 0)
    assert card.days_to_reply == [182]


def test_a_reply_cannot_be_dated_after_it_is_handed_in(walk):
    from django.core.exceptions import ValidationError

    lead = walk.lead(walk.to(S.HANDLING))
    with pytest.raises(ValidationError, match="reply_date"):
        services.assignment_submit_reply(
            assignment=lead,
            by=walk.office,
            result_class=walk.ref["A"],
            text="答复",
            signer="某某",
            reply_date=timezone.localdate() + datetime.timedelta(days=3),
        )
    assert not lead.replies.exists()
