"""Deny by default: every URL needs a signed-in user who holds a role.

The URL list is read from the URL configuration, so a page added later is covered without
anyone remembering to add it here.
"""

import itertools
import re

import pytest
from django.apps import apps
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

# Views that must answer anonymous visitors: signing in (ours and the admin's), signing out,
# the API's token endpoint (which wants a username and password), and "forgot password"
# with the link it sends (which sets a password only with a valid token).
SIGN_IN_URL_NAMES = {"login", "admin:login"}
PASSWORD_RESET_URL_NAMES = {
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
PUBLIC_URL_NAMES = SIGN_IN_URL_NAMES | PASSWORD_RESET_URL_NAMES | {"logout", "api-token"}
# Values tried for each URL argument until the URL reverses.
ARGUMENT_SAMPLES = ("1", "directory", "member", "x")


def walk(resolver: URLResolver, namespace: str = "", prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield namespace, prefix + str(entry.pattern), entry


def sample_url(name: str, pattern: URLPattern) -> str | None:
    """A concrete path for a named URL pattern, with sample values for its arguments."""
    if isinstance(pattern.pattern, RoutePattern):
        arguments = list(pattern.pattern.converters)
    else:
        arguments = list(pattern.pattern.regex.groupindex)
    app_labels = [config.label for config in apps.get_app_configs()]
    choices = [
        ("json",) if argument == "format" else ARGUMENT_SAMPLES + tuple(app_labels)
        for argument in arguments
    ]
    for values in itertools.product(*choices):
        try:
            return reverse(name, kwargs=dict(zip(arguments, values, strict=True)))
        except NoReverseMatch:
            continue
    # Unnamed groups (e.g. django-simple-history's ``^([^/]+)/history/([^/]+)/$``).
    if not isinstance(pattern.pattern, RoutePattern) and pattern.pattern.regex.groups:
        return reverse(name, args=["1"] * pattern.pattern.regex.groups)
    return None


def all_urls() -> list[tuple[str, str]]:
    urls = []
    for namespace, route, pattern in walk(get_resolver()):
        if pattern.name is None:
            # Unnamed patterns cannot be reversed; build their path from the route instead.
            if isinstance(pattern.pattern, RoutePattern):
                path = "/" + re.sub(r"<(?:\w+:)?\w+>", "1", route)
                urls.append((f"{namespace}<unnamed {route}>", path))
            else:
                # The admin's catch-all, the only unnamed regular expression.
                assert pattern.callback.__name__ == "catch_all_view", route
                urls.append((f"{namespace}catch_all", "/admin/no-such-page/"))
            continue
        name = namespace + pattern.name
        url = sample_url(name, pattern)
        assert url is not None, f"no sample arguments reverse {name} ({route})"
        urls.append((name, url))
    return sorted(set(urls))


URLS = all_urls()
PROTECTED = [(name, url) for name, url in URLS if name not in PUBLIC_URL_NAMES]


def test_the_url_list_is_complete_enough_to_mean_something():
    names = {name for name, _ in URLS}
    assert {"home", "login", "logout", "admin:index", "admin:directory_member_changelist"} <= names
    assert len(URLS) > 40


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "url"), PROTECTED, ids=[name for name, _ in PROTECTED])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_users_are_redirected_to_login(client, name, url, method):
    response = getattr(client, method)(url)
    if url.startswith("/api/"):
        # The API answers rather than redirects: nobody signed in, nothing served.
        assert response.status_code in (401, 403), f"{name} {url} answered {response.status_code}"
        return
    assert response.status_code == 302, f"{name} {url} answered {response.status_code}"
    # The admin sends some of its own pages to its own sign-in page; both are sign-ins.
    sign_in_pages = (reverse("login") + "?next=", reverse("admin:login") + "?next=")
    assert response["Location"].startswith(sign_in_pages)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SIGN_IN_URL_NAMES))
def test_the_sign_in_pages_answer_anonymous_visitors(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert 'type="password"' in response.content.decode()


@pytest.mark.django_db
def test_a_signed_in_user_without_a_role_is_refused_everywhere(client, no_role_user):
    client.force_login(no_role_user)
    for name, url in PROTECTED:
        response = client.get(url)
        assert response.status_code == 403, f"{name} {url} answered {response.status_code}"
    assert client.get("/api/v1/proposals/").status_code == 403
    assert "没有角色" in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_a_user_without_a_role_cannot_sign_in(client, no_role_user):
    response = client.post(
        reverse("login"), {"username": "nobody", "password": "correct-horse-battery-staple"}
    )
    assert "没有角色" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_user_whose_role_was_taken_away_can_still_sign_out(client, no_role_user):
    client.force_login(no_role_user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_anonymous_sign_out_just_goes_to_the_sign_in_page(client):
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")


@pytest.mark.django_db
def test_an_inactive_user_cannot_sign_in(client, office):
    office.is_active = False
    office.save()
    response = client.post(
        reverse("login"), {"username": "office", "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_each_role_reaches_its_home_page(client, persona):
    """The office, leaders and auditors land on the dashboard; the others on their list."""
    client.force_login(persona)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200


@pytest.mark.django_db
def test_sign_in_with_a_password_lands_on_the_home_page(client, office):
    response = client.post(
        reverse("login"),
        {"username": "office", "password": "correct-horse-battery-staple"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "工作台" in response.content.decode()


@pytest.mark.django_db
def test_a_wrong_password_gets_a_chinese_error(client, office):
    response = client.post(reverse("login"), {"username": "office", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


@pytest.mark.django_db
def test_logout_needs_post_and_ends_the_session(client, office):
    client.force_login(office)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_forms_are_protected_against_cross_site_requests(office):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("login"), {"username": "office", "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 403
