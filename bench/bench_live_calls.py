"""Live calls (docs/live-calls.md): how soon the operator's screen shows the fields a final turn changed, with 50
calls streamed at once in real time; and whether the fields at hang-up equal the intake's triage of the whole
transcript, on every call of the corpus.

    .venv/bin/python -m bench.bench_live_calls                        # 50 calls at once for 180 s, then the equality
    .venv/bin/python -m bench.bench_live_calls --calls 50 --seconds 120 --skip-equality
    .venv/bin/python -m bench.bench_live_calls --broker none          # embedded: no broker, analysis in web threads
    .venv/bin/python -m bench.bench_live_calls --only-equality

**Latency.** The bench starts the system itself on this machine (the helpers of ``bench_load``): a PostgreSQL
database (``--database``, created, migrated, the demo city's reference data and a trained level-1 model), Redis as
the broker (``--broker``; ``none`` runs embedded: the analysis in threads of the web process), the web server
(``manage.py serve``, waitress), a Celery worker on the triage queue and one on the others. ``--calls`` slots each
replay calls of the call corpus (bench/data/calls, every part) one after another, in real time, as the ASR engine
would stream them (``calls.replay``: a partial hypothesis every second of an utterance, the final words at its
end, then the hang-up) through the API, as a connected system; calls without times get a speaking rate of 4.5
characters a second. For each call an "operator's screen" asks the live view (``/calls/live/<id>/state/``, what
the order page's script asks, with a logged-in operator's session) every ``--poll-ms`` what changed since the
revision it saw. For each final turn: the time from sending it to the first answer of the live view whose fields
were computed from it (``fields_from_turns``), the poll interval included. Traffic goes to 127.0.0.1 only.

**Equality.** In this process, on the same database: each call of the corpus is streamed (partials and finals, at
once) through the services, ended and handed to the intake; its order's fields are compared with those of the
same transcript posted whole to the intake (``submission_receive``).

Other work shares the machine's two cores: the load average is recorded. Results: bench/results/live_calls.json."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from bench.bench_load import environment, free_port, manage, prepare, session_cpu
from bench.common import ROOT, percentile, report

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/hotline_bench_live"
DEFAULT_BROKER = "redis://127.0.0.1:6379/9"
OPERATOR, PASSWORD = "bench_live_operator", "bench-live-operator-pass-1"
COMPARED = ("title", "summary", "request_type", "urgency", "emotion", "is_priority", "category_id", "area_id")
COMPARED_TEXT = ("appeal", "appeal_masked", "address")


def corpus_recordings() -> list[tuple[str, list[Any]]]:
    """Every call of the corpus as timed turns, in a fixed shuffled order."""
    from bench.calls import calls
    from calls.replay import recording_turns

    recordings = []
    for call in calls():
        if call.turns:
            record = next(
                json.loads(line)
                for path in sorted((ROOT / "bench" / "data" / "calls").glob("*.jsonl"))
                for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip() and json.loads(line)["id"] == call.id
            )
            recordings.append((call.id, recording_turns(record)))
        else:
            recordings.append((call.id, recording_turns({"transcript": call.text})))
    random.Random(17).shuffle(recordings)
    return recordings


# --- latency ---------------------------------------------------------------------------------------------------


@dataclass
class Figures:
    latencies_ms: list[float] = field(default_factory=list)
    finals_sent: int = 0
    finals_never_shown: int = 0
    calls_done: int = 0
    posts: int = 0
    post_ms: list[float] = field(default_factory=list)
    polls: int = 0
    poll_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


class Screen:
    """An operator's screen following one call: asks what changed every ``poll`` seconds, like static/js/live_call.js."""

    def __init__(self, client: Any, state_url: str, poll: float, figures: Figures) -> None:
        self.client, self.url, self.poll, self.figures = client, state_url, poll, figures
        self.revision, self.version = 0, ""
        self.sent: dict[int, float] = {}  # final turn number (1-based) -> when it was sent
        self.shown = 0
        self.analysed = False
        self.stopped = False

    async def follow(self) -> None:
        while not self.stopped and not self.analysed:
            started = time.monotonic()
            try:
                response = await self.client.get(self.url, params={"since": self.revision, "version": self.version})
                self.figures.polls += 1
                self.figures.poll_ms.append((time.monotonic() - started) * 1000)
                if response.status_code != 200:
                    self.figures.error(f"poll {response.status_code}")
                else:
                    self.seen(response.json(), time.monotonic())
            except Exception as exc:  # a refused or slow answer is counted, and the screen goes on asking
                self.figures.error(f"poll {type(exc).__name__}")
            await asyncio.sleep(max(0.0, self.poll - (time.monotonic() - started)))

    def seen(self, state: dict[str, Any], moment: float) -> None:
        if state.get("unchanged"):
            return
        self.revision, self.version = state["revision"], str(state["order_version"] or "")
        upto = state["fields_from_turns"]
        for number in range(self.shown + 1, upto + 1):
            if number in self.sent:
                self.figures.latencies_ms.append((moment - self.sent.pop(number)) * 1000)
        self.shown = max(self.shown, upto)
        self.analysed = bool(state["analysed"])


async def replay_call(
    api: Any,
    screen_client: Any,
    call_id: str,
    turns: list[Any],
    args: argparse.Namespace,
    figures: Figures,
    *,
    real_time: bool = True,
) -> None:
    from calls.replay import schedule

    async def post(path: str, body: dict[str, Any]) -> dict[str, Any] | None:
        started = time.monotonic()
        try:
            response = await api.post(path, json=body)
        except Exception as exc:
            figures.error(f"post {type(exc).__name__}")
            return None
        figures.posts += 1
        figures.post_ms.append((time.monotonic() - started) * 1000)
        if response.status_code >= 300:
            figures.error(f"post {response.status_code}")
            return None
        return response.json()

    opened = await post("/api/v1/calls/", {"call_id": call_id})
    if opened is None:
        return
    screen = Screen(screen_client, opened["state_url"], args.poll_ms / 1000, figures)
    following = asyncio.create_task(screen.follow())
    origin = time.monotonic()
    finals = 0
    for event in schedule(turns):
        if real_time:
            await asyncio.sleep(max(0.0, origin + event.at - time.monotonic()))
        if event.turn is None:
            await post(f"/api/v1/calls/{call_id}/close/", {})
            continue
        turn = event.turn
        body = {"seq": turn.seq, "speaker": turn.speaker, "text": turn.text, "final": turn.final}
        body.update({k: v for k, v in (("start", turn.start), ("end", turn.end)) if v is not None})
        if turn.final:
            finals += 1
            screen.sent[finals] = time.monotonic()
            figures.finals_sent += 1
        await post(f"/api/v1/calls/{call_id}/turns/", body)
    try:
        await asyncio.wait_for(following, timeout=30 if real_time else 180)
    except TimeoutError:
        screen.stopped = True
    figures.finals_never_shown += len(screen.sent)
    figures.calls_done += 1


async def warm_up(url: str, token: str, session: dict[str, str], args: argparse.Namespace) -> Figures:
    """A few calls streamed at once and followed until the intake has analysed them: every worker process has
    built its pipeline and loaded the model before anything is measured."""
    import httpx

    figures = Figures()
    async with (
        httpx.AsyncClient(base_url=url, headers={"Authorization": f"Token {token}"}, timeout=60) as api,
        httpx.AsyncClient(base_url=url, cookies=session, timeout=60) as screens,
    ):
        recordings = corpus_recordings()[-4:]
        run = f"WARM-{int(time.time())}"
        await asyncio.gather(
            *(
                replay_call(api, screens, f"{run}-{call_id}", turns, args, figures, real_time=False)
                for call_id, turns in recordings
            )
        )
    return figures


async def traffic(urls: list[str], token: str, session: dict[str, str], args: argparse.Namespace) -> Figures:
    """``--calls`` slots, each replaying corpus calls one after another; a slot talks to one web process (as a load
    balancer keeps a client on one), the slots spread over them."""
    import httpx

    recordings = corpus_recordings()
    figures = Figures()
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    run = f"{int(time.time())}"
    deadline = time.monotonic() + args.seconds
    next_call = 0
    apis = [
        httpx.AsyncClient(base_url=url, headers={"Authorization": f"Token {token}"}, timeout=30, limits=limits)
        for url in urls
    ]
    screens = [httpx.AsyncClient(base_url=url, cookies=session, timeout=30, limits=limits) for url in urls]

    async def slot(number: int) -> None:
        nonlocal next_call
        api, screen = apis[number % len(urls)], screens[number % len(urls)]
        await asyncio.sleep(random.Random(number).uniform(0, 10))  # the calls start over ten seconds
        while time.monotonic() < deadline:
            call_id, turns = recordings[next_call % len(recordings)]
            next_call += 1
            await replay_call(api, screen, f"LIVE-{run}-{next_call}-{call_id}", turns, args, figures)

    try:
        await asyncio.gather(*(slot(number) for number in range(args.calls)))
    finally:
        for client in (*apis, *screens):
            await client.aclose()
    return figures


def login(url: str) -> dict[str, str]:
    """A logged-in operator's session cookies, as the browser of the operator's screen has."""
    import httpx

    with httpx.Client(base_url=url, follow_redirects=False, timeout=30) as client:
        client.get("/accounts/login/")
        token = client.cookies.get("csrftoken", "")
        answer = client.post(
            "/accounts/login/",
            data={"username": OPERATOR, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{url}/accounts/login/"},
        )
        if answer.status_code != 302:
            sys.exit(f"the bench operator could not log in ({answer.status_code})")
        return dict(client.cookies)


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def measure_latency(args: argparse.Namespace) -> dict[str, Any]:
    import httpx

    env = environment(args)
    if args.broker == "none":
        env.pop("CELERY_BROKER_URL", None)
    env["LIVE_CALL_POLL_MS"] = str(args.poll_ms)
    port = free_port()
    for variable, purpose in (
        ("CELERY_TRIAGE_QUEUE", "triage"),
        ("CELERY_PERIODIC_QUEUE", "periodic"),
        ("LLM_QUEUE", "llm"),
        ("CELERY_ANALYTICS_QUEUE", "analytics"),
        ("CELERY_TASK_DEFAULT_QUEUE", "default"),
    ):
        env[variable] = f"live-bench-{port}-{purpose}"
    token = prepare_system(args, env)
    ports = [port, *(free_port() for _ in range(args.web_processes - 1))]
    urls = [f"http://127.0.0.1:{p}" for p in ports]
    url = urls[0]
    system = start_system_for(args, env, ports)
    try:
        for each in urls:
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{each}/health/", timeout=2).status_code in (200, 503):
                        break
                except httpx.HTTPError:
                    time.sleep(1)
        session = login(url)
        warm = asyncio.run(warm_up(url, token, session, args))
        if warm.calls_done < 4 or warm.errors:
            sys.exit(f"the warm-up calls did not go through: {warm.errors}; logs in {system.logs}")
        loads = []

        async def sample_load() -> None:
            while True:
                loads.append(load_average())
                await asyncio.sleep(5)

        async def main() -> Figures:
            sampler = asyncio.create_task(sample_load())
            figures = await traffic(urls, token, session, args)
            sampler.cancel()
            return figures

        names = [*(f"web{n}" if n else "web" for n in range(len(ports))), "triage", "other"]
        parts = {name: process.pid for name, process in zip(names, system.processes, strict=False)}
        cpu_before, client_before = session_cpu(parts), time.process_time()
        started = time.monotonic()
        figures = asyncio.run(main())
        elapsed = time.monotonic() - started
        cpu_after, client_after = session_cpu(parts), time.process_time()
    finally:
        system.stop()
    latencies = figures.latencies_ms
    return {
        "mode": "embedded (no broker)" if args.broker == "none" else "PostgreSQL + Redis + Celery",
        "web_processes": args.web_processes,
        "concurrent_calls": args.calls,
        "seconds": round(elapsed, 1),
        "poll_ms": args.poll_ms,
        "calls_replayed": figures.calls_done,
        "final_turns": figures.finals_sent,
        "final_turns_never_shown": figures.finals_never_shown,
        "final_turn_to_screen_ms": {
            "p50": round(percentile(latencies, 0.5), 1) if latencies else None,
            "p95": round(percentile(latencies, 0.95), 1) if latencies else None,
            "p99": round(percentile(latencies, 0.99), 1) if latencies else None,
            "max": round(max(latencies), 1) if latencies else None,
            "mean": round(statistics.mean(latencies), 1) if latencies else None,
        },
        "target_p95_ms": 1000,
        "turn_posts": figures.posts,
        "turn_post_ms": {
            "p50": round(percentile(figures.post_ms, 0.5), 1),
            "p95": round(percentile(figures.post_ms, 0.95), 1),
        }
        if figures.post_ms
        else None,
        "polls": figures.polls,
        "poll_answer_ms": {
            "p50": round(percentile(figures.poll_ms, 0.5), 1),
            "p95": round(percentile(figures.poll_ms, 0.95), 1),
        }
        if figures.poll_ms
        else None,
        "errors": figures.errors,
        # CPU seconds per second of traffic used by each part of the system, and by this bench's own clients
        "cpu_cores_used": {
            **{name: round((cpu_after[name] - cpu_before[name]) / elapsed, 3) for name in parts},
            "bench_clients": round((client_after - client_before) / elapsed, 3),
        },
        "load_1m_mean": round(statistics.mean(loads), 2) if loads else None,
        "load_1m_max": max(loads) if loads else None,
        "cpus": os.cpu_count(),
    }


def prepare_system(args: argparse.Namespace, env: dict[str, str]) -> str:
    """The bench database ready (``bench_load.prepare``) and the operator whose screens follow the calls."""
    if args.broker == "none":
        from bench.generate_orders import ensure_database

        ensure_database(args.database)
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo", "--no-history") if "yes" not in manage(
            env,
            "shell",
            "-c",
            "from workorders.models import Department as D; print('yes' if D.objects.exists() else '')",
        ) else None
        manage(env, "train_models", "--if-missing")
        token = manage(env, "issue_token", "integration", "--days", "1").strip().splitlines()[-1].strip()
    else:
        token = prepare(args, env)
    manage(
        env,
        "shell",
        "-c",
        "from accounts.models import User, Role\n"
        f"u, _ = User.objects.get_or_create(username={OPERATOR!r}, defaults={{'role': Role.OPERATOR}})\n"
        f"u.role = Role.OPERATOR; u.set_password({PASSWORD!r}); u.save()",
    )
    return token


def start_system_for(args: argparse.Namespace, env: dict[str, str], ports: list[int]) -> Any:
    """The web server and, with a broker, a worker on the triage queue and one on the others. The queues are named
    for this run: a worker of another run or another bench on the same Redis never takes this run's tasks."""
    from bench.bench_load import PYTHON, System

    system = System()
    port = ports[0]
    for number, each in enumerate(ports):
        serve = ["manage.py", "serve", "--host", "127.0.0.1", "--port", str(each), "--threads", str(args.web_threads)]
        system.start(f"web{number}" if number else "web", [PYTHON, *serve], env)
    if args.broker == "none":
        return system
    celery = [PYTHON, "-m", "celery", "-A", "config", "worker", "--without-gossip", "--without-mingle"]
    quiet = ["--without-heartbeat", "--loglevel=WARNING"]
    system.start(
        "triage",
        [*celery, *quiet, "-Q", env["CELERY_TRIAGE_QUEUE"], "-c", str(args.triage_workers), "--prefetch-multiplier",
         "1", "-n", f"live-triage-{port}@%h"],
        env,
    )  # fmt: skip
    others = ",".join(env[name] for name in ("CELERY_PERIODIC_QUEUE", "LLM_QUEUE", "CELERY_ANALYTICS_QUEUE"))
    system.start("other", [*celery, *quiet, "-Q", others, "-c", "1", "-n", f"live-other-{port}@%h"], env)
    return system


# --- equality --------------------------------------------------------------------------------------------------


def measure_equality(args: argparse.Namespace) -> dict[str, Any]:
    """Every corpus call streamed live (in this process) and posted whole: the orders' fields compared."""
    os.environ.update({k: v for k, v in environment(args).items() if k in ("DATABASE_URL", "SECRET_KEY")})
    os.environ.pop("CELERY_BROKER_URL", None)  # in this process: the analysis in its threads
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from calls.models import LiveCall
    from calls.replay import schedule
    from calls.services import live_call_add_turn, live_call_close, live_call_open, wait_for_live_analyses
    from hotline.services import IntakeRequest, Turn, submission_receive
    from workorders.models import WorkOrder

    run = f"{int(time.time())}"
    differing: dict[str, list[str]] = {}
    compared = 0
    started = time.monotonic()
    for call_id, turns in corpus_recordings()[: args.equality_calls or None]:
        live_id = f"EQ-{run}-{call_id}"
        call = live_call_open(call_id=live_id, by=None).call
        for event in schedule(turns):
            if event.turn is None:
                live_call_close(call=call, by=None)
            else:
                live_call_add_turn(call=call, turn=event.turn)
        if not wait_for_live_analyses(timeout=120):
            sys.exit("the live analyses did not finish within 120 s")
        live = WorkOrder.objects.get(pk=LiveCall.objects.get(pk=call.pk).order_id)
        batch = submission_receive(
            request=IntakeRequest(
                channel="phone",
                sender_id=f"EQB-{run}-{call_id}",
                turns=tuple(Turn(t.speaker, t.text, t.start, t.end) for t in turns),
            ),
            by=None,
        ).submission.order
        batch.refresh_from_db()
        compared += 1
        for name in (*COMPARED, *COMPARED_TEXT):
            if getattr(live, name) != getattr(batch, name):
                differing.setdefault(name, []).append(call_id)
        if live.triage_record.department.value != batch.triage_record.department.value:
            differing.setdefault("department (suggested)", []).append(call_id)
        if live.source_submission is None or live.source_submission.status != "triaged":
            differing.setdefault("submission not analysed", []).append(call_id)
    equal = compared - len({c for ids in differing.values() for c in ids})
    return {
        "calls": compared,
        "equal_in_every_field": equal,
        "fields_compared": [*COMPARED, *COMPARED_TEXT, "department (suggested)"],
        "differing_by_field": {name: sorted(ids) for name, ids in differing.items()},
        "seconds": round(time.monotonic() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--broker", default=DEFAULT_BROKER, help="the Redis URL, or none to run embedded")
    parser.add_argument("--calls", type=int, default=50, help="calls going on at once")
    parser.add_argument("--seconds", type=int, default=180, help="how long calls are started (each one is finished)")
    parser.add_argument("--poll-ms", type=int, default=500, help="how often each operator's screen asks")
    parser.add_argument("--web-threads", type=int, default=16)
    parser.add_argument(
        "--web-processes", type=int, default=1, help="web servers, each call on one (as behind nginx); 1: one"
    )
    parser.add_argument("--triage-workers", type=int, default=2)
    parser.add_argument("--skip-equality", action="store_true")
    parser.add_argument("--only-equality", action="store_true")
    parser.add_argument("--equality-calls", type=int, default=0, help="0: every call of the corpus")
    args = parser.parse_args()
    args.beat = False
    # a part not measured this time is kept from the last run, with when it was measured
    previous_path = ROOT / "bench" / "results" / "live_calls.json"
    previous = json.loads(previous_path.read_text(encoding="utf-8")) if previous_path.is_file() else {}
    figures: dict[str, Any] = {}
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    if args.only_equality:
        figures["latency"] = previous.get("latency")
    else:
        figures["latency"] = {"measured_at": stamp, **measure_latency(args)}
        print(json.dumps(figures["latency"], ensure_ascii=False, indent=2))
    if args.skip_equality:
        figures["equality"] = previous.get("equality")
    else:
        figures["equality"] = {"measured_at": stamp, **measure_equality(args)}
    # other runs kept beside these (latency_25_calls: the same bench with --calls 25)
    figures.update({key: value for key, value in previous.items() if key.startswith("latency_") and key not in figures})
    report("live_calls", figures)


if __name__ == "__main__":
    main()
