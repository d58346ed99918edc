"""The triage result stored on an order is read and written through one typed record, in the stored shape."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from hotline.selectors import current_pipeline
from hotline.services import IntakeRequest, classical_sources, submission_receive, submission_triage
from tests.conftest import Personas
from triage.types import Candidate, FieldGuess
from workorders.models import WorkOrder
from workorders.triage_record import FieldSource, LlmRecord, RelatedOrder, TriageRecord

NOISE = "我要投诉，A3区西湖街道茶场村旁边的工地每天夜里施工，噪音污染非常严重，我的电话13912345678，希望尽快查处。"


def stored(record: TriageRecord) -> dict:
    """What the JSON field keeps: the record after a trip through JSON text."""
    return json.loads(json.dumps(record.to_json(), ensure_ascii=False))


@pytest.mark.django_db
def test_an_analysed_order_reads_back_what_triage_found(city, personas: Personas) -> None:
    outcome = submission_receive(
        request=IntakeRequest(channel="web", sender_id="TR-1", content=NOISE, raw_body="{}"), by=personas.integration
    )
    submission_triage(submission_id=outcome.submission.pk)
    order = WorkOrder.objects.get(pk=outcome.submission.order.pk)
    record = order.triage_record

    assert record.analysed
    assert "13912345678" not in record.masked_appeal and "13912345678" not in record.text
    assert record.category.value == order.category_id
    assert record.category.ranked[0].value == record.category.value
    assert record.sources["category"].source == "classifier"
    assert record.versions["pipeline"]
    # what is stored reads back as the same record
    assert TriageRecord.from_json(stored(record)) == record


@pytest.mark.django_db
def test_the_stored_shape_is_the_pipeline_result_plus_department_related_and_sources(city) -> None:
    result = current_pipeline().run(NOISE)
    department = FieldGuess(7, 0.8, ("环境保护", ""), (Candidate(7, 0.8, ("环境保护", "")), Candidate(9, 0.1)))
    related = (RelatedOrder(id=3, number="GD202601010001", score=0.91, duplicate=True, shared_terms=("工地",)),)
    record = TriageRecord.from_result(result, department=department, related=related, sources=classical_sources(result))

    expected = {
        **asdict(result),
        "department": asdict(department),
        "related": [
            {
                "id": 3,
                "number": "GD202601010001",
                "score": 0.91,
                "duplicate": True,
                "same_caller": False,
                "shared_terms": ["工地"],
                "reasons": [],
            }
        ],
        "sources": {name: source.to_json() for name, source in classical_sources(result).items()},
    }
    assert stored(record) == json.loads(json.dumps(expected, ensure_ascii=False))


def test_an_order_not_analysed_yet_has_an_empty_record() -> None:
    record = TriageRecord.from_json({})

    assert not record.analysed
    assert record.category.value is None and record.related == () and record.llm is None
    assert record.to_json() == {}


def test_a_record_written_by_an_older_version_fills_missing_keys_with_empty_values() -> None:
    record = TriageRecord.from_json({"versions": {"pipeline": "p1"}, "category": {"value": 12, "confidence": 0.7}})

    assert record.category == FieldGuess(12, 0.7)
    assert record.guessed_id("category") == 12 and record.guessed_id("area") is None
    assert record.sources == {} and record.summary_parts == {}


def test_the_llm_outcome_and_its_sources_round_trip() -> None:
    source = FieldSource("llm", model="qwen", prompt="order_draft.v1", latency_ms=812.5, tokens=420, calls=2)
    outcome = LlmRecord(
        "applied", model="qwen", prompt="order_draft.v1", latency_ms=812.5, tokens=420, calls=2,
        applied=("title",), kept=("category",), draft={"title": "夜间施工噪音"},
    )  # fmt: skip
    record = TriageRecord(versions={"pipeline": "p1"}).with_llm(outcome, sources={"title": source})

    again = TriageRecord.from_json(stored(record))

    assert again.llm == outcome and again.llm.used
    assert again.sources["title"] == source and again.sources["title"].is_llm
    failed = LlmRecord("timeout", reason="read timed out")
    assert TriageRecord.from_json(stored(record.with_llm(failed))).llm == failed
