"""Lists of a big table report PostgreSQL's estimate of its size instead of counting it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from proposals.choices import ProposalStatus


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    counted = any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    return response.json()["count"], counted


@pytest.fixture
def five(walk):
    for _ in range(5):
        walk.to(ProposalStatus.SUBMITTED)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE proposals_proposal")  # what autovacuum does in time
    client = APIClient()
    client.force_authenticate(walk.office)
    return client


@pytest.mark.postgres
def test_an_unfiltered_list_of_a_big_table_is_not_counted(five, settings):
    settings.HCPPCC_EXACT_COUNT_BELOW = 3  # five rows are "big" here
    assert _get(five, "/api/v1/proposals/") == (5, False)  # the planner's estimate
    assert _get(five, "/api/v1/proposals/?status=submitted") == (5, True)  # filtered: counted


def test_small_tables_and_other_databases_are_counted_exactly(five, settings):
    assert _get(five, "/api/v1/proposals/") == (5, True)
    settings.HCPPCC_EXACT_COUNT_BELOW = 3
    count, counted = _get(five, "/api/v1/proposals/")
    assert count == 5
    assert counted == (connection.vendor != "postgresql")
