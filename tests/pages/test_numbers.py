"""Where a proposal has no case number (案号) yet, the pages say so — 未立案, with its
registration number (登记号) once it has one — rather than "暂存" (draft), which is a status."""

import pytest
from django.urls import reverse

from proposals.choices import ProposalStatus
from tests.proposals.conftest import refreshed

pytestmark = pytest.mark.django_db
S = ProposalStatus


def test_a_submitted_proposal_without_case_number_reads_not_filed(client, office, walk):
    submitted = walk.to(S.SUBMITTED)
    assert submitted.case_number is None
    client.force_login(office)
    detail = client.get(reverse("pages:proposal", args=[submitted.pk])).content.decode()
    expected = f"未立案（登记号 {submitted.registration_display}）"
    assert f'<span id="number">{expected}</span>' in detail
    assert f'aria-current="page">{expected}<' in detail  # the breadcrumb, not "暂存"
    row = client.get(reverse("pages:proposals")).content.decode()
    assert expected in row
    printed = client.get(reverse("pages:proposal", args=[submitted.pk]), {"print": 1})
    assert expected in printed.content.decode()


def test_a_rejected_proposal_keeps_saying_not_filed(client, office, walk):
    rejected = walk.to(S.NOT_ACCEPTED)
    client.force_login(office)
    detail = client.get(reverse("pages:proposal", args=[rejected.pk])).content.decode()
    assert f'<span id="number">未立案（登记号 {rejected.registration_display}）</span>' in detail


def test_a_draft_reads_not_filed_and_a_filed_proposal_its_case_number(client, office, walk):
    draft = walk.to(S.DRAFT)
    accepted = refreshed(walk.to(S.ACCEPTED))
    client.force_login(office)
    detail = client.get(reverse("pages:proposal", args=[draft.pk])).content.decode()
    assert '<span id="number">未立案</span>' in detail
    detail = client.get(reverse("pages:proposal", args=[accepted.pk])).content.decode()
    assert f'<span id="number">{accepted.number_display}</span>' in detail
