"""To-do lists (待办): derived from the records' states, per role, within each reader's scope;
taking the step takes the item away; the API and the page read them in a fixed number of
queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.choices import ActivityStatus
from activities.models import Activity, ActivityKind, OpinionReport
from hcppcc.core.todo import todo_for
from proposals import services
from proposals.choices import ProposalStatus as S
from proposals.choices import SupervisionStatus
from proposals.models import Proposal, Supervision, SupervisionEvent
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def counts(user, today=None) -> dict[str, int]:
    return {g.key: g.count for g in todo_for(user, today or timezone.localdate())}


@pytest.fixture
def world(walk, leader, committee_staff):
    """One of each state that waits on somebody."""
    today = timezone.localdate()
    walk.to(S.SUBMITTED)
    walk.to(S.ASSIGNED)  # unit A leads, unit B joins: both to acknowledge
    walk.reply(walk.lead(walk.to(S.HANDLING)))  # a reply for the office to approve
    walk.to(S.REPLIED)  # the proposer's feedback is awaited
    walk.draft()
    # The member persona is invited to co-sign someone else's joint proposal.
    invitation = services.proposal_create(
        proposal=Proposal(
            session=walk.session,
            title="关于完善社区养老服务的提案",
            situation="情况",
            suggestions="建议",
            explanation="说明",
            proposer_kind="joint",
            lead_member=MemberFactory(name="领衔乙"),
        ),
        by=walk.office,
        cosigners=[walk.proposer],
    )
    services.proposal_submit(proposal=invitation, by=walk.office)
    # A key proposal the leader leads, quiet this month; another one answered.
    for status in (S.HANDLING, S.REPLIED):
        supervision = Supervision.objects.create(proposal=walk.to(status))
        supervision.leaders.add(leader.member)
    kind = ActivityKind.objects.create(name="视察")
    for days in (-3, 3):  # planned: one held since, one to come
        Activity.objects.create(
            title="视察",
            kind=kind,
            starts_on=today + datetime.timedelta(days=days),
            status=ActivityStatus.PLANNED,
        )
    Activity.objects.create(title="调研", kind=kind, starts_on=today)  # recorded as done
    OpinionReport.objects.create(title="反映", content="内容", received_on=today)
    return walk


EXPECTED = {
    "office": {"proposals_to_review": 1, "replies_to_approve": 1},
    "unit_a_user": {"to_acknowledge": 1},
    # The joint unit of the handled proposals (a replied proposal's joint unit is done).
    "unit_b_user": {"to_acknowledge": 3},
    "member_user": {"cosigning_invitations": 1, "feedback_to_give": 2, "own_drafts": 1},
    "leader": {"supervision_quiet": 2, "supervision_reports": 1},
    "committee_staff": {"activities_to_close": 1, "reports_to_decide": 1},
    "auditor": {},
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_role_finds_what_waits_on_it(world, persona, request, unit_b_user):
    assert counts(request.getfixturevalue(persona)) == EXPECTED[persona]


def test_an_item_goes_when_its_step_is_taken(walk, unit_a_user, unit_b_user):
    proposal = walk.to(S.ASSIGNED)
    assert counts(unit_a_user) == {"to_acknowledge": 1}
    services.assignment_acknowledge(assignment=walk.lead(proposal), by=unit_a_user)
    assert counts(unit_a_user) == {}
    # A joint unit, once it has acknowledged, owes its opinion.
    services.assignment_acknowledge(assignment=walk.joint(proposal), by=unit_b_user)
    assert counts(unit_b_user) == {"joint_opinions": 1}


def test_late_work_is_overdue_for_the_unit_and_the_office(walk, unit_a_user, office):
    lead = walk.lead(walk.to(S.HANDLING))
    later = lead.due_on + datetime.timedelta(days=1)
    assert counts(unit_a_user, later) == {"overdue": 1}
    assert counts(office, later)["assignments_overdue"] == 2  # the lead and the joint unit
    soon = lead.due_on - datetime.timedelta(days=3)
    assert counts(unit_a_user, soon) == {"due_soon": 1}


def test_co_signing_that_has_run_out_waits_on_the_office(walk, office):
    proposal = walk.to(S.AWAITING_COSIGNERS)
    deadline = proposal.cosigners.get().deadline
    assert "cosigning_lapsed" not in counts(office, deadline)
    assert counts(office, deadline + datetime.timedelta(days=1))["cosigning_lapsed"] == 1


def test_a_supervision_with_an_event_this_month_is_not_quiet(walk, leader):
    supervision = Supervision.objects.create(proposal=walk.to(S.HANDLING))
    supervision.leaders.add(leader.member)
    today = timezone.localdate()
    SupervisionEvent.objects.create(supervision=supervision, date=today, method="inspection")
    assert counts(leader) == {}
    supervision.status = SupervisionStatus.REPORTED
    supervision.save()
    assert counts(leader, today + datetime.timedelta(days=40)) == {}


def test_a_unit_never_counts_another_units_work(walk, unit_a_user, unit_b_user, unit_c):
    walk.to(S.ASSIGNED)
    for user in (unit_a_user, unit_b_user):
        assert sum(counts(user).values()) == 1


def test_the_api_groups_the_callers_items_by_kind(client, world, unit_b_user):
    client.force_login(unit_b_user)
    todo = client.get(reverse("api-todo")).json()
    assert todo["total"] == 3
    groups = {group["key"]: group for group in todo["groups"]}
    assert groups["to_acknowledge"]["count"] == 3
    assert len(groups["to_acknowledge"]["items"]) == 3
    item = groups["to_acknowledge"]["items"][0]
    assert item["url"].startswith("/assignments/")
    assert groups["to_acknowledge"]["url"] == "/assignments/?queue=to_acknowledge"
    counts_only = client.get(reverse("api-todo"), {"items": "0"}).json()
    assert all(group["items"] == [] for group in counts_only["groups"])
    assert client.get(reverse("api-todo"), {"items": "many"}).status_code == 200


@pytest.mark.parametrize("size", [1, 6])
def test_the_todo_reads_a_fixed_number_of_queries(
    size, client, walk, office, django_assert_num_queries
):
    for _ in range(size):
        walk.to(S.SUBMITTED)
    client.force_login(office)
    # The session, the user and their roles; then a count per kind of the office's
    # (eight), and the records of the one kind holding something.
    with django_assert_num_queries(3 + 8 + 1):
        response = client.get(reverse("api-todo"))
    assert response.json()["total"] == size


def test_the_page_lists_them_and_the_landing_shows_the_panel(client, world, member_user):
    client.force_login(member_user)
    page = client.get(reverse("pages:todo")).content.decode()
    assert "关于完善社区养老服务的提案" in page
    assert 'data-todo="own_drafts"' in page
    landing = client.get(reverse("pages:proposals")).content.decode()
    assert 'id="todo-panel"' in landing
    assert 'id="todo-count"' in landing
    assert (
        'id="todo-panel"' not in client.get(reverse("pages:proposals"), {"q": "x"}).content.decode()
    )


def test_an_auditor_has_no_todo_page(client, auditor):
    client.force_login(auditor)
    assert client.get(reverse("pages:todo")).status_code == 403
    assert 'id="todo-count"' not in client.get(reverse("pages:proposals")).content.decode()


def test_the_todo_page_reads_a_fixed_number_of_queries(client, walk, office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(office)
    queries = []
    for size in (1, 6):
        while Proposal.objects.filter(status=S.SUBMITTED).count() < size:
            walk.to(S.SUBMITTED)
        with CaptureQueriesContext(connection) as read:
            assert client.get(reverse("pages:todo")).status_code == 200
        queries.append(len(read))
    assert queries[0] == queries[1], queries
