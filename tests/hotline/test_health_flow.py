"""/health/ and /metrics also say how fast calls come in and are analysed, which model reads them, whether a
worker is analysing, and how the LLM endpoint fares: what an operations engineer watches."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hotline import services
from hotline.models import LlmCall, LlmPurpose, Submission, SubmissionStatus
from tests.conftest import City, Personas

pytestmark = pytest.mark.django_db


def analysed(sender_id: str, personas: Personas, *, waited: float) -> None:
    outcome = services.submission_receive(
        request=services.IntakeRequest(channel="web", sender_id=sender_id, content="路灯坏了三天了", raw_body="{}"),
        by=personas.integration,
    )
    now = timezone.now()
    Submission.objects.filter(pk=outcome.submission.pk).update(
        received_at=now - timedelta(seconds=waited), triaged_at=now, status=SubmissionStatus.TRIAGED
    )


def test_health_gives_the_intake_rate_the_time_to_analysis_and_the_last_analysis(
    city: City, personas: Personas
) -> None:
    for n, waited in enumerate((1.0, 2.0, 3.0, 40.0)):
        analysed(f"F-{n}", personas, waited=waited)

    body = Client().get("/health/").json()

    assert body["intake"]["received"] == 4 and body["intake"]["analysed"] == 4
    assert body["intake"]["receipt_to_analysis_p50_seconds"] in (2.0, 3.0)
    assert body["intake"]["receipt_to_analysis_p95_seconds"] == 40.0
    assert body["intake"]["last_analysed_at"] is not None


def test_metrics_count_llm_errors_of_the_last_hour(city: City) -> None:
    LlmCall.objects.create(purpose=LlmPurpose.DRAFT, status="ok", latency_ms=800)
    LlmCall.objects.create(purpose=LlmPurpose.DRAFT, status="failed", latency_ms=30000)
    LlmCall.objects.create(
        purpose=LlmPurpose.DRAFT, status="failed", latency_ms=30000, at=timezone.now() - timedelta(hours=2)
    )

    text = Client().get("/metrics").content.decode()

    assert "hotline_llm_calls_last_hour 2" in text and "hotline_llm_errors_last_hour 1" in text
    assert "hotline_model_active " in text and "hotline_intake_received_per_second " in text
