"""On a table big enough for PostgreSQL's planner to prefer an index, the searches and the
typical filtered lists read proposals through an index, never by scanning the table."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Max

from proposals.filtersets import ProposalFilterSet
from proposals.models import Assignment, Category, Proposal
from seeds import scale

pytestmark = pytest.mark.postgres


@pytest.fixture
def archive(db):
    call_command("load_seeds", verbosity=0)
    scale.generate(60_000, seed=3, report=lambda line: None)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # inside the test's transaction, it sees these rows


def _plan(params: dict) -> str:
    queryset = ProposalFilterSet(params, queryset=Proposal.objects.order_by("-id")).qs
    return queryset[:50].explain()


def _cases() -> dict[str, dict]:
    current = Proposal.objects.aggregate(top=Max("session"))["top"]
    unit = Assignment.objects.filter(proposal__session=current).values("unit").first()["unit"]
    return {
        "search, 1 character": {"q": "热"},
        "search, 2 characters": {"q": "养老"},
        "search, 3 characters": {"q": "管网改"},
        "status + session + unit": {"status": "handling", "session": current, "unit": unit},
        "overdue": {"overdue": "true"},
        "category + result class": {
            "category": Category.objects.values("pk").first()["pk"],
            "result_class": "B",
        },
        "ordered by case number": {"ordering": "case_number"},
    }


def test_searches_and_typical_filters_use_an_index(archive):
    scans = {}
    for name, params in _cases().items():
        plan = _plan(params)
        assert "Index" in plan, (name, plan)
        if "Seq Scan on proposals_proposal" in plan:
            scans[name] = plan
    assert not scans, scans
