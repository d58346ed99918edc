"""The knowledge base: importing articles, finding passages, and the LLM's answers with checked citations."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from knowledge.models import KnowledgeArticle, KnowledgePassage
from knowledge.services import knowledge_answer, knowledge_search
from tests.conftest import Personas
from tests.llm_server import FakeLLM

pytestmark = pytest.mark.django_db

POLICIES = """# 住房公积金提取办理指南
类型: 政策
标签: 公积金, 提取

职工购买自住住房、偿还购房贷款本息、租房自住的，可以申请提取住房公积金。
办理时需携带本人身份证、购房合同或租房合同，到公积金管理中心服务网点办理，一般3个工作日内到账。

# 居住证办理流程
类型: 办事流程

在本市居住满半年、有合法稳定住所的，可以向居住地派出所申领居住证。需提交身份证、住所证明和近期照片。

## 噪音扰民怎么投诉
问：晚上工地施工噪音太大怎么办？
答：夜间（22时至次日6时）未经批准施工的，可拨打12345或向生态环境部门投诉，执法人员将到现场调查处理。
"""


def import_files(*paths: Path, replies: bool = False) -> str:
    out = StringIO()
    call_command("import_knowledge", *map(str, paths), *(["--replies"] if replies else []), stdout=out)
    return out.getvalue()


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    path = tmp_path / "policies.md"
    path.write_text(POLICIES, encoding="utf-8")
    import_files(path)
    return path


def test_markdown_and_csv_files_are_imported_as_articles_with_passages(policies: Path, tmp_path: Path) -> None:
    titles = set(KnowledgeArticle.objects.values_list("title", flat=True))
    assert {"住房公积金提取办理指南", "居住证办理流程"} <= titles
    fund = KnowledgeArticle.objects.get(title="住房公积金提取办理指南")
    assert fund.kind == "policy" and fund.tags == ["公积金", "提取"] and fund.source == "policies.md"
    assert KnowledgePassage.objects.filter(article=fund).exists()
    faq = KnowledgeArticle.objects.get(kind="faq")
    assert "工地施工噪音" in faq.question
    table = tmp_path / "faq.csv"
    table.write_text(
        "title,body,kind,tags\n社保卡挂失,携带身份证到社保服务大厅挂失并补办。,faq,社保\n", encoding="utf-8"
    )
    assert "1 articles created" in import_files(table)
    assert "0 articles created, 0 updated" in import_files(policies, table)  # importing again changes nothing


def test_bad_files_are_refused_with_the_reason(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("name,content\nx,y\n", encoding="utf-8")
    with pytest.raises(CommandError, match="title"):
        import_files(wrong)
    with pytest.raises(CommandError, match="no such file"):
        import_files(tmp_path / "missing.md")
    other = tmp_path / "notes.txt"
    other.write_text("x", encoding="utf-8")
    with pytest.raises(CommandError, match=".md and .csv"):
        import_files(other)


def test_search_finds_the_right_passage_and_highlights_the_words(policies: Path) -> None:
    found = knowledge_search("公积金怎么提取")
    assert found[0].article.title == "住房公积金提取办理指南"
    assert "<mark>" in found[0].hit.highlighted and "公积金" in found[0].hit.matched
    assert knowledge_search("") == []


def test_the_past_replies_of_the_shared_data_seed_the_knowledge_base() -> None:
    if not (settings.HOTLINE["DATASETS_DIR"] / "teddy2020c" / "replies.csv").is_file():
        pytest.skip("the shared data set is missing")
    output = import_files(replies=True)
    assert KnowledgeArticle.objects.filter(kind="reply", source="replies.csv").count() > 2000, output
    found = knowledge_search("人才购房补贴 博士 硕士 首次购房")
    assert found and found[0].article.kind == "reply"


def test_the_search_page_shows_passages_to_staff_but_not_to_connected_systems(
    client, policies: Path, personas: Personas
) -> None:
    client.force_login(personas.officer_a)
    page = client.get("/knowledge/", {"q": "居住证 怎么办理"}).content.decode()
    assert "居住证办理流程" in page and "<mark>" in page
    client.force_login(personas.integration)
    assert client.get("/knowledge/", {"q": "居住证"}).status_code == 403


def answer_json(found, *, cite: list[str] | None = None) -> str:
    keys = [f.hit.key for f in found] if cite is None else cite
    return json.dumps(
        {"answer": "可携带身份证和购房合同到公积金中心办理提取，一般3个工作日到账。", "citations": keys[:1]},
        ensure_ascii=False,
    )


def test_the_llm_answers_with_citations_that_exist(policies: Path, fake_llm: FakeLLM) -> None:
    found = knowledge_search("公积金怎么提取")
    fake_llm.answer(answer_json(found))
    outcome = knowledge_answer("公积金怎么提取", found)
    assert outcome.status == "answered" and outcome.answer.citations == (found[0].hit.key,)
    sent = fake_llm.requests[0]["messages"][1]["content"]
    assert f"[{found[0].hit.key}]" in sent and "公积金怎么提取" in sent


def test_an_answer_citing_an_unknown_passage_is_repaired_or_refused(policies: Path, fake_llm: FakeLLM) -> None:
    found = knowledge_search("公积金怎么提取")
    invented = answer_json(found, cite=["999:0"])
    fake_llm.answer(invented, invented)
    outcome = knowledge_answer("公积金怎么提取", found)
    assert outcome.status == "invalid" and "999:0" in outcome.reason
    assert "999:0" in fake_llm.requests[1]["messages"][-1]["content"]


def test_an_answer_citing_nothing_is_shown_as_unsupported(
    client, policies: Path, personas: Personas, fake_llm: FakeLLM
) -> None:
    found = knowledge_search("公积金怎么提取")
    fake_llm.answer(answer_json(found, cite=[]))
    assert knowledge_answer("公积金怎么提取", found).status == "unsupported"
    fake_llm.answer(answer_json(found, cite=[]))
    client.force_login(personas.operator)
    page = client.get("/knowledge/answer/", {"q": "公积金怎么提取"}, HTTP_HX_REQUEST="true").content.decode()
    assert "公积金中心办理提取" in page and "无依据" in page


def test_without_an_llm_the_passages_are_the_answer(client, policies: Path, personas: Personas) -> None:
    found = knowledge_search("公积金怎么提取")
    assert knowledge_answer("公积金怎么提取", found).status == "disabled"
    client.force_login(personas.operator)
    page = client.get("/knowledge/", {"q": "公积金怎么提取"}).content.decode()
    assert "knowledge-answer" not in page and "住房公积金提取办理指南" in page


def test_the_order_page_offers_passages_for_the_order(client, policies: Path, personas: Personas, city) -> None:
    from tests.factories import make_order

    order = make_order(title="咨询公积金提取", appeal="请问住房公积金提取需要什么材料？")
    client.force_login(personas.operator)
    assert f"/knowledge/for-order/{order.pk}/" in client.get(f"/orders/{order.pk}/").content.decode()
    fragment = client.get(f"/knowledge/for-order/{order.pk}/").content.decode()
    assert "住房公积金提取办理指南" in fragment
    client.force_login(personas.outsider)
    assert client.get(f"/knowledge/for-order/{order.pk}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_changed_knowledge_base_is_reindexed_in_the_background_while_search_goes_on(policies: Path) -> None:
    import time

    from knowledge.models import KnowledgeArticle, KnowledgePassage

    assert knowledge_search("公积金怎么提取")  # the index is built
    added = KnowledgeArticle.objects.create(
        title="电动车充电桩安装", body="小区安装电动车充电桩需经物业同意。", kind="faq"
    )
    KnowledgePassage.objects.create(article=added, position=0, text=added.body)  # as another process would
    assert all(f.article.pk != added.pk for f in knowledge_search("电动车充电桩"))  # the old index still answers
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not knowledge_search("电动车充电桩"):
        time.sleep(0.2)
    assert knowledge_search("电动车充电桩")[0].article.pk == added.pk


def test_past_cases_are_shown_masked_with_their_title_and_date_never_their_keys(
    client, tmp_path: Path, personas: Personas
) -> None:
    from knowledge.documents import replies_articles
    from knowledge.index import rebuild_now
    from knowledge.services import knowledge_import

    replies = tmp_path / "replies.csv"
    replies.write_text(
        "message_id,user,title,detail,posted_at,reply,replied_at\n"
        "103842,U1,养老保险补缴咨询,本人姚香菊，女，1967年5月出生，电话13812345678，想补缴养老保险。,"
        "2019/05/06 09:00:00,姚香菊您好：1967年5月出生的参保人可按规定补缴养老保险。,2019/05/12 10:30:00\n",
        encoding="utf-8",
    )
    knowledge_import(drafts=replies_articles(replies))
    rebuild_now()

    for persona in (personas.operator, personas.manager, personas.officer_a):
        client.force_login(persona)
        page = client.get("/knowledge/", {"q": "养老保险 补缴"}).content.decode()
        assert "养老保险补缴咨询" in page and "2019-05-12" in page
        for leaked in ("姚香菊", "1967年5月", "13812345678", "103842", "replies.csv"):
            assert leaked not in page, (persona, leaked)
