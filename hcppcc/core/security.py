"""The security log: sign-ins, failed sign-ins, lockouts, and refused requests (403, and
404s for signed-in users, which is how a record outside their scope answers), as one JSON
object a line on the ``hcppcc.security`` logger. Passwords and tokens never reach it: only
the username, the address, the path and the outcome are written."""

import logging

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

log = logging.getLogger("hcppcc.security")


def client_address(request) -> str:
    """The caller's address: REMOTE_ADDR, or — behind the trusted proxy only — the last
    address in X-Forwarded-For, the one the proxy itself saw."""
    if request is None:
        return ""
    if settings.HCPPCC_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def record(event: str, request=None, **fields) -> None:
    """Write one security event."""
    log.info(event, extra={"security": {"event": event, "ip": client_address(request), **fields}})


@receiver(user_logged_in, dispatch_uid="security_log_login")
def _logged_in(sender, request, user, **kwargs):
    record("login", request, username=user.get_username())


@receiver(user_logged_out, dispatch_uid="security_log_logout")
def _logged_out(sender, request, user, **kwargs):
    record("logout", request, username=user.get_username() if user else "")


@receiver(user_login_failed, dispatch_uid="security_log_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # ``credentials`` holds the password too: only the username is kept.
    record("login_failed", request, username=str(credentials.get("username", ""))[:150])


@receiver(user_locked_out, dispatch_uid="security_log_locked_out")
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    record("locked_out", request, username=username or "")


class SecurityLogMiddleware:
    """Log refused requests: every 403, and 404s answered to signed-in users."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if response.status_code == 403 or (response.status_code == 404 and signed_in):
            record(
                "refused",
                request,
                status=response.status_code,
                method=request.method,
                path=request.path[:300],
                username=user.get_username() if signed_in else "",
            )
        return response
