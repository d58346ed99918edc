"""Words, not codes: the order page names where each AI value came from in words (the classification model
and the day it was trained, the keyword rules, the gazetteer) for every role that opens it; the menus no longer
offer the English API documentation, which the admin index links to, with a way back; the admin opens on the
hotline's own data."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.conftest import City, Personas
from triage.types import Candidate, FieldGuess
from workorders import services
from workorders.models import WorkOrder
from workorders.triage_record import FieldSource, TriageRecord, source_in_words

pytestmark = pytest.mark.django_db

CODES = ("l1-20261207-074124", "lexicon-1", "rules-1", "gazetteer", "triage-2", "dispatch catalogue", "extractive")


def test_codes_read_as_words() -> None:
    assert source_in_words("l1-20261207-074124") == "分类模型（2026-12-07 训练）"
    assert source_in_words("l1-20261207-074124 + lexicon-1") == "分类模型（2026-12-07 训练）、分类关键词"
    assert source_in_words("rules-1") == "关键词规则"
    assert source_in_words("gazetteer") == "地名库"
    assert source_in_words("x9-unknown") == "自动分析"


@pytest.fixture
def analysed_order(city: City, personas: Personas) -> WorkOrder:
    """An order analysed by a trained model, dispatched to the housing bureau so that each role may open it."""
    from workorders.models import Category

    order = services.workorder_create_draft(appeal="西湖街道茶场村的路灯坏了一个星期，晚上很黑。", title="路灯不亮")
    versions = {"pipeline": "triage-2", "level1": "l1-20261207-074124", "category": "lexicon-1", "rules": "rules-1"}
    record = TriageRecord(
        versions=versions,
        level1=FieldGuess(city.construction.pk, 0.91, (), (Candidate(city.construction.pk, 0.91, ("路灯",)),)),
        category=FieldGuess(city.street_lights.pk, 0.8),
        request_type=FieldGuess("report", 0.7),
        urgency=FieldGuess("normal", 0.9),
        area=FieldGuess(city.street_area.pk, 0.95),
        sources={
            "title": FieldSource("extractive", "triage-2"),
            "request_type": FieldSource("rules", "rules-1"),
            "category": FieldSource("classifier", "l1-20261207-074124 + lexicon-1"),
            "department": FieldSource("dispatch catalogue"),
            "area": FieldSource("gazetteer"),
        },
    )
    services.workorder_apply_triage(
        order=order,
        fields={"category": Category.objects.get(pk=city.street_lights.pk), "area": city.street_area},
        record=record,
    )
    return services.workorder_dispatch(order=order, by=personas.operator, lead_department=city.housing)


def visible_text(html: str) -> str:
    """What a person reads: the page without its tags' attributes and scripts."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("role", ["operator", "manager", "officer_a", "admin"])
def test_no_role_reads_a_model_or_rule_code_on_the_order_page(
    client: Client, personas: Personas, analysed_order: WorkOrder, role: str
) -> None:
    client.force_login(getattr(personas, role))

    text = visible_text(client.get(f"/orders/{analysed_order.pk}/").content.decode())

    assert "分类模型（2026-12-07 训练）" in text and "关键词规则" in text and "地名库" in text
    assert [code for code in CODES if code in text] == []
    assert "dispatched" not in text and "report" not in text  # statuses and types in Chinese


@pytest.mark.parametrize("role", ["operator", "officer_a", "manager", "admin"])
def test_no_roles_menu_offers_the_api_documentation(client: Client, personas: Personas, role: str) -> None:
    client.force_login(getattr(personas, role))

    page = client.get("/orders/").content.decode()

    assert "/api/docs/" not in page and "API docs" not in page


def test_the_admin_index_links_the_api_documentation_and_lists_the_hotlines_data_first(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.admin)

    index = client.get("/admin/").content.decode()
    docs = client.get("/api/docs/").content.decode()

    assert "/api/docs/" in index and "/api/redoc/" in index
    assert 'href="/admin/"' in docs  # the way back
    apps = re.findall(r'<caption>\s*<a href="/admin/(\w+)/"', index)
    assert apps[0] == "workorders" and apps.index("workorders") < apps.index("django_celery_beat")


def test_masked_values_read_as_words_in_titles_and_summaries_not_as_codes(city: City, personas: Personas) -> None:
    from django.urls import reverse

    from tests.factories import make_order
    from tests.workorders.conftest import signed_in

    order = make_order(title="投诉[NAME]占道经营", category=city.construction)
    order.summary = "市民来电（[MOBILE]）反映[NAME]占道经营。"
    order.save()
    for user in (personas.operator, personas.manager):
        detail = signed_in(user).get(reverse("order-detail", args=[order.pk])).content.decode()
        listing = signed_in(user).get(reverse("order-list")).content.decode()
        for page in (detail, listing):
            assert "[NAME]" not in page and "[MOBILE]" not in page
        assert "投诉〔姓名〕占道经营" in listing
    detail = signed_in(personas.manager).get(reverse("order-detail", args=[order.pk])).content.decode()
    assert "〔手机号〕" in detail
