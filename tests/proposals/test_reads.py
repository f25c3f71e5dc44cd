"""Named reads: who sees what, what is overdue, and lists in a fixed number of queries."""

import datetime

import pytest
from django.db.models import F

from proposals import scopes, services
from proposals.choices import AssignmentRole, ProposalStatus
from proposals.models import Assignment, Proposal
from tests.factories import MemberFactory
from tests.proposals.conftest import draft_proposal

pytestmark = pytest.mark.django_db
S = ProposalStatus


@pytest.fixture
def world(walk, unit_c, member_user):
    """Three proposals: one for unit A (lead) and B (joint), one for unit C alone, and one
    by another member that the member persona co-signs."""
    for_a_and_b = walk.to(S.HANDLING)
    for_c = walk.to(S.ACCEPTED)
    services.proposal_assign(
        proposal=for_c,
        by=walk.office,
        units=[services.UnitAssignment(unit_c, AssignmentRole.LEAD)],
    )
    someone = MemberFactory(name="他人")
    co_signed = services.proposal_create(
        proposal=draft_proposal(walk.session, someone, title="他人的联名提案"),
        by=walk.office,
        cosigners=[member_user.member],
    )
    draft = walk.draft()
    return {"ab": for_a_and_b, "c": for_c, "co_signed": co_signed, "draft": draft}


@pytest.mark.parametrize("persona_name", ["office", "leader", "auditor"])
def test_the_office_leaders_and_auditors_see_every_proposal(world, request, persona_name):
    user = request.getfixturevalue(persona_name)
    assert scopes.PROPOSALS.visible_to(user).count() == Proposal.objects.count() == 4


def test_a_unit_user_sees_only_proposals_assigned_to_its_unit(world, unit_a_user, unit_b_user):
    assert list(scopes.PROPOSALS.visible_to(unit_a_user)) == [world["ab"]]
    assert list(scopes.PROPOSALS.visible_to(unit_b_user)) == [world["ab"]]
    assert set(scopes.ASSIGNMENTS.visible_to(unit_a_user).values_list("unit__name", flat=True)) == {
        "甲单位"
    }


def test_a_member_sees_own_and_co_signed_proposals(world, member_user):
    visible = set(scopes.PROPOSALS.visible_to(member_user))
    own = set(Proposal.objects.filter(lead_member=member_user.member))
    assert visible == own | {world["co_signed"]}
    assert world["c"] in own  # walked proposals are the member persona's own
    assert (
        not Proposal.objects.filter(lead_member__name="他人")
        .exclude(pk__in=[p.pk for p in visible])
        .exists()
    )


def test_a_member_sees_the_assignments_of_own_and_co_signed_proposals_only(
    world, walk, member_user, unit_c
):
    co_signed = world["co_signed"]
    co_signed.proposer_kind = "joint"
    co_signed.save()
    services.proposal_submit(proposal=co_signed, by=walk.office)
    services.cosigner_respond(cosigner=co_signed.cosigners.get(), confirm=True, by=member_user)
    services.proposal_accept(proposal=co_signed, by=walk.office, category=walk.ref["category"])
    services.proposal_assign(
        proposal=co_signed,
        by=walk.office,
        units=[services.UnitAssignment(unit_c, AssignmentRole.LEAD)],
    )
    visible = set(scopes.ASSIGNMENTS.visible_to(member_user))
    assert visible == set(
        Assignment.objects.filter(proposal__lead_member=member_user.member)
    ) | set(co_signed.assignments.all())
    assert (
        not Assignment.objects.exclude(pk__in=[a.pk for a in visible])
        .filter(proposal__cosigners__member=member_user.member)
        .exists()
    )


def test_no_role_sees_nothing(world, no_role_user):
    assert not scopes.PROPOSALS.visible_to(no_role_user).exists()
    assert not scopes.ASSIGNMENTS.visible_to(no_role_user).exists()


def test_committee_staff_read_proposals_but_not_their_handling(world, committee_staff):
    assert scopes.PROPOSALS.visible_to(committee_staff).count() == Proposal.objects.count()
    assert not scopes.ASSIGNMENTS.visible_to(committee_staff).exists()


def test_an_anonymous_visitor_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not scopes.PROPOSALS.visible_to(AnonymousUser()).exists()


def test_overdue_against_a_fixed_date(world):
    # Pin the dates: unit A's lead due 2020-09-30 (open), unit B's joint due 2020-08-31
    # (open), unit C's lead due 2020-10-31 (open).
    ab, c = world["ab"], world["c"]
    Assignment.objects.filter(proposal=ab, role=AssignmentRole.LEAD).update(
        assigned_on=datetime.date(2020, 6, 30), due_on=datetime.date(2020, 9, 30)
    )
    Assignment.objects.filter(proposal=ab, role=AssignmentRole.JOINT).update(
        assigned_on=datetime.date(2020, 6, 30), due_on=datetime.date(2020, 8, 31)
    )
    Assignment.objects.filter(proposal=c).update(
        assigned_on=datetime.date(2020, 7, 31), due_on=datetime.date(2020, 10, 31)
    )
    today = datetime.date(2020, 10, 10)
    overdue = list(Assignment.objects.overdue(today))
    assert [(a.unit.name, a.overdue_by.days) for a in overdue] == [("乙单位", 40), ("甲单位", 10)]
    assert [a.unit.name for a in Assignment.objects.due_soon(today, days=21)] == ["丙单位"]
    assert list(Assignment.objects.due_soon(today, days=20)) == []
    # The day it is due, it is not yet overdue.
    assert [a.unit.name for a in Assignment.objects.overdue(datetime.date(2020, 9, 30))] == [
        "乙单位"
    ]


def test_nothing_of_a_replied_proposal_is_overdue(walk):
    handling = walk.to(S.HANDLING)
    replied = walk.to(S.REPLIED)
    Assignment.objects.update(due_on=F("assigned_on"))
    later = datetime.date.today() + datetime.timedelta(days=400)
    overdue = Assignment.objects.overdue(later)
    # The handling proposal's units are late; of the replied one, the lead replied and the
    # joint unit, which never sent its opinion, has nothing left to do.
    assert {a.proposal_id for a in overdue} == {handling.pk}
    assert replied.pk not in set(Assignment.objects.open().values_list("proposal_id", flat=True))


@pytest.mark.parametrize("count", [2, 12])
def test_the_proposal_list_reads_a_fixed_number_of_queries(
    walk, office, count, django_assert_num_queries
):
    for _ in range(count):
        walk.to(S.HANDLING)
    with django_assert_num_queries(2):
        rows = [
            (
                p.number_display,
                p.session.label,
                p.category.name,
                p.proposer_display,
                [str(a.unit) for a in p.assignments.all()],
            )
            for p in scopes.PROPOSALS.visible_to(office).for_list()
        ]
    assert len(rows) == count


@pytest.mark.parametrize("count", [2, 12])
def test_the_assignment_list_reads_a_fixed_number_of_queries(
    walk, unit_a_user, count, django_assert_num_queries
):
    for _ in range(count):
        walk.to(S.HANDLING)
    with django_assert_num_queries(1):
        rows = [
            (a.unit.name, a.proposal.title, a.proposal.session.label, str(a.proposal.lead_member))
            for a in scopes.ASSIGNMENTS.visible_to(unit_a_user).for_list()
        ]
    assert len(rows) == count
