"""Articles for the knowledge base from Markdown, CSV and the past replies: kinds, tags, FAQs, clear errors.
Every article here is written for these tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.documents import ArticleDraft, read_csv, read_markdown, replies_articles

HANDBOOK = """# 住房公积金提取
类型: 政策
标签: 公积金, 提取

职工购买、建造、翻建、大修自住住房的，可以申请提取本人住房公积金账户内的存储余额。
离休、退休的，可以一次性提取全部余额。

## 居住证办理
kind: procedure
标签：居住证、流动人口

非本市户籍人员在本市居住半年以上，符合有合法稳定就业、合法稳定住所、连续就读条件之一的，可以申领居住证。
申领时携带本人身份证和居住证明，到居住地派出所或社区服务站办理。
"""


def test_each_heading_is_an_article_with_the_kind_and_tags_of_its_front_matter() -> None:
    housing_fund, residence_permit = read_markdown(HANDBOOK, source="办事指南.md")

    assert housing_fund.title == "住房公积金提取"
    assert housing_fund.kind == "policy"
    assert housing_fund.tags == ("公积金", "提取")
    assert housing_fund.body.startswith("职工购买、建造")
    assert "类型" not in housing_fund.body
    assert housing_fund.source == "办事指南.md"
    assert residence_permit.kind == "procedure"
    assert residence_permit.tags == ("居住证", "流动人口")
    assert residence_permit.body.endswith("到居住地派出所或社区服务站办理。")


def test_a_question_and_answer_section_becomes_an_faq() -> None:
    text = """## 夜间施工噪音
标签: 噪音

问：晚上十点以后工地还在施工，噪音很大，可以投诉吗？
答：可以。夜间（22时至次日6时）在噪声敏感建筑物集中区域施工作业，须取得夜间施工许可。
未经许可施工的，可拨打12345热线投诉，由生态环境部门依法查处。
"""
    [faq] = read_markdown(text)

    assert faq.kind == "faq"
    assert faq.title == "夜间施工噪音"
    assert faq.question == "晚上十点以后工地还在施工，噪音很大，可以投诉吗？"
    assert faq.body.startswith("可以。夜间")
    assert faq.body.endswith("由生态环境部门依法查处。")
    assert faq.tags == ("噪音",)


def test_several_questions_in_a_section_give_one_faq_each_titled_by_its_question() -> None:
    text = """## 供暖常见问题
问：供暖期从什么时候开始？
答：本市供暖期为每年11月15日至次年3月15日。
问：家里暖气不热找谁？
答：先联系供热单位报修，未解决的可拨打12345反映。
"""
    first, second = read_markdown(text)

    assert (first.title, first.kind) == ("供暖期从什么时候开始？", "faq")
    assert second.question == "家里暖气不热找谁？"
    assert second.body == "先联系供热单位报修，未解决的可拨打12345反映。"


def test_a_document_title_without_text_gives_no_article_and_deeper_headings_stay_in_the_body() -> None:
    text = """# 噪音投诉处理流程

## 受理
接到噪音投诉后，话务员记录噪音来源、时间段和地址。
### 注意
```
# 这不是标题
```
"""
    [article] = read_markdown(text)

    assert article.title == "受理"
    assert "### 注意" in article.body
    assert "# 这不是标题" in article.body


def test_a_question_without_an_answer_is_an_error_naming_the_section() -> None:
    with pytest.raises(ValueError, match=r"faq\.md: line 1 \(退费\).*答"):
        read_markdown("## 退费\n问：学费可以退吗？\n", source="faq.md")


def test_an_unknown_kind_is_an_error_naming_it() -> None:
    with pytest.raises(ValueError, match="通知"):
        read_markdown("## 停水\n类型: 通知\n\n明天停水。")


def test_csv_rows_become_articles_with_tags_kinds_and_questions() -> None:
    text = (
        "title,body,kind,tags,question\n"
        '住房公积金提取,"购房、退休可申请提取住房公积金。",政策,"公积金,提取",\n'
        "居住证,持身份证到派出所办理。,,,居住证怎么办？\n"
    )
    policy, faq = read_csv(text, source="kb.csv")

    assert policy == ArticleDraft(
        title="住房公积金提取",
        body="购房、退休可申请提取住房公积金。",
        kind="policy",
        source="kb.csv",
        source_ref="2",
        tags=("公积金", "提取"),
    )
    assert (faq.kind, faq.question) == ("faq", "居住证怎么办？")


def test_csv_accepts_content_or_answer_and_chinese_column_names(tmp_path: Path) -> None:
    path = tmp_path / "问答.csv"
    path.write_text("\ufeff标题,答案,标签\n垃圾分类,厨余垃圾投放到绿色桶。,垃圾分类\n", encoding="utf-8")

    [article] = read_csv(path)

    assert (article.title, article.body, article.source) == ("垃圾分类", "厨余垃圾投放到绿色桶。", "问答.csv")


def test_csv_without_a_body_column_is_an_error_naming_the_column() -> None:
    with pytest.raises(ValueError, match="missing column 'body'.*columns are: title, tags"):
        read_csv("title,tags\n公积金,公积金\n", source="kb.csv")


def test_csv_row_without_a_body_is_an_error_naming_its_line() -> None:
    with pytest.raises(ValueError, match="kb.csv: row at line 3: the 'content' column is empty"):
        read_csv("title,content\n公积金,可以提取。\n居住证,\n", source="kb.csv")


def test_csv_row_with_an_unknown_kind_is_an_error_naming_its_line() -> None:
    with pytest.raises(ValueError, match="line 2: unknown kind '公告'"):
        read_csv("title,body,kind\n停水,明天停水。,公告\n")


def test_replies_are_cleaned_and_exact_repeats_dropped(tmp_path: Path) -> None:
    path = tmp_path / "replies.csv"
    path.write_text(
        "message_id,user,title,detail,posted_at,reply,replied_at\n"
        '11,U1,小区路灯不亮,"\t我们小区的路灯坏了一个月[政府发文]",2019/1/1,"  您好！路灯已修复。",2019/1/5\n'
        '12,U1,小区路灯不亮,"\t我们小区的路灯坏了一个月[政府发文]",2019/1/2,"  您好！路灯已修复。",2019/1/5\n'
        "13,U2,楼下烧烤油烟大,油烟直冲窗户,2019/1/3,您好！路灯已修复。,2019/1/6\n",
        encoding="utf-8",
    )
    first, other = replies_articles(path)

    assert first == ArticleDraft(
        title="小区路灯不亮",
        body="您好！路灯已修复。",
        kind="reply",
        source="replies.csv",
        source_ref="11",
        question="小区路灯不亮\n我们小区的路灯坏了一个月",
        dated=date(2019, 1, 5),  # the day of the reply
    )
    assert other.source_ref == "13"  # the same reply to another message is another case
