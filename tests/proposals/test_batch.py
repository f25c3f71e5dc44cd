"""批量交办: accepted proposals assigned in one go, each through the assign service, all or
nothing, with every refusal named; in the service, the API and on the page."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from proposals import services, workflow
from proposals.choices import AssignmentRole, AssignmentStatus
from proposals.choices import ProposalStatus as S
from proposals.models import Assignment, Proposal, Transition

pytestmark = pytest.mark.django_db


def accepted(walk, *units):
    """An accepted proposal whose proposer suggests ``units`` (the first to lead)."""
    proposal = walk.to(S.ACCEPTED)
    proposal.suggested_units.set(units)
    return proposal


def test_a_batch_assigns_each_proposal_to_its_suggested_units(walk, office):
    # The units in the office's order of units (as the single assign form offers them).
    for order, unit in enumerate((walk.unit_a, walk.unit_b)):
        unit.sort_order = order
        unit.save()
    first = accepted(walk, walk.unit_a, walk.unit_b)
    second = accepted(walk, walk.unit_b)
    rows = [services.BatchRow(p, workflow.suggested_assignments(p)) for p in (first, second)]
    assigned = services.proposals_assign_batch(
        rows=rows, by=office, assigned_on=datetime.date(2020, 3, 20)
    )
    assert [p.status for p in assigned] == [S.ASSIGNED, S.ASSIGNED]
    roles = dict(first.assignments.values_list("unit__name", "role"))
    assert roles == {walk.unit_a.name: AssignmentRole.LEAD, walk.unit_b.name: AssignmentRole.JOINT}
    assert second.assignments.get().role == AssignmentRole.LEAD
    # Each row is the assign step itself: its log names the units.
    assert Transition.objects.filter(action="assign", by=office).count() == 2


def test_one_refused_row_keeps_nothing_and_every_refusal_is_named(walk, office):
    good = accepted(walk, walk.unit_a)
    no_units = accepted(walk)
    submitted = walk.to(S.SUBMITTED)
    rows = [
        services.BatchRow(good, workflow.suggested_assignments(good)),
        services.BatchRow(no_units, []),
        services.BatchRow(submitted, [services.UnitAssignment(walk.unit_a, AssignmentRole.LEAD)]),
    ]
    with pytest.raises(services.BatchRefused) as refused:
        services.proposals_assign_batch(rows=rows, by=office)
    assert [p.pk for p, _reason in refused.value.refused] == [no_units.pk, submitted.pk]
    assert not Assignment.objects.exists()
    good.refresh_from_db()
    assert good.status == S.ACCEPTED


def test_a_proposal_twice_in_a_batch_is_refused(walk, office):
    proposal = accepted(walk, walk.unit_a)
    row = services.BatchRow(proposal, workflow.suggested_assignments(proposal))
    with pytest.raises(ValidationError, match="两次"):
        services.proposals_assign_batch(rows=[row, row], by=office)


def test_only_the_office_assigns_in_a_batch(walk, unit_a_user):
    proposal = accepted(walk, walk.unit_a)
    row = services.BatchRow(proposal, workflow.suggested_assignments(proposal))
    with pytest.raises(services.BatchRefused):
        services.proposals_assign_batch(rows=[row], by=unit_a_user)


# --- the API ---------------------------------------------------------------------------


def test_the_api_assigns_a_batch_with_one_due_date(client, walk, office):
    first, second = accepted(walk, walk.unit_a), accepted(walk, walk.unit_b)
    client.force_login(office)
    response = client.post(
        reverse("proposal-assign-batch"),
        {
            "rows": [
                {"proposal": first.pk},
                {"proposal": second.pk, "units": [{"unit": walk.unit_a.pk, "role": "lead"}]},
            ],
            "due_on": "2020-06-30",
            "assigned_on": "2020-03-20",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {"assigned": 2, "proposals": [first.pk, second.pk]}
    assert set(Assignment.objects.values_list("due_on", flat=True)) == {datetime.date(2020, 6, 30)}
    assert second.assignments.get().unit == walk.unit_a


def test_the_api_names_each_refused_proposal(client, walk, office):
    good, no_units = accepted(walk, walk.unit_a), accepted(walk)
    client.force_login(office)
    response = client.post(
        reverse("proposal-assign-batch"),
        {"rows": [{"proposal": good.pk}, {"proposal": no_units.pk}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert [row["proposal"] for row in response.json()] == [no_units.pk]
    assert not Assignment.objects.exists()


def test_the_api_takes_only_accepted_proposals_and_only_from_the_office(
    client, walk, office, unit_a_user
):
    submitted = walk.to(S.SUBMITTED)
    client.force_login(office)
    body = {"rows": [{"proposal": submitted.pk}]}
    response = client.post(reverse("proposal-assign-batch"), body, content_type="application/json")
    assert response.status_code == 400
    assert "rows" in str(response.json())  # the row's proposal is not one to assign
    client.force_login(unit_a_user)
    response = client.post(reverse("proposal-assign-batch"), body, content_type="application/json")
    assert response.status_code == 403
    assert Proposal.objects.get(pk=submitted.pk).status == S.SUBMITTED
    assert not Assignment.objects.filter(status=AssignmentStatus.ASSIGNED).exists()


# --- the page --------------------------------------------------------------------------


def _posted(page, **changes) -> dict:
    """The batch form as the page filled it in, with ``changes`` (field → value)."""
    formset = page.context["formset"]
    data = {
        f"{formset.prefix}-TOTAL_FORMS": str(formset.total_form_count()),
        f"{formset.prefix}-INITIAL_FORMS": str(formset.initial_form_count()),
        "assigned_on": "2020-03-20",
    }
    for form in formset:
        for name, value in form.initial.items():
            key = f"{form.prefix}-{name}"
            if name == "include":
                if value:
                    data[key] = "on"
            elif value not in (None, []):
                data[key] = value
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_office_assigns_the_sessions_accepted_proposals_from_one_table(client, walk, office):
    ready = [accepted(walk, walk.unit_a, walk.unit_b) for _ in range(3)]
    no_units = accepted(walk)
    client.force_login(office)
    page = client.get(reverse("pages:assign-batch"))
    assert page.status_code == 200
    assert len(page.context["rows"]) == 4
    data = _posted(page)
    assert "form-3-include" not in data  # no suggestion, so not ticked
    response = client.post(reverse("pages:assign-batch"), data)
    assert response.status_code == 200, response.context["formset"].errors
    lists = dict(response.context["lists"])
    assert {unit.pk: len(rows) for unit, rows in lists.items()} == {
        walk.unit_a.pk: 3,
        walk.unit_b.pk: 3,
    }
    assert all(Proposal.objects.get(pk=p.pk).status == S.ASSIGNED for p in ready)
    assert Proposal.objects.get(pk=no_units.pk).status == S.ACCEPTED


def test_a_refused_row_is_marked_and_nothing_is_assigned(client, walk, office):
    first, second = accepted(walk, walk.unit_a), accepted(walk, walk.unit_b)
    client.force_login(office)
    page = client.get(reverse("pages:assign-batch"))
    # Meanwhile another clerk assigns the second proposal on its own page.
    walk.assign(second)
    response = client.post(reverse("pages:assign-batch"), _posted(page))
    assert response.status_code == 400
    assert "form-errors" in response.content.decode()
    assert Proposal.objects.get(pk=first.pk).status == S.ACCEPTED
    assert not first.assignments.exists()


def test_a_ticked_row_needs_its_lead_unit(client, walk, office):
    accepted(walk, walk.unit_a)
    client.force_login(office)
    page = client.get(reverse("pages:assign-batch"))
    response = client.post(reverse("pages:assign-batch"), _posted(page, **{"form-0-lead": None}))
    assert response.status_code == 400
    assert response.context["formset"].forms[0].errors["lead"]
    assert not Assignment.objects.exists()


def test_the_batch_table_reads_a_fixed_number_of_queries(client, walk, office):
    client.force_login(office)
    queries = []
    for size in (2, 12):
        while Proposal.objects.filter(status=S.ACCEPTED).count() < size:
            accepted(walk, walk.unit_a, walk.unit_b)
        with CaptureQueriesContext(connection) as read:
            response = client.get(reverse("pages:assign-batch"))
        assert len(response.context["rows"]) == size
        queries.append(len(read))
    assert queries[0] == queries[1], queries


def test_a_reply_date_before_the_assignment_is_refused_in_words(walk, office):
    proposal = accepted(walk, walk.unit_a)
    early = services.UnitAssignment(walk.unit_a, AssignmentRole.LEAD, datetime.date(2020, 3, 1))
    with pytest.raises(services.BatchRefused) as refused:
        services.proposals_assign_batch(
            rows=[services.BatchRow(proposal, [early])],
            by=office,
            assigned_on=datetime.date(2020, 3, 20),
        )
    ((_proposal, reason),) = refused.value.refused
    assert "2020-03-01" in reason
    assert not Assignment.objects.exists()
