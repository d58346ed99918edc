"""Reads of intake data, and the triage pipeline built from the reference data and the active model."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from hotline import model_registry
from hotline.models import LlmCall, ModelKind, Submission, SubmissionStatus
from triage.duplicates import Report
from triage.pipeline import TriagePipeline
from triage.types import CategoryRef, PlaceRef
from workorders.choices import Status
from workorders.models import Area, Category, WorkOrder


def submissions_due_for_triage(now: datetime) -> QuerySet[Submission]:
    """Submissions still waiting for analysis whose task was lost, failed, or is overdue for a retry."""
    stalled_before = now - timedelta(seconds=settings.HOTLINE["TRIAGE_STALL_SECONDS"])
    return Submission.objects.filter(
        status__in=[SubmissionStatus.RECEIVED, SubmissionStatus.FAILED],
        attempts__lt=settings.HOTLINE["TRIAGE_MAX_ATTEMPTS"],
    ).filter(Q(next_attempt_at__isnull=True, received_at__lt=stalled_before) | Q(next_attempt_at__lte=now))


def place_refs() -> list[PlaceRef]:
    return [
        PlaceRef(id=pk, name=name, kind=kind, depth=path.count("/") - 1, aliases=tuple(aliases or ()), parent_id=parent)
        for pk, name, kind, path, aliases, parent in Area.objects.values_list(
            "pk", "name", "kind", "path", "aliases", "parent_id"
        )
    ]


def category_refs() -> list[CategoryRef]:
    return [
        CategoryRef(id=pk, level=level, name=name, parent_name=parent_name or "")
        for pk, level, name, parent_name in Category.objects.values_list("pk", "level", "name", "parent__name")
    ]


# --- the pipeline, built once per process and rebuilt when the reference data or the active model change --

_PIPELINE_TTL_SECONDS = 300  # another process's edits to the gazetteer or taxonomy show within this time
_pipeline_lock = threading.Lock()
_pipeline: dict[str, object] = {}


def _reference_signature() -> tuple[object, ...]:
    areas = Area.objects.aggregate(n=Count("id"), last=Max("id"))
    categories = Category.objects.aggregate(n=Count("id"), last=Max("id"))
    return (areas["n"], areas["last"], categories["n"], categories["last"])


def forget_pipeline(**_kwargs: object) -> None:
    """Drop the cached pipeline (the gazetteer or taxonomy changed in this process)."""
    with _pipeline_lock:
        _pipeline.clear()


for _model in (Area, Category):
    post_save.connect(forget_pipeline, sender=_model, dispatch_uid=f"forget-pipeline-save-{_model.__name__}")
    post_delete.connect(forget_pipeline, sender=_model, dispatch_uid=f"forget-pipeline-delete-{_model.__name__}")


def current_pipeline() -> TriagePipeline:
    """The triage pipeline for the current gazetteer, taxonomy and active level-1 model."""
    active = model_registry.active_version_id(ModelKind.CATEGORY_LEVEL1)
    signature = _reference_signature()
    with _pipeline_lock:
        cached = _pipeline.get("pipeline")
        fresh = time.monotonic() - float(_pipeline.get("built_at", 0.0)) < _PIPELINE_TTL_SECONDS
        if cached is not None and fresh and _pipeline.get("key") == (active, signature):
            return cached  # type: ignore[return-value]
    model = model_registry.load_level1(active[0]) if active else None
    pipeline = TriagePipeline(
        places=place_refs(),
        categories=category_refs(),
        level1_model=model,
        level1_version=active[1] if active else "",
    )
    with _pipeline_lock:
        _pipeline.update({"pipeline": pipeline, "key": (active, signature), "built_at": time.monotonic()})
    return pipeline


# --- related orders -----------------------------------------------------------------------------------

RELATED_WINDOW = timedelta(days=30)
RELATED_CANDIDATES = 2000
OPEN_FOR_MERGING = (Status.DRAFT, Status.DISPATCHED, Status.SIGNED, Status.RETURNED, Status.REPLIED)


def related_candidates(order: WorkOrder) -> list[Report]:
    """Open orders of the last 30 days in the order's district (all districts when its place is unknown),
    newest first, as plain reports for duplicate detection."""
    since = order.created_at - RELATED_WINDOW
    orders = WorkOrder.objects.filter(
        status__in=OPEN_FOR_MERGING, created_at__gte=since, created_at__lte=order.created_at
    )
    orders = orders.exclude(pk=order.pk).select_related("area", "source_submission")
    if order.area_id:
        district_path = "/".join(order.area.path.split("/")[:3]) + "/"  # "/<city>/<district>/"
        orders = orders.filter(Q(area__path__startswith=district_path) | Q(area__isnull=True))
    return [report_of(o) for o in orders.order_by("-created_at")[:RELATED_CANDIDATES]]


def report_of(order: WorkOrder) -> Report:
    area_ids = tuple(int(part) for part in order.area.path.strip("/").split("/")) if order.area_id else ()
    return Report(
        id=order.pk,
        text=f"{order.title}\n{order.text_for_models}",
        received_at=order.created_at,
        area_ids=area_ids,
        caller=order.caller_phone,
    )


def sender_ids_received(*, prefix: str) -> set[str]:
    """The sender ids already received that start with ``prefix`` (an import's own ids), on any channel."""
    return set(Submission.objects.filter(sender_id__startswith=prefix).values_list("sender_id", flat=True))


# --- the LLM: drafts waiting for an answer, and the call log ------------------------------------------------


def orders_with_pending_llm_draft() -> QuerySet[WorkOrder]:
    """Orders whose LLM draft was asked for and has no outcome yet (``triage["llm"]["status"] == "pending"``).

    A key filter on the triage JSON rather than a second table: the pending state is part of the order's LLM
    record (``workorders.triage_record.LlmRecord``), which the order page, the draft policy and the task read
    together, and a separate row would have to be kept in step with it in every write. The filter scans the
    orders; that is a fraction of a second at a hundred thousand orders and the sweep runs every few minutes. At
    millions of orders on PostgreSQL, a partial expression index (``(triage->'llm'->>'status')`` where it is
    ``pending``, a workorders migration) keeps it an index read without changing this query."""
    return WorkOrder.objects.filter(triage__llm__status="pending").order_by("pk")


@dataclass(frozen=True)
class LlmCallFigures:
    """The endpoint's calls over a period (the health page)."""

    calls: int
    errors: int  # failed or unusable answers; a refused output format is not counted
    p50_ms: float | None
    p95_ms: float | None
    tokens: int

    @property
    def error_rate(self) -> float | None:
        return self.errors / self.calls if self.calls else None


def _percentile(ordered: list[float], share: float) -> float | None:
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def llm_call_figures(since: datetime) -> LlmCallFigures:
    calls = LlmCall.objects.filter(at__gte=since)
    totals = calls.aggregate(
        calls=Count("id"),
        errors=Count("id", filter=~Q(status__in=["ok", "format_rejected"])),
        tokens=Coalesce(Sum("prompt_tokens"), 0) + Coalesce(Sum("completion_tokens"), 0),
    )
    latencies = sorted(calls.values_list("latency_ms", flat=True))
    return LlmCallFigures(
        totals["calls"], totals["errors"], _percentile(latencies, 0.5), _percentile(latencies, 0.95), totals["tokens"]
    )


def llm_usage_since(since: datetime) -> tuple[int, int]:
    """Calls and tokens since a moment, every process's (the hour's budget)."""
    totals = LlmCall.objects.filter(at__gte=since).aggregate(
        calls=Count("id"), tokens=Coalesce(Sum("prompt_tokens"), 0) + Coalesce(Sum("completion_tokens"), 0)
    )
    return totals["calls"], totals["tokens"]


@dataclass(frozen=True)
class LlmDay:
    day: date
    calls: int
    errors: int
    tokens: int


def llm_days(days: int = 7, now: datetime | None = None) -> list[LlmDay]:
    """Calls, errors and tokens per local day, for the last ``days`` days (today included), oldest first."""
    today = timezone.localdate(now or timezone.now())
    first = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    rows = (
        LlmCall.objects.filter(at__gte=start)
        .annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(
            calls=Count("id"),
            errors=Count("id", filter=~Q(status__in=["ok", "format_rejected"])),
            tokens=Coalesce(Sum("prompt_tokens"), 0) + Coalesce(Sum("completion_tokens"), 0),
        )
    )
    by_day = {row["day"]: row for row in rows}
    result = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        row = by_day.get(day, {})
        result.append(LlmDay(day, row.get("calls", 0), row.get("errors", 0), row.get("tokens", 0)))
    return result
