"""Load: calls posted to the running system at fixed concurrencies, then a sustained rate, measured end to end.

    .venv/bin/python -m bench.bench_load                                  # steps 1, 4, 16; then 50/s for 10 minutes
    .venv/bin/python -m bench.bench_load --steps 1 4 --step-seconds 20 --rate 20 --sustain-seconds 60   # shorter

The bench starts everything itself, on this machine, and sends traffic to 127.0.0.1 only:

- a PostgreSQL database (``--database``, default hotline_bench_load; created when missing, migrated, the demo city's
  reference data and a level-1 model trained by ``train_models --if-missing``) with the production settings;
- Redis as the broker (``--broker``, default redis://127.0.0.1:6379/13, emptied first);
- the web server (``manage.py serve``, waitress, ``--web-threads``), one Celery worker on the triage queue
  (``--triage-workers`` processes) and one on the periodic, LLM and analytics queues, and ``celery beat``;
- a connected system's API token (``manage.py issue_token integration``). The intake throttle is raised for the run
  (API_INTAKE_RATE) so the bench measures capacity, not the throttle.

Traffic: real messages of the data set (read from ../shared, never copied), a third as phone transcripts (turns),
the rest as web, app and API messages, each with a new sender id. A *step* keeps ``c`` requests in flight for
``--step-seconds`` (closed loop); the *sustained* run posts at a fixed rate whatever the answers (open loop, at most
``--max-in-flight`` outstanding). For each: requests per second, intake latency percentiles, errors by status,
and, from the database, the time from receipt to analysed (``triaged_at - received_at`` of each submission posted,
waiting up to ``--drain-seconds`` after the traffic stops); every second, the triage queue's depth in the broker,
the submissions waiting, the machine's load average and the CPU time used so far by each part of the system (web
server, triage worker, other worker, beat, this database's PostgreSQL backends, Redis), so each run reports the CPU
milliseconds one call cost each part (``cpu_while_posting``; ``cpu_until_analysed`` adds the drain). On a PostgreSQL
server with autovacuum off (this machine's) the bench runs VACUUM ANALYZE on the tables the calls grow every
``--analyze-every`` seconds, as autovacuum would by default (its CPU counted as PostgreSQL's own).

Other work shares the machine's cores while this runs: the load average is recorded with every sample, and the
figures are as pessimistic as that load makes them. Results: bench/results/load.json."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.common import ROOT, report

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/hotline_bench_load"
DEFAULT_BROKER = "redis://127.0.0.1:6379/13"
PYTHON = sys.executable


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))], 1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the system under test ------------------------------------------------------------------------------------


def environment(args: argparse.Namespace) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": args.database,
        "CELERY_BROKER_URL": args.broker,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "API_INTAKE_RATE": "1000000/min",
        "LOG_LEVEL": "WARNING",
        "HOTLINE_DATASETS_DIR": os.environ.get("HOTLINE_DATASETS_DIR", str(ROOT.parent / "shared" / "datasets")),
    }
    env.pop("LLM_BASE_URL", None)  # the classical pipeline only: an LLM is measured by bench_llm_resilience
    return env


def manage(env: dict[str, str], *command: str) -> str:
    run = subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True)
    if run.returncode:
        sys.exit(f"manage.py {' '.join(command)} failed:\n{run.stdout[-2000:]}\n{run.stderr[-4000:]}")
    return run.stdout


def prepare(args: argparse.Namespace, env: dict[str, str]) -> str:
    """The database ready (reference data, a model), the broker empty; returns the connected system's token."""
    import redis

    from bench.generate_orders import ensure_database

    ensure_database(args.database)
    manage(env, "migrate", "--noinput")
    if "Department" not in manage(
        env,
        "shell",
        "-c",
        "from workorders.models import Department as D; print(D.__name__ if D.objects.exists() else '')",
    ):
        manage(env, "seed_demo", "--no-history")
    manage(env, "train_models", "--if-missing")
    redis.Redis.from_url(args.broker).flushdb()
    return manage(env, "issue_token", "integration", "--days", "1").strip().splitlines()[-1].strip()


@dataclass
class System:
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="hotline-load-")))

    def start(self, name: str, command: list[str], env: dict[str, str]) -> None:
        log = (self.logs / f"{name}.log").open("wb")
        env = {**env, "PGAPPNAME": f"bench-{name}"}  # its PostgreSQL backends say whose they are
        self.processes.append(
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        )

    def stop(self) -> None:
        for process in self.processes:  # only the processes this bench started, each by its own id
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def start_system(args: argparse.Namespace, env: dict[str, str], port: int) -> System:
    system = System()
    celery = [PYTHON, "-m", "celery", "-A", "config"]
    quiet = ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"]
    system.start("web", [PYTHON, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port),
                         "--threads", str(args.web_threads)], env)  # fmt: skip
    system.start("triage", [*celery, "worker", "-Q", "triage", "-c", str(args.triage_workers),
                            "--prefetch-multiplier", "1", "-n", f"triage-{port}@%h", *quiet], env)  # fmt: skip
    system.start("other", [*celery, "worker", "-Q", "periodic,llm,analytics", "-c", "1",
                           "-n", f"other-{port}@%h", *quiet], env)  # fmt: skip
    if args.beat:
        schedule = system.logs / "beat-schedule"
        system.start("beat", [*celery, "beat", "--loglevel=WARNING", "-s", str(schedule), "-S",
                              "django_celery_beat.schedulers:DatabaseScheduler"], env)  # fmt: skip
    return system


# --- traffic --------------------------------------------------------------------------------------------------


def load_messages() -> list[str]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from bench.common import datasets_dir
    from core.demo.dataset import read_messages

    texts = [m.text for m in read_messages(datasets_dir() / "teddy2020c") if 20 <= len(m.text) <= 2000]
    random.Random(14).shuffle(texts)
    return texts


def body(text: str, sender: str, rng: random.Random) -> dict[str, Any]:
    if rng.random() < 1 / 3:
        return {
            "channel": "phone",
            "sender_id": sender,
            "turns": [
                {"speaker": "agent", "text": "您好，12345热线，请讲。"},
                {"speaker": "caller", "text": text},
                {"speaker": "agent", "text": "好的，您反映的问题我们已记录，会尽快转交相关部门处理。"},
            ],
        }
    return {"channel": rng.choice(["web", "app", "api"]), "sender_id": sender, "content": text}


@dataclass
class Sent:
    at: float  # monotonic, client side
    ms: float
    status: int
    submission_id: int | None


@dataclass
class Traffic:
    url: str
    token: str
    messages: list[str]
    run: str
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    count: int = 0

    async def post(self, client: Any) -> Sent:
        self.count += 1
        payload = body(self.messages[self.count % len(self.messages)], f"LOAD-{self.run}-{self.count}", self.rng)
        began = time.monotonic()
        try:
            response = await client.post(f"{self.url}/api/v1/submissions/", json=payload)
            status = response.status_code
            submission = response.json().get("submission_id") if status in (200, 201) else None
        except Exception:  # a refused or timed-out request is an error of the system under test
            status, submission = 0, None
        return Sent(began, (time.monotonic() - began) * 1000, status, submission)

    def client(self) -> Any:
        import httpx

        return httpx.AsyncClient(
            headers={"Authorization": f"Token {self.token}"},
            timeout=httpx.Timeout(30.0),
            limits=httpx.Limits(max_connections=512, max_keepalive_connections=512),
        )

    async def closed_loop(self, concurrency: int, seconds: float) -> list[Sent]:
        sent: list[Sent] = []
        stop = time.monotonic() + seconds
        async with self.client() as client:

            async def user() -> None:
                while time.monotonic() < stop:
                    sent.append(await self.post(client))

            await asyncio.gather(*(user() for _ in range(concurrency)))
        return sent

    async def open_loop(self, rate: float, seconds: float, max_in_flight: int) -> list[Sent]:
        sent: list[Sent] = []
        slots = asyncio.Semaphore(max_in_flight)
        start = time.monotonic()
        async with self.client() as client:

            async def one() -> None:
                async with slots:
                    sent.append(await self.post(client))

            tasks = []
            for n in range(int(rate * seconds)):
                delay = start + n / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(one()))
            await asyncio.gather(*tasks)
        return sent


# --- what the system did --------------------------------------------------------------------------------------


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(stat: str, *, children: bool = True) -> float:
    """utime + stime (+ the reaped children's cutime + cstime) from a /proc/<pid>/stat line."""
    fields = stat.rsplit(")", 1)[1].split()
    used = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if children else 0)
    return used / TICKS


def session_cpu(sessions: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far by every process of each session (a process this bench started with its own session,
    and everything it forked: a Celery worker's pool processes), those that exited and were reaped included."""
    totals = dict.fromkeys(sessions, 0.0)
    by_sid = {sid: name for name, sid in sessions.items()}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        name = by_sid.get(int(stat.rsplit(")", 1)[1].split()[3]))
        if name is not None:
            totals[name] += cpu_seconds(stat)
    return totals


def pid_cpu(pid: int) -> float | None:
    try:
        return cpu_seconds(Path(f"/proc/{pid}/stat").read_text(), children=False)
    except OSError:
        return None


class Monitor(threading.Thread):
    """Every second: the triage queue's depth in the broker, the submissions waiting, the load average, and the CPU
    seconds used so far by each part of the system: the web server, the triage worker, the other worker, beat, the
    PostgreSQL backends serving this database (each followed from its start; the last second of one that exits is
    missed; the bench's own connections not counted, its maintenance counted as autovacuum's) and Redis (which
    serves anyone else using it too).

    With ``analyze_every``, a thread of its own runs VACUUM ANALYZE on the tables the calls grow that often, as
    autovacuum would on a server that has it on: the statistics the planner needs, and the visibility map that lets
    the related-order postings be read from their index alone."""

    MAINTAINED = ("hotline_ordertextkey", "hotline_submission", "workorders_workorder", "workorders_workorderevent")

    def __init__(
        self, database: str, broker: str, sessions: dict[str, int] | None = None, analyze_every: float = 0
    ) -> None:
        super().__init__(daemon=True)
        self.database, self.broker = database, broker
        self.analyze_every = analyze_every
        self.analyzed = 0
        self.sessions = sessions or {}
        self.samples: list[dict[str, Any]] = []
        self.stopping = threading.Event()
        self.started_at = time.monotonic()
        self._backends: dict[int, float] = {}
        self._postgres: dict[str, float] = {"postgres": 0.0, "postgres_autovacuum_etc": 0.0}
        self.own_backends: set[int] = set()  # the bench's own connections: not the system's work
        self.maintenance_backend: int | None = None
        self.maintenance_seconds = 0.0

    def maintain(self) -> None:
        """VACUUM ANALYZE the tables the calls grow every ``analyze_every`` seconds (see the class)."""
        import psycopg

        with psycopg.connect(self.database, autocommit=True) as connection:
            self.maintenance_backend = connection.info.backend_pid
            while not self.stopping.wait(self.analyze_every):
                began = time.monotonic()
                connection.execute(f"VACUUM ANALYZE {', '.join(self.MAINTAINED)}")
                self.maintenance_seconds += time.monotonic() - began
                self.analyzed += 1

    def postgres_cpu(self, connection: Any) -> dict[str, float]:
        """CPU seconds of this database's backends so far: the clients' (the web server's, workers' and beat's
        connections, and this bench's own waiting for the last analyses) and PostgreSQL's own (autovacuum)."""
        rows = connection.execute(
            "SELECT pid, backend_start >= %s, backend_type, application_name FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()",
            [self.wall_start],
        ).fetchall()
        for pid, new, kind, application in rows:
            if pid in self.own_backends:
                continue
            used = pid_cpu(pid)
            if used is None:
                continue
            before = self._backends.get(pid, 0.0 if new else used)
            client = kind == "client backend" and pid != self.maintenance_backend
            name = "postgres" if client else "postgres_autovacuum_etc"
            spent = max(0.0, used - before)
            self._postgres[name] = self._postgres.get(name, 0.0) + spent
            if client:  # and for whom: the web server's, the triage worker's ... connections (PGAPPNAME)
                whose = f"postgres_for_{application.removeprefix('bench-') if application.startswith('bench-') else 'others'}"
                self._postgres[whose] = self._postgres.get(whose, 0.0) + spent
            self._backends[pid] = used
        return dict(self._postgres)

    def run(self) -> None:
        from datetime import UTC, datetime

        import psycopg
        import redis

        self.wall_start = datetime.now(UTC)
        queue = redis.Redis.from_url(self.broker)
        redis_pid = int(queue.info("server")["process_id"])
        if self.analyze_every:
            threading.Thread(target=self.maintain, daemon=True).start()
        with psycopg.connect(self.database, autocommit=True) as connection:
            while not self.stopping.is_set():
                waiting = connection.execute(
                    "SELECT count(*) FROM hotline_submission WHERE status IN ('received', 'failed')"
                ).fetchone()[0]
                cpu = session_cpu(self.sessions)
                cpu.update(self.postgres_cpu(connection))
                cpu["redis"] = pid_cpu(redis_pid) or 0.0
                self.samples.append(
                    {
                        "t": round(time.monotonic() - self.started_at, 1),
                        "triage_queue": queue.llen("triage"),
                        "waiting": waiting,
                        "load_1m": round(os.getloadavg()[0], 2),
                        "cpu_s": cpu,
                    }
                )
                self.stopping.wait(1.0)

    def window(self, since: float, until: float) -> list[dict[str, Any]]:
        first, last = since - self.started_at, until - self.started_at
        return [s for s in self.samples if first <= s["t"] <= last]


def server_autovacuum(database: str) -> str:
    import psycopg

    with psycopg.connect(database, autocommit=True) as connection:
        return str(connection.execute("SHOW autovacuum").fetchone()[0])


def cpu_per_call(samples: list[dict[str, Any]], calls: int) -> dict[str, Any] | None:
    """CPU milliseconds per accepted call by part of the system, between the first and the last sample."""
    if len(samples) < 2 or not calls:
        return None
    first, last = samples[0]["cpu_s"], samples[-1]["cpu_s"]
    spent = {name: last[name] - first.get(name, 0.0) for name in last}
    # "postgres_for_<part>" splits "postgres" by the connection's owner: shown apart, not counted twice
    used = {name: value for name, value in spent.items() if not name.startswith("postgres_for_")}
    seconds = samples[-1]["t"] - samples[0]["t"]
    return {
        "ms_per_call": {name: round(1000 * value / calls, 1) for name, value in used.items()},
        "ms_per_call_total": round(1000 * sum(used.values()) / calls, 1),
        "postgres_ms_per_call_by_client": {
            name.removeprefix("postgres_for_"): round(1000 * value / calls, 1)
            for name, value in sorted(spent.items())
            if name.startswith("postgres_for_")
        },
        "cores_busy": {name: round(value / seconds, 2) for name, value in used.items()},
        "cores_busy_total": round(sum(used.values()) / seconds, 2),
        "seconds": round(seconds, 1),
    }


def triage_times(
    database: str, ids: list[int], drain_seconds: float, monitor: Monitor | None = None
) -> tuple[list[float], int]:
    """Seconds from receipt to analysed for each submission (waiting for the last ones up to ``drain_seconds``);
    and how many were still not analysed then. This connection's work is not counted as the system's."""
    import psycopg

    deadline = time.monotonic() + drain_seconds
    with psycopg.connect(database, autocommit=True) as connection:
        if monitor is not None:
            monitor.own_backends.add(connection.info.backend_pid)
        while True:
            rows = connection.execute(
                "SELECT status, EXTRACT(EPOCH FROM triaged_at - received_at) FROM hotline_submission WHERE id = ANY(%s)",
                [ids],
            ).fetchall()
            left = sum(1 for status, _ in rows if status != "triaged")
            if not left or time.monotonic() > deadline:
                return [float(s) for status, s in rows if status == "triaged" and s is not None], left
            time.sleep(1.0)


def summary(
    sent: list[Sent], seconds: float, monitor: Monitor, since: float, args: argparse.Namespace
) -> dict[str, Any]:
    ok = [s for s in sent if s.status in (200, 201)]
    errors: dict[str, int] = {}
    for s in sent:
        if s.status not in (200, 201):
            errors[str(s.status)] = errors.get(str(s.status), 0) + 1
    latencies = [s.ms for s in sent]
    ids = [s.submission_id for s in ok if s.submission_id]
    drained_from = time.monotonic()
    e2e, not_triaged = triage_times(args.database, ids, args.drain_seconds, monitor) if ids else ([], 0)
    samples = monitor.window(since, time.monotonic())
    traffic = monitor.window(since, since + seconds)
    return {
        "requests": len(sent),
        "seconds": round(seconds, 1),
        "requests_per_second": round(len(sent) / seconds, 1),
        "errors": errors,
        "intake_ms": {
            "p50": percentile(latencies, 0.5),
            "p95": percentile(latencies, 0.95),
            "p99": percentile(latencies, 0.99),
            "max": round(max(latencies), 1) if latencies else None,
        },
        "received_to_triaged_s": {
            "p50": percentile(e2e, 0.5),
            "p95": percentile(e2e, 0.95),
            "max": round(max(e2e), 1) if e2e else None,
            "triaged": len(e2e),
            "not_triaged_after_drain": not_triaged,
            "drain_seconds_waited": round(time.monotonic() - drained_from, 1),
        },
        "triage_queue_max": max((s["triage_queue"] for s in samples), default=None),
        "waiting_max": max((s["waiting"] for s in samples), default=None),
        "load_1m_mean": round(statistics.mean(s["load_1m"] for s in samples), 2) if samples else None,
        "load_1m_max": max((s["load_1m"] for s in samples), default=None),
        # while the calls were posted, and until the last was analysed (the drain): what each call cost in all
        "cpu_while_posting": cpu_per_call(traffic, len(ok)),
        "cpu_until_analysed": cpu_per_call(samples, len(ok)),
        "timeline_every_5s": [{k: v for k, v in s.items() if k != "cpu_s"} for s in samples[::5]],
    }


def wait_until_ready(url: str, token: str, messages: list[str], args: argparse.Namespace) -> None:
    """The web server answers and a few calls are analysed (the workers have loaded the model)."""
    import httpx

    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health/", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(1)
    else:
        sys.exit("the web server did not answer within 300 s")
    warm = Traffic(url, token, messages, f"warm-{int(time.time())}")
    sent = asyncio.run(warm.closed_loop(2, 5))
    ids = [s.submission_id for s in sent if s.submission_id]
    _times, left = triage_times(args.database, ids, 240)
    if left:
        sys.exit(f"{left} warm-up calls were not analysed within 240 s: are the workers running?")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--broker", default=DEFAULT_BROKER)
    parser.add_argument("--steps", type=int, nargs="*", default=[1, 4, 16], help="concurrencies (closed loop)")
    parser.add_argument("--step-seconds", type=float, default=30)
    parser.add_argument("--rate", type=float, default=50, help="submissions per second of the sustained run")
    parser.add_argument("--sustain-seconds", type=float, default=600, help="0: no sustained run")
    parser.add_argument("--max-in-flight", type=int, default=256)
    parser.add_argument("--drain-seconds", type=float, default=300, help="wait this long for the last analyses")
    parser.add_argument("--web-threads", type=int, default=16)
    parser.add_argument("--triage-workers", type=int, default=2, help="processes of the triage worker")
    parser.add_argument("--no-beat", dest="beat", action="store_false", help="no periodic tasks")
    parser.add_argument(
        "--analyze-every",
        type=float,
        default=60,
        help="when the server's autovacuum is off, VACUUM ANALYZE the growing tables this often (s), as autovacuum would; 0: never",
    )
    args = parser.parse_args()
    for address in (args.database, args.broker):
        if urlsplit(address).hostname not in ("127.0.0.1", "localhost"):
            sys.exit(f"{address}: this bench only talks to services on 127.0.0.1")

    env = environment(args)
    token = prepare(args, env)
    messages = load_messages()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    system = start_system(args, env, port)
    names = ["web", "triage", "other"] + (["beat"] if args.beat else [])
    autovacuum = server_autovacuum(args.database)
    analyze_every = args.analyze_every if autovacuum == "off" else 0.0
    monitor = Monitor(
        args.database, args.broker, dict(zip(names, (p.pid for p in system.processes), strict=True)), analyze_every
    )
    figures: dict[str, Any] = {
        "setup": {
            "web_threads": args.web_threads,
            "triage_worker_processes": args.triage_workers,
            "other_worker_processes": 1,
            "beat": args.beat,
            "triage_batch_size": int(os.environ.get("HOTLINE_TRIAGE_BATCH_SIZE", "20")),
            "cpus": os.cpu_count(),
            "server_autovacuum": autovacuum,
            "bench_analyzes_every_s": analyze_every,
            "logs": str(system.logs),
        },
        "uptime_before": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
        "steps": {},
    }
    try:
        wait_until_ready(url, token, messages, args)
        monitor.start()
        run = f"{int(time.time())}"
        for concurrency in args.steps:
            traffic = Traffic(url, token, messages, f"{run}-c{concurrency}")
            since = time.monotonic()
            sent = asyncio.run(traffic.closed_loop(concurrency, args.step_seconds))
            result = summary(sent, time.monotonic() - since, monitor, since, args)
            figures["steps"][f"concurrency_{concurrency}"] = result
            print(
                f"concurrency {concurrency}:",
                json.dumps({k: v for k, v in result.items() if k != "timeline_every_5s"}, ensure_ascii=False),
                flush=True,
            )
        if args.sustain_seconds > 0:
            traffic = Traffic(url, token, messages, f"{run}-sustained")
            since = time.monotonic()
            sent = asyncio.run(traffic.open_loop(args.rate, args.sustain_seconds, args.max_in_flight))
            result = summary(sent, time.monotonic() - since, monitor, since, args)
            result["target_rate_per_second"] = args.rate
            result["targets"] = {
                "errors": 0,
                "intake_p95_ms": 150,
                "received_to_triaged_p95_s": 2.0,
            }
            result["met"] = {
                "errors": not result["errors"],
                "intake_p95_ms": (result["intake_ms"]["p95"] or 1e9) < 150,
                "received_to_triaged_p95_s": (result["received_to_triaged_s"]["p95"] or 1e9) < 2.0
                and not result["received_to_triaged_s"]["not_triaged_after_drain"],
            }
            figures["sustained"] = result
            print(
                "sustained:",
                json.dumps({k: v for k, v in result.items() if k != "timeline_every_5s"}, ensure_ascii=False),
                flush=True,
            )
    finally:
        monitor.stopping.set()
        system.stop()
    figures["setup"]["bench_analyzes_done"] = monitor.analyzed
    figures["setup"]["bench_vacuum_analyze_seconds"] = round(monitor.maintenance_seconds, 1)
    figures["uptime_after"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    report("load", figures)


if __name__ == "__main__":
    main()
