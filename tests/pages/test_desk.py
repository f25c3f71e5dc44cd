"""The handling desk opens on what needs doing: the count of each queue at the top (each a
link to its rows), the open assignments by urgency with the days left, and, for a unit
user, no column repeating its own unit's name."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from proposals import scopes, services
from proposals.choices import DeskQueue, ProposalStatus
from proposals.models import Assignment
from proposals.selectors import desk_counts
from tests.proposals.conftest import refreshed

pytestmark = pytest.mark.django_db
S = ProposalStatus
Q = DeskQueue


def _due(assignment: Assignment, days: int) -> Assignment:
    """Move the assignment's due date to ``days`` from today (negative: in the past)."""
    due = timezone.localdate() + datetime.timedelta(days=days)
    Assignment.objects.filter(pk=assignment.pk).update(
        assigned_on=min(assignment.assigned_on, due - datetime.timedelta(days=30)), due_on=due
    )
    return refreshed(assignment)


@pytest.fixture
def desk(walk):
    """Unit A's assignments (it leads every walked proposal), one in each state of its
    desk, by name."""
    rows = {}
    rows["new"] = walk.lead(walk.to(S.ASSIGNED))
    rows["handling"] = walk.lead(walk.to(S.HANDLING))
    sent_back = walk.lead(walk.to(S.HANDLING))
    services.reply_send_back(reply=walk.reply(sent_back), by=walk.office, reason="请补充数据")
    rows["sent back"] = sent_back
    submitted = walk.lead(walk.to(S.HANDLING))
    walk.reply(submitted)
    rows["reply submitted"] = submitted
    rows["replied"] = walk.lead(walk.to(S.REPLIED))
    rows["late"] = _due(walk.lead(walk.to(S.HANDLING)), -3)
    rows["due soon"] = _due(walk.lead(walk.to(S.ASSIGNED)), 5)
    rows["due today"] = _due(walk.lead(walk.to(S.HANDLING)), 0)
    return {name: refreshed(assignment) for name, assignment in rows.items()}


EXPECTED = {
    Q.TO_ACKNOWLEDGE: {"new", "due soon"},
    Q.TO_ANSWER: {"handling", "sent back", "late", "due today"},
    Q.DUE_SOON: {"due soon", "due today"},
    Q.OVERDUE: {"late"},
    Q.SENT_BACK: {"sent back"},
}


def test_each_count_counts_the_assignments_in_its_state(desk, unit_a_user):
    counts = desk_counts(scopes.ASSIGNMENTS.visible_to(unit_a_user), timezone.localdate())
    assert [(c.queue, c.count) for c in counts] == [
        (queue, len(EXPECTED[queue])) for queue in DeskQueue.values
    ]


def test_each_count_links_to_exactly_its_rows(client, desk, unit_a_user):
    client.force_login(unit_a_user)
    page = client.get(reverse("pages:assignments"))
    shown = {c.queue: c.count for c in page.context["queues"]}
    html = page.content.decode()
    names = {assignment.pk: name for name, assignment in desk.items()}
    for queue, expected in EXPECTED.items():
        assert f'href="?queue={queue}"' in html
        rows = client.get(reverse("pages:assignments"), {"queue": queue}).context["page"]
        assert {names[a.pk] for a in rows.object_list} == expected, queue
        assert shown[queue] == len(expected)


def test_the_counts_are_read_in_one_query_whatever_the_states(walk, unit_a_user):
    visible = scopes.ASSIGNMENTS.visible_to(unit_a_user)  # the user's roles, read once
    today = timezone.localdate()
    counts = []
    for status in (S.ASSIGNED, S.HANDLING, S.REPLIED):
        walk.to(status)
        with CaptureQueriesContext(connection) as queries:
            desk_counts(visible, today)
        counts.append(len(queries))
    assert counts == [1, 1, 1]


def test_the_desk_reads_a_fixed_number_of_queries_for_a_unit(client, walk, unit_a_user):
    """The same count with a few rows as with several times more, steps offered included."""
    client.force_login(unit_a_user)
    url = reverse("pages:assignments")
    counts = []
    for _ in range(2):
        for status in (S.ASSIGNED, S.HANDLING, S.REPLIED, S.ASSIGNED):
            walk.to(status)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_desk_opens_on_the_overdue_then_the_nearest_deadline(client, desk, unit_a_user):
    client.force_login(unit_a_user)
    rows = list(client.get(reverse("pages:assignments")).context["page"].object_list)
    names = {assignment.pk: name for name, assignment in desk.items()}
    order = [names[a.pk] for a in rows]
    assert order[:3] == ["late", "due today", "due soon"]
    assert order[-1] == "replied"  # finished: its clock has stopped
    open_dues = [a.due_on for a in rows if a.clock_due is not None]
    assert open_dues == sorted(open_dues)


def test_the_days_left_column_says_how_late(client, desk, unit_a_user):
    client.force_login(unit_a_user)
    html = client.get(reverse("pages:assignments")).content.decode()
    assert "剩余天数" in html
    assert "逾期 3 天" in html
    assert "还剩 5 天" in html


def test_a_unit_user_sees_no_column_repeating_its_unit(client, desk, unit_a_user, office):
    client.force_login(unit_a_user)
    page = client.get(reverse("pages:assignments"))
    assert "承办单位" not in [str(c.label) for c in page.context["columns"]]
    assert walk_unit_name(desk) not in page.content.decode()
    client.force_login(office)
    page = client.get(reverse("pages:assignments"))
    assert "承办单位" in [str(c.label) for c in page.context["columns"]]
    assert walk_unit_name(desk) in page.content.decode()


def walk_unit_name(desk) -> str:
    return desk["new"].unit.name


def test_a_row_offers_the_units_next_step(client, desk, unit_a_user, office):
    acknowledge = reverse("pages:step", args=["assignment", desk["new"].pk, "acknowledge"])
    reply = reverse("pages:step", args=["assignment", desk["handling"].pk, "submit-reply"])
    client.force_login(unit_a_user)
    html = client.get(reverse("pages:assignments")).content.decode()
    assert f'href="{acknowledge}">签收' in html
    assert f'href="{reply}"' in html
    replied = reverse("pages:step", args=["assignment", desk["replied"].pk, "submit-reply"])
    assert replied not in html
    # The office records a unit's steps from its letters, on the assignment's own page.
    client.force_login(office)
    assert acknowledge not in client.get(reverse("pages:assignments")).content.decode()


def test_an_unknown_queue_is_a_filter_error_not_a_server_error(client, unit_a_user):
    client.force_login(unit_a_user)
    response = client.get(reverse("pages:assignments"), {"queue": "everything"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0


def test_the_api_lists_the_same_queue(client, desk, unit_a_user):
    client.force_login(unit_a_user)
    for queue, expected in EXPECTED.items():
        response = client.get(reverse("assignment-list"), {"queue": queue})
        assert response.status_code == 200
        ids = {row["id"] for row in response.json()["results"]}
        assert ids == {desk[name].pk for name in expected}, queue


@pytest.mark.parametrize("persona", ["member_user", "unit_a_user", "office"])
def test_the_steps_offered_on_list_rows_cost_no_query_per_row(persona, request, client, walk):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("pages:proposals")
    counts = []
    for _ in range(2):
        for status in (S.DRAFT, S.ACCEPTED, S.ASSIGNED, S.REPLIED):
            walk.to(status)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_proposal_row_offers_its_obvious_step_to_who_takes_it(client, walk, member_user, office):
    draft, submitted, replied = walk.to(S.DRAFT), walk.to(S.SUBMITTED), walk.to(S.REPLIED)
    accepted = walk.to(S.ACCEPTED)

    def offered(proposal, step):
        return reverse("pages:step", args=["proposal", proposal.pk, step]) in html

    client.force_login(member_user)
    html = client.get(reverse("pages:proposals")).content.decode()
    assert offered(draft, "submit")
    assert offered(replied, "feedback")
    assert not offered(accepted, "assign")  # the office's
    client.force_login(office)
    html = client.get(reverse("pages:proposals")).content.decode()
    assert offered(accepted, "assign")
    # The member's own step: the office takes it on the record's page, "on their behalf".
    assert not offered(draft, "submit")
    assert not offered(submitted, "accept")  # a review has no one obvious step
