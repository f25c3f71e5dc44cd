"""A second factor for the admin (HCPPCC_ADMIN_OTP): enrolment, verification, and the
admin closed to a session without it."""

from binascii import unhexlify

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from hcppcc.core.two_factor import PENDING_KEY, new_secret

ADMIN = "/admin/"
required = override_settings(HCPPCC_ADMIN_OTP=True)


def code(secret: str, offset: int = 0) -> str:
    return f"{totp(unhexlify(secret), drift=offset):06d}"


def test_without_the_setting_the_admin_asks_for_no_second_factor(client, office):
    client.force_login(office)
    assert client.get(ADMIN).status_code == 200


@required
def test_a_user_without_an_authenticator_enrols_then_the_admin_opens(client, office):
    client.force_login(office)
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two-factor"))
    page = response.content.decode()
    assert 'id="totp-qr"' in page
    assert "<svg" in page
    secret = client.session[PENDING_KEY]

    wrong = client.post(reverse("two-factor"), {"code": "000000", "next": ADMIN})
    assert wrong.status_code == 400
    assert not TOTPDevice.objects.exists()
    assert client.get(ADMIN).status_code == 302

    right = client.post(reverse("two-factor"), {"code": code(secret), "next": ADMIN})
    assert right.status_code == 302
    assert right["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200
    device = TOTPDevice.objects.get(user=office)
    assert device.confirmed
    assert PENDING_KEY not in client.session


@required
def test_an_enrolled_user_enters_a_code_each_session_and_a_code_works_once(client, office):
    secret = new_secret()
    TOTPDevice.objects.create(user=office, name="authenticator", key=secret, confirmed=True)
    client.force_login(office)
    page = client.get(reverse("two-factor")).content.decode()
    assert 'id="totp-qr"' not in page  # the key is never shown again
    used = code(secret)
    assert client.post(reverse("two-factor"), {"code": used}).status_code == 302
    assert client.get(ADMIN).status_code == 200

    client.logout()
    client.force_login(office)
    assert client.get(ADMIN).status_code == 302  # a new session needs a new code
    again = client.post(reverse("two-factor"), {"code": used})
    assert again.status_code == 400  # the same code, replayed


@required
@override_settings(OTP_TOTP_THROTTLE_FACTOR=60)  # a minute: longer than a slow test
def test_wrong_codes_slow_further_tries_down(client, office):
    secret = new_secret()
    TOTPDevice.objects.create(user=office, name="authenticator", key=secret, confirmed=True)
    client.force_login(office)
    client.post(reverse("two-factor"), {"code": "000000"})
    # Right away, even the right code is refused: the device is throttled for a while.
    assert client.post(reverse("two-factor"), {"code": code(secret)}).status_code == 400
    assert TOTPDevice.objects.get(user=office).throttling_failure_count == 1


@required
def test_the_staff_pages_and_the_api_do_not_ask_for_it(client, office):
    client.force_login(office)
    assert client.get(reverse("pages:dashboard")).status_code == 200
    assert client.get("/api/v1/proposals/").status_code == 200


@pytest.mark.parametrize("name", ["unit_a_user", "member_user"])
@required
def test_users_without_admin_access_have_no_second_factor_page(request, client, name):
    client.force_login(request.getfixturevalue(name))
    assert client.get(reverse("two-factor")).status_code == 403


@required
def test_the_page_sends_back_only_to_this_site(client, office):
    client.force_login(office)
    client.get(reverse("two-factor"))
    secret = client.session[PENDING_KEY]
    response = client.post(
        reverse("two-factor"), {"code": code(secret), "next": "https://evil.example/"}
    )
    assert response["Location"] == ADMIN


@required
def test_every_admin_url_is_closed_to_a_session_without_the_second_factor(
    client, office, a_bit_of_everything
):
    from tests.directory.test_admin_matrix import _model_views, _url

    client.force_login(office)
    for name, model_admin, view in _model_views():
        record = model_admin.model._default_manager.order_by("pk").first()
        url = _url(name, view, record, model_admin)
        if url is None:
            continue
        response = client.get(url, follow=True)
        assert response.redirect_chain, url
        assert response.redirect_chain[-1][0].startswith(reverse("two-factor")), url
