"""How far behind the analysis of incoming calls is: on /health/, /metrics, the centre's dashboard and in the log."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hotline import selectors, services
from hotline.models import Submission
from hotline.tasks import requeue_stalled_submissions
from tests.conftest import City, Personas

pytestmark = pytest.mark.django_db


def waiting(sender_id: str, personas: Personas, *, seconds_ago: float) -> Submission:
    outcome = services.submission_receive(
        request=services.IntakeRequest(
            channel="web", sender_id=sender_id, content="我要投诉张三丰，电话13800138000，路灯坏了。", raw_body="{}"
        ),
        by=personas.integration,
    )
    Submission.objects.filter(pk=outcome.submission.pk).update(
        received_at=timezone.now() - timedelta(seconds=seconds_ago)
    )
    return outcome.submission


def test_health_says_how_many_calls_wait_and_for_how_long_without_logging_in(
    city: City, personas: Personas, settings
) -> None:
    settings.HOTLINE = {**settings.HOTLINE, "TRIAGE_ALERT_SECONDS": 60}
    waiting("H-1", personas, seconds_ago=20)
    waiting("H-2", personas, seconds_ago=5)
    response = Client().get("/health/")
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["broker"] == "in-process"
    assert body["triage"]["waiting"] == 2 and 19 <= body["triage"]["oldest_age_seconds"] < 60
    assert body["triage"]["alert"] is False and body["queues"] == {}
    assert "13800138000" not in response.content.decode() and "张三丰" not in response.content.decode()


def test_health_raises_the_alert_past_the_threshold_and_still_answers_200(
    city: City, personas: Personas, settings
) -> None:
    settings.HOTLINE = {**settings.HOTLINE, "TRIAGE_ALERT_SECONDS": 60}
    waiting("H-3", personas, seconds_ago=300)
    response = Client().get("/health/")
    assert response.status_code == 200  # the web server is fine: the alert is for whoever adds triage workers
    assert response.json()["status"] == "alert" and response.json()["triage"]["alert"] is True


def test_with_a_broker_each_purposes_queue_depth_is_shown(
    city: City, personas: Personas, settings, monkeypatch
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    depths = {"triage": 120, "llm": 3, "periodic": 0, "analytics": None}
    monkeypatch.setattr(selectors, "broker_queue_depths", lambda names: {name: depths[name] for name in names})
    body = Client().get("/health/").json()
    assert body["queues"] == depths and body["broker"] == "ok"
    metrics = Client().get("/metrics").content.decode()
    assert 'hotline_queue_depth{purpose="triage"} 120' in metrics
    assert 'hotline_queue_depth{purpose="analytics"' not in metrics  # unknown is left out, not reported as 0


def test_metrics_give_the_same_figures_for_prometheus(city: City, personas: Personas, settings) -> None:
    settings.HOTLINE = {**settings.HOTLINE, "TRIAGE_ALERT_SECONDS": 60}
    waiting("M-1", personas, seconds_ago=90)
    response = Client().get("/metrics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "hotline_up 1" in text and "hotline_triage_waiting 1" in text and "hotline_triage_alert 1" in text
    age = float(
        next(line for line in text.splitlines() if line.startswith("hotline_triage_oldest_age_seconds")).split()[1]
    )
    assert 89 <= age < 200


def test_the_centre_dashboard_shows_the_backlog_and_the_alert(
    client: Client, city: City, personas: Personas, settings
) -> None:
    settings.HOTLINE = {**settings.HOTLINE, "TRIAGE_ALERT_SECONDS": 60}
    client.force_login(personas.manager)
    calm = client.get(reverse("dashboard")).content.decode()
    assert "等待智能分析的来电" in calm and 'role="alert"' not in calm
    waiting("D-1", personas, seconds_ago=600)
    alarmed = client.get(reverse("dashboard")).content.decode()
    assert 'role="alert"' in alarmed and "分析进程跟不上" in alarmed


def test_the_sweep_logs_a_warning_while_triage_is_behind(
    city: City, personas: Personas, settings, caplog, monkeypatch
) -> None:
    settings.HOTLINE = {**settings.HOTLINE, "TRIAGE_ALERT_SECONDS": 60}
    monkeypatch.setattr(services, "queue_triage", lambda submission_id: None)  # nothing is analysed meanwhile
    waiting("L-1", personas, seconds_ago=30)
    with caplog.at_level(logging.WARNING, logger="hotline.services"):
        requeue_stalled_submissions.apply()
    assert "triage is behind" not in caplog.text
    waiting("L-2", personas, seconds_ago=400)
    with caplog.at_level(logging.WARNING, logger="hotline.services"):
        requeue_stalled_submissions.apply()
    assert "triage is behind" in caplog.text
