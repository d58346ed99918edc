"""Intake with the LLM endpoint down or hanging behaves as with no LLM at all.

Three runs, each in a fresh process with its own SQLite database, the demo city's reference data and the
default model: no LLM configured; LLM_BASE_URL pointing at a closed port (down); and at a server that accepts
the connection and never answers (hanging). Each run submits the same 300 messages through the intake API,
one after another, with tasks in-process (so the analysis is part of each request). Reported: submissions
per second in each run, and whether every order's classical fields (title, summary, request type, urgency,
emotion, category, area, address, department) are identical to the run without an LLM.

    .venv/bin/python -m bench.bench_llm_resilience
"""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.common import ROOT, report, teddy

MESSAGES = 300
FIELDS = ("title", "summary", "request_type", "urgency", "emotion", "category_id", "area_id", "address")


def hanging_server() -> tuple[socket.socket, int]:
    """A socket that accepts connections and never answers (an LLM server stuck on a request)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            held.append(connection)

    threading.Thread(target=accept, daemon=True).start()
    return listener, listener.getsockname()[1]


def run(label: str, llm_url: str | None, folder: Path) -> dict[str, object]:
    out = folder / f"{label}.json"
    env = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "LLM_BASE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"sqlite:///{folder / label}.sqlite3",
        LLM_TIMEOUT_SECONDS="5",
        LLM_MAX_RETRIES="1",
        ALLOWED_HOSTS="testserver,127.0.0.1",
    )
    if llm_url:
        env["LLM_BASE_URL"] = llm_url
    subprocess.run(
        [sys.executable, "-m", "bench.bench_llm_resilience", "--run", str(out)], cwd=ROOT, env=env, check=True
    )
    return json.loads(out.read_text())


def one_run(out: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from rest_framework.test import APIClient

    from accounts.models import User
    from hotline.llm_services import wait_for_background_drafts
    from workorders.models import WorkOrder

    call_command("migrate", verbosity=0)
    call_command("train_models", "--if-missing", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("seed_demo", "--no-history", stdout=open(os.devnull, "w"))  # noqa: SIM115
    client = APIClient()
    client.force_authenticate(User.objects.get(username="integration"))
    with teddy("messages_unlabelled.csv").open(encoding="utf-8") as handle:
        rows = [row for _, row in zip(range(MESSAGES), csv.DictReader(handle), strict=False)]
    client.post(
        "/api/v1/submissions/", {"channel": "web", "sender_id": "warm-up", "content": "路灯坏了"}, format="json"
    )
    started = time.perf_counter()
    for row in rows:
        response = client.post(
            "/api/v1/submissions/",
            {"channel": "web", "sender_id": f"m{row['message_id']}", "content": f"{row['title']}\n{row['detail']}"},
            format="json",
        )
        assert response.status_code == 201, response.content
    elapsed = time.perf_counter() - started
    orders = WorkOrder.objects.filter(source_submission__sender_id__startswith="m")
    fields = {
        o.source_submission.sender_id: [str(getattr(o, f)) for f in FIELDS] + [str(o.triage_record.department.value)]
        for o in orders.select_related("source_submission")
    }
    wait_for_background_drafts(timeout=60)
    llm_status: dict[str, int] = {}
    for order in WorkOrder.objects.filter(source_submission__sender_id__startswith="m"):
        status = order.triage_record.llm.status if order.triage_record.llm else "none"
        llm_status[status] = llm_status.get(status, 0) + 1
    out.write_text(
        json.dumps({"seconds": elapsed, "per_second": len(rows) / elapsed, "fields": fields, "llm": llm_status}),
        encoding="utf-8",
    )


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--run":
        one_run(Path(sys.argv[2]))
        return
    listener, port = hanging_server()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()  # nothing listens there any more: connection refused
    with tempfile.TemporaryDirectory() as folder:
        runs = {
            "no_llm": run("no_llm", None, Path(folder)),
            "llm_down": run("llm_down", f"http://127.0.0.1:{closed_port}/v1", Path(folder)),
            "llm_hanging": run("llm_hanging", f"http://127.0.0.1:{port}/v1", Path(folder)),
        }
    listener.close()
    baseline = runs["no_llm"]["fields"]
    report(
        "llm_resilience",
        {
            "messages": MESSAGES,
            "runs": {
                name: {
                    "submissions_per_second": round(result["per_second"], 1),
                    "seconds": round(result["seconds"], 1),
                    "orders_with_the_same_classical_fields_as_without_llm": sum(
                        1 for sender, values in result["fields"].items() if baseline.get(sender) == values
                    ),
                    "llm_outcomes_afterwards": result["llm"],
                }
                for name, result in runs.items()
            },
        },
    )


if __name__ == "__main__":
    main()
