"""A second factor for admin access: time-based one-time passwords (django-otp, TOTP).

With ``HCPPCC_ADMIN_OTP`` on, the admin opens only for a session verified with a code from
the user's authenticator app; a user without one enrols on first use (scan the QR code,
type a code to prove it works). The staff pages and the API are not affected: the admin is
where records are edited wholesale and roles are given.

A lost phone: a superuser deletes the user's device in the admin (一次性密码设备); the user
enrols again at the next admin sign-in.
"""

import secrets
from base64 import b32encode
from binascii import hexlify, unhexlify

import django_otp
import qrcode
import qrcode.image.svg
from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

# The secret being enrolled lives in the session until a code proves the app has it.
PENDING_KEY = "hcppcc_totp_pending"
DEVICE_NAME = "authenticator"


def device_of(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def new_secret() -> str:
    return hexlify(secrets.token_bytes(20)).decode()


@transaction.atomic
def totp_enrol(*, user, secret: str, token: str) -> TOTPDevice | None:
    """Keep ``secret`` as the user's authenticator if ``token`` is its current code (one
    step of clock drift allowed); None when it is not."""
    check = TOTP(unhexlify(secret))
    if not token.isdigit() or not check.verify(int(token), tolerance=1):
        return None
    TOTPDevice.objects.filter(user=user).delete()  # one authenticator per user
    return TOTPDevice.objects.create(
        user=user, name=DEVICE_NAME, key=secret, confirmed=True, last_t=check.t()
    )


@transaction.atomic
def totp_verify(*, user, token: str) -> TOTPDevice | None:
    """The user's device when ``token`` is its current, unused code; None otherwise. Wrong
    codes slow further tries down (django-otp's throttling: 1, 2, 4 … seconds)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None or not device.verify_token(token):
        return None
    return device


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("6-digit code"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else reverse("admin:index")


@never_cache  # the enrolment page shows the secret
def verify(request):
    """Enter a code from the authenticator app (or enrol one first)."""
    user = request.user
    if not user.is_staff:
        raise PermissionDenied(_("Only users with admin access use a second factor."))
    device = device_of(user)
    if device is None and PENDING_KEY not in request.session:
        request.session[PENDING_KEY] = new_secret()
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        code = form.cleaned_data["code"]
        if device is None:
            device = totp_enrol(user=user, secret=request.session[PENDING_KEY], token=code)
        else:
            device = totp_verify(user=user, token=code)
        if device is not None:
            request.session.pop(PENDING_KEY, None)
            django_otp.login(request, device)
            return redirect(_next_url(request))
        form.add_error(
            "code", _("The code is wrong or has expired, or too many tries: wait, then retry.")
        )
    context = {"form": form, "next": _next_url(request), "enrolling": device_of(user) is None}
    if context["enrolling"]:
        pending = TOTPDevice(user=user, name=DEVICE_NAME, key=request.session[PENDING_KEY])
        context["qr"] = mark_safe(_qr_svg(pending.config_url))  # drawn here, from our URL
        context["secret"] = b32encode(pending.bin_key).decode()
    return render(
        request, "registration/two_factor.html", context, status=400 if form.errors else 200
    )
