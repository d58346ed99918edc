"""The related-order candidates on PostgreSQL, whose search is one statement of its own (lateral reads of each
key's postings through the covering index, the join stopping at the last candidate): the same cases as on SQLite."""

from __future__ import annotations

import pytest

from tests.hotline.test_related_candidates import *  # noqa: F403  (the cases, and their fixtures)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
