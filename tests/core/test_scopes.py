"""One scope path: for each role and each model, the admin, the staff pages and the API
show the same records of one world.

Each door is asked what it would list (the admin's changelist queryset, the page's rows,
the API's list queryset) wherever it opens to the role at all; any two that open must
agree, record for record. A door that does not open to a role is no disagreement: members
do not use the admin.
"""

from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.test import RequestFactory

from hcppcc.api_urls import router
from hcppcc.core.workflow.admin import ScopedAdmin
from hcppcc.directory.permissions import HasRole
from pages import lists as pages
from pages import supervision as supervision_pages
from pages import work as work_pages
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db


def _list_pages() -> dict:
    """Model → the staff page that lists it."""
    found = {}
    modules = (pages, work_pages, supervision_pages)
    for value in [item for module in modules for item in vars(module).values()]:
        is_list = isinstance(value, type) and issubclass(value, pages.FilteredList)
        if is_list and value.scope is not None:
            found[value.scope.model] = value
    return found


def _admin_ids(model, user):
    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        return None
    request = RequestFactory().get("/admin/")
    request.user = user
    if not model_admin.has_view_permission(request):
        return None
    return set(model_admin.get_queryset(request).values_list("pk", flat=True))


def _page_ids(page, user):
    if page is None or not page.opens(user):
        return None
    return set(page().records(user).values_list("pk", flat=True))


def _api_ids(viewset, user):
    request = SimpleNamespace(user=user, query_params={}, method="GET")
    if not HasRole().has_permission(request, None):
        return None
    view = viewset(request=request, action="list", format_kwarg=None, kwargs={})
    return set(view.get_queryset().values_list("pk", flat=True))


@pytest.fixture
def personas(request):
    return {name: request.getfixturevalue(name) for name in PERSONAS}


def test_the_admin_the_pages_and_the_api_show_each_role_the_same_records(world, personas):
    list_pages = _list_pages()
    apis = {viewset.scope.model: viewset for _p, viewset, _b in router.registry if viewset.scope}
    scoped_admins = {
        model
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ScopedAdmin) and model_admin.scope is not None
    }
    models = set(apis) | set(list_pages) | scoped_admins
    disagreements, compared = [], 0
    for model in sorted(models, key=lambda m: m._meta.label):
        for name, user in personas.items():
            doors = {
                "admin": _admin_ids(model, user) if model in scoped_admins else None,
                "pages": _page_ids(list_pages.get(model), user),
                "api": _api_ids(apis[model], user) if model in apis else None,
            }
            opened = {door: ids for door, ids in doors.items() if ids is not None}
            if len(opened) > 1:
                compared += 1
            if len({frozenset(ids) for ids in opened.values()}) > 1:
                sizes = {door: len(ids) for door, ids in opened.items()}
                disagreements.append((model._meta.label, name, sizes))
    assert disagreements == []
    # The comparison covered the lists people use, for several roles each.
    assert compared >= 30


def test_every_scoped_list_of_the_api_and_pages_shows_something_to_the_office(world, office):
    """The world is not empty where it matters: otherwise the agreement above is cheap."""
    for _p, viewset, _b in router.registry:
        if hasattr(viewset, "workflow"):
            assert _api_ids(viewset, office), viewset.__name__
    for page in _list_pages().values():
        assert _page_ids(page, office), page.__name__


def test_a_proposer_reads_approved_replies_alone_at_every_door(world, member_user):
    """The difference the one path closed: the admin once showed proposers every reply."""
    from proposals.choices import ReplyStatus
    from proposals.models import Reply

    api = next(v for _p, v, _b in router.registry if v.scope and v.scope.model is Reply)
    shown = _api_ids(api, member_user)
    assert shown
    statuses = set(Reply.objects.filter(pk__in=shown).values_list("status", flat=True))
    assert statuses == {ReplyStatus.APPROVED}
    assert _admin_ids(Reply, member_user) is None  # members do not use the admin


def test_a_proposal_lists_only_the_assignments_its_reader_may_see(
    world, committee_staff, unit_a_user, client
):
    from rest_framework.test import APIClient

    from proposals.models import Assignment

    api = APIClient()
    api.force_authenticate(committee_staff)
    rows = api.get("/api/v1/proposals/", {"page_size": 500}).json()["results"]
    assert rows
    assert all(row["assignments"] == [] for row in rows)  # staff read no handling
    api.force_authenticate(unit_a_user)
    rows = api.get("/api/v1/proposals/", {"page_size": 500}).json()["results"]
    shown = {a["id"] for row in rows for a in row["assignments"]}
    own = set(
        Assignment.objects.filter(unit=unit_a_user.handling_unit).values_list("pk", flat=True)
    )
    assert shown == own
    client.force_login(committee_staff)
    page = client.get("/proposals/").content.decode()
    assert world.walk.unit_a.name not in page
