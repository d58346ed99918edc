"""The live-call endpoints: the telephony platform opens a call, streams its ASR turns and ends it
(docs/live-calls.md has curl examples)."""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.models import User
from calls import selectors
from calls.models import LiveCall, Speaker
from calls.services import TurnIn, live_call_add_turn, live_call_close, live_call_open
from hotline.validators import validate_phone
from workorders import permissions
from workorders.models import WorkOrder

# A call id travels in the address: no "/" or "#".
validate_call_id = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.:@\-]{0,127}$",
    _("Use letters, digits and _ . : @ - only, starting with a letter or digit."),
)
MAX_CALL_SECONDS = 86400  # a turn's time lies within a day of the call's start


class CallOpenSerializer(serializers.Serializer):
    call_id = serializers.CharField(
        max_length=128,
        validators=[validate_call_id],
        help_text=_("The telephony platform's id of the call. Sending it again returns the same call."),
    )
    caller_phone = serializers.CharField(required=False, allow_blank=True, max_length=32, validators=[validate_phone])
    operator = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=150,
        help_text=_("The user name of the operator taking the call: the order is theirs, their screen follows it."),
    )

    def validate_operator(self, value: str) -> User | None:
        if not value:
            return None
        user = User.objects.filter(username=value, is_active=True).first()
        if user is None:
            raise serializers.ValidationError(_("No active user is called %(name)s.") % {"name": value})
        return user


class CallTurnSerializer(serializers.Serializer):
    seq = serializers.IntegerField(
        min_value=0,
        max_value=10**6,
        help_text=_("The ASR engine's number of the utterance: hypotheses with the same number replace each other."),
    )
    speaker = serializers.ChoiceField(choices=Speaker.choices)
    text = serializers.CharField(max_length=5000, allow_blank=True, trim_whitespace=True)
    start = serializers.FloatField(
        required=False, min_value=0, max_value=MAX_CALL_SECONDS, help_text=_("Seconds from the call's start.")
    )
    end = serializers.FloatField(required=False, min_value=0, max_value=MAX_CALL_SECONDS)
    final = serializers.BooleanField(
        default=True, help_text=_("False for a partial hypothesis, which the next one of the same number replaces.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "start" in attrs and "end" in attrs and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": [_("The end time is before the start time.")]})
        return attrs


class CallOutSerializer(serializers.Serializer):
    call_id = serializers.CharField()
    status = serializers.CharField()
    revision = serializers.IntegerField()
    order_id = serializers.IntegerField(allow_null=True)
    order_number = serializers.CharField(allow_null=True)
    live_url = serializers.CharField(help_text=_("The page that follows the call (for the operator's screen)."))
    state_url = serializers.CharField(help_text=_("The operator's live view's data, as the page polls it."))
    duplicate = serializers.BooleanField(required=False)
    changed = serializers.BooleanField(required=False, help_text=_("False for a repeated turn."))


class StateTurnSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    speaker = serializers.CharField()
    label = serializers.CharField()
    text = serializers.CharField(allow_blank=True)
    final = serializers.BooleanField()
    start = serializers.FloatField(allow_null=True)
    end = serializers.FloatField(allow_null=True)


class StateFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    value = serializers.JSONField(allow_null=True)
    shown = serializers.CharField(allow_blank=True)
    changed_at = serializers.DateTimeField(allow_null=True)
    by_operator = serializers.BooleanField()


class StateRiskSerializer(serializers.Serializer):
    at_risk = serializers.BooleanField()
    kind = serializers.CharField(allow_null=True)
    kind_label = serializers.CharField(allow_blank=True)
    self_harm = serializers.BooleanField()
    triggers = serializers.ListField(child=serializers.CharField())
    raised_at = serializers.DateTimeField(allow_null=True)


class CallStateSerializer(serializers.Serializer):
    call_id = serializers.CharField()
    status = serializers.CharField()
    revision = serializers.IntegerField()
    order_id = serializers.IntegerField(allow_null=True)
    order_number = serializers.CharField(allow_null=True)
    order_version = serializers.IntegerField(allow_null=True)
    order_status = serializers.CharField(allow_null=True)
    analysed = serializers.BooleanField(help_text=_("The call has ended and the intake has analysed the whole of it."))
    fields_from_turns = serializers.IntegerField(help_text=_("How many final turns the fields were computed from."))
    complete = serializers.BooleanField(help_text=_("The turns listed are all of them (not only those changed since)."))
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    turns = StateTurnSerializer(many=True)
    fields = StateFieldSerializer(many=True)
    risk = StateRiskSerializer()


def _require_submitter(request: Request) -> None:
    if not permissions.may_submit(request.user):
        raise PermissionDenied(_("Only operators and connected systems stream calls."))


def _call(call_id: str) -> LiveCall:
    # the service reads the call again under its lock: here only which one it is
    return get_object_or_404(LiveCall.objects.only("pk", "call_id"), call_id=call_id)


def _out(call: LiveCall, **extra: Any) -> dict[str, Any]:
    # the number alone: reading the order would decrypt its transcript on every turn
    number = WorkOrder.objects.filter(pk=call.order_id).values_list("number", flat=True).first()
    return {
        "call_id": call.call_id,
        "status": call.status,
        "revision": call.revision,
        "order_id": call.order_id,
        "order_number": number,
        "live_url": reverse("live-call-page", args=[call.call_id]),
        "state_url": reverse("live-call-state", args=[call.pk]),
        **extra,
    }


class CallOpenView(APIView):
    """Open a live call."""

    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "intake"

    @extend_schema(
        request=CallOpenSerializer,
        responses={
            201: CallOutSerializer,
            200: OpenApiResponse(CallOutSerializer, description="This call id was already opened; the same call."),
        },
        examples=[
            OpenApiExample(
                "A call rings",
                value={"call_id": "CALL-20261125-000123", "caller_phone": "13800000000", "operator": "wang"},
                request_only=True,
            )
        ],
        summary="Open a live call",
    )
    def post(self, request: Request) -> Response:
        _require_submitter(request)
        serializer = CallOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        outcome = live_call_open(
            call_id=data["call_id"],
            caller_phone=data.get("caller_phone", ""),
            operator=data.get("operator"),
            by=request.user,
        )
        body = _out(outcome.call, duplicate=not outcome.created)
        return Response(body, status=status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK)


class CallTurnView(APIView):
    """Add or replace one utterance of a live call."""

    @extend_schema(
        request=CallTurnSerializer,
        responses={200: CallOutSerializer},
        examples=[
            OpenApiExample(
                "A final turn",
                value={"seq": 3, "speaker": "caller", "text": "我们楼道里好大一股燃气味", "start": 3.8, "end": 10.0},
                request_only=True,
            ),
            OpenApiExample(
                "A partial hypothesis",
                value={"seq": 3, "speaker": "caller", "text": "我们楼道里好大", "start": 3.8, "final": False},
                request_only=True,
            ),
        ],
        summary="Stream a turn of a live call",
    )
    def post(self, request: Request, call_id: str) -> Response:
        _require_submitter(request)
        call = _call(call_id)
        serializer = CallTurnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        outcome = live_call_add_turn(
            call=call,
            turn=TurnIn(
                seq=data["seq"],
                speaker=data["speaker"],
                text=data["text"],
                start=data.get("start"),
                end=data.get("end"),
                final=data["final"],
            ),
        )
        return Response(_out(outcome.call, changed=outcome.changed))


class CallCloseView(APIView):
    """End a live call: its order is analysed as a whole, as the intake does."""

    @extend_schema(request=None, responses={200: CallOutSerializer}, summary="End a live call")
    def post(self, request: Request, call_id: str) -> Response:
        _require_submitter(request)
        call = live_call_close(call=_call(call_id), by=request.user)
        return Response(_out(call))


class CallStateView(APIView):
    """What the operator's live view shows of a call: its turns, the order's fields and the risk."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "since",
                OpenApiTypes.INT,
                description="The revision last seen: only the turns changed since are listed (all of them for 0).",
            )
        ],
        responses={200: CallStateSerializer},
        summary="Read a live call",
    )
    def get(self, request: Request, call_id: str) -> Response:
        # the caller's words: for those who take calls, never a connected system (it sent them; it reads none back)
        if not selectors.may_follow(request.user):
            raise PermissionDenied(_("Only those who take calls follow them live."))
        call = get_object_or_404(selectors.with_shown_order(LiveCall.objects.all()), call_id=call_id)
        since = request.query_params.get("since", "0")
        if not since.isdigit() or len(since) > 9:
            raise serializers.ValidationError({"since": [_("Give the revision last seen, a whole number.")]})
        state = selectors.live_state(call, since=int(since))
        return Response(state.to_json())
