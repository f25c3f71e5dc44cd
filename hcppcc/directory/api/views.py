"""Read-only API of the directory: who is who."""

from rest_framework import serializers, viewsets

from hcppcc.directory.models import (
    Committee,
    HandlingUnit,
    Member,
    Organization,
    Sector,
    Session,
)
from hcppcc.exports import ExportMixin


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = ("id", "term", "number", "label", "year", "opens_on", "closes_on", "is_current")


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


class DirectoryViewSet(ExportMixin, viewsets.ReadOnlyModelViewSet):
    """The directory is read by every role the API serves."""


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
    filterset_fields = ("kind", "is_active")


class MemberViewSet(DirectoryViewSet):
    queryset = Member.objects.for_list()
    serializer_class = MemberSerializer
    filterset_fields = ("position", "sector", "organization", "committees", "is_active")
