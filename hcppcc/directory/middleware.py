"""Deny by default: every view needs a signed-in user who holds a role."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.shortcuts import redirect
from django.utils.translation import gettext as _


class RoleRequiredMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, plus: a signed-in user without a role gets 403.

    Views opt out only with ``@login_not_required`` (the login pages). The API's views opt
    out too, because DRF authenticates them itself and applies ``HasRole`` instead.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        response = super().process_view(request, view_func, view_args, view_kwargs)
        if response is not None or not getattr(view_func, "login_required", True):
            return response
        if not request.user.may_sign_in:
            raise PermissionDenied(_("Your account has no role yet. Ask the proposal office."))
        return None


class PasswordChangeRequiredMiddleware:
    """A signed-in user who must change their password (an account the office has just
    made, or a link it issued) is sent to the password change page from every other page
    until they have: only that page, signing out and the password reset pages stay open."""

    OPEN = frozenset(
        {
            "password_change",
            "password_change_done",
            "logout",
            "password_reset",
            "password_reset_done",
            "password_reset_confirm",
            "password_reset_complete",
        }
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.must_change_password:
            return None
        # The site's own pages by their full name: the admin's password change
        # ("admin:password_change") would leave the forced change standing.
        if request.resolver_match.view_name in self.OPEN:
            return None
        if request.path_info.startswith("/api/"):
            return None  # the API answers 403 itself (HasRole), not with a page
        messages.warning(request, _("Please set a password of your own before you go on."))
        return redirect("password_change")


class SessionTimeoutMiddleware:
    """End a session after ``HCPPCC_SESSION_IDLE_SECONDS`` without a request (the session
    cookie's own age, SESSION_COOKIE_AGE, bounds it from sign-in). The last-seen time is
    written at most once a minute, so a busy page does not rewrite the session each time."""

    KEY = "hcppcc_last_seen"
    SIGNED_IN = "hcppcc_signed_in"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(self.KEY, now)
            signed_in = request.session.get(self.SIGNED_IN, now)
            # Writing the session moves its cookie's expiry on, so the 12 hours from sign-in
            # are counted here, not left to the cookie.
            idle = now - last_seen > settings.HCPPCC_SESSION_IDLE_SECONDS
            if idle or now - signed_in > settings.SESSION_COOKIE_AGE:
                logout(request)
                if not request.path.startswith("/api/"):
                    messages.info(request, _("You were signed out after a while without use."))
            elif now - last_seen >= 60 or self.KEY not in request.session:
                request.session[self.KEY] = now
                request.session.setdefault(self.SIGNED_IN, now)
        return self.get_response(request)


@receiver(user_logged_in, dispatch_uid="session_timeout_start")
def _start_the_clock(sender, request, user, **kwargs):
    """The idle clock starts at sign-in (so the first pages do not write the session)."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SessionTimeoutMiddleware.KEY] = now
        request.session[SessionTimeoutMiddleware.SIGNED_IN] = now
