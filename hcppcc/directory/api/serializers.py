"""How the directory API shows its records and reads what is written to it."""

from rest_framework import serializers

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
