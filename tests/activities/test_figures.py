"""The yearly figures and the duty scorecards, checked on hand-built records."""

import datetime
from decimal import Decimal

import pytest

from activities import services
from activities.choices import Attendance, DutyItem
from activities.models import (
    Activity,
    ActivityKind,
    Bulletin,
    DutyGrade,
    DutyRule,
    Instruction,
    OpinionReport,
    Participation,
)
from activities.selectors import member_scorecards, midyear_reminders, yearly_figures
from proposals import services as proposal_services
from proposals.choices import ProposalStatus
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
S = ProposalStatus
D = datetime.date


@pytest.fixture
def year_of_work(walk, member_user):
    """2020: two proposals of the member (one closed, one only submitted), a plenary the
    member attended and another member missed on leave, an inspection, two joint
    investigations, three reports (two adopted into one bulletin, one sent upward with an
    instruction), and one report of 2019."""
    closed = walk.to(S.CLOSED)
    walk.to(S.SUBMITTED)
    me = member_user.member
    other = MemberFactory(name="另一委员")
    plenary = ActivityKind.objects.create(name="全体会议", is_plenary=True)
    inspection = ActivityKind.objects.create(name="视察")
    joint = ActivityKind.objects.create(name="联合调研")
    meeting = Activity.objects.create(
        kind=plenary, title="十三届三次会议", starts_on=D(2020, 5, 10)
    )
    Participation.objects.create(activity=meeting, member=me, attendance=Attendance.PRESENT)
    Participation.objects.create(activity=meeting, member=other, attendance=Attendance.LEAVE)
    visit = Activity.objects.create(kind=inspection, title="视察", starts_on=D(2020, 7, 1))
    Participation.objects.create(activity=visit, member=me, attendance=Attendance.PRESENT)
    Participation.objects.create(activity=visit, member=other, attendance=Attendance.ABSENT)
    Activity.objects.create(kind=joint, title="联合调研一", starts_on=D(2020, 8, 1))
    Activity.objects.create(kind=joint, title="联合调研二", starts_on=D(2020, 9, 1))
    Activity.objects.create(kind=joint, title="计划中", starts_on=D(2020, 12, 1), status="planned")
    bulletin = Bulletin.objects.create(year=2020, number=1, issued_on=D(2020, 3, 1))
    reports = []
    for n in range(3):
        report = OpinionReport.objects.create(title=f"信息{n}", received_on=D(2020, 2, 1 + n))
        report.members.add(me)
        reports.append(report)
    services.report_adopt(report=reports[0], by=None, bulletin=bulletin)
    services.report_adopt(report=reports[1], by=None, bulletin=bulletin)
    services.report_send_upward(
        report=reports[0], by=None, level="region", reported_on=D(2020, 3, 5)
    )
    Instruction.objects.create(report=reports[0], leader="市长", level="city", date=D(2020, 3, 9))
    OpinionReport.objects.create(title="上一年", received_on=D(2019, 12, 30))
    DutyRule.objects.create(item=DutyItem.PLENARY_PRESENT, points=10)
    DutyRule.objects.create(item=DutyItem.PLENARY_LEAVE, points=0)
    DutyRule.objects.create(item=DutyItem.PROPOSAL_LEAD, points=10, cap=15)
    DutyRule.objects.create(item=DutyItem.PROPOSAL_ACCEPTED, points=5)
    DutyRule.objects.create(item=DutyItem.REPORT_SUBMITTED, points=3)
    DutyRule.objects.create(item=DutyItem.REPORT_ADOPTED, points=5)
    DutyRule.objects.create(item=DutyItem.ACTIVITY_ATTENDED, points=4)
    DutyGrade.objects.create(name="优秀", min_points=50)
    DutyGrade.objects.create(name="称职", min_points=10)
    DutyGrade.objects.create(name="不称职", min_points=-100)
    return {"me": me, "other": other, "closed": closed}


def test_the_yearly_figures_figure_by_figure(year_of_work, walk):
    figures = yearly_figures(2020)
    assert figures["opinion_reports"] == {
        "received": 3,
        "adopted": 2,
        "bulletin_issues": 1,
        "reported_upward": 1,
        "adopted_upward": 0,
        "instructions": 1,
    }
    proposals = figures["proposals"]
    assert (proposals["received"], proposals["accepted"], proposals["assigned"]) == (2, 1, 1)
    assert (proposals["key"], proposals["supervised"]) == (0, 0)
    assert proposals["replies_by_class"] == {"A": 1}
    assert proposals["satisfaction"] == {"satisfied": 1}
    assert figures["activities"]["by_kind"] == {"全体会议": 1, "视察": 1, "联合调研": 2}
    assert figures["activities"]["members_taking_part"] == 1  # only present members count


def test_the_duty_scorecard_line_by_line(year_of_work):
    me, other = year_of_work["me"], year_of_work["other"]
    cards = {card.member: card for card in member_scorecards(2020, members=[me, other])}
    lines = {line.item: (line.count, line.points) for line in cards[me].lines}
    assert lines == {
        DutyItem.PLENARY_PRESENT: (1, Decimal(10)),
        DutyItem.PROPOSAL_LEAD: (2, Decimal(15)),  # 2 x 10, capped at 15
        DutyItem.PROPOSAL_ACCEPTED: (1, Decimal(5)),
        DutyItem.REPORT_SUBMITTED: (3, Decimal(9)),
        DutyItem.REPORT_ADOPTED: (2, Decimal(10)),
        DutyItem.ACTIVITY_ATTENDED: (1, Decimal(4)),
    }
    assert (cards[me].total, cards[me].grade) == (Decimal(53), "优秀")
    other_lines = {line.item: (line.count, line.points) for line in cards[other].lines}
    assert other_lines == {DutyItem.PLENARY_LEAVE: (1, Decimal(0))}
    assert (cards[other].total, cards[other].grade) == (Decimal(0), "不称职")


def test_the_mid_year_reminder_list(year_of_work):
    reminded = {card.member.name: reasons for card, reasons in midyear_reminders(2020, 20)}
    assert "委员甲" not in reminded
    assert reminded["另一委员"] == [
        "低于提醒分数线",
        "尚无提案",
        "尚无社情民意信息",
        "尚未参加履职活动",
    ]


def test_scorecards_cost_a_fixed_number_of_queries(year_of_work, django_assert_num_queries):
    MemberFactory.create_batch(10)
    # rules, grades, seven counts, the members with their sectors
    with django_assert_num_queries(9):
        cards = member_scorecards(2020)
        [(card.member.sector, card.total) for card in cards]


def test_a_cap_bounds_penalties_and_planned_plenaries_do_not_count(walk, member_user):
    me = member_user.member
    plenary = ActivityKind.objects.create(name="全体会议", is_plenary=True)
    for n, status in enumerate(["done", "done", "done", "planned"]):
        meeting = Activity.objects.create(
            kind=plenary, title=f"会议{n}", starts_on=D(2020, 3, 1 + n), status=status
        )
        Participation.objects.create(activity=meeting, member=me, attendance=Attendance.ABSENT)
    DutyRule.objects.create(item=DutyItem.PLENARY_ABSENT, points=-10, cap=20)
    (card,) = member_scorecards(2020, members=[me])
    assert [(line.count, line.points) for line in card.lines] == [(3, Decimal(-20))]


def test_co_signing_a_withdrawn_proposal_scores_nothing(walk, member_user):
    from proposals.models import CoSigner

    proposal = walk.to(S.WITHDRAWN)
    CoSigner.objects.create(proposal=proposal, member=member_user.member, status="confirmed")
    DutyRule.objects.create(item=DutyItem.PROPOSAL_COSIGNED, points=3)
    (card,) = member_scorecards(2020, members=[member_user.member])
    assert card.lines == []


def test_replies_and_feedback_count_once_per_unit_and_proposal(walk):
    proposal = walk.to(S.REPLIED)
    proposal_services.proposal_give_feedback(
        proposal=proposal, by=walk.office, attitude="satisfied", result="unsatisfied"
    )
    walk.reply_and_approve(walk.lead(proposal), "A")  # handled again: a second reply
    proposal_services.proposal_give_feedback(
        proposal=proposal, by=walk.office, attitude="satisfied", result="satisfied"
    )
    figures = yearly_figures(2020)["proposals"]
    assert figures["replies_by_class"] == {"A": 1}
    assert figures["satisfaction"] == {"satisfied": 1}


def test_a_withdrawn_proposal_is_not_counted_as_accepted(walk):
    proposal = walk.to(S.ACCEPTED)
    proposal_services.proposal_withdraw(proposal=proposal, by=walk.office)
    assert yearly_figures(2020)["proposals"]["accepted"] == 0
