"""API tokens that expire: a token older than ``HCPPCC_API_TOKEN_HOURS`` is refused (401),
and asking for a token again replaces an expired one. A token is a password that a script
keeps on disk; one that never ends is a password that never changes."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


def expires_at(token) -> datetime.datetime:
    return token.created + datetime.timedelta(hours=settings.HCPPCC_API_TOKEN_HOURS)


def expired(token) -> bool:
    return timezone.now() >= expires_at(token)


@transaction.atomic
def api_token_issue(*, user):
    """The user's token: the current one while it lasts, else a new one."""
    from rest_framework.authtoken.models import Token

    # The user's row is the lock: two requests at once get one token, not a clash.
    type(user).objects.select_for_update().filter(pk=user.pk).first()
    current = Token.objects.filter(user=user).first()
    if current is not None and not expired(current):
        return current
    if current is not None:
        current.delete()
    return Token.objects.create(user=user)


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if expired(token):
            raise AuthenticationFailed(_("The token has expired; ask for a new one."))
        return user, token
