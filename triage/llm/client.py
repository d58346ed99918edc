"""The one client of the OpenAI-compatible chat-completions endpoint. Nothing else talks to the LLM.

Every call is bounded: a timeout per request, a few retries with exponential backoff on connection errors,
timeouts, 429 and 5xx (never on other 4xx), a circuit breaker that stops calling an endpoint that keeps
failing for a while, and a limit on concurrent calls per process. Every message is run through the privacy
masker before it leaves, whatever the caller already did: personal data never reaches the endpoint.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from triage.privacy import mask_pii

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LlmConfig:
    base_url: str  # ends with /v1; the client posts to {base_url}/chat/completions
    model: str
    api_key: str = "none"
    timeout_seconds: float = 30.0
    max_retries: int = 2
    max_concurrency: int = 4
    breaker_failures: int = 5
    breaker_seconds: float = 60.0
    json_mode: bool = True
    max_tokens: int = 800
    backoff_seconds: float = 0.5  # first retry delay; doubles each time


@dataclass(frozen=True)
class LlmReply:
    content: str
    model: str
    latency_ms: float
    prompt_tokens: int = 0
    completion_tokens: int = 0
    attempts: int = 1


class LlmError(Exception):
    """The LLM could not answer; ``reason`` is a short code for the order's record."""

    reason = "error"


class LlmUnavailable(LlmError):
    reason = "unavailable"


class LlmCircuitOpen(LlmError):
    reason = "circuit_open"


class LlmBusy(LlmError):
    reason = "busy"


class LlmBadResponse(LlmError):
    reason = "bad_response"


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


_RETRYABLE_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


class LlmClient:
    def __init__(self, config: LlmConfig, *, transport: httpx.BaseTransport | None = None) -> None:
        self.config = config
        self.breaker = CircuitBreaker(config.breaker_failures, config.breaker_seconds)
        self._slots = threading.BoundedSemaphore(config.max_concurrency)
        self._http = httpx.Client(
            base_url=config.base_url,
            timeout=httpx.Timeout(config.timeout_seconds, connect=min(5.0, config.timeout_seconds)),
            headers={"Authorization": f"Bearer {config.api_key}"},
            transport=transport,
        )

    def chat(
        self,
        messages: Sequence[dict[str, str]],
        *,
        json_output: bool = True,
        max_tokens: int | None = None,
        wait_for_slot: float = 5.0,
    ) -> LlmReply:
        """Send a conversation and return the assistant's reply. Raises an ``LlmError`` when it cannot."""
        if not self._slots.acquire(timeout=wait_for_slot):
            raise LlmBusy("too many LLM calls in progress")
        try:
            if not self.breaker.allow():
                raise LlmCircuitOpen("the LLM endpoint failed repeatedly; calls are paused")
            try:
                reply = self._call_with_retries(self._payload(messages, json_output, max_tokens))
            except LlmError:
                self.breaker.record_failure()
                raise
            self.breaker.record_success()
            return reply
        finally:
            self._slots.release()

    def _payload(self, messages: Sequence[dict[str, str]], json_output: bool, max_tokens: int | None) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "model": self.config.model,
            # the last line of defence: whatever the caller passed, personal data is masked here
            "messages": [{"role": m["role"], "content": mask_pii(m["content"]).text} for m in messages],
            "temperature": 0.1,
            "max_tokens": max_tokens or self.config.max_tokens,
        }
        if json_output and self.config.json_mode:
            payload["response_format"] = {"type": "json_object"}
        return payload

    def _call_with_retries(self, payload: dict[str, Any]) -> LlmReply:
        attempts, delay = 0, self.config.backoff_seconds
        while True:
            attempts += 1
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
                    return self._reply(response, started, attempts)
                failure = LlmUnavailable(f"HTTP {response.status_code}: {response.text[:200]}")
                if response.status_code not in _RETRYABLE_STATUS:
                    raise LlmBadResponse(f"HTTP {response.status_code}: {response.text[:200]}")
            if attempts > self.config.max_retries:
                logger.warning("LLM call failed after %s attempts: %s", attempts, failure)
                raise failure
            time.sleep(delay)
            delay *= 2

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
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            attempts=attempts,
        )

    def close(self) -> None:
        self._http.close()


def config_from_options(options: Mapping[str, Any]) -> LlmConfig | None:
    """The client's configuration from the site's ``LLM`` options, or None when no endpoint is set."""
    if not options.get("BASE_URL"):
        return None
    return LlmConfig(
        base_url=options["BASE_URL"],
        model=options["MODEL"],
        api_key=options["API_KEY"],
        timeout_seconds=options["TIMEOUT_SECONDS"],
        max_retries=options["MAX_RETRIES"],
        max_concurrency=options["MAX_CONCURRENCY"],
        breaker_failures=options["BREAKER_FAILURES"],
        breaker_seconds=options["BREAKER_SECONDS"],
        json_mode=options["JSON_MODE"],
        max_tokens=options["MAX_TOKENS"],
        backoff_seconds=options["BACKOFF_MS"] / 1000,
    )


_shared_lock = threading.Lock()
_shared: dict[str, Any] = {}


def shared_client(config: LlmConfig | None) -> LlmClient | None:
    """The process's one client for ``config`` (it keeps the circuit breaker's state and the concurrency
    limit for everyone who calls the LLM), or None without an LLM. A new configuration replaces it."""
    if config is None:
        return None
    with _shared_lock:
        if _shared.get("config") != config:
            if _shared.get("client") is not None:
                _shared["client"].close()
            _shared.update(config=config, client=LlmClient(config))
        return _shared["client"]
