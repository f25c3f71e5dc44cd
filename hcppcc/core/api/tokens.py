"""Issuing API tokens: asking again returns the current token while it lasts and replaces
an expired one (``authentication.py`` refuses expired ones)."""

from django.db import transaction
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from hcppcc.core.api.authentication import expired, expires_at


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


class TokenView(ObtainAuthToken):
    """``POST username, password`` → a token and when it expires. The sign-in lockout
    applies here as on the sign-in page: the credentials are checked against Django's own
    request, which is where django-axes marks a locked-out caller (its middleware then
    answers 429)."""

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "request": self.request._request}

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = api_token_issue(user=serializer.validated_data["user"])
        return Response({"token": token.key, "expires": expires_at(token)})
