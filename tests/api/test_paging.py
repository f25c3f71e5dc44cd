"""Lists of a big table report PostgreSQL's estimate of its size instead of counting it."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from proposals.choices import ProposalStatus


def _count(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.json()["count"]


@pytest.fixture
def five(walk):
    for _ in range(5):
        walk.to(ProposalStatus.SUBMITTED)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE proposals_proposal")  # what autovacuum does in time
    walk.to(ProposalStatus.SUBMITTED)  # a sixth, after the statistics were taken
    client = APIClient()
    client.force_authenticate(walk.office)
    return client


@pytest.mark.postgres
def test_an_unfiltered_list_of_a_big_table_reports_the_estimate(five, settings):
    settings.HCPPCC_EXACT_COUNT_BELOW = 3  # five rows are "big" here
    assert _count(five, "/api/v1/proposals/") == 5  # the planner's estimate, not counted
    assert _count(five, "/api/v1/proposals/?status=submitted") == 6  # filtered: counted


def test_small_tables_and_other_databases_are_counted_exactly(five, settings):
    assert _count(five, "/api/v1/proposals/") == 6
    settings.HCPPCC_EXACT_COUNT_BELOW = 3
    expected = 5 if connection.vendor == "postgresql" else 6
    assert _count(five, "/api/v1/proposals/") == expected


@pytest.mark.parametrize("exact_below", [3, 100])
def test_a_page_costs_the_same_queries_whether_counted_or_estimated(
    five, settings, exact_below, django_assert_num_queries
):
    settings.HCPPCC_EXACT_COUNT_BELOW = exact_below
    five.get("/api/v1/proposals/")  # the user's roles are read once per client
    with django_assert_num_queries(3):  # size, page, the page's assignments
        five.get("/api/v1/proposals/")
