"""Support for the REST API that DRF's settings import: pagination and errors.

Errors: 400 with field errors for bad input; 404 for records outside the caller's scope
(their querysets never contain them); 409 with the clerk's message for a workflow step the
record's state does not allow; 403 for a step the caller's role may not take on a record
they can see. Never a 500 for a workflow problem.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from hcppcc.paging import EstimatingPaginator
from hcppcc.records import StaleRecord
from proposals.errors import NotAllowed, WorkflowError


class Pagination(PageNumberPagination):
    django_paginator_class = EstimatingPaginator  # no count(*) of a whole archive
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def exception_handler(error, context):
    if isinstance(error, NotAllowed):
        return Response({"detail": error.message}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(error, StaleRecord):
        return Response({"detail": error.message}, status=status.HTTP_412_PRECONDITION_FAILED)
    if isinstance(error, IntegrityError):
        # Two writes racing for one unique value: the second lost; nothing was written.
        return Response(
            {"detail": _("Another record with these values was saved meanwhile.")},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(error, WorkflowError):
        return Response({"detail": error.message}, status=status.HTTP_409_CONFLICT)
    if isinstance(error, OverflowError | DataError):
        # An id or number beyond what the database stores: bad input, not a server fault.
        return Response(
            {"detail": _("A number in the request is out of range.")},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(error, DjangoValidationError):
        detail = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(error, context)


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


def not_found(request, exception=None):
    """404 for the whole site: JSON under /api/ (clients expect it there), the page
    elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return page_not_found(request, exception)
