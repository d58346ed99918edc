"""Fixtures of the work-order pages' tests."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def deadline_policies(db: None) -> None:
    """Deadlines per request type, as the data migration installs them (kept here in case it changes)."""
    from workorders.models import DeadlinePolicy

    for request_type in ("complaint", "report", "help", "consult", "suggestion", "praise"):
        DeadlinePolicy.objects.get_or_create(
            request_type=request_type,
            defaults={"sign_hours": 2, "first_contact_hours": 24, "resolve_working_days": 5},
        )


def signed_in(user: object) -> Client:
    """A browser-less client signed in as ``user``."""
    client = Client()
    client.force_login(user)
    return client
