"""The directory API: who is who. Every role the API serves reads it; the office keeps it
(committee staff keep the members), through ``hcppcc.core.records.record_save``."""

from rest_framework import serializers, viewsets

from hcppcc.core.api.etags import ETagMixin
from hcppcc.core.api.exports import ExportMixin
from hcppcc.core.api.writes import RecordWriteMixin
from hcppcc.directory.filtersets import MemberFilterSet, UnitFilterSet
from hcppcc.directory.models import (
    Committee,
    HandlingUnit,
    Member,
    Organization,
    Sector,
    Session,
)


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = ("id", "term", "number", "label", "year", "opens_on", "closes_on", "is_current")
        # One current session at a time: the admin's "make current" action switches it.
        read_only_fields = ("is_current",)


class NamedSerializer(serializers.ModelSerializer):
    class Meta:
        fields = ("id", "name", "is_active")


class CommitteeSerializer(NamedSerializer):
    class Meta(NamedSerializer.Meta):
        model = Committee
        fields = (*NamedSerializer.Meta.fields, "short_name")


class SectorSerializer(NamedSerializer):
    class Meta(NamedSerializer.Meta):
        model = Sector


class OrganizationSerializer(NamedSerializer):
    class Meta(NamedSerializer.Meta):
        model = Organization
        fields = (*NamedSerializer.Meta.fields, "short_name", "kind")


class UnitSerializer(NamedSerializer):
    class Meta(NamedSerializer.Meta):
        model = HandlingUnit
        # Contact details are for staff: the API serves staff only (HasRole).
        fields = (
            *NamedSerializer.Meta.fields,
            "short_name",
            "kind",
            "contact_person",
            "contact_phone",
            "contact_email",
        )


class MemberSerializer(serializers.ModelSerializer):
    sector = serializers.StringRelatedField()
    organization = serializers.StringRelatedField()
    committees = serializers.StringRelatedField(many=True)

    class Meta:
        model = Member
        fields = ("id", "name", "position", "sector", "organization", "committees", "is_active")


class MemberWriteSerializer(serializers.ModelSerializer):
    """A member as written: sector, organization and committees by id."""

    class Meta:
        model = Member
        fields = (
            "id",
            "name",
            "position",
            "sector",
            "organization",
            "committees",
            "phone",
            "notes",
            "is_active",
        )


class DirectoryViewSet(RecordWriteMixin, ETagMixin, ExportMixin, viewsets.ReadOnlyModelViewSet):
    """Read by every role the API serves; written by whoever holds the model permission.
    Records are deactivated (``is_active``), never deleted."""


class SessionViewSet(DirectoryViewSet):
    queryset = Session.objects.all()
    serializer_class = SessionSerializer
    filterset_fields = ("year", "is_current")


class CommitteeViewSet(DirectoryViewSet):
    queryset = Committee.objects.all()
    serializer_class = CommitteeSerializer
    filterset_fields = ("is_active",)


class SectorViewSet(DirectoryViewSet):
    queryset = Sector.objects.all()
    serializer_class = SectorSerializer
    filterset_fields = ("is_active",)


class OrganizationViewSet(DirectoryViewSet):
    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    filterset_fields = ("kind", "is_active")


class UnitViewSet(DirectoryViewSet):
    queryset = HandlingUnit.objects.all()
    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet


class MemberViewSet(DirectoryViewSet):
    queryset = Member.objects.for_list()
    serializer_class = MemberSerializer
    write_serializer_class = MemberWriteSerializer
    filterset_class = MemberFilterSet
