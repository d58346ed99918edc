"""Intake while the broker hangs and while the database is down, on a production-shaped stack the bench starts
and stops by itself (its own PostgreSQL cluster and Redis on free ports, `manage.py serve`, one Celery worker).

    .venv/bin/python -m bench.bench_faults            # about 3 minutes
    .venv/bin/python -m bench.bench_faults --posts 200

1. **Healthy**: POSTS submissions through the intake API one after another; latency of each answer.
2. **Redis hung** (SIGSTOP: connections are accepted, nothing is answered): POSTS more; latency and status of
   each. Then SIGCONT, and the time until every submission accepted during the hang is analysed by the worker.
3. **PostgreSQL down** (`pg_ctl stop -m fast`): POSTS / 10 submissions; status, Retry-After and latency of each
   answer (target: 503 JSON in under a second); then PostgreSQL is started again and one more submission must
   be accepted.

Every request goes to 127.0.0.1. The cluster and Redis live in a temporary folder removed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import report

ROOT = Path(__file__).resolve().parents[1]
PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), Path("/usr/bin"))
PYTHON = sys.executable
APPEALS = (
    "小区门口的路灯坏了一个星期，晚上很黑，请尽快修理。",
    "楼下烧烤店油烟太大，窗户都不敢开。",
    "公交车站的候车亭玻璃碎了，容易伤人。",
    "工地夜里十二点还在施工，噪音扰民。",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_postgres(*command: str) -> list[str]:
    """Run a PostgreSQL server command as the postgres user when the bench runs as root (initdb refuses root)."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def wait_for(check: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # not up yet
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not come up within {seconds} s")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000, 1) if ordered else 0.0


class Stack:
    """Its own PostgreSQL and Redis, the web server and a worker."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pg_port, self.redis_port, self.web_port = free_port(), free_port(), free_port()
        self.pg_data = folder / "pg"
        self.processes: list[subprocess.Popen[bytes]] = []
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "SECRET_KEY": "bench-faults-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pg_port}/hotline",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "API_INTAKE_RATE": "100000/min",
            "HOTLINE_KNOWLEDGE_INDEX_DIR": str(folder / "knowledge"),
            "LOG_LEVEL": "WARNING",
        }

    def start_postgres(self) -> None:
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.pg_data), "-o", f"-p {self.pg_port} -k {self.folder}"]
        subprocess.run(as_postgres(*command, "-l", str(self.folder / "pg.log"), "-w", "start"), check=True)

    def stop_postgres(self) -> None:
        subprocess.run(as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.pg_data), "-m", "fast", "-w", "stop"))

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self.pg_data.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.pg_data, "postgres")
        subprocess.run(
            as_postgres(str(PG_BIN / "initdb"), "-D", str(self.pg_data), "-U", "postgres", "-A", "trust"),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.start_postgres()
        subprocess.run(
            [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "postgres", "hotline"],
            check=True,
        )
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        self.processes.append(self.redis)
        for command in (["migrate", "--noinput"], ["seed_demo", "--no-history"], ["train_models", "--if-missing"]):
            subprocess.run(
                [PYTHON, "manage.py", *command], cwd=ROOT, env=self.env, check=True, stdout=subprocess.DEVNULL
            )
        self.token = subprocess.run(
            [PYTHON, "manage.py", "issue_token", "integration", "--days", "1"],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        logs = (self.folder / "web.log").open("wb")
        self.processes.append(
            subprocess.Popen(
                [PYTHON, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(self.web_port)],
                cwd=ROOT,
                env=self.env,
                stdout=logs,
                stderr=subprocess.STDOUT,
            )
        )
        self.processes.append(
            subprocess.Popen(
                [PYTHON, "-m", "celery", "-A", "config", "worker", "-Q", "triage,llm,periodic,analytics,hotline"]
                + ["--concurrency", "2", "--loglevel", "WARNING"],
                cwd=ROOT,
                env=self.env,
                stdout=(self.folder / "worker.log").open("wb"),
                stderr=subprocess.STDOUT,
            )
        )
        wait_for(lambda: httpx.get(f"{self.base}/accounts/login/", timeout=2).status_code == 200, 120, "the server")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def untriaged(self) -> int:
        done = subprocess.run(
            [str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "postgres", "-d", "hotline"]
            + ["-tAc", "select count(*) from hotline_submission where status <> 'triaged'"],
            capture_output=True,
            text=True,
            check=True,
        )
        return int(done.stdout.strip())

    def stop(self) -> None:
        for process in reversed(self.processes):
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGCONT)
            process.terminate()
        for process in self.processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.stop_postgres()


def post_many(client: httpx.Client, token: str, prefix: str, count: int) -> list[tuple[int, float, dict[str, str]]]:
    answers = []
    for n in range(count):
        started = time.perf_counter()
        try:
            response = client.post(
                "/api/v1/submissions/",
                json={"channel": "app", "sender_id": f"{prefix}-{n}", "content": APPEALS[n % len(APPEALS)]},
                headers={"Authorization": f"Token {token}"},
                timeout=70,
            )
            answers.append((response.status_code, time.perf_counter() - started, dict(response.headers)))
        except httpx.HTTPError:
            answers.append((0, time.perf_counter() - started, {}))
    return answers


def summary(answers: list[tuple[int, float, dict[str, str]]]) -> dict[str, Any]:
    latencies = [seconds for _status, seconds, _headers in answers]
    statuses: dict[str, int] = {}
    for status, _seconds, _headers in answers:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        "requests": len(answers),
        "statuses": statuses,
        "p50_ms": percentile(latencies, 0.5),
        "p95_ms": percentile(latencies, 0.95),
        "max_ms": round(max(latencies) * 1000, 1) if latencies else 0.0,
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="hotline-faults-"))
    stack = Stack(folder)
    figures: dict[str, Any] = {"posts": args.posts, "load_average_at_start": os.getloadavg()}
    try:
        stack.start()
        with httpx.Client(base_url=stack.base) as client:
            figures["healthy"] = summary(post_many(client, stack.token, "ok", args.posts))
            wait_for(lambda: stack.untriaged() == 0, 300, "triage of the healthy submissions")

            os.kill(stack.redis.pid, signal.SIGSTOP)
            hung = post_many(client, stack.token, "hung", args.posts)
            figures["redis_hung"] = summary(hung)
            os.kill(stack.redis.pid, signal.SIGCONT)
            resumed = time.perf_counter()
            wait_for(lambda: stack.untriaged() == 0, 600, "triage after Redis resumed")
            figures["redis_hung"]["seconds_until_every_accepted_submission_was_analysed"] = round(
                time.perf_counter() - resumed, 1
            )
            figures["redis_hung"]["not_analysed_at_the_end"] = stack.untriaged()

            stack.stop_postgres()
            down = post_many(client, stack.token, "down", max(5, args.posts // 10))
            figures["postgres_down"] = summary(down)
            figures["postgres_down"]["answers_with_retry_after"] = sum(
                1 for _s, _t, headers in down if "retry-after" in {k.lower() for k in headers}
            )
            figures["postgres_down"]["answers_in_json"] = sum(
                1 for _s, _t, headers in down if headers.get("content-type", "").startswith("application/json")
            )
            stack.start_postgres()
            wait_for(lambda: post_many(client, stack.token, "back", 1)[0][0] == 201, 60, "intake after PostgreSQL")
            figures["postgres_down"]["accepted_again_after_restart"] = True
        figures["load_average_at_end"] = os.getloadavg()
    finally:
        stack.stop()
        shutil.rmtree(folder, ignore_errors=True)
    report("faults", figures)


if __name__ == "__main__":
    main()
