"""The one client of the OpenAI-compatible chat-completions endpoint. Nothing else talks to the LLM.

Every call is bounded: a timeout per request, a few retries with exponential backoff on connection errors,
timeouts, 429 and 5xx (never on other 4xx), a circuit breaker that stops calling an endpoint that keeps
failing for a while, and a limit on concurrent calls per process. Every message is run through the privacy
masker before it leaves, whatever the caller already did: personal data never reaches the endpoint.

An answer that must be JSON is asked for with ``ask_json``: the endpoint is given the answer's JSON schema
(structured output) where it accepts one, the answer is checked by the caller's pure ``check``, and a bad one
gets one repair attempt. For the breaker, an exchange fails when the endpoint fails, when the answer is still
unusable after the repair, and when it came slower than ``slow_seconds``: an endpoint that answers nonsense or
takes nearly the whole timeout is as useless to intake as one that is down.

Pure: the budget and the call log need the database, so they are a ``Meter`` handed in by the site
(``hotline.llm_services.DatabaseMeter``); without one, calls are neither counted nor limited.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

import httpx

from triage.privacy import KnownNames, find_pii, mask_pii

logger = logging.getLogger(__name__)

T = TypeVar("T")

# How the answer's format is asked for, strongest first. ``schema``: ``response_format`` of type ``json_schema``
# (vLLM, llama.cpp server, Ollama, hosted Qwen); ``object``: JSON mode (``json_object``, which DeepSeek and
# older servers accept); ``off``: no ``response_format`` (the prompt alone asks for JSON).
OUTPUT_FORMATS = ("schema", "object", "off")


@dataclass(frozen=True)
class LlmConfig:
    base_url: str  # ends with /v1; the client posts to {base_url}/chat/completions
    model: str
    api_key: str = "none"
    timeout_seconds: float = 30.0
    connect_timeout_seconds: float = 5.0
    max_retries: int = 2
    max_concurrency: int = 4
    breaker_failures: int = 5
    breaker_seconds: float = 60.0
    json_mode: str = "schema"  # one of OUTPUT_FORMATS: the strongest format tried first
    max_tokens: int = 800
    backoff_seconds: float = 0.5  # first retry delay; doubles each time
    slow_seconds: float = 20.0  # an exchange slower than this counts as a failure for the breaker


@dataclass(frozen=True)
class LlmReply:
    content: str
    model: str
    latency_ms: float
    prompt_tokens: int = 0
    completion_tokens: int = 0
    attempts: int = 1

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class LlmError(Exception):
    """The LLM could not answer; ``reason`` is a short code for the order's record. ``transient``: worth
    trying again later (the endpoint was down, slow, busy or paused), not a refusal or a bad answer.
    ``replies``: what the endpoint did answer before it failed (for the record's tokens and time)."""

    reason = "error"
    transient = False

    def __init__(self, message: str, *, replies: Sequence[LlmReply] = ()) -> None:
        super().__init__(message)
        self.replies = tuple(replies)


class LlmUnavailable(LlmError):
    reason = "unavailable"
    transient = True


class LlmCircuitOpen(LlmError):
    reason = "circuit_open"
    transient = True


class LlmBusy(LlmError):
    reason = "busy"
    transient = True


class LlmBadResponse(LlmError):
    reason = "bad_response"


class LlmInvalid(LlmError):
    """The answer was still not what was asked for after the repair attempt; ``errors`` says why."""

    reason = "invalid"

    def __init__(self, errors: Sequence[str], *, replies: Sequence[LlmReply] = ()) -> None:
        super().__init__("; ".join(errors), replies=replies)
        self.errors = tuple(errors)


class LlmOverBudget(LlmError):
    reason = "over_budget"


@dataclass(frozen=True)
class CallRecord:
    """One request sent to the endpoint, as the meter keeps it. ``status``: ``ok``, ``invalid`` (answered, but
    not usable), ``format_rejected`` (the server refused the asked output format; the call was sent again
    without it) or the reason of the failure (``unavailable``, ``bad_response``)."""

    purpose: str
    status: str
    latency_ms: float
    prompt_tokens: int = 0
    completion_tokens: int = 0
    model: str = ""
    detail: str = ""


class Meter(Protocol):
    """Counts calls across processes and says when the budget is spent (it needs a database, so the site
    provides it)."""

    def admit(self, purpose: str) -> str | None:
        """None to go ahead; otherwise why not (the hour's budget of calls or tokens is spent)."""

    def record(self, call: CallRecord) -> None: ...


@dataclass(frozen=True)
class BreakerState:
    state: str  # "closed", "open" or "half-open" (the next call is a trial)
    consecutive_failures: int
    open_for_seconds: float  # how long calls stay paused, while open


@dataclass
class CircuitBreaker:
    """Opens after ``failures`` consecutive failed calls and stays open ``seconds``; then one trial call is
    let through (half-open): success closes it, failure opens it again."""

    failures: int
    seconds: float
    clock: Callable[[], float] = time.monotonic
    _consecutive: int = 0
    _open_until: float = 0.0
    _trial_running: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self) -> bool:
        with self._lock:
            if self._consecutive < self.failures:
                return True
            if self.clock() < self._open_until or self._trial_running:
                return False
            self._trial_running = True  # half-open: this caller makes the trial call
            return True

    def record_success(self) -> None:
        with self._lock:
            self._consecutive, self._trial_running = 0, False

    def record_failure(self) -> None:
        with self._lock:
            self._consecutive += 1
            self._trial_running = False
            if self._consecutive >= self.failures:
                self._open_until = self.clock() + self.seconds

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self._consecutive >= self.failures and self.clock() < self._open_until

    def snapshot(self) -> BreakerState:
        with self._lock:
            if self._consecutive < self.failures:
                return BreakerState("closed", self._consecutive, 0.0)
            left = self._open_until - self.clock()
            if left > 0:
                return BreakerState("open", self._consecutive, round(left, 1))
            return BreakerState("half-open", self._consecutive, 0.0)


@dataclass(frozen=True)
class JsonAnswer(Generic[T]):
    """A checked answer and the replies it took (one, or two with the repair)."""

    value: T
    replies: tuple[LlmReply, ...]


_RETRYABLE_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}
_FORMAT_WORDS = ("response_format", "json_schema", "json_object", "structured output", "guided_json")


class LlmClient:
    def __init__(
        self, config: LlmConfig, *, transport: httpx.BaseTransport | None = None, meter: Meter | None = None
    ) -> None:
        self.config = config
        self.meter = meter
        self.breaker = CircuitBreaker(config.breaker_failures, config.breaker_seconds)
        self._slots = threading.BoundedSemaphore(config.max_concurrency)
        # Lowered for this endpoint (in this process) when the server refuses the format asked for.
        self.output_format = config.json_mode if config.json_mode in OUTPUT_FORMATS else "object"
        self._http = httpx.Client(
            base_url=config.base_url,
            timeout=httpx.Timeout(
                config.timeout_seconds, connect=min(config.connect_timeout_seconds, config.timeout_seconds)
            ),
            headers={"Authorization": f"Bearer {config.api_key}"},
            transport=transport,
        )

    # --- exchanges ---------------------------------------------------------------------------------------

    def chat(
        self,
        messages: Sequence[dict[str, str]],
        *,
        json_output: bool = True,
        max_tokens: int | None = None,
        wait_for_slot: float = 5.0,
        purpose: str = "chat",
    ) -> LlmReply:
        """Send a conversation and return the assistant's reply, unchecked. Raises an ``LlmError`` when it
        cannot."""
        schema = {} if json_output else None
        answer = self.ask_json(
            messages,
            purpose=purpose,
            check=lambda content: (content, []),
            repair=lambda content, errors: [],
            schema=schema,
            max_tokens=max_tokens,
            wait_for_slot=wait_for_slot,
        )
        return answer.replies[-1]

    def ask_json(
        self,
        messages: Sequence[dict[str, str]],
        *,
        purpose: str,
        check: Callable[[str], tuple[T | None, list[str]]],
        repair: Callable[[str, list[str]], Sequence[dict[str, str]]],
        schema: Mapping[str, Any] | None = None,
        schema_name: str = "answer",
        max_tokens: int | None = None,
        wait_for_slot: float = 5.0,
    ) -> JsonAnswer[T]:
        """Ask for an answer and check it (``check`` returns the value, or None and what is wrong, in words
        ``repair`` sends back for one more try). ``schema``: the answer's JSON schema, asked for as structured
        output where the endpoint accepts it ({} for JSON without a schema, None for plain text).

        Raises ``LlmOverBudget`` (the meter refused), ``LlmBusy``, ``LlmCircuitOpen``, ``LlmInvalid`` (still
        unusable after the repair) or the endpoint's failure."""
        refusal = self._admit(purpose)
        if refusal:
            raise LlmOverBudget(refusal)
        if not self._slots.acquire(timeout=wait_for_slot):
            raise LlmBusy("too many LLM calls in progress")
        try:
            if not self.breaker.allow():
                raise LlmCircuitOpen("the LLM endpoint failed repeatedly; calls are paused")
            replies: list[LlmReply] = []
            try:
                value, errors = self._ask(messages, purpose, check, schema, schema_name, max_tokens, replies)
                if value is None:
                    retry = repair(replies[-1].content, errors)
                    value, errors = self._ask(retry, purpose, check, schema, schema_name, max_tokens, replies)
                if value is None:
                    raise LlmInvalid(errors, replies=replies)
            except LlmError as error:
                self.breaker.record_failure()
                error.replies = error.replies or tuple(replies)
                raise
            slowest = max(reply.latency_ms for reply in replies)
            if slowest > self.config.slow_seconds * 1000:
                # The answer is used, but an endpoint this slow holds up every draft behind it.
                logger.warning("slow LLM answer: %.0f ms (threshold %.1f s)", slowest, self.config.slow_seconds)
                self.breaker.record_failure()
            else:
                self.breaker.record_success()
            return JsonAnswer(value, tuple(replies))
        finally:
            self._slots.release()

    def _ask(
        self,
        messages: Sequence[dict[str, str]],
        purpose: str,
        check: Callable[[str], tuple[T | None, list[str]]],
        schema: Mapping[str, Any] | None,
        schema_name: str,
        max_tokens: int | None,
        replies: list[LlmReply],
    ) -> tuple[T | None, list[str]]:
        reply = self._call_with_retries(messages, purpose, schema, schema_name, max_tokens)
        replies.append(reply)
        value, errors = check(reply.content)
        self._record(
            CallRecord(
                purpose,
                "ok" if value is not None else "invalid",
                reply.latency_ms,
                reply.prompt_tokens,
                reply.completion_tokens,
                reply.model,
                "; ".join(errors)[:200],
            )
        )
        return value, errors

    # --- the wire ----------------------------------------------------------------------------------------

    def response_format(self, schema: Mapping[str, Any] | None, schema_name: str) -> dict[str, Any] | None:
        """What is asked of the server for the answer's format, given what it has accepted so far."""
        if schema is None or self.output_format == "off":
            return None
        if self.output_format == "schema" and schema:
            return {"type": "json_schema", "json_schema": {"name": schema_name, "schema": dict(schema), "strict": True}}
        return {"type": "json_object"}

    def _payload(
        self, messages: Sequence[dict[str, str]], response_format: dict[str, Any] | None, max_tokens: int | None
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "model": self.config.model,
            "messages": [
                {"role": m["role"], "content": text} for m, text in zip(messages, masked(messages), strict=True)
            ],
            "temperature": 0.1,
            "max_tokens": max_tokens or self.config.max_tokens,
        }
        if response_format is not None:
            payload["response_format"] = response_format
        return payload

    def _call_with_retries(
        self,
        messages: Sequence[dict[str, str]],
        purpose: str,
        schema: Mapping[str, Any] | None,
        schema_name: str,
        max_tokens: int | None,
    ) -> LlmReply:
        attempts, delay = 0, self.config.backoff_seconds
        while True:
            attempts += 1
            asked = self.response_format(schema, schema_name)
            payload = self._payload(messages, asked, max_tokens)
            started = time.perf_counter()
            try:
                response = self._http.post("/chat/completions", json=payload)
            except httpx.TimeoutException as error:
                failure: LlmError = LlmUnavailable(
                    f"timed out after {self.config.timeout_seconds:g} s ({type(error).__name__})"
                )
            except httpx.TransportError as error:
                failure = LlmUnavailable(f"cannot reach the endpoint: {type(error).__name__}: {error}")
            else:
                if response.status_code == 200:
                    try:
                        return self._reply(response, started, attempts)
                    except LlmBadResponse as bad:
                        self._record_failure(purpose, bad, started)
                        raise
                if asked is not None and self._refuses_format(response):
                    self._lower_format(response, started, purpose)
                    attempts -= 1  # the server said what it does not support; that is not a failed attempt
                    continue
                failure = LlmUnavailable(f"HTTP {response.status_code}: {response.text[:200]}")
                if response.status_code not in _RETRYABLE_STATUS:
                    failure = LlmBadResponse(f"HTTP {response.status_code}: {response.text[:200]}")
                    self._record_failure(purpose, failure, started)
                    raise failure
            self._record_failure(purpose, failure, started)
            if attempts > self.config.max_retries:
                logger.warning("LLM call failed after %s attempts: %s", attempts, failure)
                raise failure
            time.sleep(delay)
            delay *= 2

    @staticmethod
    def _refuses_format(response: httpx.Response) -> bool:
        if response.status_code not in (400, 422):
            return False
        text = response.text.lower()
        return any(word in text for word in _FORMAT_WORDS)

    def _lower_format(self, response: httpx.Response, started: float, purpose: str) -> None:
        """The server refused the output format: ask for the next weaker one from now on (for this endpoint, in
        this process)."""
        before = self.output_format
        self.output_format = OUTPUT_FORMATS[min(OUTPUT_FORMATS.index(before) + 1, len(OUTPUT_FORMATS) - 1)]
        logger.warning(
            "the LLM endpoint refused response_format %s (HTTP %s: %s); using %s from now on",
            before,
            response.status_code,
            response.text[:200],
            self.output_format,
        )
        self._record(
            CallRecord(purpose, "format_rejected", _elapsed_ms(started), detail=f"{before} -> {self.output_format}")
        )

    def _reply(self, response: httpx.Response, started: float, attempts: int) -> LlmReply:
        try:
            body = response.json()
            content = body["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise LlmBadResponse(f"not a chat-completions response: {response.text[:200]}") from None
        if not isinstance(content, str):
            raise LlmBadResponse("the reply has no text content")
        usage = body.get("usage") or {}
        return LlmReply(
            content=content,
            model=str(body.get("model") or self.config.model),
            latency_ms=_elapsed_ms(started),
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            attempts=attempts,
        )

    # --- the meter ---------------------------------------------------------------------------------------

    def _admit(self, purpose: str) -> str | None:
        if self.meter is None:
            return None
        try:
            return self.meter.admit(purpose)
        except Exception:  # a broken meter must not stop the LLM; it only loses its count
            logger.exception("the LLM meter could not check the budget")
            return None

    def _record(self, call: CallRecord) -> None:
        if self.meter is None:
            return
        try:
            self.meter.record(call)
        except Exception:
            logger.exception("the LLM meter could not record a call")

    def _record_failure(self, purpose: str, failure: LlmError, started: float) -> None:
        self._record(CallRecord(purpose, failure.reason, _elapsed_ms(started), detail=str(failure)[:200]))

    def close(self) -> None:
        self._http.close()


def masked(messages: Sequence[dict[str, str]]) -> list[str]:
    """The messages' texts with personal data masked: the last line of defence, whatever the caller passed. A name
    found in one message (来电人周建国) is masked wherever the conversation mentions it again (周先生, 建国), as
    in a call."""
    texts = [m["content"] for m in messages]
    known = KnownNames.of(span for text in texts for span in find_pii(text))
    return [mask_pii(text, known=known or None).text for text in texts]


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def output_format_option(value: Any) -> str:
    """``LLM_JSON_MODE`` as one of OUTPUT_FORMATS; ``true``/``false`` (its older meaning) read as ``schema``/``off``."""
    text = str(value).strip().lower()
    aliases = {"true": "schema", "1": "schema", "yes": "schema", "false": "off", "0": "off", "no": "off"}
    text = aliases.get(text, text)
    if text not in OUTPUT_FORMATS:
        raise ValueError(f"LLM_JSON_MODE must be one of {', '.join(OUTPUT_FORMATS)} (or true/false), not {value!r}")
    return text


def config_from_options(options: Mapping[str, Any]) -> LlmConfig | None:
    """The client's configuration from the site's ``LLM`` options, or None when no endpoint is set."""
    if not options.get("BASE_URL"):
        return None
    return LlmConfig(
        base_url=options["BASE_URL"],
        model=options["MODEL"],
        api_key=options["API_KEY"],
        timeout_seconds=options["TIMEOUT_SECONDS"],
        connect_timeout_seconds=options.get("CONNECT_TIMEOUT_SECONDS", 5),
        max_retries=options["MAX_RETRIES"],
        max_concurrency=options["MAX_CONCURRENCY"],
        breaker_failures=options["BREAKER_FAILURES"],
        breaker_seconds=options["BREAKER_SECONDS"],
        json_mode=output_format_option(options["JSON_MODE"]),
        max_tokens=options["MAX_TOKENS"],
        backoff_seconds=options["BACKOFF_MS"] / 1000,
        slow_seconds=options.get("SLOW_SECONDS") or options["TIMEOUT_SECONDS"] * 2 / 3,
    )


_shared_lock = threading.Lock()
_shared: dict[str, Any] = {"meter": None}


def install_meter(meter: Meter | None) -> None:
    """The site's meter (budget and call log), for every client this process shares from now on."""
    with _shared_lock:
        _shared["meter"] = meter
        if _shared.get("client") is not None:
            _shared["client"].meter = meter


def shared_client(config: LlmConfig | None) -> LlmClient | None:
    """The process's one client for ``config`` (it keeps the circuit breaker's state, the output format the
    endpoint accepts and the concurrency limit for everyone who calls the LLM), or None without an LLM. A new
    configuration replaces it."""
    if config is None:
        return None
    with _shared_lock:
        if _shared.get("config") != config:
            if _shared.get("client") is not None:
                _shared["client"].close()
            _shared.update(config=config, client=LlmClient(config, meter=_shared["meter"]))
        return _shared["client"]
