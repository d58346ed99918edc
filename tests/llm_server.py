"""A real local HTTP server speaking the OpenAI chat-completions protocol, with scripted answers.

Tests replace the LLM by this server, not by patching the client: everything the client does on the
wire (timeouts, retries, status codes, bodies) is exercised, and every request it sent can be inspected."""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Scripted:
    """One answer: a chat reply with ``content`` (or a raw ``body``), an HTTP ``status``, an optional
    ``delay`` in seconds, and an optional event to wait for before answering."""

    content: str = ""
    status: int = 200
    delay: float = 0.0
    hold: threading.Event | None = None
    body: bytes | None = None
    model: str = "fake-qwen"


def completion(content: str, model: str = "fake-qwen") -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 120, "completion_tokens": 60, "total_tokens": 180},
    }


@dataclass
class FakeLLM:
    script: deque[Scripted] = field(default_factory=deque)
    default: Scripted | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    raw_requests: list[bytes] = field(default_factory=list)
    received: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                fake.raw_requests.append(raw)
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self.send_error(404)
                    return
                fake.requests.append(json.loads(raw))
                fake.received.set()
                answer = fake.script.popleft() if fake.script else fake.default
                if answer is None:
                    self.send_error(500, "no scripted answer")
                    return
                if answer.hold is not None:
                    answer.hold.wait(timeout=30)
                if answer.delay:
                    threading.Event().wait(answer.delay)
                body = (
                    answer.body
                    if answer.body is not None
                    else json.dumps(completion(answer.content, answer.model)).encode()
                )
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def answer(self, *answers: Scripted | str) -> None:
        for answer in answers:
            self.script.append(answer if isinstance(answer, Scripted) else Scripted(content=answer))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
