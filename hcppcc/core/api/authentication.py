"""How the API knows its caller: a token that expires. A token older than
``HCPPCC_API_TOKEN_HOURS`` is refused (401). A token is a password that a script keeps on
disk; one that never ends is a password that never changes.

DRF imports this module while it builds its views, so it imports no view itself.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


def expires_at(token) -> datetime.datetime:
    return token.created + datetime.timedelta(hours=settings.HCPPCC_API_TOKEN_HOURS)


def expired(token) -> bool:
    return timezone.now() >= expires_at(token)


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if expired(token):
            raise AuthenticationFailed(_("The token has expired; ask for a new one."))
        return user, token
