"""Every admin URL × every role and the anonymous visitor.

The URLs come from the admin site itself, so a view added later is requested here too; a
URL this test cannot classify fails it. What each role may do with each model is the
group's permissions (checked against DESIGN.md's role table in test_roles.py); this test
checks that every admin view, the custom ones included, applies them — and that records
never get added where only a workflow step creates them, nor deleted at all.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.urls import URLPattern, URLResolver, reverse
from simple_history.admin import SimpleHistoryAdmin

from hcppcc.core.workflow.admin import WorkflowAdmin

PERSONAS = (
    "office",
    "committee_staff",
    "leader",
    "unit_a_user",
    "unit_b_user",
    "member_user",
    "auditor",
)
STANDARD = ("changelist", "add", "change", "history", "delete")
# Records that only a workflow step (or the record they belong to) creates.
CREATED_BY_STEPS = {
    "proposals.assignment",
    "proposals.returnrequest",
    "proposals.extensionrequest",
    "proposals.reply",
    "proposals.cosigner",
    "proposals.keynomination",
    "proposals.supervision",
    "proposals.lookbackitem",
}
# Custom pages → the model whose view permission opens them.
CUSTOM_VIEWS = {
    "proposals_proposal_scorecards": "proposals.proposal",
    "activities_yearly_figures": "activities.activity",
    "activities_duty_scorecards": "activities.activity",
}
# Site pages every user with admin access opens.
SITE_VIEWS = {"index": 200, "password_change": 200, "password_change_done": 200, "jsi18n": 200}
# Not requested, and why.
ELSEWHERE = {
    "login": "sign-in: tests/directory/test_access.py and test_two_factor.py",
    "logout": "POST only; tests/directory/test_access.py",
    "autocomplete": "needs a field to complete; answers 403 without one (asserted below)",
    "view_on_site": "no model here defines get_absolute_url",
    "app_list": "asserted below for each app",
    "otp_totp_totpdevice_config": "superusers only (no role holds TOTP permissions)",
    "otp_totp_totpdevice_qrcode": "superusers only (no role holds TOTP permissions)",
}


def _names(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern.name


def _model_views():
    """(url name, model admin, view) for every model's standard and extra views."""
    for model, model_admin in admin.site._registry.items():
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        for view in STANDARD:
            yield f"{info}_{view}", model_admin, view
        if isinstance(model_admin, WorkflowAdmin):
            yield f"{info}_step", model_admin, "step"
        if isinstance(model_admin, SimpleHistoryAdmin):
            yield f"{info}_simple_history", model_admin, "version"
        if isinstance(model_admin, DjangoUserAdmin):
            yield "auth_user_password_change", model_admin, "password"


def test_every_admin_url_is_classified():
    known = {name for name, _, _ in _model_views()} | set(CUSTOM_VIEWS)
    known |= set(SITE_VIEWS) | set(ELSEWHERE)
    # The models' own autocomplete is one site view; the TOTP admin adds its two above.
    unclassified = set(_names(admin.site.get_urls())) - known
    assert not unclassified, unclassified


def _perm(user, model, verb: str) -> bool:
    return user.has_perm(f"{model._meta.app_label}.{verb}_{model._meta.model_name}")


def _expected(user, model_admin, view: str, record) -> set[int]:
    model = model_admin.model
    label = model._meta.label_lower
    reads = _perm(user, model, "view") or _perm(user, model, "change")
    if view == "changelist":
        return {200} if reads else {403}
    if view == "add":
        may_add = _perm(user, model, "add") and label not in CREATED_BY_STEPS
        # A proposal is added as a draft by the office only.
        return {200} if may_add else {403}
    if view == "delete":
        return {403}  # nothing is deleted in the admin
    if view == "password":
        return {403}  # another user's password: superusers only
    visible = record is not None and model_admin.get_queryset(_request(user)).filter(pk=record.pk)
    if view == "step":
        if not reads:
            return {403}
        # The step's form, or back to the record when the step does not apply now.
        return {200, 302} if visible else {404}
    if not reads:
        # Refused; Django's plain history view looks the record up first and answers a
        # record outside the user's scope with "not found" (back to the index) instead.
        return {403} if visible else {302, 403}
    return {200} if visible else {302}


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _url(name: str, view: str, record, model_admin) -> str | None:
    if view in ("changelist", "add"):
        return reverse(f"admin:{name}")
    if record is None:
        return None
    if view == "step":
        return reverse(f"admin:{name}", args=[record.pk, model_admin.workflow.steps[0].name])
    if view == "version":
        version = record.history.order_by("history_id").first()
        return reverse(f"admin:{name}", args=[record.pk, version.history_id])
    return reverse(f"admin:{name}", args=[record.pk])


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_admin_url_answers_each_role_as_its_permissions_say(
    persona, request, client, a_bit_of_everything
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    staff = user.is_staff
    wrong, requested = [], 0
    for name, model_admin, view in _model_views():
        record = model_admin.model._default_manager.order_by("pk").first()
        url = _url(name, view, record, model_admin)
        if url is None:
            continue
        requested += 1
        response = client.get(url)
        expected = _expected(user, model_admin, view, record) if staff else {302}
        if response.status_code not in expected:
            wrong.append((url, response.status_code, expected))
        if not staff:
            assert response["Location"].startswith(reverse("admin:login")), url
    for name, model in CUSTOM_VIEWS.items():
        app_label, model_name = model.split(".")
        may = staff and user.has_perm(f"{app_label}.view_{model_name}")
        code = client.get(reverse(f"admin:{name}")).status_code
        if code != (200 if may else 403 if staff else 302):
            wrong.append((name, code))
    for name, code in SITE_VIEWS.items():
        got = client.get(reverse(f"admin:{name}")).status_code
        if got != (code if staff else 302):
            wrong.append((name, got))
    if staff:
        assert client.get(reverse("admin:autocomplete")).status_code == 403
        for app_label in ("directory", "proposals", "activities", "auth", "axes", "otp_totp"):
            got = client.get(reverse("admin:app_list", args=[app_label])).status_code
            opens = any(perm.startswith(f"{app_label}.") for perm in user.get_all_permissions())
            if got != (200 if opens else 404):
                wrong.append((f"app_list {app_label}", got))
    assert not wrong, "\n".join(map(str, wrong))
    assert requested > 100  # every registered model with a record was requested


def test_the_anonymous_visitor_is_sent_to_the_admin_sign_in(client, a_bit_of_everything):
    for name, model_admin, view in _model_views():
        record = model_admin.model._default_manager.order_by("pk").first()
        url = _url(name, view, record, model_admin)
        if url is None:
            continue
        response = client.get(url)
        assert response.status_code == 302, url
        # Deny by default: the site's sign-in, before the admin is even reached.
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("persona", ["leader", "auditor", "committee_staff"])
def test_posting_where_the_role_may_not_write_is_refused_and_writes_nothing(
    persona, request, client, a_bit_of_everything
):
    from proposals.models import Proposal

    user = request.getfixturevalue(persona)
    client.force_login(user)
    proposal = Proposal.objects.order_by("pk").first()
    before = list(Proposal.objects.order_by("pk").values_list("pk", "updated_at"))
    for url in (
        reverse("admin:proposals_proposal_add"),
        reverse("admin:proposals_proposal_change", args=[proposal.pk]),
        reverse("admin:proposals_proposal_delete", args=[proposal.pk]),
    ):
        assert client.post(url, {"title": "x", "post": "yes"}).status_code == 403, url
    assert list(Proposal.objects.order_by("pk").values_list("pk", "updated_at")) == before
