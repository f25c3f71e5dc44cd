"""``GET /api/v1/todo/``: what waits on the caller (hcppcc/core/todo.py), grouped by kind,
each with its count and its first records. ``?items=0`` answers the counts alone (the
menu's badge asks that on every page)."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from hcppcc.core.todo import SHOWN, todo_for


class TodoItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(help_text="The record's page on the staff pages.")


class TodoGroupSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The kind of to-do: proposals_to_review, overdue, …")
    label = serializers.CharField()
    count = serializers.IntegerField()
    url = serializers.CharField(allow_null=True, help_text="The list page holding them all.")
    items = TodoItemSerializer(many=True)


class TodoSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    groups = TodoGroupSerializer(many=True)


class TodoView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("items", int, description=f"How many records per kind (0 to {SHOWN}).")
        ],
        responses=TodoSerializer,
    )
    def get(self, request):
        try:
            shown = min(max(int(request.query_params.get("items", SHOWN)), 0), SHOWN)
        except ValueError:
            shown = SHOWN
        groups = todo_for(request.user, timezone.localdate(), shown=shown)
        total = sum(group.count for group in groups)
        return Response(TodoSerializer({"total": total, "groups": groups}).data)
