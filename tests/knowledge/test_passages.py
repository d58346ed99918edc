"""Articles cut into passages: whole sentences, in order, numbered, within the size limit."""

from __future__ import annotations

import re

from knowledge.passages import Passage, split_passages

NOISE_PROCEDURE = (
    "市民拨打12345反映噪音问题时，话务员应问清噪音来源、持续时间和具体地址。"
    "属于建筑施工噪音的，派发至住房城乡建设部门；属于工业噪音的，派发至生态环境部门。"
    "社会生活噪音（如广场舞、商铺促销喇叭）由公安派出所或城管部门处理！"
    "夜间22时至次日6时的施工噪音，应标注为紧急工单？"
    "承办单位须在2个工作日内联系市民，并在5个工作日内反馈处理结果。\n"
    "市民对处理结果不满意的，可申请复核。复核由区12345热线办公室组织，承办单位应予配合。"
)
SENTENCE_END = re.compile(r"[。！？；]$")


def test_a_short_article_is_one_passage_keyed_by_article_and_position() -> None:
    passages = split_passages("kb-7", "居住证办理", "持身份证到居住地派出所办理居住证。")

    assert passages == [
        Passage(key="kb-7:0", article_key="kb-7", position=0, text="持身份证到居住地派出所办理居住证。")
    ]


def test_passages_are_whole_sentences_within_the_limit_and_numbered_in_order() -> None:
    passages = split_passages("noise", "噪音投诉处理流程", NOISE_PROCEDURE, max_chars=80)

    assert len(passages) > 2
    assert [p.position for p in passages] == list(range(len(passages)))
    assert [p.key for p in passages] == [f"noise:{n}" for n in range(len(passages))]
    assert all(len(p.text) <= 80 for p in passages)
    assert all(SENTENCE_END.search(p.text) for p in passages)  # never cut inside a sentence
    assert "".join(p.text for p in passages).replace("\n", "") == NOISE_PROCEDURE.replace("\n", "")


def test_a_paragraph_break_inside_a_passage_is_kept() -> None:
    [passage] = split_passages("noise", "", NOISE_PROCEDURE, max_chars=1000)

    assert passage.text == NOISE_PROCEDURE


def test_a_sentence_longer_than_the_limit_is_cut_at_its_commas() -> None:
    sentence = "申请提取住房公积金需提供身份证、银行卡、购房合同，" * 4 + "到公积金中心窗口办理。"

    passages = split_passages("fund", "", sentence, max_chars=60)

    assert all(len(p.text) <= 60 for p in passages)
    assert all(p.text.endswith(("，", "。")) for p in passages)
    assert "".join(p.text for p in passages) == sentence


def test_an_article_without_a_body_is_its_title_and_nothing_gives_nothing() -> None:
    assert [p.text for p in split_passages("t", "停水通知", "  \n ")] == ["停水通知"]
    assert split_passages("t", "", "") == []
