"""The synthetic archive for measuring (generate_scale): its shape, and that the same seed
writes the same archive."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from proposals.choices import AssignmentRole, AssignmentStatus, ProposalStatus
from proposals.models import Assignment, Proposal, Reply
from seeds import scale


@pytest.fixture
def seeded(db):
    call_command("load_seeds", verbosity=0)


class Undo(Exception):
    pass


def _archive(seed: int) -> list[tuple]:
    """The proposals a run writes, as (session, registration number, title, status); the
    run is rolled back afterwards."""
    try:
        with transaction.atomic():
            before = set(Proposal.objects.values_list("pk", flat=True))
            scale.generate(300, seed=seed, report=lambda line: None)
            rows = list(
                Proposal.objects.exclude(pk__in=before)
                .order_by("session__year", "registration_number")
                .values_list("session__year", "registration_number", "title", "status")
            )
            raise Undo
    except Undo:
        return rows


def test_the_same_seed_writes_the_same_archive(seeded):
    first = _archive(seed=7)
    assert len(first) == 300
    assert _archive(seed=7) == first
    assert _archive(seed=8) != first


def test_the_archive_has_the_shape_of_a_real_one(seeded):
    counts = scale.generate(2000, seed=1, report=lambda line: None)
    assert counts["proposal"] == 2000
    sessions = Proposal.objects.values("session").annotate(n=Count("pk"))
    assert len(sessions) >= 30  # decades of sessions
    # Case numbers: unique and without gaps in every session, after the seeded ones.
    for session in {row["session"] for row in sessions}:
        numbers = sorted(
            Proposal.objects.filter(session=session, case_number__isnull=False).values_list(
                "case_number", flat=True
            )
        )
        assert numbers == list(range(1, len(numbers) + 1)), session
    accepted = Proposal.objects.filter(status=ProposalStatus.CLOSED)
    assert accepted.count() > 1000
    per_proposal = Assignment.objects.values("proposal").annotate(n=Count("pk"))
    assert {row["n"] for row in per_proposal} == {1, 2, 3}
    assert not accepted.exclude(assignments__role=AssignmentRole.LEAD).exists()
    # A reply only where an answering unit replied.
    assert not Reply.objects.exclude(assignment__status=AssignmentStatus.REPLIED).exists()
    assert not Reply.objects.filter(assignment__role=AssignmentRole.JOINT).exists()
    assert counts["opinionreport"] > counts["proposal"]  # as in 2020: 667 to 495


def test_the_app_reads_the_archive(seeded, client, office):
    scale.generate(500, seed=1, report=lambda line: None)
    client.force_login(office)
    assert client.get("/api/v1/proposals/?status=closed").status_code == 200
    assert client.get("/proposals/?q=垃圾").status_code == 200
    assert client.get("/dashboard/").status_code == 200
