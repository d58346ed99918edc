"""Races between a late LLM draft and an operator: does a draft ever change a field behind the operator's back?

One process, in-process mode (no broker), a fresh SQLite database with the demo city's reference data and users.
A local chat-completions server on 127.0.0.1 answers every draft request with a valid draft (a new title and
summary, another request type, the last category candidate) DELAY seconds after it arrives. Each race submits a
web message through the intake API (the classical triage runs in the request; the draft is queued when it
commits), then an operator, through the pages, opens the order, edits its title, and dispatches it, on one of
four scripted timelines (D = the delay, counted from the moment intake answered):

- ``answer_before_open``: the operator opens at D + 3 s, edits 1 s later, dispatches 1 s after that;
- ``answer_while_open``: opens at 0.3 D, edits at D + 3 s, dispatches 1 s later;
- ``answer_between_edit_and_dispatch``: opens at 0.2 D, edits at 0.5 D, dispatches at D + 3 s;
- ``answer_after_dispatch``: opens at 0.2 D, edits at 0.4 D, dispatches at 0.6 D.

Races run CONCURRENCY at a time (the LLM concurrency limit is raised to match, so every draft is in flight
together; with the default limit of 4 most drafts would simply be later). When all drafts have settled, each
order is compared with what the operator saw when opening it plus the operator's own edit: a field that differs
was changed behind the operator's back. Also counted: events by anyone but the operator that changed a field after
the order was opened, operator writes refused as stale (409), and what became of each draft.

    .venv/bin/python -m bench.bench_llm_races                  # 100 races, 10 s late, 25 at a time
    .venv/bin/python -m bench.bench_llm_races --delay 3 --races 40

The local server (``DraftServer``) is also used by ``bench_llm_resilience`` for a slow, broken or failing endpoint.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bench.common import report, teddy

FIELDS = (
    "title",
    "appeal",
    "summary",
    "request_type",
    "urgency",
    "category_id",
    "area_id",
    "address",
    "caller_name",
    "caller_phone",
)

# (open, edit, dispatch) as (multiple of the delay, seconds added)
SCENARIOS: dict[str, tuple[tuple[float, float], tuple[float, float], tuple[float, float]]] = {
    "answer_before_open": ((1.0, 3.0), (1.0, 4.0), (1.0, 5.0)),
    "answer_while_open": ((0.3, 0.0), (1.0, 3.0), (1.0, 4.0)),
    "answer_between_edit_and_dispatch": ((0.2, 0.0), (0.5, 0.0), (1.0, 3.0)),
    "answer_after_dispatch": ((0.2, 0.0), (0.4, 0.0), (0.6, 0.0)),
}


# --- a local chat-completions endpoint ---------------------------------------------------------------------


@dataclass
class DraftServer:
    """An OpenAI-compatible endpoint on 127.0.0.1 that drafts any order it is asked about, from the request alone
    (the category is the last candidate the request offers). ``mode``: ``valid`` (a valid draft after ``delay``
    seconds), ``slow`` (the same; give a delay near the client's timeout), ``broken`` (invalid JSON), ``failing``
    (HTTP 500)."""

    mode: str = "valid"
    delay: float = 0.0
    requests: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                with server._lock:
                    server.requests += 1
                status, content = server.answer(body)
                if server.delay:
                    threading.Event().wait(server.delay)
                reply = json.dumps(
                    {
                        "model": "bench-qwen",
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}],
                        "usage": {"prompt_tokens": 600, "completion_tokens": 120},
                    }
                    if status == 200
                    else {"error": content},
                    ensure_ascii=False,
                ).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                    pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        threading.Thread(target=self._http.serve_forever, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}/v1"

    def answer(self, body: dict[str, Any]) -> tuple[int, str]:
        if self.mode == "failing":
            return 500, "the model server is down"
        if self.mode == "broken":
            return 200, '{"title": "夜间施工噪音", "summary": {"content": '
        return 200, json.dumps(draft_for(body), ensure_ascii=False)

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()


def draft_for(body: dict[str, Any]) -> dict[str, Any]:
    """A valid draft for the order a request is about: the last category it offers, another request type."""
    try:
        candidates = body["response_format"]["json_schema"]["schema"]["properties"]["category_id"]["enum"]
    except (KeyError, TypeError):
        prompt = body["messages"][-1]["content"]
        candidates = [int(pk) for pk in re.findall(r"^\s*- (\d+)：", prompt, flags=re.MULTILINE)]
    return {
        "title": "大模型写的标题：夜间施工噪音扰民",
        "summary": {
            "appellant": "附近居民",
            "location": "小区旁工地",
            "content": "大模型概括的诉求内容。",
            "purpose": "希望有关部门处理。",
        },
        "request_type": "suggestion",
        "category_id": candidates[-1],
    }


# --- the races ---------------------------------------------------------------------------------------------


@dataclass
class Race:
    scenario: str
    order_id: int = 0
    seen: dict[str, Any] = field(default_factory=dict)
    expected: dict[str, Any] = field(default_factory=dict)
    edit_status: int = 0
    dispatch_status: int = 0
    page_version_matched: bool = True


def _values(order: Any) -> dict[str, Any]:
    return {name: getattr(order, name) for name in FIELDS}


def run_race(number: int, scenario: str, text: str, delay: float) -> Race:
    from django.db import close_old_connections
    from django.test import Client
    from rest_framework.test import APIClient

    from accounts.models import User
    from workorders.models import Department, WorkOrder

    race = Race(scenario)
    try:
        api = APIClient()
        api.force_authenticate(User.objects.get(username="integration"))
        response = api.post(
            "/api/v1/submissions/", {"channel": "web", "sender_id": f"race-{number}", "content": text}, format="json"
        )
        assert response.status_code == 201, response.content
        started = time.monotonic()  # intake answered: the draft request is on its way
        race.order_id = response.json()["order_id"]
        operator = Client()
        operator.force_login(User.objects.get(username="operator"))
        (open_k, open_s), (edit_k, edit_s), (dispatch_k, dispatch_s) = SCENARIOS[scenario]

        _sleep_until(started + open_k * delay + open_s)
        page = operator.get(f"/orders/{race.order_id}/").content.decode()
        order = WorkOrder.objects.get(pk=race.order_id)
        race.seen = _values(order)
        shown = re.search(r'name="version" value="(\d+)"', page)
        race.page_version_matched = shown is not None and int(shown.group(1)) == order.version
        version = order.version

        _sleep_until(started + edit_k * delay + edit_s)
        edited = {**race.seen, "title": f"话务员改写：{race.seen['title']}"[:60]}
        form = {name.removesuffix("_id"): ("" if value is None else value) for name, value in edited.items()}
        response = operator.post(f"/orders/{race.order_id}/edit/", {**form, "version": version})
        race.edit_status = response.status_code
        race.expected = edited if response.status_code == 302 else dict(race.seen)

        _sleep_until(started + dispatch_k * delay + dispatch_s)
        version = WorkOrder.objects.values_list("version", flat=True).get(pk=race.order_id)  # the page after saving
        department = Department.objects.filter(is_active=True).order_by("pk").first()
        response = operator.post(
            f"/orders/{race.order_id}/dispatch/", {"version": version, "lead_department": department.pk}
        )
        race.dispatch_status = response.status_code
        return race
    finally:
        close_old_connections()


def _sleep_until(moment: float) -> None:
    left = moment - time.monotonic()
    if left > 0:
        time.sleep(left)


def measure(races: int, delay: float, concurrency: int, folder: Path) -> dict[str, Any]:
    server = DraftServer("valid", delay)
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"sqlite:///{folder / 'races.sqlite3'}",
        ALLOWED_HOSTS="testserver,127.0.0.1",
        LOG_LEVEL="WARNING",
        LLM_BASE_URL=server.base_url,
        LLM_TIMEOUT_SECONDS=str(max(30, int(delay * 2) + 5)),
        LLM_MAX_CONCURRENCY=str(concurrency),
    )
    import django

    django.setup()
    from django.core.management import call_command

    from hotline.llm_services import wait_for_background_drafts
    from workorders.models import WorkOrder

    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--no-history", stdout=open(os.devnull, "w"))  # noqa: SIM115
    with teddy("messages_unlabelled.csv").open(encoding="utf-8") as handle:
        rows = [row for _, row in zip(range(races), csv.DictReader(handle), strict=False)]
    names = list(SCENARIOS)
    started = time.perf_counter()
    results: list[Race] = []
    with ThreadPoolExecutor(concurrency) as pool:
        for wave in range(0, races, concurrency):
            futures = []
            for number in range(wave, min(wave + concurrency, races)):
                row = rows[number]
                text = f"{row['title']}\n{row['detail']}"
                futures.append(pool.submit(run_race, number, names[number % len(names)], text, delay))
                time.sleep(0.1)  # operators do not all start in the same instant
            results += [future.result() for future in futures]
    wait_for_background_drafts(timeout=delay * 3 + 60)
    elapsed = time.perf_counter() - started

    behind_back: Counter[str] = Counter()
    outcomes: dict[str, Counter[str]] = {name: Counter() for name in names}
    system_edits_after_open = 0
    filled_before_open = 0
    for race in results:
        order = WorkOrder.objects.get(pk=race.order_id)
        final = _values(order)
        for name in FIELDS:
            if final[name] != race.expected[name]:
                behind_back[name] += 1
        llm = order.triage_record.llm
        outcomes[race.scenario][llm.status if llm else "none"] += 1
        opened = order.opened_at
        for event in order.events.filter(created_at__gte=opened).exclude(actor__username="operator"):
            if event.changes and set(event.changes) & {f.removesuffix("_id") for f in FIELDS}:
                system_edits_after_open += 1
        if llm and llm.status == "applied":
            filled_before_open += len(llm.applied)
    server.close()
    return {
        "races": races,
        "delay_seconds": delay,
        "concurrency": concurrency,
        "seconds": round(elapsed, 1),
        "fields_changed_behind_the_operators_back": sum(behind_back.values()),
        "by_field": dict(behind_back),
        "events_by_others_changing_fields_after_the_order_was_opened": system_edits_after_open,
        "operator_edits_refused_as_stale_409": sum(1 for r in results if r.edit_status == 409),
        "operator_dispatches_refused_as_stale_409": sum(1 for r in results if r.dispatch_status == 409),
        "operator_edits_saved": sum(1 for r in results if r.edit_status == 302),
        "orders_dispatched": sum(1 for r in results if r.dispatch_status == 302),
        "page_version_differed_from_the_database": sum(1 for r in results if not r.page_version_matched),
        "draft_outcomes_by_scenario": {name: dict(counter) for name, counter in outcomes.items()},
        "fields_the_draft_filled_before_anyone_opened_the_order": filled_before_open,
        "llm_requests": server.requests,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--races", type=int, default=100)
    parser.add_argument("--delay", type=float, default=10.0, help="seconds the draft arrives after it is asked for")
    parser.add_argument("--concurrency", type=int, default=25, help="races at the same time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        figures = measure(args.races, args.delay, args.concurrency, Path(folder))
    report("llm_races", figures)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
