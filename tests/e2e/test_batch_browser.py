"""批量交办 in Chromium: the office assigns 50 accepted proposals from one table, one of
them to another lead unit than suggested, and unticks one; the units' to-do counts show
what landed on their desks, each unit with one unread notice of the batch."""

import pytest

from proposals.choices import AssignmentRole
from proposals.choices import ProposalStatus as S
from proposals.models import Assignment, Proposal
from tests.e2e.steps import PASSWORD, with_password

pytestmark = pytest.mark.django_db(transaction=True)

BATCH = 50


def _todo_count(tab) -> str:
    tab.page.wait_for_selector("#todo-count:not([hidden])")
    return tab.page.inner_text("#todo-count")


def test_the_office_assigns_fifty_proposals_in_one_form(
    screen, walk, office, unit_a_user, unit_b_user, unit_c
):
    with_password(office, unit_a_user, unit_b_user)
    proposals = []
    for _ in range(BATCH):
        proposal = walk.to(S.ACCEPTED)
        proposal.suggested_units.set([walk.unit_a])
        proposals.append(proposal)

    desk = screen()
    desk.sign_in("office", PASSWORD)
    desk.go(f"/proposals/assign-batch/?session={walk.session.pk}")
    page = desk.page
    rows = page.locator("#batch-rows tbody tr")
    assert rows.count() == BATCH
    # The first row goes to unit B instead; the last waits for another meeting.
    desk.pick("#id_form-0-lead", walk.unit_b.name, walk.unit_b.name)
    page.uncheck(f"#id_form-{BATCH - 1}-include")
    desk.shot("batch-assign-table")
    page.click("#assign-batch")
    page.wait_for_load_state()
    desk.shot("batch-assign-answer")
    page.wait_for_selector(".unit-list", timeout=5000)
    desk.shot("batch-assign-lists-per-unit")
    assert page.locator(".unit-list").count() == 2

    assert Proposal.objects.filter(status=S.ASSIGNED).count() == BATCH - 1
    leads = Assignment.objects.filter(role=AssignmentRole.LEAD)
    assert leads.filter(unit=walk.unit_a).count() == BATCH - 2
    assert leads.get(unit=walk.unit_b).proposal == proposals[0]

    unit_a = screen()
    unit_a.sign_in("unit_a", PASSWORD)
    assert _todo_count(unit_a) == str(BATCH - 2)
    unit_a.page.wait_for_selector("#todo-panel:not([hidden])")
    assert unit_a.page.inner_text("#queue-to_acknowledge [data-count]") == str(BATCH - 2)
    unit_a.shot("unit-a-desk-after-the-batch")
    # One notice for the whole batch, unread, in the inbox.
    unit_a.page.wait_for_selector("#notice-count:not([hidden])", state="attached")
    assert unit_a.page.inner_text("#notice-count") == "1"
    unit_a.go("/notices/")
    assert unit_a.page.locator(".notice[data-unread='1']").count() == 1
    unit_a.shot("unit-a-notices")
    unit_b = screen()
    unit_b.sign_in("unit_b", PASSWORD)
    assert _todo_count(unit_b) == "1"
    for tab in (desk, unit_a, unit_b):
        assert not tab.admin_requests
        tab.close()
