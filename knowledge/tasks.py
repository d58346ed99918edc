"""Celery tasks of the knowledge base: thin wrappers around knowledge.index."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.signals import worker_ready

from knowledge.index import articles_signature, rebuild_now


@shared_task
def refresh_knowledge_index() -> dict[str, object]:
    """Keep the saved search index in step with the articles: a worker builds it after a change, so the web
    processes load the file instead of building it themselves (a no-op when the file is current)."""
    index = rebuild_now()
    return {"signature": articles_signature(), "passages": len(index)}


@worker_ready.connect
def _warm_on_worker_start(**_kwargs: Any) -> None:
    """A worker starting builds (or finds) the index of the current articles in the background."""
    from knowledge.index import warm_in_background

    warm_in_background()
