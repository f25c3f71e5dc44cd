"""A world with a record in every state of every kind that takes steps, built through the
services alone, for the tests that ask every door the same question."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from activities import services as activity_services
from activities.choices import UpwardLevel
from activities.models import Activity, ActivityKind, Bulletin, OpinionReport
from hcppcc.directory.models import Session
from proposals import services
from proposals.choices import (
    AssignmentRole,
    NominatedBy,
    ProposalStatus,
    ProposerKind,
)
from proposals.models import LookBackCampaign, LookBackItem
from tests.factories import HandlingUnitFactory, MemberFactory
from tests.proposals.conftest import (  # noqa: F401 - fixtures
    draft_proposal,
    proposer,
    reference,
    session,
    unit_c,
    walk,
)

S = ProposalStatus


def _cosigning(walker, member_user):
    """Joint proposals waiting for their co-signers, the member persona invited to one."""
    other_lead = MemberFactory(name="联名领衔人")
    invited = services.proposal_create(
        proposal=draft_proposal(
            walker.session, other_lead, kind=ProposerKind.JOINT, title="联名一"
        ),
        by=walker.office,
        cosigners=[member_user.member, MemberFactory()],
    )
    services.proposal_submit(proposal=invited, by=walker.office)
    answered = invited.cosigners.exclude(member=member_user.member).get()
    services.cosigner_respond(cosigner=answered, by=walker.office, confirm=False)
    # One confirmed (which submits it), one left to expire after its deadline.
    confirmed = walker.to(S.AWAITING_COSIGNERS)
    services.cosigner_respond(cosigner=confirmed.cosigners.get(), by=walker.office, confirm=True)
    expired = walker.to(S.AWAITING_COSIGNERS)
    services.proposal_complete_cosigning(
        proposal=expired, by=walker.office, at=timezone.now() + datetime.timedelta(days=30)
    )


def _handling(walker, spare_unit):
    """Assignments and requests in every state a unit's work passes through."""
    today = timezone.localdate()
    office = walker.office
    # A lead asking to return, refused and approved; a joint unit's opinion sent.
    asking = walker.to(S.ASSIGNED)
    services.assignment_request_return(
        assignment=walker.lead(asking), by=office, reason="非本单位职责"
    )
    refused = walker.to(S.ASSIGNED)
    request = services.assignment_request_return(
        assignment=walker.lead(refused), by=office, reason="x"
    )
    services.return_request_decide(request=request, by=office, approve=False)
    returned = walker.to(S.HANDLING)
    request = services.assignment_request_return(
        assignment=walker.joint(returned), by=office, reason="x"
    )
    services.return_request_decide(request=request, by=office, approve=True, replacement=spare_unit)
    services.assignment_acknowledge(assignment=walker.joint(walker.to(S.HANDLING)), by=office)
    opinion = walker.to(S.HANDLING)
    joint = walker.joint(opinion)
    services.assignment_acknowledge(assignment=joint, by=office)
    services.assignment_submit_opinion(assignment=joint, by=office, text="同意主办单位意见。")
    # Extension requests pending, granted and refused.
    for decision in (None, True, False):
        lead = walker.lead(walker.to(S.HANDLING))
        extension = services.assignment_request_extension(
            assignment=lead, by=office, days=10, reason="需实地调研"
        )
        if decision is not None:
            services.extension_request_decide(request=extension, by=office, approve=decision)
    # Replies under review and sent back.
    walker.reply(walker.lead(walker.to(S.HANDLING)))
    sent_back = walker.reply(walker.lead(walker.to(S.HANDLING)))
    services.reply_send_back(reply=sent_back, by=office, reason="请补充办理措施。")
    # A late assignment: its return window has closed.
    late = walker.to(S.ACCEPTED)
    services.proposal_assign(
        proposal=late,
        by=office,
        units=[services.UnitAssignment(walker.unit_a, AssignmentRole.LEAD)],
        assigned_on=today - datetime.timedelta(days=60),
    )


def _key_proposals(walker, leader):
    day = timezone.localdate()
    office = walker.office
    for approve in (None, True, False):
        proposal = walker.to(S.HANDLING)
        nomination = services.key_nominate(
            proposal=proposal, by=office, nominated_by=NominatedBy.OFFICE, nominated_on=day
        )
        if approve is not None:
            services.key_decide(nomination=nomination, by=office, approve=approve, decided_on=day)
    planned, in_progress, reported = (walker.to(S.HANDLING) for _ in range(3))
    for proposal in (planned, in_progress, reported):
        nomination = services.key_nominate(
            proposal=proposal, by=office, nominated_by=NominatedBy.OFFICE, nominated_on=day
        )
        services.key_decide(nomination=nomination, by=office, approve=True, decided_on=day)
        supervision = services.supervision_plan(
            proposal=proposal, by=office, leaders=[leader.member]
        )
        if proposal is not planned:
            services.supervision_record_event(
                supervision=supervision, by=office, date=day, method="inspection"
            )
        if proposal is reported:
            services.supervision_report(supervision=supervision, by=office, report="督办完成。")
    # A published proposal withdrawn from view later, and a published reply.
    published = walker.to(S.CLOSED)
    services.proposal_set_published(proposal=published, by=office, published=True)
    reply = walker.lead(published).replies.get()
    services.reply_set_published(reply=reply, by=office, published=True)


def _look_back(walker):
    """A campaign over the session's class A replies, its items at every stage."""
    office = walker.office
    for _ in range(2):
        walker.to(S.CLOSED)
    campaign = services.lookback_campaign_create(
        campaign=LookBackCampaign(
            name="A类回头看",
            year=2020,
            session=walker.session,
            starts_on=datetime.date(2020, 10, 1),
            ends_on=datetime.date(2020, 11, 30),
        ),
        by=office,
        result_classes=[walker.ref["A"]],
    )
    items = list(LookBackItem.objects.filter(campaign=campaign).order_by("pk"))
    findings = {"commitments": "年内完成改造。", "outcome": "fulfilled"}
    for item in items[1:]:
        services.lookback_record_findings(item=item, by=office, **findings)
    services.lookback_decide(item=items[2], by=office, decision="closed")
    services.lookback_decide(item=items[3], by=office, decision="reopened")


def _committee_work(committee_staff):
    day = datetime.date(2020, 6, 1)
    kind = ActivityKind.objects.create(name="视察")
    for status in ("planned", "done"):
        activity_services.activity_save(
            activity=Activity(),
            by=committee_staff,
            changes={"kind": kind, "title": f"视察{status}", "starts_on": day, "status": status},
        )
    bulletin = Bulletin.objects.create(year=timezone.localdate().year, number=1, issued_on=day)
    reports = [
        activity_services.report_save(
            report=OpinionReport(),
            by=committee_staff,
            changes={"title": f"信息{n}", "content": "…", "received_on": day},
        )
        for n in range(4)
    ]
    activity_services.report_adopt(report=reports[1], by=committee_staff, bulletin=bulletin)
    activity_services.report_adopt(report=reports[2], by=committee_staff)
    activity_services.report_send_upward(
        report=reports[2], by=committee_staff, level=UpwardLevel.REGION, reported_on=day
    )
    activity_services.report_decline(report=reports[3], by=committee_staff)
    return SimpleNamespace(kind=kind, bulletin=bulletin)


def _year_end(walker):
    """The office's year-end records: an award of each kind, a round with ballots."""
    from proposals.models import Award, EvaluationRound

    day = datetime.date(2021, 1, 5)
    office = walker.office
    services.award_record(
        award=Award(),
        by=office,
        changes={
            "year": 2020,
            "kind": "excellent_proposal",
            "proposal": walker.to(S.CLOSED),
            "decided_on": day,
        },
    )
    services.award_record(
        award=Award(),
        by=office,
        changes={"year": 2020, "kind": "advanced_unit", "unit": walker.unit_a, "decided_on": day},
    )
    evaluation = services.evaluation_round_save(
        evaluation_round=EvaluationRound(),
        by=office,
        changes={"year": 2020, "name": "2020年度民主评议", "held_on": day},
        units=[walker.unit_a, walker.unit_b],
    )
    services.evaluation_votes_record(
        evaluation_round=evaluation,
        by=office,
        member=MemberFactory(),
        ratings={walker.unit_a: "satisfied", walker.unit_b: "basically_satisfied"},
    )


@pytest.fixture
def world(walk, unit_c, leader, member_user, committee_staff):  # noqa: F811
    """Every state of every kind of record that takes steps (the test asserts it)."""
    assert member_user.member == walk.proposer
    for status in ProposalStatus:
        walk.to(status)
    _cosigning(walk, member_user)
    _handling(walk, unit_c)
    _key_proposals(walk, leader)
    _look_back(walk)
    _year_end(walk)
    work = _committee_work(committee_staff)
    Session.objects.filter(pk=walk.session.pk).update(is_current=True)
    # A unit no proposal has yet: the one a clerk adds to a proposal being handled.
    spare_unit = HandlingUnitFactory(name="丁单位")
    return SimpleNamespace(
        walk=walk, unit_c=unit_c, spare_unit=spare_unit, leader=leader, work=work
    )
