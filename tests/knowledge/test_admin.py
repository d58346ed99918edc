"""Administrators maintain the knowledge base in the admin: write, edit, retire, restore and import articles;
search follows by itself."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from knowledge import index
from knowledge.models import KnowledgeArticle
from knowledge.services import knowledge_search
from tests.conftest import Personas

pytestmark = pytest.mark.django_db

MARKDOWN = """# 居住证办理流程
类型: 办事流程
日期: 2026-03-01

在本市居住满半年、有合法稳定住所的，可以向居住地派出所申领居住证。

## 电动车充电桩怎么安装
问：小区里能装电动车充电桩吗？
答：经物业服务企业同意、符合消防要求的，可以在指定区域安装充电桩。
"""


def titles_found(query: str) -> list[str]:
    index.rebuild_now()
    return [f.article.title for f in knowledge_search(query) or []]


def upload(client: Client, name: str, content: str, kind: str = "policy") -> HttpResponse:
    url = reverse("admin:knowledge_knowledgearticle_import")
    return client.post(url, {"file": SimpleUploadedFile(name, content.encode("utf-8")), "kind": kind})


def test_an_administrator_imports_a_markdown_file_and_search_finds_its_articles(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.admin)
    assert "Markdown" in client.get(reverse("admin:knowledge_knowledgearticle_import")).content.decode()

    response = upload(client, "policies.md", MARKDOWN)

    assert response.status_code == 302
    residence = KnowledgeArticle.objects.get(title="居住证办理流程")
    assert residence.kind == "procedure" and str(residence.dated) == "2026-03-01"
    assert titles_found("电动车充电桩") == ["电动车充电桩怎么安装"]
    assert upload(client, "policies.md", MARKDOWN).status_code == 302  # the same file again
    assert KnowledgeArticle.objects.count() == 2


def test_a_bad_file_is_refused_with_what_is_wrong(client: Client, personas: Personas) -> None:
    client.force_login(personas.admin)

    empty = upload(client, "policies.md", "")
    wrong_type = client.post(
        reverse("admin:knowledge_knowledgearticle_import"),
        {"file": SimpleUploadedFile("policies.pdf", b"%PDF-1.4"), "kind": "policy"},
    )
    no_body = upload(client, "faq.csv", "title,body\n充电桩,\n")

    assert empty.status_code == 400
    assert wrong_type.status_code == 400 and "Markdown" in wrong_type.content.decode()
    assert no_body.status_code == 400 and "line 2" in no_body.content.decode()
    assert not KnowledgeArticle.objects.exists()


def test_an_edited_article_is_searched_by_its_new_words_and_a_retired_one_is_not_found(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.admin)
    add = client.post(
        reverse("admin:knowledge_knowledgearticle_add"),
        {"title": "燃气泄漏怎么办", "kind": "faq", "tags": "[]", "question": "", "body": "立即关闭阀门，开窗通风。",
         "is_active": "on"},
    )  # fmt: skip
    assert add.status_code == 302, add.content.decode()[:2000]
    article = KnowledgeArticle.objects.get(title="燃气泄漏怎么办")
    assert titles_found("关闭阀门") == ["燃气泄漏怎么办"]

    client.post(
        reverse("admin:knowledge_knowledgearticle_change", args=[article.pk]),
        {"title": "燃气泄漏怎么办", "kind": "faq", "tags": "[]", "question": "",
         "body": "不要开关电器，到室外拨打燃气公司抢修电话。", "is_active": "on"},
    )  # fmt: skip
    assert titles_found("抢修电话") == ["燃气泄漏怎么办"] and titles_found("关闭阀门") == []

    changelist = reverse("admin:knowledge_knowledgearticle_changelist")
    client.post(changelist, {"action": "retire", "_selected_action": [article.pk]})
    assert titles_found("抢修电话") == []
    client.post(changelist, {"action": "restore", "_selected_action": [article.pk]})
    assert titles_found("抢修电话") == ["燃气泄漏怎么办"]


def test_only_administrators_maintain_the_knowledge_base(client: Client, personas: Personas) -> None:
    client.force_login(personas.manager)
    response = client.get(reverse("admin:knowledge_knowledgearticle_import"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
