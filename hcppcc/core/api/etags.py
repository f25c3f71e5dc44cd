"""Versions of records as entity tags: a detail answer carries its ETag, and an edit sent
with a stale If-Match is refused with 412."""

from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response


def etag_of(record) -> str:
    """A record's version as an entity tag: it changes whenever the record is saved."""
    stamp = getattr(record, "updated_at", None)
    version = stamp.isoformat() if stamp else ""
    return f'"{record._meta.label_lower}-{record.pk}-{version}"'


class ETagMixin:
    """Detail responses carry an ETag; a PUT or PATCH sent with a stale If-Match gets 412
    and changes nothing (someone else saved the record since it was read)."""

    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()
        response = Response(self.get_serializer(record).data)
        response["ETag"] = etag_of(record)
        return response

    def check_if_match(self, request, record) -> Response | None:
        expected = request.headers.get("If-Match")
        if expected and expected != "*" and expected != etag_of(record):
            return Response(
                {"detail": _("The record changed since you read it; read it again.")},
                status=status.HTTP_412_PRECONDITION_FAILED,
            )
        return None
