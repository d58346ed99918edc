"""Intake with the LLM endpoint slow, broken, failing or down behaves as with no LLM at all, and after a restart
every order still ends with a draft state.

A database is prepared once (migrations, the default model, the demo city's reference data and users) and copied
for each run. Each run has two processes against its own copy:

1. **Intake**: the same 300 web messages submitted one after another through the intake API, tasks in-process
   (the classical triage is part of each request; drafts run in background threads). Measured: submissions per
   second, and whether every order's classical triage (title, summary, request type, urgency, emotion, category,
   area, address, department) is the same as without an LLM. Then the process stops at once (``os._exit``):
   drafts in flight or waiting for a retry are lost with it, as in a crash or a restart.
2. **Restart**: a new process against the same database runs the LLM drafts sweep once a second, as the beat
   would (the sweep queues again a draft pending longer than LLM_DRAFT_STALL_SECONDS, here 5 s), until no draft
   is pending. Measured: drafts pending at the restart, seconds until none is pending, and every order's state.

Intake is timed twice per mode, the second round in the reverse order (intake only), because the machine may be
shared: both rounds are reported with their mean.

The endpoint (a local server on 127.0.0.1, the same through both processes): ``slow`` answers a valid draft after
4.5 s with a 5 s timeout; ``broken`` answers invalid JSON; ``failing`` answers HTTP 500; ``down`` refuses the
connection. Client settings of the runs: timeout 5 s, 1 retry, breaker 5 failures / 10 s, draft attempts 3 with
2 s and 4 s between them.

    .venv/bin/python -m bench.bench_llm_resilience
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.bench_llm_races import DraftServer
from bench.common import ROOT, report, teddy

MESSAGES = 300
STALL_SECONDS = 5
RESTART_DEADLINE_SECONDS = 240
CLIENT = {
    "LLM_TIMEOUT_SECONDS": "5",
    "LLM_MAX_RETRIES": "1",
    "LLM_BACKOFF_MS": "200",
    "LLM_BREAKER_FAILURES": "5",
    "LLM_BREAKER_SECONDS": "10",
    "LLM_DRAFT_ATTEMPTS": "3",
    "LLM_DRAFT_RETRY_SECONDS": "2",
    "LLM_DRAFT_STALL_SECONDS": str(STALL_SECONDS),
}


def environment(database: Path, llm_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "LLM_BASE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"sqlite:///{database}",
        ALLOWED_HOSTS="testserver,127.0.0.1",
        LOG_LEVEL="WARNING",
        **CLIENT,
    )
    if llm_url:
        env["LLM_BASE_URL"] = llm_url
    return env


def child(step: str, out: Path, env: dict[str, str]) -> dict[str, Any]:
    subprocess.run([sys.executable, "-m", "bench.bench_llm_resilience", step, str(out)], cwd=ROOT, env=env, check=True)
    return json.loads(out.read_text()) if out.exists() else {}


def run(label: str, llm_url: str | None, template: Path, folder: Path, *, restart: bool = True) -> dict[str, Any]:
    database = folder / f"{label}.sqlite3"
    shutil.copy(template, database)
    env = environment(database, llm_url)
    intake = child("--intake", folder / f"{label}-intake.json", env)
    after = child("--restart", folder / f"{label}-restart.json", env) if restart else {}
    database.unlink()
    return {"intake": intake, "restart": after}


# --- inside the child processes ----------------------------------------------------------------------------


def prepare(out: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("train_models", "--if-missing", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("seed_demo", "--no-history", stdout=open(os.devnull, "w"))  # noqa: SIM115
    with connection.cursor() as cursor:  # everything in the database file itself, ready to be copied
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    out.write_text("{}", encoding="utf-8")


def classical(order: Any) -> list[str]:
    """The classical triage of an order, from its triage record (an applied LLM draft changes the fields, not
    this)."""
    record = order.triage_record
    values = (
        record.title,
        record.summary,
        record.request_type.value,
        record.urgency.value,
        record.emotion.value,
        record.category.value,
        record.area.value,
        record.address,
        record.department.value,
    )
    return [str(value) for value in values]


def states() -> dict[str, int]:
    from workorders.models import WorkOrder

    counts: Counter[str] = Counter()
    for order in WorkOrder.objects.filter(source_submission__sender_id__startswith="m").only("triage"):
        llm = order.triage_record.llm
        counts[llm.status if llm else "none"] += 1
    return dict(sorted(counts.items()))


def intake(out: Path) -> None:
    import django

    django.setup()
    from rest_framework.test import APIClient

    from accounts.models import User
    from workorders.models import WorkOrder

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
    orders = WorkOrder.objects.filter(source_submission__sender_id__startswith="m").select_related("source_submission")
    figures = {
        "seconds": elapsed,
        "per_second": len(rows) / elapsed,
        "classical": {o.source_submission.sender_id: classical(o) for o in orders},
        "states_when_stopped": states(),
    }
    out.write_text(json.dumps(figures, ensure_ascii=False), encoding="utf-8")
    sys.stdout.flush()
    os._exit(0)  # stop at once: the drafts in flight and the retries waiting on timers are lost


def restart(out: Path) -> None:
    import django

    django.setup()
    from hotline import selectors
    from hotline.llm_services import drafts_in_flight_here, llm_drafts_sweep, wait_for_background_drafts

    started = time.monotonic()
    pending_at_restart = selectors.orders_with_pending_llm_draft().count()
    sweeps: Counter[str] = Counter()
    none_pending_after = None
    while time.monotonic() - started < RESTART_DEADLINE_SECONDS:
        for name, count in llm_drafts_sweep().items():
            sweeps[name] += count
        if not selectors.orders_with_pending_llm_draft().exists() and not drafts_in_flight_here():
            none_pending_after = time.monotonic() - started
            break
        time.sleep(1)
    wait_for_background_drafts(timeout=30)
    figures = {
        "pending_at_restart": pending_at_restart,
        "seconds_until_none_pending": None if none_pending_after is None else round(none_pending_after, 1),
        "pending_at_the_end": selectors.orders_with_pending_llm_draft().count(),
        "requeued_by_the_sweep": sweeps["requeued"],
        "expired_by_the_sweep": sweeps["expired"],
        "final_states": states(),
    }
    out.write_text(json.dumps(figures, ensure_ascii=False), encoding="utf-8")


# --- the runs ----------------------------------------------------------------------------------------------


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] in {"--prepare", "--intake", "--restart"}:
        {"--prepare": prepare, "--intake": intake, "--restart": restart}[sys.argv[1]](Path(sys.argv[2]))
        return
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    down_url = f"http://127.0.0.1:{closed.getsockname()[1]}/v1"
    closed.close()  # nothing listens there any more: connection refused
    servers = {"slow": DraftServer("slow", 4.5), "broken": DraftServer("broken"), "failing": DraftServer("failing")}
    urls = {"no_llm": None, **{name: server.base_url for name, server in servers.items()}, "down": down_url}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        template = folder / "template.sqlite3"
        child("--prepare", folder / "prepared.json", environment(template, None))
        runs = {label: run(label, url, template, folder) for label, url in urls.items()}
        # The machine is shared: intake is timed a second time in the reverse order (intake only), so a change of
        # load during the runs shows as a difference between the two rounds rather than between the modes.
        again = {label: run(f"{label}-2", urls[label], template, folder, restart=False) for label in reversed(urls)}
    requests = {name: server.requests for name, server in servers.items()}
    for server in servers.values():
        server.close()
    baseline = runs["no_llm"]["intake"]["classical"]
    load = os.getloadavg()
    report(
        "llm_resilience",
        {
            "messages": MESSAGES,
            "client": CLIENT,
            "load_average_at_the_end": [round(value, 1) for value in load],
            "runs": {
                label: {
                    "submissions_per_second": [
                        round(result["intake"]["per_second"], 1),
                        round(again[label]["intake"]["per_second"], 1),
                    ],
                    "submissions_per_second_mean": round(
                        (result["intake"]["per_second"] + again[label]["intake"]["per_second"]) / 2, 1
                    ),
                    "orders_with_the_same_classical_triage_as_without_llm": sum(
                        1 for sender, values in result["intake"]["classical"].items() if baseline.get(sender) == values
                    ),
                    "draft_states_when_the_process_stopped": result["intake"]["states_when_stopped"],
                    "after_restart": result["restart"],
                    "requests_the_endpoint_received": requests.get(label),
                }
                for label, result in runs.items()
            },
        },
    )


if __name__ == "__main__":
    main()
