"""``/health/`` and ``/metrics``: is the site up, and how far behind is the analysis of incoming calls.

Aggregate figures only (no order, no personal data), so monitoring reads them without logging in: the database
answering, the submissions waiting for analysis and the age of the oldest, the broker's queues by purpose, and
whether the oldest has waited longer than HOTLINE_TRIAGE_ALERT_SECONDS (the alert). The answer is 200 while the
database answers, also during an alert: the web server is fine and must stay in the load balancer; the alert is
for the people who add triage workers. 503 when the database does not answer."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from hotline.selectors import TriageBacklog, triage_backlog

logger = logging.getLogger(__name__)


def _figures() -> tuple[TriageBacklog | None, dict[str, Any]]:
    try:
        backlog = triage_backlog()
    except DatabaseError:
        logger.exception("health: the database did not answer")
        return None, {"status": "down", "database": "unreachable"}
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
    }


@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    backlog, body = _figures()
    return JsonResponse(body, status=503 if backlog is None else 200)


@require_GET
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """The same figures in the Prometheus text format."""
    backlog, _body = _figures()
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
        ]
    return HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain; version=0.0.4", status=200 if backlog else 503
    )
