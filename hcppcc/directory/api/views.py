"""The directory API: who is who. Every role the API serves reads it; the office keeps it
(committee staff keep the members), through ``hcppcc.core.records.record_save``."""

from rest_framework import viewsets

from hcppcc.core.api.etags import ETagMixin
from hcppcc.core.api.exports import ExportMixin
from hcppcc.core.api.scoped import ScopedViewSetMixin
from hcppcc.core.api.writes import RecordWriteMixin
from hcppcc.directory import scopes
from hcppcc.directory.api.serializers import (
    CommitteeSerializer,
    MemberSerializer,
    MemberWriteSerializer,
    OrganizationSerializer,
    SectorSerializer,
    SessionSerializer,
    UnitSerializer,
)
from hcppcc.directory.filtersets import MemberFilterSet, UnitFilterSet


class DirectoryViewSet(
    ScopedViewSetMixin,
    RecordWriteMixin,
    ETagMixin,
    ExportMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Read by every role the API serves (``scopes.py``); written by whoever holds the
    model permission. Records are deactivated (``is_active``), never deleted."""


class SessionViewSet(DirectoryViewSet):
    scope = scopes.SESSIONS
    serializer_class = SessionSerializer
    filterset_fields = ("year", "is_current")


class CommitteeViewSet(DirectoryViewSet):
    scope = scopes.COMMITTEES
    serializer_class = CommitteeSerializer
    filterset_fields = ("is_active",)


class SectorViewSet(DirectoryViewSet):
    scope = scopes.SECTORS
    serializer_class = SectorSerializer
    filterset_fields = ("is_active",)


class OrganizationViewSet(DirectoryViewSet):
    scope = scopes.ORGANIZATIONS
    serializer_class = OrganizationSerializer
    filterset_fields = ("kind", "is_active")


class UnitViewSet(DirectoryViewSet):
    scope = scopes.UNITS
    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet


class MemberViewSet(DirectoryViewSet):
    scope = scopes.MEMBERS
    serializer_class = MemberSerializer
    write_serializer_class = MemberWriteSerializer
    filterset_class = MemberFilterSet

    def get_queryset(self):
        return super().get_queryset().for_list()
