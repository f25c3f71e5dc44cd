"""A handling unit's user asks for every record of the other units by id — through the
pages, their steps, the reply letters and the API, reading and writing — and is told
each time that there is no such record (404), with nothing written."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from hcppcc.api_urls import router
from hcppcc.directory.choices import Role
from hcppcc.directory.services import user_set_roles
from pages.records import STEP_RECORDS
from proposals import services
from proposals.choices import AssignmentRole, ProposalStatus
from proposals.models import Assignment, Proposal, Reply
from tests.api.test_permission_matrix import _snapshot
from tests.factories import UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture
def unit_c_user(unit_c):
    return user_set_roles(
        user=UserFactory(username="unit_c"), roles=[Role.HANDLING_UNIT], handling_unit=unit_c
    )


@pytest.fixture
def others_and_own(a_bit_of_everything, walk, unit_c, settings, tmp_path):
    """Everything of units A and B (a reply letter on file too), and one proposal of C's."""
    settings.MEDIA_ROOT = tmp_path
    handling = walk.to(ProposalStatus.HANDLING)
    services.assignment_submit_reply(
        assignment=walk.lead(handling),
        by=walk.office,
        result_class=walk.ref["A"],
        text="已办理。",
        signer="王局长",
        reply_date=datetime.date(2020, 7, 1),
        file=SimpleUploadedFile("答复函.pdf", PDF),
    )
    walk.to(ProposalStatus.AWAITING_COSIGNERS)  # a co-signing invitation, not C's
    own = walk.to(ProposalStatus.ACCEPTED)
    services.proposal_assign(
        proposal=own,
        by=walk.office,
        units=[services.UnitAssignment(unit_c, AssignmentRole.LEAD)],
    )
    return own


def _foreign(model, unit_field: str, unit) -> list[int]:
    return list(model.objects.exclude(**{unit_field: unit}).values_list("pk", flat=True))


def test_every_record_of_another_unit_is_404_everywhere(client, walk, others_and_own, unit_c_user):
    unit = unit_c_user.handling_unit
    own = others_and_own
    client.force_login(unit_c_user)
    # The control: the unit's own records open.
    assert client.get(reverse("pages:proposal", args=[own.pk])).status_code == 200
    own_assignment = own.assignments.get()
    assert client.get(reverse("pages:assignment", args=[own_assignment.pk])).status_code == 200

    foreign = {
        "proposal": list(Proposal.objects.exclude(pk=own.pk).values_list("pk", flat=True)),
        "assignment": _foreign(Assignment, "unit", unit),
        "reply": _foreign(Reply, "assignment__unit", unit),
    }
    for kind, records in STEP_RECORDS.items():
        if kind not in foreign:
            everything = records.records(walk.office)  # the office sees every record
            foreign[kind] = list(everything.values_list("pk", flat=True))
    assert all(foreign.values()), {kind: len(ids) for kind, ids in foreign.items()}
    assert Reply.objects.exclude(file="").exists()

    before = _snapshot()
    wrong, asked = [], 0

    def expect_404(method, url):
        nonlocal asked
        asked += 1
        code = method(url).status_code
        if code != 404:
            wrong.append((url, code))

    for pk in foreign["proposal"]:
        expect_404(client.get, reverse("pages:proposal", args=[pk]))
        expect_404(client.get, reverse("pages:proposal-edit", args=[pk]))
    for pk in foreign["assignment"]:
        expect_404(client.get, reverse("pages:assignment", args=[pk]))
    for pk in foreign["reply"]:
        expect_404(client.get, reverse("pages:reply-file", args=[pk]))
    for kind, records in STEP_RECORDS.items():
        for pk in foreign[kind]:
            for step in records.workflow.steps:
                url = reverse("pages:step", args=[kind, pk, step.name])
                expect_404(client.get, url)
                expect_404(client.post, url)

    api = APIClient()
    api.force_authenticate(unit_c_user)
    prefixes = {basename: (prefix, viewset) for prefix, viewset, basename in router.registry}
    for kind, ids in foreign.items():
        if kind not in prefixes:
            continue
        prefix, viewset = prefixes[kind]
        for pk in ids:
            expect_404(api.get, f"/api/v1/{prefix}/{pk}/")
            if hasattr(viewset, "partial_update"):
                expect_404(api.patch, f"/api/v1/{prefix}/{pk}/")
            for step in viewset.workflow.steps if hasattr(viewset, "workflow") else []:
                expect_404(api.post, f"/api/v1/{prefix}/{pk}/{step.name}/")

    assert not wrong, wrong
    assert _snapshot() == before
    assert asked > 300
