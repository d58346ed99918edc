"""The pages of the AI: the administrator's settings, the acceptance report, and what the order page shows."""

from __future__ import annotations

import pytest

from hotline.models import TriageSettings
from hotline.services import IntakeRequest, submission_receive, submission_triage
from tests.conftest import City, Personas
from workorders import services
from workorders.choices import Status
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

NOISE = (
    "我要投诉，A3区西湖街道茶场村旁边的工地每天夜里施工，噪音污染非常严重，搅拌机响到凌晨两点，希望环保部门尽快查处。"
)


def intake(text: str, sender: str, personas: Personas) -> WorkOrder:
    outcome = submission_receive(
        request=IntakeRequest(channel="phone", sender_id=sender, content=text, raw_body="{}"), by=personas.integration
    )
    submission_triage(submission_id=outcome.submission.pk)
    return WorkOrder.objects.get(pk=outcome.submission.order.pk)


def test_only_administrators_open_the_ai_settings(client, personas: Personas, active_model) -> None:
    for persona in (personas.operator, personas.manager, personas.officer_a):
        client.force_login(persona)
        assert client.get("/intake/ai/settings/").status_code == 403
    client.force_login(personas.admin)
    page = client.get("/intake/ai/settings/").content.decode()
    assert "l1-test" in page and "97.0%" in page and "80.0%" in page  # the held-out precision and coverage


def test_the_administrator_switches_automatic_dispatch_on_with_thresholds(
    client, personas: Personas, active_model
) -> None:
    client.force_login(personas.admin)
    response = client.post(
        "/intake/ai/settings/",
        {"auto_dispatch": "on", "min_category_confidence": "0.9", "min_department_confidence": "0.92"},
    )
    assert response.status_code == 302
    current = TriageSettings.current()
    assert current.auto_dispatch and current.min_department_confidence == 0.92 and current.updated_by == personas.admin
    bad = client.post("/intake/ai/settings/", {"min_category_confidence": "1.7", "min_department_confidence": "0.9"})
    assert bad.status_code == 400 and "0.5" in bad.content.decode()


def test_the_order_page_shows_the_candidates_their_evidence_and_the_source(
    client, city: City, personas: Personas, active_model
) -> None:
    order = intake(NOISE, "P-1", personas)
    client.force_login(personas.operator)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "环境保护" in page and "<mark>" in page
    assert "分类模型" in page and "l1-test" not in page  # the model in words, not its version code
    assert city.environment.name in page  # the catalogue's department among the candidates


def test_the_operator_merges_from_the_related_orders_on_the_page(
    client, city: City, personas: Personas, active_model
) -> None:
    first = intake(NOISE, "P-2", personas)
    second = intake("茶场村工地夜里施工，搅拌机噪音扰民，孩子睡不着，请尽快查处。", "P-3", personas)
    client.force_login(personas.operator)
    panel = client.get(f"/intake/orders/{second.pk}/related/").content.decode()  # loaded after the order page
    assert first.number in panel and "合并" in panel
    preview = client.get(f"/orders/{second.pk}/merge/preview/?into={first.number}")
    assert preview.status_code == 200 and first.number in preview.content.decode()
    response = client.post(f"/orders/{second.pk}/merge/", {"into": first.number, "reason": "", "confirmed": "True"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == Status.MERGED and second.merged_into == first
    assert second.number in client.get(f"/orders/{first.pk}/").content.decode()
    bad = client.post(f"/orders/{first.pk}/merge/", {"into": "GD00000000", "reason": "", "confirmed": "True"})
    assert bad.status_code == 400


def test_the_acceptance_report_shows_how_often_each_field_was_accepted(
    client, city: City, personas: Personas, active_model
) -> None:
    accepted = intake(NOISE, "R-1", personas)
    services.workorder_dispatch(order=accepted, by=personas.operator, lead_department=city.environment)
    corrected = intake(NOISE, "R-2", personas)
    services.workorder_update(order=corrected, by=personas.operator, category=city.street_lights)
    services.workorder_dispatch(order=corrected, by=personas.operator, lead_department=city.district)
    client.force_login(personas.manager)
    page = client.get("/intake/ai/acceptance/").content.decode()
    assert "50.0%" in page  # category: one accepted, one corrected
    assert "100.0%" in page  # request type: both accepted
    client.force_login(personas.officer_a)
    assert client.get("/intake/ai/acceptance/").status_code == 403
