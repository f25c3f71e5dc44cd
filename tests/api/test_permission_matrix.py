"""Every API endpoint × every role, the anonymous caller and a user without a role.

The endpoints come from the router: each registered ViewSet's list and detail, its create
and update where it has them, and every workflow step it declares. The expected outcome of
each comes from the tables below, written from DESIGN.md's role table rather than from the
code; a ViewSet or step added without a row here fails ``test_the_tables_cover_the_router``.
"""

import pytest
from django.apps import apps
from django.db.models import Max
from django.urls import URLPattern
from rest_framework.test import APIClient

from hcppcc.api_urls import router
from proposals.choices import AssignmentRole, ProposalStatus

pytestmark = pytest.mark.django_db

OFFICE, STAFF, LEADER, UNIT_A, UNIT_B, MEMBER, AUDITOR = (
    "office",
    "committee_staff",
    "leader",
    "unit_a_user",
    "unit_b_user",
    "member_user",
    "auditor",
)
EVERYONE = frozenset({OFFICE, STAFF, LEADER, UNIT_A, UNIT_B, MEMBER, AUDITOR})
UNITS = frozenset({UNIT_A, UNIT_B})
COMMITTEE_WORK_READERS = EVERYONE - UNITS - {MEMBER}
OFFICE_ONLY = frozenset({OFFICE})

# prefix -> who finds records in its list (the others get an empty list, and 404 on detail)
READERS = {
    "sessions": EVERYONE,
    "committees": EVERYONE,
    "sectors": EVERYONE,
    "organizations": EVERYONE,
    "members": EVERYONE,
    "units": EVERYONE,
    "proposals": EVERYONE,
    # Committee staff read proposals (to link activities to them), not their handling.
    "assignments": EVERYONE - {STAFF},
    # Replies and requests are unit A's, the lead unit: unit B (joint) sees its own only.
    "replies": EVERYONE - {STAFF, UNIT_B},
    # Feedback and supervision are the handling's: not committee staff's.
    "feedback": EVERYONE - {STAFF},
    # Requests are between a unit and the office: not the proposer's.
    "return-requests": EVERYONE - {STAFF, UNIT_B, MEMBER},
    "extension-requests": EVERYONE - {STAFF, UNIT_B, MEMBER},
    "key-nominations": EVERYONE - {STAFF},
    "supervisions": EVERYONE - {STAFF},
    # Look-back reviews are proposal work: not committee staff's.
    "lookback-campaigns": frozenset({OFFICE, LEADER, AUDITOR}),
    "lookback-items": frozenset({OFFICE, LEADER, AUDITOR}),
    "activities": COMMITTEE_WORK_READERS,
    "opinion-reports": COMMITTEE_WORK_READERS,
    "bulletins": COMMITTEE_WORK_READERS,
}

# Endpoints of what is each person's own whatever their role (their notices): each reads
# theirs (tests/notices); the role matrix below does not apply to them.
PERSONAL = {"notifications"}
# Routes beyond list, detail and steps: a batch of steps, a notice marked read.
EXTRA_ROUTES = {"proposal-assign-batch", "notice-read", "notice-read-all"}

# prefix -> who may create and edit records (others: 403 when they can see the record)
WRITERS = {
    "sessions": OFFICE_ONLY,
    "committees": OFFICE_ONLY,
    "sectors": OFFICE_ONLY,
    "organizations": OFFICE_ONLY,
    "units": OFFICE_ONLY,
    "members": frozenset({OFFICE, STAFF}),  # committee staff keep members' details
    "proposals": frozenset({OFFICE, MEMBER}),  # a member drafts in their own name
    "lookback-campaigns": OFFICE_ONLY,
    "activities": frozenset({STAFF}),
    "opinion-reports": frozenset({STAFF}),
    "bulletins": frozenset({STAFF}),
}
# ... and who may create them: committee staff edit members, the office enrols them.
CREATORS = {**WRITERS, "members": OFFICE_ONLY}

_MEMBER_OWN = frozenset({OFFICE, MEMBER})
_UNIT_OWN = OFFICE_ONLY | UNITS
# prefix -> step -> who may take it on a record they can see (whatever its state)
STEP_TAKERS = {
    "proposals": {
        "submit": _MEMBER_OWN,
        "complete-cosigning": _MEMBER_OWN,
        "accept": OFFICE_ONLY,
        "reject": OFFICE_ONLY,
        "merge": OFFICE_ONLY,
        "convert": OFFICE_ONLY,
        "return-for-revision": OFFICE_ONLY,
        "withdraw": _MEMBER_OWN,
        "assign": OFFICE_ONLY,
        "add-unit": OFFICE_ONLY,
        "feedback": _MEMBER_OWN,
        "nominate-key": OFFICE_ONLY,
        "plan-supervision": OFFICE_ONLY,
        "publish": OFFICE_ONLY,
    },
    "assignments": {
        "acknowledge": _UNIT_OWN,
        "request-return": _UNIT_OWN,
        "request-extension": _UNIT_OWN,
        "log-contact": _UNIT_OWN,
        "submit-opinion": _UNIT_OWN,
        "submit-reply": _UNIT_OWN,
    },
    "replies": {"approve": OFFICE_ONLY, "send-back": OFFICE_ONLY, "publish": OFFICE_ONLY},
    "return-requests": {"decide": OFFICE_ONLY},
    "extension-requests": {"decide": OFFICE_ONLY},
    "key-nominations": {"decide": OFFICE_ONLY},
    "supervisions": {
        "record-event": frozenset({OFFICE, LEADER}),  # the leader leads this supervision
        "report": frozenset({OFFICE, LEADER}),
    },
    "lookback-items": {"findings": OFFICE_ONLY, "decide": OFFICE_ONLY},
    "activities": {"mark-done": frozenset({STAFF})},
    "opinion-reports": {
        "adopt": frozenset({STAFF}),
        "decline": frozenset({STAFF}),
        "send-upward": frozenset({STAFF}),
    },
}


def endpoints():
    """(prefix, ViewSet, steps) for every registration of the router."""
    for prefix, viewset, _basename in router.registry:
        workflow = getattr(viewset, "workflow", None)
        yield prefix, viewset, [step.name for step in workflow.steps] if workflow else []


def test_the_tables_cover_the_router():
    assert set(READERS) == {prefix for prefix, _v, _s in endpoints()} - PERSONAL
    assert set(WRITERS) == {prefix for prefix, v, _s in endpoints() if hasattr(v, "create")}
    assert {prefix: set(steps) for prefix, steps in STEP_TAKERS.items()} == {
        prefix: set(steps) for prefix, _v, steps in endpoints() if steps
    }
    # Every route the router serves is one this module requests: list, detail, step.
    names = {p.name for p in router.urls if isinstance(p, URLPattern)}
    expected = {"api-root"} | EXTRA_ROUTES
    for _prefix, viewset, basename in router.registry:
        expected |= {f"{basename}-list", f"{basename}-detail"}
        if hasattr(viewset, "workflow"):
            expected.add(f"{basename}-step")
    assert names == expected


@pytest.fixture
def world(a_bit_of_everything, walk, unit_c):
    """Everything, plus a proposal only unit C handles (outside units A's and B's scope)
    and one another member drafted (outside the member's)."""
    from proposals import services
    from tests.factories import MemberFactory
    from tests.proposals.conftest import draft_proposal

    services.proposal_create(proposal=draft_proposal(walk.session, MemberFactory()), by=walk.office)

    other = walk.to(ProposalStatus.ACCEPTED)
    services.proposal_assign(
        proposal=other,
        by=walk.office,
        units=[services.UnitAssignment(unit_c, AssignmentRole.LEAD)],
    )
    return walk


def _client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _ids(client, prefix) -> set[int]:
    response = client.get(f"/api/v1/{prefix}/", {"page_size": 500})
    assert response.status_code == 200, (prefix, response.status_code)
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("name", sorted(EVERYONE))
def test_every_endpoint_answers_each_role_as_the_tables_say(name, world, request):
    user = request.getfixturevalue(name)
    office, client = _client(world.office), _client(user)
    outcomes = []
    for prefix, viewset, steps in endpoints():
        if prefix in PERSONAL:
            continue
        everything = _ids(office, prefix)
        seen = _ids(client, prefix)
        assert seen <= everything, prefix
        assert bool(seen) == (name in READERS[prefix]), prefix
        partial = (name in UNITS and prefix in ("proposals", "assignments")) or (
            name == MEMBER and prefix == "proposals"
        )
        if partial:
            assert seen < everything, f"{name} sees all {prefix}"
        # The newest record, and one outside the caller's scope where there is one.
        records = {max(everything)} | ({min(everything - seen)} if everything - seen else set())
        for pk in records:
            visible = pk in seen
            url = f"/api/v1/{prefix}/{pk}/"
            outcomes.append((url, "GET", client.get(url).status_code, 200 if visible else 404))
            if hasattr(viewset, "partial_update"):
                code = _unchanged_unless_allowed(client.patch, url, {})
                writer = name in WRITERS[prefix]
                allowed = {200, 409} if writer else {403}
                outcomes.append((url, "PATCH", code, allowed if visible else 404))
            for step in steps:
                code = _unchanged_unless_allowed(client.post, f"{url}{step}/", {})
                taker = name in STEP_TAKERS[prefix][step]
                allowed = {200, 400, 409} if taker else {403}
                outcomes.append((f"{url}{step}/", "POST", code, allowed if visible else 404))
        if hasattr(viewset, "create"):
            code = _unchanged_unless_allowed(client.post, f"/api/v1/{prefix}/", {})
            allowed = 400 if name in CREATORS[prefix] else 403  # an empty body is bad input
            outcomes.append((f"/api/v1/{prefix}/", "POST", code, allowed))
    wrong = [
        (url, method, code, expected)
        for url, method, code, expected in outcomes
        if code not in (expected if isinstance(expected, set) else {expected})
    ]
    assert not wrong, wrong


def _snapshot() -> tuple:
    """Every row count and latest save of the app's tables."""
    state = []
    for label in ("directory", "proposals", "activities"):
        for model in apps.get_app_config(label).get_models():
            state.append(model.objects.count())
            if any(f.name == "updated_at" for f in model._meta.fields):
                state.append(model.objects.aggregate(latest=Max("updated_at"))["latest"])
    return tuple(state)


def _unchanged_unless_allowed(send, url, body) -> int:
    """Send; a refused request must leave every table as it was."""
    before = _snapshot()
    code = send(url, body, format="json").status_code
    if code >= 400:
        assert _snapshot() == before, (url, code)
    return code


def test_anonymous_and_role_less_callers_get_nothing_anywhere(world, no_role_user):
    for client, refused in ((_client(None), {401, 403}), (_client(no_role_user), {403})):
        for prefix, viewset, steps in endpoints():
            base = f"/api/v1/{prefix}/"
            pk = 1
            calls = [(client.get, base), (client.get, f"{base}{pk}/")]
            calls += [(client.post, f"{base}{pk}/{step}/") for step in steps]
            if hasattr(viewset, "create"):
                calls.append((client.post, base))
            if hasattr(viewset, "partial_update"):
                calls.append((client.patch, f"{base}{pk}/"))
            for send, url in calls:
                assert send(url, {}, format="json").status_code in refused, url
