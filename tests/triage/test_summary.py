"""Titles and structured summaries (诉求人 / 诉求地点 / 诉求内容 / 诉求目的) written without an LLM."""

from __future__ import annotations

import pytest

from triage.summary import TITLE_LIMIT, Summary, summarise

NOISE_LETTER = (
    "尊敬的领导：您好！我是阳光小区的业主，海淀区清河街道阳光小区3栋旁边的工地每天晚上施工到凌晨两点，"
    "搅拌机和运料车的噪音非常大，严重影响居民休息，孩子第二天上学都没精神。"
    "希望相关部门尽快处理噪音问题，让我们睡个好觉。谢谢！此致敬礼"
)
NOISE_PLACES = ("海淀区", "清河街道")
BOILERPLATE = ("尊敬", "您好", "谢谢", "此致", "敬礼", "领导")


def test_the_title_names_the_place_and_the_problem_within_thirty_characters() -> None:
    title = summarise(NOISE_LETTER, places=NOISE_PLACES).title

    assert len(title) <= TITLE_LIMIT
    assert title.startswith("海淀区")
    assert "施工" in title or "噪音" in title


def test_greetings_and_closings_never_reach_the_title_or_the_content() -> None:
    summary = summarise(NOISE_LETTER, places=NOISE_PLACES)

    for formula in BOILERPLATE:
        assert formula not in summary.title
        assert formula not in summary.content
    assert "凌晨两点" in summary.content


def test_the_request_becomes_the_purpose_and_stays_out_of_the_content() -> None:
    summary = summarise(NOISE_LETTER, places=NOISE_PLACES)

    assert summary.purpose.startswith("希望相关部门尽快处理噪音问题")
    assert "希望" not in summary.content


@pytest.mark.parametrize(
    ("text", "appellant"),
    [
        ("我是阳光小区的业主，小区门口的路灯坏了一个月了，晚上出行很不方便。", "阳光小区的业主"),
        ("本人系朝阳区望京街道的一名退休教师，想咨询老年人免费乘车卡怎么办理。", "朝阳区望京街道的一名退休教师"),
        ("作为一名外卖骑手，我想反映商场地下车库不让电动车进入的问题。", "一名外卖骑手"),
        ("东坝乡村民反映，村口的垃圾站半个月没有清运，臭气熏天。", "东坝乡村民"),
        ("我叫[NAME]，是翠湖家园小区的租户，房东拒不退还押金。", "翠湖家园小区的租户"),
    ],
    ids=["我是", "本人系", "作为", "居民反映", "我叫"],
)
def test_the_appellant_is_who_the_citizen_says_they_are(text: str, appellant: str) -> None:
    assert summarise(text).appellant == appellant


def test_there_is_no_appellant_when_the_text_does_not_say() -> None:
    assert summarise("西二旗地铁站C口的扶梯停了三天，一直没人修。").appellant == ""


def test_masking_placeholders_never_reach_the_title_or_the_summary() -> None:
    text = (
        "我叫[NAME]，电话[MOBILE]，身份证[ID_CARD]。[MOBILE]楼下新开的烧烤店每天晚上油烟直排进我家窗户，"
        "投诉多次没人管，请环保部门查处。"
    )

    summary = summarise(text)

    assert "[" not in summary.title and "MOBILE" not in summary.title
    assert "[" not in summary.as_text()
    assert "烧烤店" in summary.title or "油烟" in summary.title


def test_government_notice_markers_are_dropped() -> None:
    summary = summarise("[政府发文]小区电梯三天两头停运，物业迟迟不修。")

    assert "政府发文" not in summary.title
    assert "政府发文" not in summary.content


def test_the_senders_own_title_wins_and_the_other_parts_are_still_extracted() -> None:
    hint = "  投诉阳光小区旁工地夜间施工噪音扰民，严重影响休息，请尽快处理，谢谢各位领导  "

    summary = summarise(NOISE_LETTER, places=NOISE_PLACES, title_hint=hint)

    assert summary.title == hint.strip()[:TITLE_LIMIT]
    assert summary.appellant == "阳光小区的业主"
    assert summary.purpose
    assert summary.content


def test_the_location_is_the_place_names_written_together() -> None:
    summary = summarise(NOISE_LETTER, places=NOISE_PLACES)

    assert summary.location == "海淀区清河街道阳光小区3栋"


def test_a_code_district_in_the_text_is_enough_for_a_place_without_a_gazetteer() -> None:
    summary = summarise("A3区枫林路阳光小区3栋旁的工地夜间施工，噪音扰民，请城管部门处理。")

    assert summary.title.startswith("A3区")
    assert summary.location == "A3区枫林路阳光小区3栋"


def test_the_callers_turns_of_a_transcript_are_summarised_without_fillers() -> None:
    caller = (
        "喂，你好。嗯，我想反映一下，我们村里的自来水已经停了三天了，一直没人来修。希望你们赶紧派人来看看。好的，谢谢。"
    )

    summary = summarise(caller)

    assert "自来水" in summary.title
    assert not summary.title.startswith(("喂", "嗯", "你好", "我想反映"))
    assert summary.purpose == "希望你们赶紧派人来看看。"
    assert "谢谢" not in summary.content


def test_a_question_without_a_request_becomes_the_purpose() -> None:
    summary = summarise("您好，我在朝阳区工作满三年了，请问住房公积金提取需要带哪些材料？")

    assert "公积金" in summary.title
    assert summary.purpose == "请问住房公积金提取需要带哪些材料？"
    assert "三年" in summary.content


def test_an_appeal_about_a_place_gets_a_title_that_says_what_is_wrong() -> None:
    text = "我是花园路社区的一名居民，社区活动中心门前的健身器材损坏多日，老人锻炼时差点摔倒，请街道尽快维修。"

    title = summarise(text).title

    assert title != "花园路社区的一名居民"
    assert "健身器材" in title


@pytest.mark.parametrize("text", ["", "   ", "尊敬的领导：您好！谢谢！此致敬礼"])
def test_a_text_with_nothing_to_say_gives_an_empty_summary(text: str) -> None:
    summary = summarise(text)

    assert summary == Summary(title="", appellant="", location="", content="", purpose="")
    assert summary.as_text() == ""


def test_a_single_sentence_is_its_own_title_and_content() -> None:
    summary = summarise("楼道灯坏了。")

    assert summary.title.startswith("楼道灯坏")
    assert summary.content == "楼道灯坏了。"


def test_a_long_letter_keeps_every_part_within_its_limit() -> None:
    letter = NOISE_LETTER + "工地负责人说有夜间施工许可证，但从来没有公示过，居民打电话投诉也没有回音。" * 12

    summary = summarise(letter, places=NOISE_PLACES)

    assert len(summary.title) <= TITLE_LIMIT
    assert len(summary.content) <= 150
    assert len(summary.purpose) <= 80


def test_as_text_lists_the_parts_that_were_found_and_skips_the_empty_ones() -> None:
    summary = Summary(title="路灯不亮", appellant="", location="花园路", content="花园路路灯一周不亮。", purpose="")

    assert summary.as_text() == "诉求地点：花园路\n诉求内容：花园路路灯一周不亮。"


def test_as_text_of_a_full_summary_has_four_lines_in_order() -> None:
    text = summarise(NOISE_LETTER, places=NOISE_PLACES).as_text()

    assert [line.split("：", 1)[0] for line in text.splitlines()] == ["诉求人", "诉求地点", "诉求内容", "诉求目的"]
