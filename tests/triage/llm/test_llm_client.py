"""The LLM client on its own: circuit breaker, concurrency limit, JSON in fences, and intake that never waits."""

from __future__ import annotations

import threading

import pytest

from tests.llm_server import FakeLLM, Scripted
from triage.llm.answers import parse_json_object
from triage.llm.client import CircuitBreaker, LlmBusy, LlmClient, LlmConfig


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_breaker_opens_after_repeated_failures_and_lets_one_trial_through_later() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=2, seconds=30, clock=clock)
    breaker.record_failure()
    assert breaker.allow()
    breaker.record_failure()
    assert not breaker.allow() and breaker.is_open
    clock.now = 31
    assert breaker.allow()  # half-open: the trial call
    assert not breaker.allow()  # only one at a time
    breaker.record_failure()
    assert not breaker.allow()
    clock.now = 62
    assert breaker.allow()
    breaker.record_success()
    assert breaker.allow() and not breaker.is_open


def test_json_is_found_in_fences_and_prose() -> None:
    assert parse_json_object('```json\n{"a": 1}\n```') == {"a": 1}
    assert parse_json_object('好的，结果如下：{"a": {"b": 2}} 以上。') == {"a": {"b": 2}}
    with pytest.raises(ValueError):
        parse_json_object("没有JSON")
    with pytest.raises(ValueError):
        parse_json_object("[1, 2]")


def test_calls_beyond_the_concurrency_limit_are_refused_not_queued_forever() -> None:
    server = FakeLLM()
    hold = threading.Event()
    server.answer(Scripted(content="{}", hold=hold))
    client = LlmClient(LlmConfig(base_url=server.base_url, model="m", max_concurrency=1, timeout_seconds=10))
    first = threading.Thread(target=client.chat, args=([{"role": "user", "content": "一"}],))
    first.start()
    server.received.wait(5)
    with pytest.raises(LlmBusy):
        client.chat([{"role": "user", "content": "二"}], wait_for_slot=0.2)
    hold.set()
    first.join(5)
    server.answer("{}")
    assert client.chat([{"role": "user", "content": "三"}]).content == "{}"  # the slot is free again
    server.close()
