"""Reads of intake data."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet

from hotline.models import Submission, SubmissionStatus
from hotline.triage import CategoryRef, PlaceRef, TriageReference
from workorders.models import Area, Category


def submissions_due_for_triage(now: datetime) -> QuerySet[Submission]:
    """Submissions still waiting for analysis whose task was lost, failed, or is overdue for a retry."""
    stalled_before = now - timedelta(seconds=settings.HOTLINE["TRIAGE_STALL_SECONDS"])
    return Submission.objects.filter(
        status__in=[SubmissionStatus.RECEIVED, SubmissionStatus.FAILED],
        attempts__lt=settings.HOTLINE["TRIAGE_MAX_ATTEMPTS"],
    ).filter(Q(next_attempt_at__isnull=True, received_at__lt=stalled_before) | Q(next_attempt_at__lte=now))


def triage_reference() -> TriageReference:
    """The gazetteer and taxonomy as plain data for the pure triage code."""
    places = tuple(
        PlaceRef(id=pk, name=name, kind=kind, depth=path.count("/") - 1, aliases=tuple(aliases or ()))
        for pk, name, kind, path, aliases in Area.objects.values_list("pk", "name", "kind", "path", "aliases")
    )
    categories = tuple(
        CategoryRef(id=pk, level=level, name=name, parent_name=parent_name or "")
        for pk, level, name, parent_name in Category.objects.values_list("pk", "level", "name", "parent__name")
    )
    return TriageReference(places=places, categories=categories)
