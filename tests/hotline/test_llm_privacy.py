"""Only masked text leaves the system, on every path to the LLM: the order's draft, the knowledge answer, and the
order's "ask the assistant about this order" link. Personal data is planted the way it occurs in real calls — the
caller's name said once and repeated by the operator (好的周先生), a name with no cue word, a phone number in
digits and one read aloud in Chinese numerals (幺三八 七七六五 四三二一), an ID number whose check digit is
wrong — and every request body the local chat-completions server received is searched for it, and for any
four-digit piece of a number.

Where masking (``triage/privacy.py``, being improved separately) still misses a value, the case is marked
``xfail(strict=True)`` with the reason: it fails loudly once the masking catches it, so the mark is removed then.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import call_command
from django.test import Client

from hotline.llm_services import order_draft_with_llm
from hotline.services import IntakeRequest, submission_receive, submission_triage
from tests.conftest import City, Personas
from tests.hotline.test_llm_drafting import draft_json
from tests.llm_server import FakeLLM, Scripted
from workorders import services
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

PHONE_DIGITS = "15800112233"
PHONE_SPOKEN = "幺三八 七七六五 四三二一"  # 138 7765 4321
PHONE_SPOKEN_DIGITS = "13877654321"
BAD_ID = "110101199003074572"  # the check digit of 11010119900307457 is 3

CALL = [
    ("agent", "您好，12345热线，请问怎么称呼？"),
    ("caller", "我姓周，周建国。"),
    ("agent", "好的周先生，请讲。"),
    ("caller", "我们茶场村旁边的工地天天夜里施工，包工头叫马国富，噪音太大了，吵得孩子睡不着。"),
    ("agent", "好的周先生，您是说A3区西湖街道茶场村的工地夜里施工噪音扰民是吧？"),
    ("caller", "对对对，马国富说他上面有人，没人管得了他。"),
    ("caller", f"我电话{PHONE_SPOKEN}，或者打我爱人的{PHONE_DIGITS}。"),
    ("caller", f"要登记身份证的话，我的是{BAD_ID}。"),
    ("caller", "希望环保部门尽快来查处，夜里不要再施工了。"),
]

# What the operator confirmed on the order, as operators write it (the "ask about this order" link sends it).
CONFIRMED_TITLE = "周先生反映包工头马国富夜间施工扰民"
CONFIRMED_SUMMARY = (
    f"来电人周建国（电话{PHONE_DIGITS}，身份证{BAD_ID}）反映茶场村工地夜间施工噪音扰民，包工头马国富不予理会。"
)

KNOWLEDGE = f"""# 夜间施工噪音投诉处理
类型: 办事流程

夜间（22时至次日6时）未经批准施工的，可拨打12345或向生态环境部门投诉，执法人员将到现场调查处理。
例如市民周建国反映包工头马国富夜间施工，回访电话{PHONE_DIGITS}，执法人员到场责令停工。
"""

QUESTION = f"好的周先生。市民周建国问：包工头马国富夜间施工噪音扰民怎么投诉？电话{PHONE_SPOKEN}，身份证{BAD_ID}"


def leaked(sent: str, value: str) -> list[str]:
    """The planted value, or any four-digit (four-numeral) piece of a number, found in what was sent."""
    flat = re.sub(r"\s+", "", sent)
    plain = re.sub(r"\s+", "", value)
    if not re.search(r"[0-9幺一二三四五六七八九零〇两]{4,}", plain):
        return [value] if value in sent or plain in flat else []
    return sorted({plain[i : i + 4] for i in range(len(plain) - 3) if plain[i : i + 4] in flat})


def sent_text(server: FakeLLM) -> str:
    """Every request body the server received, as sent and with JSON escapes undone."""
    raw = b"".join(server.raw_requests).decode("utf-8")
    return raw + json.dumps([json.loads(r) for r in server.raw_requests], ensure_ascii=False)


def call_order(personas: Personas) -> WorkOrder:
    transcript = json.dumps([{"speaker": s, "text": t} for s, t in CALL], ensure_ascii=False)
    outcome = submission_receive(
        request=IntakeRequest(channel="phone", sender_id="PLANTED-1", content=transcript, raw_body=transcript),
        by=personas.integration,
    )
    submission_triage(submission_id=outcome.submission.pk)
    return WorkOrder.objects.get(pk=outcome.submission.order.pk)


def knowledge_base(tmp_path: Path) -> None:
    from knowledge.index import rebuild_now

    path = tmp_path / "noise.md"
    path.write_text(KNOWLEDGE, encoding="utf-8")
    call_command("import_knowledge", str(path), stdout=open(tmp_path / "out.txt", "w"))  # noqa: SIM115
    rebuild_now()


def planted() -> list[object]:
    """The planted values, each a test case named for what it is."""
    values = {
        "caller's name": "周建国",
        "caller's given name": "建国",
        "name repeated by the operator": "周先生",
        "name with no cue word": "马国富",
        "phone in digits": PHONE_DIGITS,
        "phone read aloud": PHONE_SPOKEN,
        "phone read aloud, as digits": PHONE_SPOKEN_DIGITS,
        "ID number with a wrong check digit": BAD_ID,
    }
    return [pytest.param(value, id=name) for name, value in values.items()]


@pytest.mark.parametrize("value", planted())
def test_no_planted_value_reaches_the_llm_when_it_drafts_a_call(
    city: City, personas: Personas, fake_llm: FakeLLM, value: str
) -> None:
    order = call_order(personas)
    assert PHONE_DIGITS in order.appeal  # kept on the order for the people who need it
    fake_llm.answer("不是JSON", draft_json(order))  # a repair too: the bad answer is sent back
    assert order_draft_with_llm(order_id=order.pk) == "applied"
    assert len(fake_llm.requests) == 2
    sent = sent_text(fake_llm)
    assert "茶场村" in sent and "[MOBILE]" in sent and "[NAME]" in sent  # the call was sent, masked
    assert leaked(sent, value) == []


@pytest.mark.parametrize("value", planted())
def test_no_planted_value_reaches_the_llm_in_a_knowledge_answer(
    city: City, fake_llm: FakeLLM, tmp_path: Path, value: str
) -> None:
    from knowledge.services import knowledge_answer, knowledge_search

    knowledge_base(tmp_path)
    found = knowledge_search(QUESTION)
    assert found, "the question must find the passage for the LLM to get it"
    fake_llm.default = Scripted(content=json.dumps({"answer": "可向生态环境部门投诉。", "citations": []}))
    knowledge_answer(QUESTION, found)
    assert fake_llm.requests
    assert leaked(sent_text(fake_llm), value) == []


@pytest.mark.parametrize("value", planted())
def test_no_planted_value_reaches_the_llm_when_an_operator_asks_about_the_order(
    client: Client, city: City, personas: Personas, fake_llm: FakeLLM, tmp_path: Path, value: str
) -> None:
    knowledge_base(tmp_path)
    order = call_order(personas)
    services.workorder_update(
        order=order, by=personas.operator, title=CONFIRMED_TITLE, summary=CONFIRMED_SUMMARY, based_on=order.version
    )
    client.force_login(personas.operator)
    panel = client.get(f"/knowledge/for-order/{order.pk}/").content.decode()
    link = re.search(r'href="(/knowledge/\?q=[^"]+)"', panel)
    assert link, "the order's panel links to the assistant"
    question = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)["q"][0]
    fake_llm.default = Scripted(content=json.dumps({"answer": "可向生态环境部门投诉。", "citations": []}))
    client.get("/knowledge/answer/", {"q": question}, HTTP_HX_REQUEST="true")
    assert fake_llm.requests, "the assistant was asked"
    assert leaked(sent_text(fake_llm), value) == []
