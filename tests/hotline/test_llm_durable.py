"""LLM drafts are durable: the order records its draft as pending before anything is queued, a run is idempotent,
an endpoint that fails is tried again a few times and then the failure is recorded, the sweep finds drafts whose
task was lost (a restart) and queues them again or gives them up with the reason, the hour's budget holds, and
the order page says where its draft stands."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from hotline.llm_services import (
    DraftRun,
    llm_draft_run,
    llm_drafts_sweep,
    order_draft_with_llm,
    wait_for_background_drafts,
)
from hotline.models import LlmCall
from tests.conftest import City, Personas
from tests.hotline.test_llm_drafting import NOISE, draft_json, triaged
from tests.llm_server import FakeLLM, Scripted
from workorders import services
from workorders.models import WorkOrder
from workorders.triage_record import LlmRecord

pytestmark = pytest.mark.django_db


def llm_of(order: WorkOrder) -> LlmRecord:
    record = WorkOrder.objects.get(pk=order.pk).triage_record.llm
    assert record is not None
    return record


def test_triage_records_the_draft_as_pending_before_queueing_it_and_keeps_the_version(
    city: City, personas: Personas, fake_llm: FakeLLM
) -> None:
    # In this test's transaction nothing is queued on commit: the state a restart right after triage leaves.
    order = triaged(personas)
    llm = order.triage_record.llm
    assert llm is not None and llm.status == "pending" and llm.requested_at
    assert llm.based_on_version == order.version == order.events.order_by("id").last().version  # no extra version


def test_a_run_does_nothing_unless_its_draft_is_still_pending(
    city: City, personas: Personas, fake_llm: FakeLLM
) -> None:
    order = triaged(personas)
    fake_llm.answer(draft_json(order), draft_json(order))
    assert llm_draft_run(order_id=order.pk, based_on=order.version) == DraftRun("applied")
    assert llm_draft_run(order_id=order.pk, based_on=order.version) == DraftRun("done")  # delivered twice
    assert llm_draft_run(order_id=order.pk, based_on=order.version + 5) == DraftRun("done")  # not this draft
    assert len(fake_llm.requests) == 1


def test_a_failing_endpoint_is_tried_again_with_backoff_and_then_the_failure_is_recorded(
    city: City, personas: Personas, fake_llm: FakeLLM, settings
) -> None:
    settings.LLM = {**settings.LLM, "DRAFT_ATTEMPTS": 3, "DRAFT_RETRY_SECONDS": 7, "BREAKER_FAILURES": 10}
    order = triaged(personas)
    asked_at = order.triage_record.llm.requested_at
    fake_llm.default = Scripted(status=500, body=b"down for maintenance")

    assert llm_draft_run(order_id=order.pk, based_on=order.version, attempt=1) == DraftRun("pending", retry_in=7)
    waiting = llm_of(order)
    assert waiting.status == "pending" and "HTTP 500" in waiting.reason and waiting.requested_at == asked_at
    assert llm_draft_run(order_id=order.pk, based_on=order.version, attempt=2) == DraftRun("pending", retry_in=14)
    assert llm_draft_run(order_id=order.pk, based_on=order.version, attempt=3) == DraftRun("failed")

    failed = llm_of(order)
    assert failed.status == "failed" and "HTTP 500" in failed.reason and "3" in failed.reason
    assert WorkOrder.objects.get(pk=order.pk).title == order.title  # the classical draft stands


def test_an_endpoint_back_on_the_retry_drafts_the_order(city: City, personas: Personas, fake_llm: FakeLLM) -> None:
    order = triaged(personas)
    fake_llm.answer(Scripted(status=503, body=b"busy"), Scripted(status=503, body=b"busy"), draft_json(order))
    assert llm_draft_run(order_id=order.pk, based_on=order.version, attempt=1).retry_in is not None
    assert llm_draft_run(order_id=order.pk, based_on=order.version, attempt=2) == DraftRun("applied")
    assert WorkOrder.objects.get(pk=order.pk).title == "茶场村工地夜间施工噪音扰民"


def test_an_invalid_answer_is_not_tried_again(city: City, personas: Personas, fake_llm: FakeLLM) -> None:
    order = triaged(personas)
    fake_llm.answer("不是JSON", "还不是JSON")
    assert llm_draft_run(order_id=order.pk, based_on=order.version, attempt=1) == DraftRun("invalid")
    assert len(fake_llm.requests) == 2  # the answer and its repair


@pytest.mark.parametrize("budget", [{"MAX_CALLS_PER_HOUR": 1}, {"MAX_TOKENS_PER_HOUR": 100}])
def test_over_the_hours_budget_drafts_are_recorded_as_over_budget_and_intake_goes_on(
    city: City, personas: Personas, fake_llm: FakeLLM, settings, budget: dict[str, int]
) -> None:
    settings.LLM = {**settings.LLM, **budget}
    first, second = triaged(personas, sender="BUDGET-1"), triaged(personas, sender="BUDGET-2")
    fake_llm.answer(draft_json(first), draft_json(second))

    assert order_draft_with_llm(order_id=first.pk) == "applied"  # one call, 180 tokens
    assert order_draft_with_llm(order_id=second.pk) == "over_budget"

    assert len(fake_llm.requests) == 1  # nothing was sent over the budget
    llm = llm_of(second)
    assert str(next(iter(budget.values()))) in llm.reason
    assert WorkOrder.objects.get(pk=second.pk).title == second.title
    third = triaged(personas, sender="BUDGET-3")  # intake and the classical triage go on
    assert third.title and third.category_id


def test_every_call_is_logged_for_the_budget_and_the_health_page_without_its_text(
    city: City, personas: Personas, fake_llm: FakeLLM
) -> None:
    order = triaged(personas)
    fake_llm.answer("不是JSON", draft_json(order))
    order_draft_with_llm(order_id=order.pk)
    calls = list(LlmCall.objects.order_by("id").values_list("purpose", "status", "prompt_tokens", "completion_tokens"))
    assert calls == [("draft", "invalid", 120, 60), ("draft", "ok", 120, 60)]
    assert not LlmCall.objects.filter(detail__contains="茶场村").exists()


def test_the_sweep_gives_up_with_the_reason_on_drafts_whose_order_left_the_desk_or_waited_too_long(
    city: City, personas: Personas, fake_llm: FakeLLM, settings
) -> None:
    settings.LLM = {**settings.LLM, "DRAFT_STALL_SECONDS": 600, "DRAFT_GIVE_UP_SECONDS": 3600}
    now = timezone.now()
    gone = triaged(personas, sender="SWEEP-1")
    services.workorder_dispatch(order=gone, by=personas.operator, lead_department=city.environment)
    old = triaged(personas, sender="SWEEP-2")
    WorkOrder.objects.filter(pk=old.pk).update(created_at=now - timedelta(hours=2))
    services.workorder_mark_llm_pending(order=old, based_on=old.version, at=now - timedelta(hours=2))
    young = triaged(personas, sender="SWEEP-3")

    assert llm_drafts_sweep(now=now) == {"requeued": 0, "expired": 2, "skipped": 0, "waiting": 1}

    assert llm_of(gone).status == "expired" and WorkOrder.objects.get(pk=gone.pk).get_status_display() in (
        llm_of(gone).reason
    )
    assert llm_of(old).status == "expired" and "60" in llm_of(old).reason  # minutes
    assert llm_of(young).status == "pending"  # asked for just now: its task is still on its way
    assert not fake_llm.requests


def test_the_sweep_trims_the_call_log(city: City, fake_llm: FakeLLM, settings) -> None:
    settings.LLM = {**settings.LLM, "CALL_LOG_DAYS": 30}
    LlmCall.objects.create(purpose="draft", status="ok", at=timezone.now() - timedelta(days=31))
    LlmCall.objects.create(purpose="draft", status="ok", at=timezone.now() - timedelta(days=29))
    llm_drafts_sweep()
    assert LlmCall.objects.count() == 1


def test_the_sweep_is_declared_once_in_the_beat_schedule_and_runs_as_a_task(
    city: City, personas: Personas, fake_llm: FakeLLM, settings
) -> None:
    from config.celery import app
    from config.scheduler import InProcessScheduler

    sweeps = [name for name, entry in settings.CELERY_BEAT_SCHEDULE.items() if entry["task"].endswith("llm_drafts")]
    assert sweeps == ["sweep-llm-drafts"]
    assert "sweep-llm-drafts" in {entry.name for entry in InProcessScheduler().entries}
    order = triaged(personas)
    services.workorder_dispatch(order=order, by=personas.operator, lead_department=city.environment)
    app.loader.import_default_modules()
    assert app.tasks["hotline.tasks.sweep_llm_drafts"].apply().get()["expired"] == 1


def test_the_task_runs_the_pending_draft(city: City, personas: Personas, fake_llm: FakeLLM) -> None:
    from hotline.tasks import llm_draft_order

    order = triaged(personas)
    fake_llm.answer(draft_json(order))
    assert llm_draft_order.apply(args=(order.pk, order.version)).get() == "applied"
    assert llm_draft_order.apply(args=(order.pk, order.version)).get() == "done"


# --- in-process mode, with the background threads: a restart, retries, a late answer -----------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_rows")
def test_after_a_restart_the_sweep_queues_the_lost_drafts_again_once(city, personas, fake_llm, settings) -> None:
    base_url = settings.LLM["BASE_URL"]
    settings.LLM = {**settings.LLM, "BASE_URL": None}  # the order was analysed …
    order = triaged(personas, sender="RESTART-1")
    settings.LLM = {**settings.LLM, "BASE_URL": base_url, "DRAFT_STALL_SECONDS": 60}
    # … and its draft asked for two minutes ago by a process that stopped before its thread ran
    services.workorder_mark_llm_pending(order=order, based_on=order.version, at=timezone.now() - timedelta(minutes=2))
    hold = threading.Event()
    fake_llm.answer(Scripted(content=draft_json(order), hold=hold))

    assert llm_drafts_sweep()["requeued"] == 1
    assert fake_llm.received.wait(10)
    later = timezone.now() + timedelta(hours=1)  # long after: but this process is running it
    assert llm_drafts_sweep(now=later)["requeued"] == 0
    hold.set()
    assert wait_for_background_drafts(timeout=20)

    assert llm_of(order).status == "applied" and len(fake_llm.requests) == 1
    assert llm_drafts_sweep()["requeued"] == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_rows")
def test_in_process_drafts_are_retried_in_the_background_until_the_endpoint_answers(
    city, personas, fake_llm, settings
) -> None:
    settings.LLM = {**settings.LLM, "DRAFT_RETRY_SECONDS": 1, "MAX_RETRIES": 0}
    fake_llm.answer(Scripted(status=503, body=b"busy"))
    client = APIClient()
    client.force_authenticate(personas.integration)
    response = client.post(
        "/api/v1/submissions/", {"channel": "web", "sender_id": "RETRY-1", "content": NOISE}, format="json"
    )
    order = WorkOrder.objects.get(pk=response.json()["order_id"])
    assert fake_llm.received.wait(10)
    fake_llm.answer(draft_json(order))
    assert wait_for_background_drafts(timeout=20)
    assert llm_of(order).status == "applied" and len(fake_llm.requests) == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_rows")
def test_an_answer_arriving_after_the_order_was_dispatched_changes_nothing(city, personas, fake_llm) -> None:
    hold = threading.Event()
    held = Scripted(hold=hold)
    fake_llm.default = held
    client = APIClient()
    client.force_authenticate(personas.integration)
    response = client.post(
        "/api/v1/submissions/", {"channel": "web", "sender_id": "LATE-1", "content": NOISE}, format="json"
    )
    order = WorkOrder.objects.get(pk=response.json()["order_id"])
    held.content = draft_json(order)  # a valid draft, answered once released
    assert fake_llm.received.wait(10)
    services.workorder_dispatch(order=order, by=personas.operator, lead_department=city.environment)
    hold.set()
    assert wait_for_background_drafts(timeout=20)
    fresh = WorkOrder.objects.get(pk=order.pk)
    assert fresh.title == order.title and llm_of(order).status == "late"


# --- the order page says where the draft stands --------------------------------------------------------------


@pytest.mark.parametrize(
    ("record", "shown"),
    [
        (
            LlmRecord("pending", requested_at="2026-03-02T09:41:00+08:00", based_on_version=3),
            ["大模型草稿生成中", "03-02 09:41"],
        ),
        (
            LlmRecord(
                "pending",
                reason="Attempt 1 of 3 failed (unavailable: HTTP 503)",
                requested_at="2026-03-02T09:41:00+08:00",
                based_on_version=3,
            ),
            ["大模型草稿生成中", "HTTP 503"],
        ),
        (
            LlmRecord("applied", model="qwen-x", applied=("title",), kept=("summary",)),
            ["qwen-x", "填写了无人改动过的字段", "保持不变"],
        ),
        (LlmRecord("suggested", model="qwen-x"), ["作为建议列在字段旁"]),
        (LlmRecord("accepted"), ["采用了大模型的建议"]),
        (LlmRecord("dismissed"), ["忽略了大模型的建议"]),
        (LlmRecord("stale", reason="版本 3 之后有改动。"), ["已丢弃：请求后工单有改动", "版本 3 之后有改动。"]),
        (LlmRecord("late", reason="已派单。"), ["已丢弃：工单已离开派单台"]),
        (
            LlmRecord("expired", reason="No draft came within 60 minutes."),
            ["已放弃", "No draft came within 60 minutes."],
        ),
        (LlmRecord("skipped", reason="Not asked: calls are paused."), ["未请求", "Not asked: calls are paused."]),
        (LlmRecord("invalid", reason="category_id 987 不在候选中"), ["回答无效", "category_id 987 不在候选中"]),
        (LlmRecord("failed", reason="unavailable: timed out after 30 s"), ["接口调用失败", "timed out after 30 s"]),
        (
            LlmRecord("over_budget", reason="The hour's budget of 100 LLM calls is spent."),
            ["超出每小时预算", "100 LLM calls"],
        ),
    ],
    ids=lambda value: value.status if isinstance(value, LlmRecord) else "",
)
def test_the_order_page_says_where_the_llm_draft_stands(
    client: Client, city: City, personas: Personas, fake_llm: FakeLLM, record: LlmRecord, shown: list[str]
) -> None:
    order = triaged(personas)
    services.workorder_record_llm_outcome(order=order, outcome=record)
    client.force_login(personas.operator)
    page = client.get(reverse("order-detail", args=[order.pk])).content.decode()
    line = page[page.index('id="llm-state"') :][:1500]
    for text in shown:
        assert text in line, text
