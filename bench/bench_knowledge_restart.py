"""The site right after a restart: order pages with their knowledge panels never wait for the index.

    .venv/bin/python -m bench.bench_knowledge_restart [--articles 10000]

Builds a fresh SQLite database in a temporary folder: the demo city without history (seed_demo --no-history),
20 orders awaiting dispatch, and a knowledge base of ``--articles`` articles (the 2,800 past replies of
teddy2020c plus message-only articles from the other files, as bench_knowledge does at 10,000). Then it starts
the real web server (``manage.py serve``, waitress, 8 threads, tasks in-process) and, as soon as it answers,
eight operators open eight order pages at once, each followed by its knowledge panel (the htmx fragment the
page loads), while a manager keeps loading another page (the hotspot list) one request after another.
Two restarts are measured:

- **warm**: the index of the current articles was saved before (by the import): the server loads it;
- **cold**: no saved index (a first start, or the files were deleted): the server builds it in the background.

Reported per restart: the slowest and median order page, the slowest panel, how many panels said "being
prepared", how long after the server first answered the panels show passages, and the manager's page times during the
burst against the same page on the idle, warmed-up server.
Only 127.0.0.1 is contacted; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import ROOT, report, teddy

OPERATORS = 8
PASSWORD = "hotline123"  # the demo logins' password


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare(folder: Path, articles: int) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "HOTLINE_KNOWLEDGE_INDEX_DIR": str(folder / "knowledge-index"),
        "HOTLINE_DATASETS_DIR": str(teddy("taxonomy.csv").parent.parent),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("CELERY_BROKER_URL", None)
    manage(env, "migrate", "--noinput")
    manage(env, "train_models", "--if-missing")
    manage(env, "seed_demo", "--no-history")  # the city, the logins and the 2,800 past replies (index saved)
    if articles > 2800:
        extra = folder / "extra_articles.csv"
        write_message_articles(extra, articles - 2800)
        manage(env, "import_knowledge", str(extra))  # saves the index of all of them
    script = (
        "from hotline.services import IntakeRequest, submission_receive\n"
        "from accounts.models import User\n"
        "import csv\n"
        "operator = User.objects.get(username='operator')\n"
        f"rows = list(csv.DictReader(open({str(teddy('messages_dev.csv'))!r}, encoding='utf-8')))[:20]\n"
        "for n, row in enumerate(rows):\n"
        "    submission_receive(request=IntakeRequest(channel='phone', sender_id=f'bench-{n}',\n"
        "        content=(row['title'] + chr(10) + row['detail']).strip() or row['text'], raw_body='{}'), by=operator)\n"
    )
    manage(env, "shell", "-c", script)
    return env


def write_message_articles(path: Path, count: int) -> None:
    """Message-only articles (title and message as the body) from the shared files, as bench_knowledge does."""
    import csv

    written = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "title", "body", "kind"])
        for name in ("messages_unlabelled.csv", "hotspot_messages.csv", "messages_train.csv"):
            with teddy(name).open(encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    body = (row.get("detail") or row.get("text") or "").strip()
                    if len(body) < 20:
                        continue
                    writer.writerow([f"{name}:{written}", (row.get("title") or body[:30]).strip(), body, "faq"])
                    written += 1
                    if written == count:
                        return


class Server:
    def __init__(self, env: dict[str, str], port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/accounts/login/", timeout=1)
                self.answered = time.perf_counter()
                return
            except httpx.HTTPError:
                time.sleep(0.05)
        self.stop()
        raise SystemExit("the server did not start within 60 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def logged_in(url: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=120, follow_redirects=True)
    page = client.get("/accounts/login/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    client.post("/accounts/login/", data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    return client


def timed(client: httpx.Client, path: str) -> tuple[float, str]:
    started = time.perf_counter()
    response = client.get(path)
    response.raise_for_status()
    return time.perf_counter() - started, response.text


def burst(
    operators: list[httpx.Client],
    manager: httpx.Client,
    order_ids: list[int],
    results: list[dict[str, float | bool]],
    manager_times: list[float],
    *,
    panels: bool,
) -> None:
    """Every operator opens an order page (and its knowledge panel) at once, while the manager keeps loading
    the hotspot list; the page times go to ``results``, the manager's to ``manager_times``."""
    done = threading.Event()

    def operator_opens(client: httpx.Client, order_id: int) -> None:
        page, _ = timed(client, f"/orders/{order_id}/")
        if panels:
            panel, text = timed(client, f"/knowledge/for-order/{order_id}/")
            results.append({"page": page, "panel": panel, "preparing": "正在准备" in text})

    def manager_browses() -> None:
        while not done.is_set() or not manager_times:
            manager_times.append(timed(manager, "/dashboard/hotspots/")[0])

    watcher = threading.Thread(target=manager_browses)
    watcher.start()
    threads = [
        threading.Thread(target=operator_opens, args=(client, order_ids[n % len(order_ids)]))
        for n, client in enumerate(operators)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    watcher.join()


def seconds_until_ready(client: httpx.Client, order_id: int, *, started: float, limit: float = 300.0) -> float | None:
    """How long after ``started`` (the server's first answer) a panel stops saying "being prepared" (a cold start
    builds the index in the background meanwhile); None if it still says so after ``limit`` seconds."""
    while time.perf_counter() - started < limit:
        if "正在准备" not in timed(client, f"/knowledge/for-order/{order_id}/")[1]:
            return round(time.perf_counter() - started, 1)
        time.sleep(1.0)
    return None


def restart(env: dict[str, str], *, cold: bool) -> dict[str, Any]:
    if cold:
        shutil.rmtree(env["HOTLINE_KNOWLEDGE_INDEX_DIR"], ignore_errors=True)
    server = Server(env, free_port())
    try:
        operators = [logged_in(server.url, "operator") for _ in range(OPERATORS)]
        manager = logged_in(server.url, "manager")
        order_ids = [int(n) for n in re.findall(r'href="/orders/(\d+)/"', operators[0].get("/desk/").text)]
        results: list[dict[str, float | bool]] = []
        manager_times: list[float] = []
        burst(operators, manager, order_ids, results, manager_times, panels=True)
        ready_after = seconds_until_ready(operators[0], order_ids[0], started=server.answered)
        idle = [timed(manager, "/dashboard/hotspots/")[0] for _ in range(10)]
        # The same burst of order pages without their panels: how much eight page loads alone slow the other page.
        without_panels: list[float] = []
        burst(operators, manager, order_ids, [], without_panels, panels=False)
        return {
            "order_page_seconds": {
                "max": round(max(r["page"] for r in results), 3),
                "median": round(statistics.median(r["page"] for r in results), 3),
            },
            "panel_seconds_max": round(max(r["panel"] for r in results), 3),
            "panels_saying_being_prepared": sum(bool(r["preparing"]) for r in results),
            "other_page_during_burst_seconds": {
                "max": round(max(manager_times), 3),
                "median": round(statistics.median(manager_times), 3),
                "requests": len(manager_times),
            },
            "other_page_idle_seconds": {"max": round(max(idle), 3), "median": round(statistics.median(idle), 3)},
            "other_page_during_a_burst_without_panels_seconds": {
                "max": round(max(without_panels), 3),
                "median": round(statistics.median(without_panels), 3),
            },
            "server_answers_seconds_after_launch": round(server.answered - server.started, 1),
            "panels_show_passages_seconds_after_server_answers": ready_after,
        }
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hotline-restart-") as folder:
        started = time.perf_counter()
        env = prepare(Path(folder), args.articles)
        print(f"prepared in {time.perf_counter() - started:.0f} s", flush=True)
        before = os.getloadavg()
        figures = {
            "articles": args.articles,
            "operators_at_once": OPERATORS,
            "warm_restart": restart(env, cold=False),
            "cold_restart": restart(env, cold=True),
            "load_average_before_after": [round(x, 2) for x in (*before, *os.getloadavg())],
        }
    report("knowledge_restart", figures)


if __name__ == "__main__":
    main()
