"""Administrators see the LLM endpoint's health: configured or not, this process's breaker, every process's calls
over the last hour and day (error rate, latency), tokens per day and the hour's budget. Nobody else does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hotline.llm_services import llm_client, order_draft_with_llm
from hotline.models import LlmCall
from tests.conftest import City, Personas
from tests.hotline.test_llm_drafting import triaged
from tests.llm_server import FakeLLM, Scripted

pytestmark = pytest.mark.django_db

URL = "/intake/ai/llm/"


def calls(*rows: tuple[str, float, int, timedelta]) -> None:
    now = timezone.now()
    for status, latency, tokens, ago in rows:
        LlmCall.objects.create(purpose="draft", status=status, latency_ms=latency, prompt_tokens=tokens, at=now - ago)


def test_only_administrators_see_the_llm_health_page(client: Client, city: City, personas: Personas) -> None:
    assert reverse("llm-health") == URL
    for persona in (personas.operator, personas.manager, personas.officer_a, personas.integration):
        client.force_login(persona)
        assert client.get(URL).status_code == 403
    client.force_login(personas.admin)
    assert client.get(URL).status_code == 200
    assert URL in client.get(reverse("triage-settings")).content.decode()  # linked from the AI settings


def test_without_an_llm_the_page_says_so(client: Client, city: City, personas: Personas) -> None:
    client.force_login(personas.admin)
    page = client.get(URL).content.decode()
    assert "未配置大模型" in page and "LLM_BASE_URL" in page


def test_the_page_shows_error_rate_latency_tokens_per_day_and_the_budget(
    client: Client, city: City, personas: Personas, fake_llm: FakeLLM, settings
) -> None:
    settings.LLM = {**settings.LLM, "MAX_CALLS_PER_HOUR": 40, "MAX_TOKENS_PER_HOUR": 0}
    minute, hours, days = timedelta(minutes=1), timedelta(hours=5), timedelta(days=2)
    calls(
        *[("ok", 100.0 * n, 100, minute) for n in range(1, 10)],  # nine good calls in the last hour …
        ("unavailable", 2000.0, 0, minute),  # … and one failure: 10 %
        ("invalid", 300.0, 500, hours),  # earlier today
        ("ok", 300.0, 700, days),  # two days ago
        ("ok", 300.0, 9000, timedelta(days=9)),  # older than the page's week
    )
    client.force_login(personas.admin)
    page = client.get(URL).content.decode()

    assert fake_llm.base_url in page and "fake-qwen" in page and "schema" in page
    assert "闭合" in page  # the breaker lets calls through
    hour = page[page.index("最近一小时") :][:800]
    assert ">10<" in hour and "10.0%" in hour and "500 ms" in hour and "900" in hour  # calls, rate, p50, tokens
    day = page[page.index("最近 24 小时") :][:800]
    assert ">11<" in day and "18.2%" in day and "1400" in day
    week = page[page.index('id="days"') :]
    assert week.count("<tr><td>") == 7 and "700" in week and "9000" not in week
    assert (timezone.localdate() - timedelta(days=2)).strftime("%Y-%m-%d") in week
    budget = page[page.index('id="budget"') :][:600]
    assert "10 / 40" in budget and "不限" in budget


def test_the_page_shows_the_breaker_open_after_the_endpoint_kept_failing(
    client: Client, city: City, personas: Personas, fake_llm: FakeLLM
) -> None:
    fake_llm.default = Scripted(status=500, body=b"down")
    for n in range(3):
        order_draft_with_llm(order_id=triaged(personas, sender=f"HEALTH-{n}").pk)
    assert llm_client().breaker.is_open
    client.force_login(personas.admin)
    page = client.get(URL).content.decode()
    assert "断开" in page and "连续失败 3 次" in page
    assert "100.0%" in page  # every call failed (two attempts for each of three drafts)
