"""``/health/`` and ``/metrics``: is the site up, and how far behind is the analysis of incoming calls.

Aggregate figures only (no order, no personal data), so monitoring reads them without logging in: the database
answering, the submissions waiting for analysis and the age of the oldest, the broker's queues by purpose, and
whether the oldest has waited longer than HOTLINE_TRIAGE_ALERT_SECONDS (the alert). The answer is 200 while the
database answers, also during an alert: the web server is fine and must stay in the load balancer; the alert is
for the people who add triage workers. 503 when the database does not answer."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from hotline import model_registry
from hotline.heartbeat import queue_heartbeats
from hotline.models import ModelKind
from hotline.selectors import TriageBacklog, intake_flow, llm_call_figures, triage_backlog

logger = logging.getLogger(__name__)


def _figures() -> tuple[TriageBacklog | None, dict[str, Any]]:
    try:
        backlog = triage_backlog()
    except DatabaseError:
        logger.exception("health: the database did not answer")
        return None, {"status": "down", "database": "unreachable"}
    flow = intake_flow()
    llm = llm_call_figures(timezone.now() - timedelta(hours=1))
    model = model_registry.active_version_id(ModelKind.CATEGORY_LEVEL1)
    broker = "in-process" if settings.CELERY_TASK_ALWAYS_EAGER else "ok"
    if backlog.queues and all(depth is None for depth in backlog.queues.values()):
        broker = "unreachable"
    return backlog, {
        "status": "alert" if backlog.alert else "ok",
        "database": "ok",
        "broker": broker,
        "triage": {
            "waiting": backlog.waiting,
            "oldest_received_at": backlog.oldest_received_at.isoformat() if backlog.oldest_received_at else None,
            "oldest_age_seconds": round(backlog.oldest_age_seconds, 1)
            if backlog.oldest_age_seconds is not None
            else None,
            "alert_after_seconds": backlog.alert_seconds,
            "alert": backlog.alert,
        },
        "queues": backlog.queues,
        "model": {"category_level1": model[1] if model else None},
        "intake": {
            "window_seconds": flow.window_seconds,
            "received": flow.received,
            "analysed": flow.analysed,
            "received_per_second": round(flow.received_per_second, 3),
            "receipt_to_analysis_p50_seconds": _rounded(flow.p50_seconds),
            "receipt_to_analysis_p95_seconds": _rounded(flow.p95_seconds),
            # a worker is alive when this moves while calls wait (in-process mode: the web process analyses)
            "last_analysed_at": flow.last_analysed_at.isoformat() if flow.last_analysed_at else None,
        },
        "llm_last_hour": {"calls": llm.calls, "errors": llm.errors},
        "workers": _workers(),
    }


def _workers() -> dict[str, Any]:
    """Each queue's workers by their heartbeat (``hotline.heartbeat``); in-process mode has none to watch."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"mode": "in-process", "detail": "tasks run in the web process (no broker configured)"}
    return {
        "mode": "celery",
        "stale_after_seconds": settings.HOTLINE["WORKER_STALE_SECONDS"],
        "queues": {
            beat.purpose: {
                "queue": beat.queue,
                "status": beat.status,
                "last_heartbeat_age_seconds": beat.age_seconds,
                "live_workers": beat.live_workers,
            }
            for beat in queue_heartbeats()
        },
    }


def _heartbeat_lines(workers: dict[str, Any]) -> list[str]:
    queues = [(purpose, shown) for purpose, shown in workers.get("queues", {}).items()]

    def label(purpose: str, shown: dict[str, Any]) -> str:
        return f'{{purpose="{purpose}",queue="{shown["queue"]}"}}'

    return [
        "# HELP hotline_worker_up 1 when a worker recorded a heartbeat on the queue within HOTLINE_WORKER_STALE_SECONDS.",
        "# TYPE hotline_worker_up gauge",
        *(f"hotline_worker_up{label(p, q)} {int(q['status'] == 'ok')}" for p, q in queues),
        "# HELP hotline_worker_heartbeat_age_seconds Age of the newest worker heartbeat on the queue.",
        "# TYPE hotline_worker_heartbeat_age_seconds gauge",
        *(
            f"hotline_worker_heartbeat_age_seconds{label(p, q)} {q['last_heartbeat_age_seconds']}"
            for p, q in queues
            if q["last_heartbeat_age_seconds"] is not None
        ),
        "# HELP hotline_worker_live_workers Workers with a recent heartbeat on the queue.",
        "# TYPE hotline_worker_live_workers gauge",
        *(f"hotline_worker_live_workers{label(p, q)} {q['live_workers']}" for p, q in queues),
    ]


def _rounded(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    backlog, body = _figures()
    return JsonResponse(body, status=503 if backlog is None else 200)


@require_GET
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """The same figures in the Prometheus text format."""
    backlog, body = _figures()
    lines = [
        "# HELP hotline_up 1 when the database answers.",
        "# TYPE hotline_up gauge",
        f"hotline_up {0 if backlog is None else 1}",
    ]
    if backlog is not None:
        lines += [
            "# HELP hotline_triage_waiting Submissions not analysed yet (failed ones waiting for a retry included).",
            "# TYPE hotline_triage_waiting gauge",
            f"hotline_triage_waiting {backlog.waiting}",
            "# HELP hotline_triage_oldest_age_seconds How long the oldest submission not analysed yet has waited.",
            "# TYPE hotline_triage_oldest_age_seconds gauge",
            f"hotline_triage_oldest_age_seconds {backlog.oldest_age_seconds or 0:.1f}",
            "# HELP hotline_triage_alert 1 when the oldest has waited longer than HOTLINE_TRIAGE_ALERT_SECONDS.",
            "# TYPE hotline_triage_alert gauge",
            f"hotline_triage_alert {int(backlog.alert)}",
            "# HELP hotline_queue_depth Messages waiting in the broker's queue of each purpose.",
            "# TYPE hotline_queue_depth gauge",
            *(
                f'hotline_queue_depth{{purpose="{purpose}"}} {depth}'
                for purpose, depth in backlog.queues.items()
                if depth is not None
            ),
            "# HELP hotline_intake_received_per_second Submissions received per second over the last 5 minutes.",
            "# TYPE hotline_intake_received_per_second gauge",
            f"hotline_intake_received_per_second {body['intake']['received_per_second']}",
            "# HELP hotline_triage_latency_seconds From receipt to analysis, of those analysed in the last 5 minutes.",
            "# TYPE hotline_triage_latency_seconds gauge",
            *(
                f'hotline_triage_latency_seconds{{quantile="{quantile}"}} {value}'
                for quantile, value in (
                    ("0.5", body["intake"]["receipt_to_analysis_p50_seconds"]),
                    ("0.95", body["intake"]["receipt_to_analysis_p95_seconds"]),
                )
                if value is not None
            ),
            "# HELP hotline_model_active 1 when a level-1 category model is active.",
            "# TYPE hotline_model_active gauge",
            f"hotline_model_active {int(body['model']['category_level1'] is not None)}",
            "# HELP hotline_llm_calls_last_hour Calls to the LLM endpoint over the last hour.",
            "# TYPE hotline_llm_calls_last_hour gauge",
            f"hotline_llm_calls_last_hour {body['llm_last_hour']['calls']}",
            "# HELP hotline_llm_errors_last_hour Failed or unusable LLM answers over the last hour.",
            "# TYPE hotline_llm_errors_last_hour gauge",
            f"hotline_llm_errors_last_hour {body['llm_last_hour']['errors']}",
            "# HELP hotline_tasks_in_process 1 when tasks run in the web process (no broker, no workers).",
            "# TYPE hotline_tasks_in_process gauge",
            f"hotline_tasks_in_process {int(settings.CELERY_TASK_ALWAYS_EAGER)}",
        ]
        lines += _heartbeat_lines(body["workers"])
    return HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain; version=0.0.4", status=200 if backlog else 503
    )
