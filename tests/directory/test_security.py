"""Sign-in lockout, session time limits and the security log."""

import datetime
import logging
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from hcppcc.core.logs import JsonFormatter

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def security_log():
    """The security log's lines, as written (JSON)."""
    lines = []

    class Keep(logging.Handler):
        def emit(self, entry):
            lines.append(self.format(entry))

    handler = Keep()
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("hcppcc.security")
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)


def _sign_in(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_five_wrong_passwords_lock_the_username_from_that_address(client, office, auditor):
    for user in (office, auditor):
        user.set_password(PASSWORD)
        user.save()
    for _ in range(4):
        assert _sign_in(client, "office", "wrong-password-123").status_code == 200
    # The fifth failure locks the pair; the right password does not open it then.
    assert _sign_in(client, "office", "wrong-password-123").status_code == 429
    locked = _sign_in(client, "office", PASSWORD)
    assert locked.status_code == 429
    assert "登录已被锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from the same address, and this one from elsewhere, still sign in.
    assert _sign_in(client, "auditor", PASSWORD).status_code == 302
    client.logout()
    assert _sign_in(client, "office", PASSWORD, address="10.0.0.2").status_code == 302


def test_a_success_clears_the_failures(client, office):
    office.set_password(PASSWORD)
    office.save()
    for _ in range(4):
        _sign_in(client, "office", "wrong-password-123")
    assert _sign_in(client, "office", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _sign_in(client, "office", "wrong-password-123")
    assert _sign_in(client, "office", PASSWORD).status_code == 302


def test_the_api_token_endpoint_is_locked_too(client, office):
    office.set_password(PASSWORD)
    office.save()
    url = reverse("api-token")
    for _ in range(5):
        client.post(url, {"username": "office", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    response = client.post(
        url, {"username": "office", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 429
    assert "token" not in response.content.decode()


def test_a_session_ends_after_half_an_hour_idle(client, office, settings):
    client.force_login(office)
    assert client.get(reverse("pages:account")).status_code == 200
    session = client.session
    session["hcppcc_last_seen"] = int(time.time()) - settings.HCPPCC_SESSION_IDLE_SECONDS - 5
    session.save()
    response = client.get(reverse("pages:account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_a_busy_session_still_ends_twelve_hours_after_sign_in(client, office, settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    client.force_login(office)
    session = client.session
    now = int(time.time())
    session["hcppcc_signed_in"] = now - 12 * 60 * 60 - 5
    session["hcppcc_last_seen"] = now - 60  # busy: used a minute ago
    session.save()
    response = client.get(reverse("pages:account"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_signing_in_gives_a_new_session_key(client, office):
    office.set_password(PASSWORD)
    office.save()
    before = client.session.session_key  # an anonymous session, with its cookie
    assert client.cookies["sessionid"].value == before
    assert _sign_in(client, "office", PASSWORD).status_code == 302
    assert client.cookies["sessionid"].value != before


def test_the_security_log_has_sign_ins_failures_and_refusals_but_no_password(
    client, office, unit_a_user, security_log
):
    office.set_password(PASSWORD)
    office.save()
    _sign_in(client, "office", "my-secret-guess-42")
    _sign_in(client, "office", PASSWORD)
    client.logout()
    client.force_login(unit_a_user)
    client.get(reverse("pages:dashboard"))  # 403: not a unit's page
    client.get(reverse("pages:proposal", args=[999999]))  # 404
    text = "\n".join(security_log)
    assert "my-secret-guess-42" not in text
    assert PASSWORD not in text
    events = list(security_log)
    assert any(
        '"event": "login_failed"' in line and '"username": "office"' in line for line in events
    )
    assert any('"event": "login"' in line for line in events)
    assert any('"status": 403' in line and "/dashboard/" in line for line in events)
    assert any('"status": 404' in line and '"username": "unit_a"' in line for line in events)


def test_a_forged_forwarded_address_does_not_dodge_the_lockout(client, office):
    office.set_password(PASSWORD)
    office.save()
    for n in range(5):
        client.post(
            reverse("login"),
            {"username": "office", "password": "wrong-password-123"},
            REMOTE_ADDR="10.0.0.7",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    assert _sign_in(client, "office", PASSWORD, address="10.0.0.7").status_code == 429


def test_behind_the_proxy_the_address_the_proxy_saw_counts(client, office, settings):
    settings.HCPPCC_BEHIND_PROXY = True
    office.set_password(PASSWORD)
    office.save()
    for n in range(5):  # the client claims a new address each time; the proxy appends the real one
        client.post(
            reverse("login"),
            {"username": "office", "password": "wrong-password-123"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7",
        )
    locked = client.post(
        reverse("login"),
        {"username": "office", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert locked.status_code == 429
    # Another client behind the same proxy is not locked out by them.
    other = client.post(
        reverse("login"),
        {"username": "office", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert other.status_code == 302


def _token(client, username: str = "office") -> dict:
    response = client.post(
        reverse("api-token"), {"username": username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.7"
    )
    assert response.status_code == 200
    return response.json()


def test_an_api_token_expires_and_asking_again_gives_a_new_one(client, office, settings):
    from rest_framework.authtoken.models import Token

    first = _token(client)
    assert _token(client)["token"] == first["token"]  # the same while it lasts
    headers = {"HTTP_AUTHORIZATION": f"Token {first['token']}"}
    assert client.get("/api/v1/proposals/", **headers).status_code == 200

    old = timezone.now() - datetime.timedelta(hours=settings.HCPPCC_API_TOKEN_HOURS, seconds=1)
    Token.objects.filter(key=first["token"]).update(created=old)
    refused = client.get("/api/v1/proposals/", **headers)
    # 403 rather than 401: session authentication comes first, as DRF answers then.
    assert refused.status_code == 403
    assert "过期" in refused.json()["detail"]

    second = _token(client)
    assert second["token"] != first["token"]
    assert not Token.objects.filter(key=first["token"]).exists()
    fresh = {"HTTP_AUTHORIZATION": f"Token {second['token']}"}
    assert client.get("/api/v1/proposals/", **fresh).status_code == 200
    expires = datetime.datetime.fromisoformat(second["expires"].replace("Z", "+00:00"))
    hours = (expires - timezone.now()).total_seconds() / 3600
    assert settings.HCPPCC_API_TOKEN_HOURS - 0.1 < hours <= settings.HCPPCC_API_TOKEN_HOURS
