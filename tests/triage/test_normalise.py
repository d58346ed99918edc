"""Preparing text for triage: widths, spaces, punctuation, traditional characters, call transcripts."""

from __future__ import annotations

import pytest

from triage.normalise import AGENT, CALLER, Turn, is_read_back, normalise, prepare, turns_from_json, turns_from_text


def test_full_width_letters_and_digits_become_half_width_and_chinese_punctuation_stays() -> None:
    assert normalise("ＡＢＣ小区３栋，电话：１２３") == "ABC小区3栋，电话：123"


def test_ascii_punctuation_typed_between_chinese_becomes_chinese_punctuation() -> None:
    assert normalise("楼下烧烤,油烟很大!请处理") == "楼下烧烤，油烟很大！请处理"
    assert normalise("价格是1,000元, ok") == "价格是1,000元, ok"  # numbers and English are left alone


def test_spaces_are_unified_and_blank_lines_dropped_but_long_runs_of_marks_are_only_shortened() -> None:
    assert normalise("  第一行\u3000\u3000内容\r\n\r\n\n第二行！！！！！！  ") == "第一行 内容\n第二行！！！"


def test_traditional_chinese_is_converted_and_the_original_kept() -> None:
    prepared = prepare("我們社區的路燈壞了，請儘快處理。")
    assert prepared.text == "我们社区的路灯坏了，请尽快处理。"
    assert prepared.original == "我們社區的路燈壞了，請儘快處理。"
    assert prepared.converted_from_traditional


@pytest.mark.parametrize(
    "transcript",
    [
        "坐席：您好，12345热线，请讲。\n市民：我家楼下的路灯坏了。\n坐席：请问具体地址？\n市民：西湖路12号。",
        "坐席：您好，12345热线，请讲。 市民：我家楼下的路灯坏了。 坐席：请问具体地址？ 市民：西湖路12号。",
        "agent: 您好，12345热线，请讲。\ncaller: 我家楼下的路灯坏了。\nagent: 请问具体地址？\ncaller: 西湖路12号。",
        '[{"speaker": "agent", "text": "您好，12345热线，请讲。"}, {"speaker": "caller", "text": "我家楼下的路灯坏了。"},'
        ' {"role": "agent", "content": "请问具体地址？"}, {"role": "caller", "content": "西湖路12号。"}]',
    ],
)
def test_a_transcript_is_split_and_the_models_read_only_the_callers_words(transcript: str) -> None:
    prepared = prepare(transcript)
    assert prepared.is_transcript
    assert prepared.caller_text == "我家楼下的路灯坏了。\n西湖路12号。"
    assert [t.speaker for t in prepared.turns] == [AGENT, CALLER, AGENT, CALLER]
    assert prepared.text.splitlines()[0] == "坐席：您好，12345热线，请讲。"


def test_turns_given_by_the_intake_win_over_parsing() -> None:
    prepared = prepare("", [Turn(AGENT, "您好"), Turn(CALLER, "停水三天了")])
    assert prepared.text == "坐席：您好\n市民：停水三天了" and prepared.caller_text == "停水三天了"


def test_plain_messages_are_not_mistaken_for_transcripts() -> None:
    assert turns_from_text("A3区西湖路：路灯坏了。时间：晚上8点。") is None
    assert prepare("我是市民：我家停水了").turns == ()  # one label is not a dialogue
    assert turns_from_json({"text": "not turns"}) is None
    assert turns_from_json([{"speaker": "robot", "text": "x"}]) is None


def test_a_transcript_with_only_agent_turns_falls_back_to_the_whole_text() -> None:
    prepared = prepare("坐席：您好\n坐席：请讲")
    assert prepared.turns == () and prepared.caller_text == prepared.text


def test_the_models_read_the_callers_words_and_the_operators_read_backs_not_the_script() -> None:
    prepared = prepare(
        "坐席：您好，12345热线，请讲。\n市民：那个井盖没了，晚上好危险\n坐席：请问具体在哪里？\n"
        "市民：书院路和劳动路那里\n坐席：您是说书院路和劳动路交叉口是吧？\n市民：对对对\n"
        "坐席：好的，我们会尽快转交相关部门处理。"
    )

    assert (
        prepared.model_text == "那个井盖没了，晚上好危险\n书院路和劳动路那里\n您是说书院路和劳动路交叉口是吧？\n对对对"
    )
    assert "12345热线" not in prepared.model_text and "转交" not in prepared.model_text
    assert prepared.caller_text == "那个井盖没了，晚上好危险\n书院路和劳动路那里\n对对对"


def test_a_written_message_is_read_whole() -> None:
    prepared = prepare("小区门口路灯坏了一个星期。")
    assert prepared.model_text == prepared.text == "小区门口路灯坏了一个星期。"


@pytest.mark.parametrize(
    "turn",
    [
        "我这边登记为：楼道起火，三楼有老人没出来。您的联系电话？",
        "那就是说有人落水了，现在还在水里？",
        "嗯，有人拿刀砍人是吧，我们马上转110，您先找个地方躲好",
        "您刚才说楼顶有人要跳？",
        "好，我记一下，井盖没了，一个小孩掉下去了，我们马上转119",
        "收到，老人倒在卫生间叫不醒，我们马上联系120",
        "A7县黄兴大道公交站，吊车刮断电缆，电缆低垂摆动，对吗？我们马上通知供电公司。您贵姓？",
        "我给您记录一下，饭店后厨液化气罐的管子裂了，在漏气",
        "情况我了解了，对面楼六楼阳台着火，我们这边马上转119",
        "您看我理解得对不对，您已经把药吃下去了，现在一个人在家？",
    ],
)
def test_an_operators_summary_of_the_call_is_read_as_a_read_back(turn: str) -> None:
    prepared = prepare(f"坐席：您好，12345热线，请讲。\n市民：那个……\n坐席：{turn}\n市民：对")
    assert is_read_back(turn) and turn in prepared.model_text


@pytest.mark.parametrize(
    "turn",
    [
        "好的，请您千万不要靠近，让过路的人绕开走。我们马上通知供电抢修。",
        "请问具体在哪个位置？",
        "好的，我们会尽快转交相关部门处理。",
        "社区组织消防演练是正常的，您可以打居委会电话核实一下。您是担心什么呢？",
        "一般是在参保地的人社部门办理。我帮您记录一下，让人社部门联系您详细说明好吗？",
    ],
)
def test_the_operators_advice_questions_and_closing_are_not_read_backs(turn: str) -> None:
    assert not is_read_back(turn)
