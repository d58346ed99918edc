"""The keyword triage baseline: pure, transparent, and right on plain cases."""

from __future__ import annotations

from hotline.triage import CategoryRef, PlaceRef, TriageReference, triage_text
from hotline.triage.rules import normalise

REFERENCE = TriageReference(
    places=(
        PlaceRef(1, "A3区", "district", 2),
        PlaceRef(2, "西湖街道", "street", 3, aliases=("西湖办",)),
        PlaceRef(3, "茶场村", "community", 4),
        PlaceRef(4, "A7县", "district", 2, aliases=("A7市",)),
    ),
    categories=(
        CategoryRef(10, 3, "噪音污染", "环境污染"),
        CategoryRef(11, 3, "物业服务", "住房保障与房地产"),
        CategoryRef(12, 3, "其他", "环境污染"),
    ),
)


def test_full_width_letters_and_digits_become_half_width_but_chinese_punctuation_stays() -> None:
    assert normalise("ＡＢＣ小区３栋，电话：１２３") == "ABC小区3栋，电话：123"
    assert normalise("  第一行\r\n\r\n\u3000第二行  ") == "第一行\n第二行"


def test_the_deepest_place_named_wins_and_aliases_count() -> None:
    result = triage_text("A3区西湖街道茶场村的路灯坏了", REFERENCE)
    assert result.area.value == 3 and result.area.evidence == ("茶场村",)
    assert triage_text("我住在西湖办附近", REFERENCE).area.value == 2
    assert triage_text("A7市黄花镇", REFERENCE).area.value == 4
    assert triage_text("没有地名的消息", REFERENCE).area.value is None


def test_request_type_and_urgency_come_with_the_words_that_decided_them() -> None:
    complaint = triage_text("我要投诉楼下烧烤店油烟扰民", REFERENCE)
    assert complaint.request_type.value == "complaint" and "投诉" in complaint.request_type.evidence
    assert triage_text("请问公积金怎么办理提取？", REFERENCE).request_type.value == "consult"
    assert triage_text("感谢社区工作人员，特此表扬", REFERENCE).request_type.value == "praise"
    assert triage_text("举报有人非法排污", REFERENCE).request_type.value == "report"
    gas = triage_text("楼道里闻到煤气味，可能燃气泄漏", REFERENCE)
    assert gas.urgency.value == "emergency" and gas.urgency.confidence > 0.5
    assert triage_text("小区已经停水两天了", REFERENCE).urgency.value == "urgent"
    assert triage_text("建议增加公交线路", REFERENCE).urgency.value == "normal"


def test_category_by_taxonomy_names_never_picks_other() -> None:
    result = triage_text("工地夜间施工噪音污染严重，影响休息", REFERENCE)
    assert result.category.value == 10 and result.category.evidence
    assert triage_text("今天天气很好", REFERENCE).category.value is None


def test_title_and_summary_come_from_the_leading_sentences() -> None:
    text = "A3区西湖街道茶场村口的路灯坏了一个星期。晚上很黑，老人小孩出行不安全。请尽快修理。" * 3
    result = triage_text(text, REFERENCE)
    assert result.title == "A3区西湖街道茶场村口的路灯坏了一个星期"
    assert result.summary.startswith("A3区西湖街道茶场村口的路灯坏了一个星期。晚上很黑")
    assert len(result.summary) <= 160
    assert triage_text(text, REFERENCE, title_hint="路灯不亮").title == "路灯不亮"


def test_addresses_with_house_or_building_numbers_are_found() -> None:
    assert triage_text("地址是书院路12号门口", REFERENCE).address == "书院路12号"
    assert triage_text("我家在阳光小区3栋楼下", REFERENCE).address == "阳光小区3栋"
