"""Sending tasks to the broker without a web request ever waiting on it.

A broker that refuses connections fails fast, but a hung one (Redis stopped with SIGSTOP, a full disk, a
network that drops packets) accepts the connection and never answers: a request publishing a task would wait
for the socket timeout on every try, and the web server's threads would fill. So a web process hands each
publication to one background thread (``publish``) and answers at once; the thread sends them in order with
the broker's short socket timeouts (``CELERY_BROKER_TRANSPORT_OPTIONS``). What could not be sent is logged and
left to the periodic sweeps, which queue again every submission and LLM draft still waiting; a backlog past
``PUBLISH_BACKLOG`` is not kept in memory at all (the sweeps have it in the database).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)

PUBLISH_BACKLOG = 10_000
# How long the first of several items waits for others to go with it (``publish_gathered``): under load the calls of
# that moment share one message, and a worker pays a task's overhead once for them all.
GATHER_SECONDS = 0.1

_pending: queue.Queue[tuple[Callable[[], object], str]] = queue.Queue(maxsize=PUBLISH_BACKLOG)
_started = threading.Lock()
_thread: threading.Thread | None = None


def publish(send: Callable[[], object], *, what: str) -> bool:
    """Hand ``send`` (one call that publishes a task, e.g. ``lambda: task.delay(id)``) to the publisher thread
    and return at once. False when the backlog is full: the broker has not answered for a long time, and what
    ``send`` would have queued waits in the database for the sweep."""
    _ensure_thread()
    try:
        _pending.put_nowait((send, what))
    except queue.Full:
        logger.warning("publisher backlog full (%s waiting); %s left to the sweep", PUBLISH_BACKLOG, what)
        return False
    return True


_gathered: dict[str, list[object]] = {}  # key -> items waiting for their publication's turn
_gathered_lock = threading.Lock()


def publish_gathered(
    key: str, item: object, send: Callable[[list[object]], object], *, what: str, gather: float = GATHER_SECONDS
) -> bool:
    """Hand ``item`` to the publisher thread to be sent together with the items of the same ``key`` handed over
    within ``gather`` seconds: ``send(items)`` once for them all (the calls received in the same tenth of a second
    analysed from one message). Returns at once, False when the publisher's backlog is full (what the items would
    have queued is left to the sweeps)."""
    with _gathered_lock:
        items = _gathered.get(key)
        if items is not None:  # a publication of this key is waiting for its turn: go with it
            items.append(item)
            return True
        _gathered[key] = [item]
    due = time.monotonic() + gather

    def send_gathered() -> None:
        wait = due - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        with _gathered_lock:
            items = _gathered.pop(key, [])
        if items:
            send(items)

    if publish(send_gathered, what=f"{what} (and what came with it)"):
        return True
    with _gathered_lock:
        _gathered.pop(key, None)
    return False


def backlog() -> int:
    """Publications handed over and not yet sent (for the health page)."""
    return _pending.unfinished_tasks


def wait_until_sent(timeout: float) -> bool:
    """Block until every publication handed over so far was tried (tests, and commands before they exit)."""
    done = threading.Event()

    def waiter() -> None:
        _pending.join()
        done.set()

    threading.Thread(target=waiter, daemon=True).start()
    return done.wait(timeout)


def _ensure_thread() -> None:
    global _thread
    if _thread is not None and _thread.is_alive():
        return
    with _started:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_send_forever, name="task-publisher", daemon=True)
            _thread.start()


def _send_forever() -> None:
    while True:
        send, what = _pending.get()
        try:
            send()
        except Exception:  # the broker is down or hung past its socket timeout: the sweep queues it again
            logger.exception("could not publish %s; the sweep will queue it again", what)
        finally:
            _pending.task_done()
