"""The knowledge index is never built in a request: it is loaded or built in the background, saved, and
swapped when ready; meanwhile searches answer at once."""

from __future__ import annotations

import logging
import time

import pytest
from django.test import Client

from knowledge import index
from knowledge.models import KnowledgeArticle, KnowledgePassage
from knowledge.services import knowledge_search
from tests.conftest import Personas
from tests.factories import make_order

pytestmark = pytest.mark.django_db(transaction=True)


def article(title: str, body: str) -> KnowledgeArticle:
    created = KnowledgeArticle.objects.create(title=title, body=body, kind="faq")
    KnowledgePassage.objects.create(article=created, position=0, text=body)
    return created


def test_a_search_before_the_first_index_answers_at_once_and_starts_the_build() -> None:
    fund = article("住房公积金提取", "购买自住住房的职工可以申请提取住房公积金，3个工作日内到账。")

    started = time.perf_counter()
    first = knowledge_search("公积金提取")
    waited = time.perf_counter() - started

    assert first is None  # "being prepared", not a request that builds the index
    assert waited < 0.5
    assert index.wait_until_ready(30) is not None
    assert knowledge_search("公积金提取")[0].article == fund


def test_a_restarted_process_loads_the_saved_index_instead_of_building_it(caplog: pytest.LogCaptureFixture) -> None:
    article("居住证办理", "在本市居住满半年的，可以向派出所申领居住证。")
    with caplog.at_level(logging.INFO, logger="knowledge.index"):
        index.rebuild_now()
    assert "knowledge index built" in caplog.text
    caplog.clear()
    index.forget()  # as after a restart

    with caplog.at_level(logging.INFO, logger="knowledge.index"):
        index.warm_in_background()
        loaded = index.wait_until_ready(30)

    assert loaded is not None and len(loaded) == 1
    assert "knowledge index built" not in caplog.text
    assert [f.article.title for f in knowledge_search("居住证")] == ["居住证办理"]


def test_after_a_change_the_old_index_answers_until_the_new_one_replaces_it() -> None:
    article("噪音投诉", "夜间施工噪音可以向生态环境部门投诉。")
    index.rebuild_now()
    index.SIGNATURE_CHECK_SECONDS, checked_every = 0.0, index.SIGNATURE_CHECK_SECONDS
    try:
        added = article("电动车充电桩安装", "小区安装电动车充电桩需经物业同意。")
        assert knowledge_search("电动车充电桩") == []  # the old index, at once
        assert index.wait_until_ready(30) is not None
        assert knowledge_search("电动车充电桩")[0].article == added
    finally:
        index.SIGNATURE_CHECK_SECONDS = checked_every


def test_the_order_panel_says_the_knowledge_base_is_being_prepared(
    client: Client, city: object, personas: Personas
) -> None:
    article("路灯报修", "路灯不亮可以拨打12345或向城管部门报修。")
    order = make_order(appeal="小区门口路灯坏了")
    client.force_login(personas.operator)

    preparing = client.get(f"/knowledge/for-order/{order.pk}/").content.decode()
    index.wait_until_ready(30)
    ready = client.get(f"/knowledge/for-order/{order.pk}/").content.decode()

    assert "正在准备" in preparing and 'hx-trigger="load delay:5s"' in preparing
    assert "路灯报修" in ready and "正在准备" not in ready


def test_the_web_server_loads_the_saved_index_before_taking_requests() -> None:
    article("路灯报修", "路灯不亮可以拨打12345或向城管部门报修。")
    index.rebuild_now()  # saved, as an import does
    index.forget()  # the server restarts

    index.warm_at_start()

    assert not index.is_building()  # loaded in place: the first request finds it
    assert [f.article.title for f in knowledge_search("路灯")] == ["路灯报修"]
