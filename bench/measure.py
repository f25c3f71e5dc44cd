"""Measure one database (run by bench/run.py, once per archive size, as its own process so
that each size has its own DATABASE_URL). Prints one JSON object: per request, the median
and p95 time and the SQL queries per request; the floor and the naive ways side by side;
the export's time and peak memory.

Requests go through Django's test client in this process — the whole stack (middleware,
authentication, scoping, filters, serializers, templates) without the network, so that the
numbers are the app's, not the loopback's. bench/run.py measures requests per second over
HTTP separately, under gunicorn.
"""

import datetime
import json
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hcppcc.settings")

import django

django.setup()

import orjson  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework import pagination, serializers, viewsets  # noqa: E402
from rest_framework.test import APIRequestFactory, force_authenticate  # noqa: E402

from hcppcc.directory.choices import Role  # noqa: E402
from hcppcc.directory.models import User  # noqa: E402
from hcppcc.directory.services import user_set_roles  # noqa: E402
from proposals.models import Assignment, Category, Proposal  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))


def timed(call, repeat: int = REPEAT) -> dict:
    """Median and p95 milliseconds of ``call()`` and the queries it ran (the last time)."""
    call()  # warm: connections, caches, the planner's statistics
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "median": round(statistics.median(times), 1),
        "p95": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
        "queries": len(queries.captured_queries),
    }


def office() -> User:
    user = User.objects.filter(username="bench_office").first()
    if user is None:
        user = User.objects.create(username="bench_office")
    return user_set_roles(user=user, roles=[Role.PROPOSAL_OFFICE])


def get(client: Client, url: str):
    def call():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if hasattr(response, "streaming_content"):
            for _ in response.streaming_content:
                pass
        return response

    return call


# The floor: the default page of the list API as one hand-written query, serialized by
# orjson — what the page costs with no framework at all.
FLOOR_SQL = """
SELECT p.id, s.label, p.case_number, p.registration_number, p.title, p.situation,
       p.suggestions, p.explanation, c.name, p.proposer_kind, m.name, p.status, p.is_key,
       p.handling_round, p.submitted_at, p.reviewed_at, p.replied_at, p.closed_at,
       coalesce((SELECT json_agg(json_build_object(
                   'id', a.id, 'unit', u.name, 'role', a.role, 'status', a.status,
                   'assigned_on', a.assigned_on, 'due_on', a.due_on, 'round', a.round)
                 ORDER BY a.role, a.id)
                 FROM proposals_assignment a JOIN directory_handlingunit u ON u.id = a.unit_id
                 WHERE a.proposal_id = p.id), '[]')
FROM proposals_proposal p
JOIN directory_session s ON s.id = p.session_id
LEFT JOIN proposals_category c ON c.id = p.category_id
LEFT JOIN directory_member m ON m.id = p.lead_member_id
ORDER BY p.id DESC LIMIT 50
"""
FLOOR_COLUMNS = (
    "id", "session", "case_number", "registration_number", "title", "situation",
    "suggestions", "explanation", "category", "proposer_kind", "proposer", "status", "is_key",
    "handling_round", "submitted_at", "reviewed_at", "replied_at", "closed_at", "assignments",
)  # fmt: skip


TABLE = "proposals_proposal"


def floor() -> bytes:
    raw = connection.connection  # psycopg's own connection, no Django in between
    with raw.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE relname = 'proposals_proposal'"
        )
        count = cursor.fetchone()[0]
        cursor.execute(FLOOR_SQL)
        rows = [dict(zip(FLOOR_COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    return orjson.dumps({"count": count, "results": rows})


class NaiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Proposal
        fields = "__all__"


class NaivePagination(pagination.PageNumberPagination):
    page_size = 50


class NaiveViewSet(viewsets.ModelViewSet):
    """The naive way: a ModelViewSet with a default ModelSerializer, no query tuning."""

    queryset = Proposal.objects.all().order_by("-id")
    serializer_class = NaiveSerializer
    pagination_class = NaivePagination


def naive(user):
    view = NaiveViewSet.as_view({"get": "list"})
    factory = APIRequestFactory()

    def call():
        request = factory.get("/naive/proposals/", HTTP_HOST="localhost")
        force_authenticate(request, user=user)
        response = view(request)
        response.render()
        assert response.status_code == 200

    return call


def export_peak(client: Client, url: str) -> dict:
    """Stream the export to nowhere; its time, rows and peak Python memory."""
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get(url)
    rows = sum(chunk.count(b"\n") for chunk in response.streaming_content)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"rows": rows - 1, "seconds": round(seconds, 1), "peak_mb": round(peak / 2**20, 1)}


def main() -> None:
    user = office()
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    total = Proposal.objects.count()
    current = Proposal.objects.aggregate(top=Max("session"))["top"]
    unit = (
        Assignment.objects.filter(proposal__session=current).values_list("unit", flat=True).first()
    )
    category = Category.objects.order_by("pk").values_list("pk", flat=True).first()
    lists = {
        "list API, default page": "/api/v1/proposals/",
        "list API, status + session + unit": (
            f"/api/v1/proposals/?status=handling&session={current}&unit={unit}"
        ),
        "list API, overdue": "/api/v1/proposals/?overdue=true",
        "list API, category + result class": (
            f"/api/v1/proposals/?category={category}&result_class=B"
        ),
        "search, 3 characters (管网改)": "/api/v1/proposals/?q=管网改",
        "search, 2 characters (养老)": "/api/v1/proposals/?q=养老",
        "proposal detail API": f"/api/v1/proposals/{Proposal.objects.order_by('-pk')[100].pk}/",
        "staff proposal list page": "/proposals/",
        "dashboard (this session)": "/dashboard/",
    }
    results = {"proposals": total, "requests": {}}
    for name, url in lists.items():
        results["requests"][name] = {"url": url, **timed(get(client, url))}
    results["requests"]["floor: raw SQL + orjson"] = timed(floor)
    results["requests"]["naive: plain DRF ModelViewSet"] = timed(naive(user), repeat=5)
    results["requests"]["naive: admin changelist"] = timed(
        get(client, "/admin/proposals/proposal/"), repeat=5
    )
    # An export of about 100,000 rows: the whole archive at 100k, its latest sessions at 1M.
    sessions = list(Proposal.objects.values("session").annotate(n=Max("pk")).order_by("-session"))
    per_session = max(1, total // max(1, len(sessions)))
    years = max(1, round(100_000 / per_session))
    since = datetime.date.today().year - years + 1
    url = f"/api/v1/proposals/?format=csv&submitted_after={since}-01-01"
    if total <= 100_000:
        url = "/api/v1/proposals/?format=csv"
    results["export"] = {"url": url, **export_peak(client, url)}
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
