"""The process's knowledge search index: built once in the background, kept on disk, swapped atomically.

No request ever builds the index. A process starts by loading the index of the current articles from
``HOTLINE_KNOWLEDGE_INDEX_DIR`` (a second or less), or builds it in a background thread when none is there
yet (10,000 articles take about a minute, a third of it the topics); until then searches answer at once that the index is being prepared.
When articles change (an import, an administrator's edit), the next search notices it within
``SIGNATURE_CHECK_SECONDS``, keeps answering from the old index and starts a rebuild in the background; the new
index replaces the old one in a single assignment when it is ready. The file is written by whichever process
builds first (a file lock keeps the others waiting for it rather than building the same again), so the web
processes and the workers of one machine build each version once, and a restart loads it.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import pickle
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Count, Max

from knowledge.models import KnowledgeArticle, KnowledgePassage
from knowledge.passages import Passage
from knowledge.search import IndexedArticle, SearchIndex, build_knowledge_index
from knowledge.terms import search_terms

logger = logging.getLogger(__name__)

SIGNATURE_CHECK_SECONDS = 5.0  # how stale the index may be after an article changes, at most
FORMAT = "v5"  # bump when SearchIndex changes shape: older files are then ignored and rebuilt


@dataclass
class _State:
    index: SearchIndex | None = None
    signature: str = ""
    checked_at: float = 0.0
    building: bool = False
    builder: threading.Thread | None = None


_lock = threading.Lock()
_state = _State()


def articles_signature() -> str:
    """A short fingerprint of the active articles and their passages: it changes with every import, edit or
    retirement (two small aggregate queries)."""
    stats = KnowledgeArticle.objects.filter(is_active=True).aggregate(n=Count("id"), last=Max("updated_at"))
    last_passage = KnowledgePassage.objects.aggregate(last=Max("id"))["last"]
    raw = f"{FORMAT}|{stats['n']}|{stats['last']}|{last_passage}"
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


def index_for_search() -> SearchIndex | None:
    """The index to search now, never waiting for a build: the current one (also while a newer one is built
    after a change), or None while the first one of this process is being loaded or built."""
    now = time.monotonic()
    with _lock:
        if _state.building or (_state.index is not None and now - _state.checked_at < SIGNATURE_CHECK_SECONDS):
            return _state.index
    current = articles_signature()
    with _lock:
        _state.checked_at = now
        if current != _state.signature or _state.index is None:
            _start_refresh_locked(current)
        return _state.index


def is_building() -> bool:
    with _lock:
        return _state.building


def warm_at_start() -> None:
    """At the web server's start, before it takes requests: load the saved index of the current articles and
    the word segmenter (a second or two, so the first requests do not pay for them or slow the others), or,
    with no saved index, start building it in the background."""
    try:
        current = articles_signature()
    except Exception:
        logger.warning("knowledge index: database not ready at start-up; the first search will load the index")
        return
    search_terms("路灯不亮")  # loads jieba's dictionary now rather than in the first search
    index = _load(_folder() / f"knowledge-{current}.pickle")
    with _lock:
        _state.checked_at = time.monotonic()
        if index is not None:
            _state.index, _state.signature = index, current
        else:
            _start_refresh_locked(current)


def warm_in_background() -> None:
    """At a process's start (the web server, a worker): load or build the current index in the background."""
    try:
        current = articles_signature()
    except Exception:  # the database is not reachable yet: the first search starts the refresh instead
        logger.warning("knowledge index: database not ready at start-up; the first search will load the index")
        return
    with _lock:
        _state.checked_at = time.monotonic()
        _start_refresh_locked(current)


def rebuild_now() -> SearchIndex:
    """Load or build the current index in this thread and make it the process's index (commands, tests, the
    periodic task); nothing to do when the process has it already."""
    current = articles_signature()
    with _lock:
        if _state.index is not None and _state.signature == current:
            return _state.index
    index = _load_or_build(current)
    with _lock:
        _state.index, _state.signature, _state.checked_at = index, current, time.monotonic()
    return index


def wait_until_ready(timeout: float = 60.0) -> SearchIndex | None:
    """Block until the background load or build started so far has finished (tests and benchmarks)."""
    with _lock:
        builder = _state.builder
    if builder is not None:
        builder.join(timeout)
    with _lock:
        return _state.index


def forget() -> None:
    """Drop this process's index (tests): the next search starts loading it again."""
    with _lock:
        _state.index, _state.signature, _state.checked_at = None, "", 0.0


def _start_refresh_locked(signature: str) -> None:
    """Start a background load or build of ``signature`` unless one is running (call with ``_lock`` held)."""
    if _state.building:
        return
    _state.building = True
    builder = threading.Thread(target=_refresh, args=(signature,), name="knowledge-index", daemon=True)
    _state.builder = builder
    builder.start()


def _refresh(signature: str) -> None:
    try:
        index = _load_or_build(signature)
        with _lock:  # the swap: searches see the old index or the new one, never half of either
            _state.index, _state.signature = index, signature
    except Exception:
        logger.exception("building the knowledge index failed; searches keep the previous one")
    finally:
        with _lock:
            _state.building = False
        close_old_connections()


def _folder() -> Path:
    folder = Path(settings.HOTLINE["KNOWLEDGE_INDEX_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _load_or_build(signature: str) -> SearchIndex:
    """The index of ``signature`` from disk, or built (by this process, or by another one holding the lock
    meanwhile) and saved for the next process or restart."""
    path = _folder() / f"knowledge-{signature}.pickle"
    loaded = _load(path)
    if loaded is not None:
        return loaded
    with _exclusive(_folder() / "build.lock"):
        loaded = _load(path)  # another process built it while this one waited
        if loaded is not None:
            return loaded
        started = time.perf_counter()
        index = build_index()
        _save(index, path)
        logger.info("knowledge index built: %s passages in %.1f s", len(index), time.perf_counter() - started)
        _remove_older(path)
        return index


def build_index() -> SearchIndex:
    """Index the active articles' passages (``knowledge.search.build_knowledge_index``: each article's title
    and question as its shared field, a past case weighed by its reply)."""
    articles = [
        IndexedArticle(key=str(pk), kind=kind, title=title, question=question, body=body)
        for pk, kind, title, question, body in KnowledgeArticle.objects.filter(is_active=True).values_list(
            "pk", "kind", "title", "question", "body"
        )
    ]
    passages = [
        Passage(key=f"{article_id}:{position}", article_key=str(article_id), position=position, text=text)
        for article_id, position, text in KnowledgePassage.objects.filter(article__is_active=True).values_list(
            "article_id", "position", "text"
        )
    ]
    return build_knowledge_index(articles, passages)


def _load(path: Path) -> SearchIndex | None:
    if not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            index = pickle.load(handle)  # our own file, written by _save in a folder only this system writes
    except Exception:
        logger.warning("knowledge index file %s could not be read; building it again", path)
        return None
    return index if isinstance(index, SearchIndex) else None


def _save(index: SearchIndex, path: Path) -> None:
    """Write the file under a temporary name and rename it: a reader sees the whole file or none."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".knowledge-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(index, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _remove_older(keep: Path) -> None:
    for old in keep.parent.glob("knowledge-*.pickle"):
        if old != keep:
            old.unlink(missing_ok=True)


class _exclusive:
    """An exclusive lock on a file, held across processes of the machine."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        self.handle = self.path.open("a")
        fcntl.flock(self.handle, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()
