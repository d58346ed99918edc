"""Work-order endpoints: list/filter/search, detail with history, edit, and one endpoint per action."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.filters import SearchFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from workorders import permissions, selectors, services
from workorders.api import reference_filters
from workorders.api import serializers as s
from workorders.api.pagination import CappedPageNumberPagination
from workorders.choices import Action
from workorders.errors import InvalidInput
from workorders.filters import WorkOrderFilter
from workorders.models import Area, Category, Department, ExtensionRequest, WorkOrder


class VersionRequired(APIException):
    status_code = 428
    default_detail = _lazy(
        "State the version of the order this write is based on: the order's `version` (GET /api/v1/orders/{id}/) "
        "as `version` in the body or in an If-Match header. A write based on an older version is refused (409)."
    )
    default_code = "version_required"


def _action_schema(request_serializer: type[Serializer] | None, summary: str) -> Any:
    return extend_schema(
        request=request_serializer,
        responses={
            200: s.OrderDetailSerializer,
            400: OpenApiResponse(description="Invalid input; the body names each field at fault."),
            403: OpenApiResponse(description="Your role or department may not take this action."),
            404: OpenApiResponse(description="No such order, or not visible to you."),
            409: OpenApiResponse(description="The action does not apply to the order's current status."),
        },
        summary=summary,
    )


class WorkOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Work orders visible to the caller: all of them for the centre, the department subtree for officers."""

    filterset_class = WorkOrderFilter
    serializer_class = s.OrderListSerializer
    pagination_class = CappedPageNumberPagination  # no COUNT(*) over every order on every page

    def get_queryset(self) -> QuerySet[WorkOrder]:
        if self.action == "list":
            return selectors.order_list(self.request.user)
        return selectors.order_detail(self.request.user)

    def get_serializer_class(self) -> type[Serializer]:
        return s.OrderListSerializer if self.action == "list" else s.OrderDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "now": timezone.now()}

    def _respond(self, order: WorkOrder) -> Response:
        fresh = get_object_or_404(selectors.order_detail(self.request.user), pk=order.pk)
        return Response(s.OrderDetailSerializer(fresh, context=self.get_serializer_context()).data)

    def _based_on(self) -> int:
        """The version of the order the caller based this write on: ``version`` in the body, or an ``If-Match``
        header with the ETag of the order (the version). Writes without it are refused (428)."""
        raw = self.request.data.get("version") if isinstance(self.request.data, dict) else None
        if raw is None:
            raw = self.request.headers.get("If-Match", "").removeprefix("W/").strip().strip('"') or None
        if raw is None:
            raise VersionRequired()
        try:
            version = int(raw)
        except (TypeError, ValueError):
            version = 0
        if version < 1 or isinstance(raw, bool):
            raise ValidationError({"version": [_("Give the version of the order as a whole number (1, 2 …).")]})
        return version

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = f'"{response.data["version"]}"'
        return response

    def _input(self, serializer_class: type[Serializer]) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(
        request=s.OrderUpdateSerializer,
        responses={200: s.OrderDetailSerializer},
        summary="Edit an order awaiting dispatch",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        serializer = s.OrderUpdateSerializer(order, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return self._respond(
            services.workorder_update(
                based_on=self._based_on(), order=order, by=request.user, **serializer.validated_data
            )
        )

    @_action_schema(s.DispatchSerializer, "Dispatch to a lead department (and assisting ones)")
    @action(detail=True, methods=["post"], url_path="dispatch")
    def dispatch_order(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        data = self._input(s.DispatchSerializer)
        order = services.workorder_dispatch(
            based_on=self._based_on(),
            order=order,
            by=request.user,
            lead_department=data.get("lead_department"),
            assisting_departments=data.get("assisting_departments"),
            note=data.get("note", ""),
        )
        return self._respond(order)

    @_action_schema(s.MergeSerializer, "Merge into an open order about the same event (合并)")
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        permissions.require(permissions.may_take(request.user, Action.MERGE), _("Your role may not merge orders."))
        data = self._input(s.MergeSerializer)
        into = selectors.order_by_number_or_id(request.user, data["into"])
        if into is None:
            raise InvalidInput(_("No order has the number %(number)s.") % {"number": data["into"]}, field="into")
        return self._respond(
            services.workorder_merge(
                based_on=self._based_on(), order=order, into=into, by=request.user, reason=data.get("reason", "")
            )
        )

    @_action_schema(None, "Undo a merge (撤销合并): the order awaits dispatch again on its own")
    @action(detail=True, methods=["post"])
    def unmerge(self, request: Request, pk: str | None = None) -> Response:
        return self._respond(
            services.workorder_unmerge(based_on=self._based_on(), order=self.get_object(), by=request.user)
        )

    @_action_schema(None, "Sign for the order (签收)")
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        return self._respond(
            services.assignment_sign(based_on=self._based_on(), order=self.get_object(), by=request.user)
        )

    @_action_schema(s.NoteSerializer, "Record the first contact with the citizen")
    @action(detail=True, methods=["post"])
    def contact(self, request: Request, pk: str | None = None) -> Response:
        data = self._input(s.NoteSerializer)
        return self._respond(
            services.assignment_record_contact(
                based_on=self._based_on(), order=self.get_object(), by=request.user, note=data.get("note", "")
            )
        )

    @_action_schema(s.ReplySerializer, "Reply (答复)")
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str | None = None) -> Response:
        data = self._input(s.ReplySerializer)
        return self._respond(
            services.assignment_reply(
                based_on=self._based_on(), order=self.get_object(), by=request.user, reply=data["reply"]
            )
        )

    @_action_schema(s.ReturnSerializer, "Return the order (退单) with a coded reason")
    @action(detail=True, methods=["post"], url_path="return")
    def return_order(self, request: Request, pk: str | None = None) -> Response:
        data = self._input(s.ReturnSerializer)
        order = services.assignment_return(
            based_on=self._based_on(),
            order=self.get_object(),
            by=request.user,
            reason_code=data["reason_code"],
            reason=data["reason"],
        )
        return self._respond(order)

    @_action_schema(s.ArbitrateSerializer, "Decide a return: re-dispatch or reject")
    @action(detail=True, methods=["post"])
    def arbitrate(self, request: Request, pk: str | None = None) -> Response:
        data = self._input(s.ArbitrateSerializer)
        order = services.workorder_arbitrate(
            based_on=self._based_on(),
            order=self.get_object(),
            by=request.user,
            accept=data["decision"] == "redispatch",
            reason=data["reason"],
            lead_department=data.get("lead_department"),
            assisting_departments=data.get("assisting_departments") or [],
        )
        return self._respond(order)

    @_action_schema(s.ExtensionRequestInSerializer, "Ask for more working days (延期申请)")
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        data = self._input(s.ExtensionRequestInSerializer)
        services.extension_request(
            based_on=self._based_on(),
            order=order,
            by=request.user,
            working_days=data["working_days"],
            reason=data["reason"],
        )
        return self._respond(order)

    @_action_schema(s.ExtensionDecisionSerializer, "Approve or reject the pending extension request")
    @action(detail=True, methods=["post"], url_path="decide-extension")
    def decide_extension(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        data = self._input(s.ExtensionDecisionSerializer)
        pending = get_object_or_404(ExtensionRequest, order=order, status="pending")
        services.extension_decide(
            based_on=self._based_on(),
            request=pending,
            by=request.user,
            approve=data["approve"],
            note=data.get("note", ""),
        )
        return self._respond(order)

    @_action_schema(s.ReasonSerializer, "Put under supervision (督办)")
    @action(detail=True, methods=["post"])
    def supervise(self, request: Request, pk: str | None = None) -> Response:
        data = self._input(s.ReasonSerializer)
        return self._respond(
            services.workorder_supervise(
                based_on=self._based_on(), order=self.get_object(), by=request.user, reason=data["reason"]
            )
        )

    @_action_schema(s.ReasonSerializer, "Send a reminder (催办)")
    @action(detail=True, methods=["post"])
    def remind(self, request: Request, pk: str | None = None) -> Response:
        data = self._input(s.ReasonSerializer)
        return self._respond(
            services.workorder_remind(
                based_on=self._based_on(), order=self.get_object(), by=request.user, reason=data["reason"]
            )
        )

    @_action_schema(s.CallbackInSerializer, "Record the callback (回访); dissatisfied reopens the order")
    @action(detail=True, methods=["post"])
    def callback(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        data = self._input(s.CallbackInSerializer)
        services.callback_record(
            based_on=self._based_on(),
            order=order,
            by=request.user,
            satisfaction=data["satisfaction"],
            resolved=data["resolved"],
            comment=data.get("comment", ""),
        )
        return self._respond(order)

    @_action_schema(s.NoteSerializer, "Close (办结归档)")
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        data = self._input(s.NoteSerializer)
        return self._respond(
            services.workorder_close(
                based_on=self._based_on(), order=self.get_object(), by=request.user, note=data.get("note", "")
            )
        )

    @_action_schema(s.ReasonSerializer, "Cancel an order awaiting dispatch")
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        data = self._input(s.ReasonSerializer)
        return self._respond(
            services.workorder_cancel(
                based_on=self._based_on(), order=self.get_object(), by=request.user, reason=data["reason"]
            )
        )


_REFERENCE_FILTERS = [DjangoFilterBackend, SearchFilter]


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Handling departments; `search` matches the name or code."""

    queryset = Department.objects.all()
    serializer_class = s.DepartmentSerializer
    filter_backends = _REFERENCE_FILTERS
    filterset_class = reference_filters.DepartmentFilter
    search_fields = ["name", "code"]


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The three-level taxonomy; `search` matches the name at any level of the path."""

    queryset = Category.objects.all()
    serializer_class = s.CategorySerializer
    filter_backends = _REFERENCE_FILTERS
    filterset_class = reference_filters.CategoryFilter
    search_fields = ["full_name"]


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    """The gazetteer; `search` matches names and full paths."""

    queryset = Area.objects.all()
    serializer_class = s.AreaSerializer
    filter_backends = _REFERENCE_FILTERS
    filterset_class = reference_filters.AreaFilter
    search_fields = ["full_name", "code"]
