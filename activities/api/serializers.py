"""How the activities API shows its records and reads what is written to it."""

from rest_framework import serializers

from activities.models import Activity, Bulletin, OpinionReport


class ActivitySerializer(serializers.ModelSerializer):
    kind = serializers.StringRelatedField()
    committees = serializers.StringRelatedField(many=True)
    leaders = serializers.StringRelatedField(many=True)

    class Meta:
        model = Activity
        fields = (
            "id",
            "kind",
            "title",
            "starts_on",
            "ends_on",
            "places",
            "committees",
            "leaders",
            "status",
            "report_title",
            "is_demo",
        )
        read_only_fields = fields


class ActivityWriteSerializer(serializers.ModelSerializer):
    """An activity as committee staff enter it; it is marked done by its step."""

    class Meta:
        model = Activity
        fields = (
            "id",
            "kind",
            "title",
            "starts_on",
            "ends_on",
            "places",
            "committees",
            "leaders",
            "partners",
            "organizations",
            "report_title",
            "report_text",
            "status",
        )


class OpinionReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = OpinionReport
        fields = ("id", "title", "content", "received_on", "status", "bulletin", "is_demo")
        read_only_fields = fields


class OpinionReportWriteSerializer(serializers.ModelSerializer):
    """A report as received; adopting, declining and sending it on are its steps."""

    class Meta:
        model = OpinionReport
        fields = ("id", "title", "content", "received_on", "members", "organizations")


class BulletinSerializer(serializers.ModelSerializer):
    class Meta:
        model = Bulletin
        fields = ("id", "series", "year", "number", "issued_on", "is_demo")
        read_only_fields = ("is_demo",)
