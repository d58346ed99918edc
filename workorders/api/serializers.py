"""Serializers for the work-order endpoints: output shapes, and the inputs of each action."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workorders.choices import ACTIVE_ASSIGNMENT_STATUSES, AssignmentRole, ReturnReason, Satisfaction
from workorders.models import (
    Area,
    Assignment,
    Callback,
    Category,
    Department,
    ExtensionRequest,
    WorkOrder,
    WorkOrderEvent,
)
from workorders.selectors import shown_personal_data
from workorders.services import MAX_EXTENSION_DAYS


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "kind", "parent", "full_name", "is_active"]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "level", "parent", "full_name"]


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["id", "code", "name", "kind", "parent", "full_name", "aliases"]


class NamedRefSerializer(serializers.Serializer):
    """A related object as id + display name, so a row reads without further requests."""

    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    def get_name(self, obj: Any) -> str:
        """Categories and places by their full path (城乡建设 / 城乡规划 / 违章建筑), departments by name."""
        if isinstance(obj, (Category, Area)):
            return obj.full_name or obj.name
        return str(obj)


class OrderListSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    category = NamedRefSerializer(read_only=True, allow_null=True)
    area = NamedRefSerializer(read_only=True, allow_null=True)
    lead_department = NamedRefSerializer(read_only=True, allow_null=True)
    assisting_departments = serializers.SerializerMethodField()
    is_overdue = serializers.SerializerMethodField()
    url = serializers.HyperlinkedIdentityField(view_name="api:order-detail")

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "url",
            "number",
            "version",
            "status",
            "status_display",
            "channel",
            "title",
            "request_type",
            "urgency",
            "category",
            "area",
            "address",
            "lead_department",
            "assisting_departments",
            "is_supervised",
            "is_overdue",
            "created_at",
            "dispatched_at",
            "sign_due_at",
            "resolve_due_at",
            "replied_at",
            "closed_at",
        ]

    @extend_schema_field(NamedRefSerializer(many=True))
    def get_assisting_departments(self, order: WorkOrder) -> list[dict[str, Any]]:
        assists = getattr(order, "active_assists", None)
        if assists is None:  # the detail view prefetches every assignment instead
            assists = [
                a
                for a in order.assignments.all()
                if a.role == AssignmentRole.ASSIST and a.status in ACTIVE_ASSIGNMENT_STATUSES
            ]
        return [{"id": a.department_id, "name": str(a.department)} for a in assists]

    def get_is_overdue(self, order: WorkOrder) -> bool:
        return order.is_overdue_at(self.context.get("now") or timezone.now())


class AssignmentSerializer(serializers.ModelSerializer):
    department = NamedRefSerializer(read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "department",
            "role",
            "status",
            "assigned_at",
            "signed_at",
            "first_contact_at",
            "replied_at",
            "reply",
            "returned_at",
            "return_reason",
            "return_note",
        ]


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    department = NamedRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = WorkOrderEvent
        fields = [
            "id",
            "version",
            "action",
            "action_display",
            "from_status",
            "to_status",
            "actor",
            "actor_role",
            "department",
            "reason_code",
            "reason",
            "changes",
            "created_at",
        ]

    def get_actor(self, event: WorkOrderEvent) -> str:
        return str(event.actor) if event.actor else "system"


class CallbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Callback
        fields = ["id", "satisfaction", "resolved", "comment", "created_at"]


class ExtensionRequestSerializer(serializers.ModelSerializer):
    department = NamedRefSerializer(read_only=True)

    class Meta:
        model = ExtensionRequest
        fields = ["id", "department", "working_days", "reason", "status", "requested_at", "decided_at", "decision_note"]


class OrderDetailSerializer(OrderListSerializer):
    assignments = AssignmentSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    callbacks = CallbackSerializer(many=True, read_only=True)
    extension_requests = ExtensionRequestSerializer(many=True, read_only=True)
    source_submission = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(OrderListSerializer.Meta):
        fields = [
            *OrderListSerializer.Meta.fields,
            "appeal",
            "summary",
            "caller_name",
            "caller_phone",
            "contact_due_at",
            "reopen_count",
            "triage",
            "source_submission",
            "assignments",
            "extension_requests",
            "callbacks",
            "events",
        ]

    def to_representation(self, order: WorkOrder) -> dict[str, Any]:
        request = self.context.get("request")
        return {**super().to_representation(order), **shown_personal_data(order, getattr(request, "user", None))}


class OrderUpdateSerializer(serializers.ModelSerializer):
    """An operator's edit of an order awaiting dispatch (partial: send only what changes)."""

    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), allow_null=True, required=False)
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all(), allow_null=True, required=False)

    class Meta:
        model = WorkOrder
        fields = [
            "title",
            "appeal",
            "summary",
            "request_type",
            "urgency",
            "category",
            "area",
            "address",
            "caller_name",
            "caller_phone",
        ]
        extra_kwargs = {"appeal": {"required": False}}


_active_departments = Department.objects.filter(is_active=True)


class DispatchSerializer(serializers.Serializer):
    lead_department = serializers.PrimaryKeyRelatedField(
        queryset=_active_departments,
        required=False,
        allow_null=True,
        help_text=_("Omit to use the dispatch catalogue's department for the order's category and area."),
    )
    assisting_departments = serializers.PrimaryKeyRelatedField(queryset=_active_departments, many=True, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class MergeSerializer(serializers.Serializer):
    into = serializers.CharField(
        max_length=20, help_text=_("The number (or id) of the open order about the same event to merge into.")
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ReplySerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=10000)


class ReturnSerializer(serializers.Serializer):
    reason_code = serializers.ChoiceField(choices=ReturnReason.choices)
    reason = serializers.CharField(max_length=2000)


class ArbitrateSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[("redispatch", _("Accept and re-dispatch")), ("reject", _("Reject the return"))]
    )
    reason = serializers.CharField(max_length=2000)
    lead_department = serializers.PrimaryKeyRelatedField(queryset=_active_departments, required=False, allow_null=True)
    assisting_departments = serializers.PrimaryKeyRelatedField(queryset=_active_departments, many=True, required=False)


class ExtensionRequestInSerializer(serializers.Serializer):
    working_days = serializers.IntegerField(min_value=1, max_value=MAX_EXTENSION_DAYS)
    reason = serializers.CharField(max_length=2000)


class ExtensionDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class CallbackInSerializer(serializers.Serializer):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    resolved = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)
