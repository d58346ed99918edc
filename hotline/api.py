"""The intake endpoint: other systems and the phone platform submit calls and messages here."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from hotline.models import Submission
from hotline.services import IntakeRequest, Turn, submission_receive
from hotline.validators import validate_phone, validate_sender_id
from workorders import permissions
from workorders.choices import Channel


class TurnSerializer(serializers.Serializer):
    speaker = serializers.ChoiceField(choices=[("agent", _("Agent")), ("caller", _("Caller"))])
    text = serializers.CharField(max_length=5000, trim_whitespace=True)
    start = serializers.FloatField(required=False, min_value=0)
    end = serializers.FloatField(required=False, min_value=0)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "start" in attrs and "end" in attrs and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": [_("The end time is before the start time.")]})
        return attrs


EARLIEST_RECEIPT_YEAR = 2000  # no hotline call or message is older; an earlier date is a client's bug


class SubmissionInSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    sender_id = serializers.CharField(
        max_length=128,
        validators=[validate_sender_id],
        help_text=_("The sending system's id of this call or message. Sending it again returns the same order."),
    )
    content = serializers.CharField(
        required=False,
        max_length=settings.HOTLINE["MAX_APPEAL_CHARS"],
        help_text=_("The message text, or a transcript as plain text. Give this or turns."),
    )
    turns = TurnSerializer(
        many=True,
        required=False,
        max_length=settings.HOTLINE["MAX_TURNS"],
        help_text=_("A speaker-labelled transcript from the ASR engine. Give this or content."),
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    caller_name = serializers.CharField(required=False, allow_blank=True, max_length=64)
    caller_phone = serializers.CharField(required=False, allow_blank=True, max_length=32, validators=[validate_phone])
    address = serializers.CharField(required=False, allow_blank=True, max_length=255)
    received_at = serializers.DateTimeField(
        required=False, help_text=_("When the call or message arrived; default now.")
    )

    def validate_received_at(self, value: datetime) -> datetime:
        if value > timezone.now() + timedelta(minutes=5):
            raise serializers.ValidationError(_("The time of receipt lies in the future."))
        if value.year < EARLIEST_RECEIPT_YEAR:
            raise serializers.ValidationError(
                _("The time of receipt lies before %(year)s; send when the call or message arrived.")
                % {"year": EARLIEST_RECEIPT_YEAR}
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        has_content, has_turns = bool(attrs.get("content", "").strip()), bool(attrs.get("turns"))
        if has_content == has_turns:
            message = (
                _("Give either content or turns, not both.")
                if has_content
                else _("Give the content or the turns of the call.")
            )
            raise serializers.ValidationError({"content": [message]})
        if has_turns:
            total = sum(len(turn["text"]) for turn in attrs["turns"])
            if total > settings.HOTLINE["MAX_APPEAL_CHARS"]:
                raise serializers.ValidationError(
                    {
                        "turns": [
                            _("The transcript is longer than %(max)s characters.")
                            % {"max": settings.HOTLINE["MAX_APPEAL_CHARS"]}
                        ]
                    }
                )
        return attrs


class SubmissionOutSerializer(serializers.Serializer):
    submission_id = serializers.IntegerField()
    order_id = serializers.IntegerField()
    order_number = serializers.CharField()
    order_url = serializers.CharField()
    status = serializers.CharField()
    duplicate = serializers.BooleanField(help_text=_("True when this sender id was already received."))


_EXAMPLE = {
    "channel": "phone",
    "sender_id": "CALL-20261125-000123",
    "turns": [
        {"speaker": "agent", "text": "您好，12345热线，请讲。", "start": 0.0, "end": 2.1},
        {
            "speaker": "caller",
            "text": "A3区西湖路12号小区门口的路灯坏了一个星期了，晚上很黑。",
            "start": 2.3,
            "end": 8.0,
        },
    ],
    "caller_name": "张先生",
    "caller_phone": "13800000000",
}


class SubmissionCreateView(APIView):
    """Receive a call transcript or a message; the draft order is created at once and analysed in a task."""

    throttle_classes = (ScopedRateThrottle,)  # per connected system (its user): API_INTAKE_RATE
    throttle_scope = "intake"

    @extend_schema(
        request=SubmissionInSerializer,
        responses={
            201: SubmissionOutSerializer,
            200: OpenApiResponse(
                SubmissionOutSerializer, description="This sender id was already received; same order."
            ),
            400: OpenApiResponse(description="Invalid input; the body names each field at fault."),
        },
        examples=[OpenApiExample("Phone transcript", value=_EXAMPLE, request_only=True)],
        summary="Submit a call or message",
    )
    def post(self, request: Request) -> Response:
        if not permissions.may_submit(request.user):
            raise PermissionDenied(_("Only operators and connected systems submit calls and messages."))
        raw_body = request._request.body.decode("utf-8", errors="replace")  # stored verbatim below
        serializer = SubmissionInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        outcome = submission_receive(
            request=IntakeRequest(
                channel=data["channel"],
                sender_id=data["sender_id"],
                content=data.get("content", "").strip(),
                turns=tuple(Turn(**turn) for turn in data.get("turns", [])),
                title=data.get("title", ""),
                caller_name=data.get("caller_name", ""),
                caller_phone=data.get("caller_phone", ""),
                address=data.get("address", ""),
                received_at=data.get("received_at"),
                raw_body=raw_body,
                content_type=request.content_type or "",
                payload=request.data if isinstance(request.data, dict) else {},
            ),
            by=request.user,
        )
        body = submission_response(outcome.submission, duplicate=not outcome.created, request=request)
        return Response(body, status=status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK)


def submission_response(submission: Submission, *, duplicate: bool, request: Request) -> dict[str, Any]:
    order = submission.order
    return {
        "submission_id": submission.pk,
        "order_id": order.pk,
        "order_number": order.number,
        "order_url": request.build_absolute_uri(reverse("api:order-detail", args=[order.pk])),
        "status": order.status,
        "duplicate": duplicate,
    }
