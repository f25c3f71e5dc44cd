"""Fixtures for the proposal workflow: reference data, units, members, and ``Walk``, which
takes a proposal to any state through the services alone."""

import datetime

import pytest

from hcppcc.directory.choices import Role
from hcppcc.directory.services import user_set_roles
from proposals import services
from proposals.choices import AssignmentRole, ProposalStatus, ProposerKind, Satisfaction
from proposals.models import Assignment, Category, Proposal, RejectionReason, ResultClass
from tests.factories import HandlingUnitFactory, MemberFactory, SessionFactory, UserFactory

S = ProposalStatus


@pytest.fixture
def session(db):
    return SessionFactory(term=13, number=3, year=2020, label="十三届三次会议", is_current=True)


@pytest.fixture
def reference(db):
    """The reference tables the workflow reads: a category, a reason, result classes."""
    return {
        "category": Category.objects.create(name="城乡建设"),
        "reason": RejectionReason.objects.create(code="vague", name="内容空泛"),
        "A": ResultClass.objects.create(code="A", name="已解决或采纳", sort_order=1),
        "B": ResultClass.objects.create(code="B", name="正在解决或列入计划", sort_order=2),
        "C": ResultClass.objects.create(code="C", name="因条件限制留作参考", sort_order=3),
    }


@pytest.fixture
def unit_c(db):
    return HandlingUnitFactory(name="丙单位")


@pytest.fixture
def proposer(member_user):
    """The member persona's member record: the lead proposer of walked proposals."""
    return member_user.member


def draft_proposal(
    session, lead, *, kind=ProposerKind.INDIVIDUAL, title="关于加强老旧小区改造和管理的提案"
):
    return Proposal(
        session=session,
        title=title,
        situation="老旧小区基础设施缺失，设施设备陈旧。",
        suggestions="一是摸清底数；二是分类改造；三是建立长效管理机制。",
        explanation="经走访十个老旧小区、召开三次座谈会后提出。",
        proposer_kind=kind,
        lead_member=lead,
    )


class Walk:
    """Takes proposals through the lifecycle using only the services, as the office,
    the units and the member would."""

    def __init__(self, *, session, reference, office, proposer, unit_a, unit_b):
        self.session = session
        self.ref = reference
        self.office = office
        self.proposer = proposer
        self.unit_a = unit_a
        self.unit_b = unit_b
        self.count = 0

    def draft(self, *, joint=False) -> Proposal:
        self.count += 1
        proposal = draft_proposal(
            self.session,
            self.proposer,
            kind=ProposerKind.JOINT if joint else ProposerKind.INDIVIDUAL,
            title=f"关于第{self.count}件事的提案",
        )
        cosigners = [MemberFactory()] if joint else []
        return services.proposal_create(proposal=proposal, by=self.office, cosigners=cosigners)

    def to(self, status: str) -> Proposal:
        """A new proposal in ``status``."""
        office = self.office
        if status == S.DRAFT:
            return self.draft()
        if status == S.AWAITING_COSIGNERS:
            return services.proposal_submit(proposal=self.draft(joint=True), by=office)
        if status == S.WITHDRAWN:
            return services.proposal_withdraw(proposal=self.draft(), by=office)
        submitted = services.proposal_submit(proposal=self.draft(), by=office)
        if status == S.SUBMITTED:
            return submitted
        if status == S.NOT_ACCEPTED:
            return services.proposal_reject(
                proposal=submitted, by=office, reason=self.ref["reason"]
            )
        if status == S.CONVERTED:
            return services.proposal_convert(proposal=submitted, by=office, conversion="suggestion")
        if status == S.MERGED:
            host = self.to(S.ACCEPTED)
            return services.proposal_merge(proposal=submitted, by=office, host=host)
        accepted = services.proposal_accept(
            proposal=submitted, by=office, category=self.ref["category"]
        )
        if status == S.ACCEPTED:
            return accepted
        assigned = self.assign(accepted)
        if status == S.ASSIGNED:
            return assigned
        lead = self.lead(assigned)
        services.assignment_acknowledge(assignment=lead, by=office)
        if status == S.HANDLING:
            return refreshed(assigned)
        self.reply_and_approve(lead)
        if status == S.REPLIED:
            return refreshed(assigned)
        services.proposal_give_feedback(
            proposal=assigned,
            by=office,
            attitude=Satisfaction.SATISFIED,
            result=Satisfaction.SATISFIED,
        )
        assert status == S.CLOSED, status
        return refreshed(assigned)

    def assign(self, proposal: Proposal) -> Proposal:
        return services.proposal_assign(
            proposal=proposal,
            by=self.office,
            units=[
                services.UnitAssignment(self.unit_a, AssignmentRole.LEAD),
                services.UnitAssignment(self.unit_b, AssignmentRole.JOINT),
            ],
        )

    @staticmethod
    def lead(proposal: Proposal) -> Assignment:
        return proposal.assignments.get(role=AssignmentRole.LEAD)

    @staticmethod
    def joint(proposal: Proposal) -> Assignment:
        return proposal.assignments.get(role=AssignmentRole.JOINT)

    def reply(self, assignment: Assignment, result_class="A"):
        return services.assignment_submit_reply(
            assignment=assignment,
            by=self.office,
            result_class=self.ref[result_class],
            text="经研究，已将相关建议纳入改造计划。",
            signer="张三",
            reply_date=datetime.date(2020, 7, 1),
        )

    def reply_and_approve(self, assignment: Assignment, result_class="A"):
        reply = self.reply(assignment, result_class)
        return services.reply_approve(reply=reply, by=self.office)


def refreshed(obj):
    obj.refresh_from_db()
    return obj


@pytest.fixture
def walk(session, reference, office, proposer, unit_a, unit_b):
    return Walk(
        session=session,
        reference=reference,
        office=office,
        proposer=proposer,
        unit_a=unit_a,
        unit_b=unit_b,
    )


@pytest.fixture
def unit_a_desk(unit_a_user):
    """The unit A user, who acts on unit A's assignments."""
    return unit_a_user


@pytest.fixture
def second_office_clerk(db):
    user = UserFactory(username="office2", is_staff=True)
    return user_set_roles(user=user, roles=[Role.PROPOSAL_OFFICE])
