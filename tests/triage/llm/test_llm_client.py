"""The LLM client on its own: circuit breaker, concurrency limit, JSON in fences, and intake that never waits."""

from __future__ import annotations

import threading

import pytest

from tests.llm_server import FakeLLM, Scripted
from triage.llm.answers import parse_json_object
from triage.llm.client import (
    CallRecord,
    CircuitBreaker,
    LlmBadResponse,
    LlmBusy,
    LlmCircuitOpen,
    LlmClient,
    LlmConfig,
    LlmInvalid,
    LlmOverBudget,
    LlmUnavailable,
    output_format_option,
)


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


# --- structured output, the breaker on bad and slow answers, the meter --------------------------------------

SCHEMA = {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}}


def number_in(content: str) -> tuple[int | None, list[str]]:
    """The check of a tiny answer {"a": <int>}: the value, or what is wrong with it."""
    from triage.llm.answers import parse_answer

    data, errors = parse_answer(content)
    if errors:
        return None, errors
    return (data["a"], []) if isinstance(data.get("a"), int) else (None, ["a must be an integer"])


def repair(content: str, errors: list[str]) -> list[dict[str, str]]:
    return [{"role": "user", "content": "再来一次：" + "；".join(errors)}]


class Meter:
    def __init__(self, refuse: str | None = None) -> None:
        self.refuse = refuse
        self.calls: list[CallRecord] = []

    def admit(self, purpose: str) -> str | None:
        return self.refuse

    def record(self, call: CallRecord) -> None:
        self.calls.append(call)


@pytest.fixture
def server():
    fake = FakeLLM()
    yield fake
    fake.close()


def client_for(server: FakeLLM, meter: Meter | None = None, **options: object) -> LlmClient:
    config = {"base_url": server.base_url, "model": "m", "timeout_seconds": 5, "backoff_seconds": 0.01, **options}
    return LlmClient(LlmConfig(**config), meter=meter)  # type: ignore[arg-type]


def ask(client: LlmClient) -> int:
    return client.ask_json([{"role": "user", "content": "给我一个数"}], purpose="draft", check=number_in,
                           repair=repair, schema=SCHEMA, schema_name="number").value  # fmt: skip


def test_the_answers_schema_is_asked_for_as_structured_output(server: FakeLLM) -> None:
    server.answer('{"a": 1}')
    assert ask(client_for(server)) == 1
    assert server.requests[0]["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "number", "schema": SCHEMA, "strict": True},
    }


def test_a_server_refusing_the_schema_gets_json_mode_and_is_remembered(server: FakeLLM) -> None:
    refusal = b'{"error": {"message": "response_format type json_schema is not supported"}}'
    server.answer(Scripted(status=400, body=refusal), '{"a": 2}', '{"a": 3}')
    client = client_for(server)
    assert ask(client) == 2 and ask(client) == 3
    formats = [request.get("response_format") for request in server.requests]
    assert formats[0]["type"] == "json_schema"
    assert formats[1:] == [{"type": "json_object"}, {"type": "json_object"}]  # not asked for again
    assert not client.breaker.snapshot().consecutive_failures  # a refused format is not a failure


def test_a_server_refusing_json_mode_too_gets_no_response_format(server: FakeLLM) -> None:
    refusal = Scripted(status=400, body=b'{"error": "unknown field response_format"}')
    server.answer(refusal, refusal, '{"a": 4}')
    client = client_for(server)
    assert ask(client) == 4
    assert [r.get("response_format", {}).get("type") for r in server.requests] == ["json_schema", "json_object", None]
    assert client.output_format == "off"


def test_other_bad_requests_are_not_taken_for_a_refused_format(server: FakeLLM) -> None:
    server.answer(Scripted(status=400, body=b'{"error": "model m not found"}'))
    with pytest.raises(LlmBadResponse):
        ask(client_for(server))
    assert len(server.requests) == 1


def test_answers_still_invalid_after_the_repair_open_the_breaker_though_every_call_succeeded(server: FakeLLM) -> None:
    server.default = Scripted(content="这不是JSON")
    client = client_for(server, breaker_failures=2)
    for _ in range(2):
        with pytest.raises(LlmInvalid) as invalid:
            ask(client)
        assert len(invalid.value.replies) == 2 and "JSON" in str(invalid.value)
    assert client.breaker.is_open
    sent = len(server.requests)
    with pytest.raises(LlmCircuitOpen):
        ask(client)
    assert len(server.requests) == sent == 4  # two answers and two repairs each; then no more calls


def test_slow_answers_are_used_but_open_the_breaker(server: FakeLLM) -> None:
    server.default = Scripted(content='{"a": 5}', delay=0.3)
    client = client_for(server, breaker_failures=2, slow_seconds=0.1)
    assert ask(client) == 5 and ask(client) == 5  # the answers are good, just slow
    assert client.breaker.is_open
    with pytest.raises(LlmCircuitOpen):
        ask(client)


def test_a_good_answer_after_failures_closes_the_breaker_again(server: FakeLLM) -> None:
    server.answer("坏", "坏", '{"a": 6}')
    client = client_for(server, breaker_failures=3)
    with pytest.raises(LlmInvalid):
        ask(client)
    assert client.breaker.snapshot().consecutive_failures == 1
    assert ask(client) == 6 and client.breaker.snapshot().state == "closed"


def test_the_meter_is_told_every_call_and_can_refuse_for_the_budget(server: FakeLLM) -> None:
    meter = Meter()
    server.answer("不是JSON", '{"a": 7}', Scripted(status=503, body=b"busy"), Scripted(status=503, body=b"busy"))
    client = client_for(server, meter=meter, max_retries=1)
    assert ask(client) == 7
    with pytest.raises(LlmUnavailable):
        ask(client)
    assert [(c.purpose, c.status) for c in meter.calls] == [
        ("draft", "invalid"),
        ("draft", "ok"),
        ("draft", "unavailable"),
        ("draft", "unavailable"),
    ]
    assert meter.calls[1].prompt_tokens == 120 and meter.calls[1].completion_tokens == 60
    meter.refuse = "the hour's budget is spent"
    sent = len(server.requests)
    with pytest.raises(LlmOverBudget, match="budget"):
        ask(client)
    assert len(server.requests) == sent  # nothing was sent over the budget
    assert client.breaker.snapshot().consecutive_failures == 1  # the failed call above; the budget is no failure


@pytest.mark.parametrize(
    ("value", "mode"),
    [("schema", "schema"), ("object", "object"), ("off", "off"), ("true", "schema"), ("false", "off")],
)
def test_llm_json_mode_reads_its_values_and_the_older_booleans(value: str, mode: str) -> None:
    assert output_format_option(value) == mode


def test_an_unknown_llm_json_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="LLM_JSON_MODE"):
        output_format_option("yaml")
