"""Look-back reviews: the campaign's scope, reclassification beside the original, reopening."""

import datetime

import pytest
from django.utils import timezone

from hcppcc.core.workflow.errors import IllegalTransition
from proposals import services
from proposals.choices import AssignmentStatus, LookBackDecision, ProposalStatus
from proposals.deadlines import add_months
from proposals.models import LookBackCampaign, LookBackItem
from tests.factories import SessionFactory
from tests.proposals.conftest import refreshed

pytestmark = pytest.mark.django_db
S = ProposalStatus


def replied_with(walk, code: str, *, close: bool = True):
    proposal = walk.to(S.HANDLING)
    walk.reply_and_approve(walk.lead(proposal), code)
    if close:
        services.proposal_give_feedback(
            proposal=proposal, by=walk.office, attitude="satisfied", result="satisfied"
        )
    return refreshed(proposal)


def open_campaign(walk, session, codes) -> LookBackCampaign:
    campaign = LookBackCampaign(
        name="2020年提案办理回头看",
        year=2020,
        session=session,
        starts_on=datetime.date(2020, 10, 1),
        ends_on=datetime.date(2020, 11, 30),
    )
    return services.lookback_campaign_create(
        campaign=campaign, by=walk.office, result_classes=[walk.ref[code] for code in codes]
    )


def test_a_campaign_picks_exactly_the_b_and_c_replies_of_its_session(walk):
    a = replied_with(walk, "A")
    b = replied_with(walk, "B")
    c = replied_with(walk, "C", close=False)
    walk.to(S.HANDLING)  # no reply yet
    this_session = walk.session
    walk.session = SessionFactory(term=13, number=4, year=2021)
    replied_with(walk, "B")  # another session's B reply
    campaign = open_campaign(walk, this_session, ["B", "C"])
    picked = {item.assignment.proposal for item in campaign.items.all()}
    assert picked == {b, c}
    assert a not in picked
    # Only answering units are reviewed: the joint units sent opinions, not replies.
    assert {item.assignment.role for item in campaign.items.all()} == {"lead"}


def test_reclassification_keeps_the_original_result(walk):
    proposal = replied_with(walk, "B")
    campaign = open_campaign(walk, walk.session, ["B", "C"])
    item = campaign.items.get()
    with pytest.raises(IllegalTransition):  # findings first
        services.lookback_decide(
            item=item, by=walk.office, decision="reclassified", result_class=walk.ref["A"]
        )
    services.lookback_record_findings(
        item=item,
        by=walk.office,
        commitments="2021年底前完成立法",
        outcome="fulfilled",
        visited_on=datetime.date(2020, 11, 5),
        evidence="条例已公布",
        satisfaction="satisfied",
    )
    services.lookback_decide(
        item=item, by=walk.office, decision="reclassified", result_class=walk.ref["A"]
    )
    item = refreshed(item)
    assert item.reclassified_to == walk.ref["A"]
    assert item.reply.result_class == walk.ref["B"]  # the reply keeps its class
    assert refreshed(item.reply).result_class.code == "B"
    assert refreshed(proposal).status == S.CLOSED
    last = proposal.transitions.last()
    assert (last.action, last.note) == ("look_back_reclassify", "B → A")


def test_reopening_starts_a_new_round_with_a_new_due_date(walk):
    proposal = replied_with(walk, "C")
    lead = walk.lead(proposal)
    item = open_campaign(walk, walk.session, ["C"]).items.get()
    services.lookback_record_findings(
        item=item, by=walk.office, commitments="纳入年度计划", outcome="not_fulfilled"
    )
    due = datetime.date.today() + datetime.timedelta(days=60)
    services.lookback_decide(item=item, by=walk.office, decision="reopened", due_on=due)
    proposal, lead = refreshed(proposal), refreshed(lead)
    assert (proposal.status, proposal.handling_round, proposal.closed_at) == (
        S.HANDLING,
        2,
        None,
    )
    assert (lead.status, lead.round, lead.due_on) == (AssignmentStatus.ACKNOWLEDGED, 2, due)
    # The new round runs as the first did: a reply, approval, feedback.
    walk.reply_and_approve(lead, "A")
    assert refreshed(proposal).status == S.REPLIED
    actions = list(proposal.transitions.values_list("action", flat=True))
    assert "look_back_reopen" in actions


def test_reopening_defaults_the_due_date_from_the_rules(walk):
    proposal = replied_with(walk, "B")
    item = open_campaign(walk, walk.session, ["B"]).items.get()
    services.lookback_record_findings(
        item=item, by=walk.office, commitments="x", outcome="partly_fulfilled"
    )
    services.lookback_decide(item=item, by=walk.office, decision="reopened")
    assert walk.lead(proposal).due_on == add_months(timezone.localdate(), 1)


def test_a_decided_review_is_final(walk):
    replied_with(walk, "B")
    item = open_campaign(walk, walk.session, ["B"]).items.get()
    services.lookback_record_findings(
        item=item, by=walk.office, commitments="x", outcome="fulfilled"
    )
    services.lookback_decide(item=item, by=walk.office, decision=LookBackDecision.CLOSED)
    with pytest.raises(IllegalTransition):
        services.lookback_decide(item=item, by=walk.office, decision=LookBackDecision.REOPENED)
    with pytest.raises(IllegalTransition):
        services.lookback_record_findings(
            item=item, by=walk.office, commitments="y", outcome="fulfilled"
        )
    assert refreshed(item).commitments == "x"


def test_the_look_back_reopening_is_illegal_while_the_proposal_is_handled(walk):
    """The table's look_back_reopen starts only from replied or closed."""
    proposal = replied_with(walk, "B")
    item = open_campaign(walk, walk.session, ["B"]).items.get()
    services.lookback_record_findings(
        item=item, by=walk.office, commitments="x", outcome="fulfilled"
    )
    services.lookback_decide(item=item, by=walk.office, decision="reopened")
    assert refreshed(proposal).status == S.HANDLING
    # An assignment being handled again is not reviewed by a new campaign...
    assert not open_campaign(walk, walk.session, ["B"]).items.exists()
    # ...and a review of it cannot reopen it a second time.
    stale = LookBackItem.objects.create(
        campaign=LookBackCampaign.objects.last(),
        assignment=item.assignment,
        reply=item.reply,
        outcome="not_fulfilled",
    )
    transitions = proposal.transitions.count()
    with pytest.raises(IllegalTransition):
        services.lookback_decide(item=stale, by=walk.office, decision="reopened")
    assert proposal.transitions.count() == transitions
    assert refreshed(stale).decision == LookBackDecision.PENDING


def test_two_separate_replies_of_one_proposal_are_both_reopened(walk):
    from proposals.choices import AssignmentRole

    proposal = walk.to(S.ACCEPTED)
    services.proposal_assign(
        proposal=proposal,
        by=walk.office,
        units=[
            services.UnitAssignment(walk.unit_a, AssignmentRole.SEPARATE),
            services.UnitAssignment(walk.unit_b, AssignmentRole.SEPARATE),
        ],
    )
    for share in proposal.assignments.all():
        services.assignment_acknowledge(assignment=share, by=walk.office)
        walk.reply_and_approve(share, "C")
    campaign = open_campaign(walk, walk.session, ["C"])
    assert campaign.items.count() == 2
    for item in campaign.items.all():
        services.lookback_record_findings(
            item=item, by=walk.office, commitments="x", outcome="not_fulfilled"
        )
        services.lookback_decide(item=item, by=walk.office, decision="reopened")
    proposal = refreshed(proposal)
    assert (proposal.status, proposal.handling_round) == (S.HANDLING, 2)
    assert set(proposal.assignments.values_list("status", "round")) == {("acknowledged", 2)}


def test_a_reclassified_reply_is_judged_by_its_new_class_next_time(walk):
    replied_with(walk, "B")
    item = open_campaign(walk, walk.session, ["B"]).items.get()
    services.lookback_record_findings(
        item=item, by=walk.office, commitments="x", outcome="fulfilled"
    )
    services.lookback_decide(
        item=item, by=walk.office, decision="reclassified", result_class=walk.ref["A"]
    )
    assert not open_campaign(walk, walk.session, ["B"]).items.exists()
    assert open_campaign(walk, walk.session, ["A"]).items.count() == 1
