"""Create and edit plain records through the API (see hcppcc/core/records.py)."""

from rest_framework import mixins
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from hcppcc.core.api.etags import etag_of
from hcppcc.core.records import may_write, record_save


class RecordWriteMixin(mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """``POST`` creates, ``PUT``/``PATCH`` edits (honouring ``If-Match``), both through
    the record's one service (``save_through``). The caller's model permission decides: a
    role that may read the list but not write it gets 403 before its input is looked at; a
    record outside its scope stays 404. Use with ``ETagMixin``, before the read-only
    ViewSet."""

    write_serializer_class = None  # when the read serializer's shape is not the written one

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update") and self.write_serializer_class:
            return self.write_serializer_class
        return super().get_serializer_class()

    def create(self, request, *args, **kwargs):
        return self._write(request, self.get_queryset().model(), partial=False, status=201)

    def update(self, request, *args, **kwargs):
        record = self.get_object()
        if not may_write(request.user, record):
            raise PermissionDenied()
        if (stale := self.check_if_match(request, record)) is not None:
            return stale
        return self._write(request, record, partial=kwargs.get("partial", False), status=200)

    def save_through(self, record, *, by, changes, related, unchanged_since):
        """The one service that writes this kind of record: ``record_save`` for plain
        records; an app's own service where it has rules of what may still change."""
        return record_save(
            record=record,
            by=by,
            changes=changes,
            related=related,
            unchanged_since=unchanged_since,
        )

    def _write(self, request, record, *, partial: bool, status: int) -> Response:
        if not may_write(request.user, record):
            raise PermissionDenied()
        instance = None if record._state.adding else record
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        related = {
            name: changes.pop(name)
            for name in list(changes)
            if record._meta.get_field(name).many_to_many
        }
        # The version the If-Match named (or this request read) must still be the one saved.
        read = None if record._state.adding else record.updated_at
        record = self.save_through(
            record, by=request.user, changes=changes, related=related, unchanged_since=read
        )
        response = Response(self.get_serializer(record).data, status=status)
        response["ETag"] = etag_of(record)
        return response
