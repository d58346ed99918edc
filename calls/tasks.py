"""Celery tasks of live calls: thin wrappers that take ids and call services."""

from __future__ import annotations

from celery import shared_task

from calls.services import live_call_analyse, live_calls_sweep


@shared_task(acks_late=True)
def analyse_live_call(call_pk: int) -> str:
    """One run of a live call's analysis (``calls.services.live_call_analyse``). A failure leaves the analysis
    due: the call's next turn or the periodic sweep queues it again."""
    return live_call_analyse(call_pk=call_pk)


@shared_task
def close_silent_calls() -> dict[str, int]:
    """End the calls silent too long, and queue again the analyses that were lost."""
    return live_calls_sweep()
