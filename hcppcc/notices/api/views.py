"""``/api/v1/notifications/``: the caller's notices, unread first (``?unread=true`` for
those only); ``POST {id}/read/`` marks one read, ``POST read-all/`` every one."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from hcppcc.core.api.exports import ExportMixin
from hcppcc.core.api.scoped import ScopedViewSetMixin
from hcppcc.notices import scopes, services
from hcppcc.notices.models import Notice


class NoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notice
        fields = ("id", "kind", "title", "body", "link", "created_at", "read_at")
        read_only_fields = fields


class NoticeFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull")

    class Meta:
        model = Notice
        fields = ("kind",)


class ReadAllSerializer(serializers.Serializer):
    read = serializers.IntegerField(help_text="How many notices were marked read.")


class NoticeViewSet(ScopedViewSetMixin, ExportMixin, viewsets.ReadOnlyModelViewSet):
    scope = scopes.NOTICES
    serializer_class = NoticeSerializer
    filterset_class = NoticeFilterSet

    def get_queryset(self):
        return super().get_queryset().inbox()

    @extend_schema(request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notice = services.notice_read(notice=self.get_object(), by=request.user)
        return Response(NoticeSerializer(notice).data)

    @extend_schema(request=None, responses=ReadAllSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"read": services.notices_read_all(by=request.user)})
