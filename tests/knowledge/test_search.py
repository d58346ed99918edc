"""Searching the knowledge base in Chinese: the right article first, the query's words marked, HTML escaped,
one passage per article unless asked, nothing for nothing; and past replies found from citizens' messages."""

from __future__ import annotations

import pickle

import pytest
from django.conf import settings

from knowledge.passages import split_passages
from knowledge.search import SearchIndex, extra_text_of

# (key, title, question, body): policies, procedures and an FAQ written for these tests.
ARTICLES = (
    (
        "housing-fund",
        "住房公积金提取",
        "",
        "职工购买、建造、翻建、大修自住住房的，可以申请提取本人住房公积金账户内的存储余额。"
        "离休、退休或者完全丧失劳动能力并与单位终止劳动关系的，可以一次性提取全部余额。"
        "提取时须携带本人身份证、银行卡和相关证明材料，到公积金管理中心服务网点办理。",
    ),
    (
        "residence-permit",
        "居住证办理",
        "",
        "非本市户籍人员在本市居住半年以上，符合有合法稳定就业、合法稳定住所、连续就读条件之一的，可以申领居住证。"
        "申领时携带本人身份证、近期照片和居住证明，到居住地派出所或社区服务站办理，15个工作日内领证。",
    ),
    (
        "noise",
        "噪音投诉处理流程",
        "",
        "市民反映噪音问题时，话务员应问清噪音来源、持续时间和具体地址。"
        "属于建筑施工噪音的，派发至住房城乡建设部门；属于工业噪音的，派发至生态环境部门。"
        "社会生活噪音由公安派出所或城管部门处理。"
        "夜间22时至次日6时的施工噪音，应标注为紧急工单。",
    ),
    (
        "heating-faq",
        "供暖常见问题",
        "家里暖气片不热，室温不到18度找谁？",
        "先联系所在小区的供热单位报修，供热单位应在24小时内上门检查；未解决的可拨打12345反映。",
    ),
    (
        "garbage",
        "生活垃圾分类投放",
        "",
        "居民应将生活垃圾分为厨余垃圾、可回收物、有害垃圾和其他垃圾，分别投放到对应颜色的收集容器。"
        "<b>大件垃圾</b>须预约收运，不得随意堆放在楼道。",
    ),
    (
        "estate",
        "景蓉华苑小区物业管理",
        "",
        "景蓉华苑小区停车收费标准由业主大会表决确定，业委会应公开表决结果。",
    ),
)


def build(max_chars: int = 300) -> SearchIndex:
    passages = [p for key, title, _, body in ARTICLES for p in split_passages(key, title, body, max_chars=max_chars)]
    extra = {key: extra_text_of(title, question) for key, title, question, _ in ARTICLES}
    return SearchIndex.build(passages, extra_text=extra)


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return build()


def test_asking_how_to_withdraw_the_housing_fund_finds_the_housing_fund_article_first(index: SearchIndex) -> None:
    hits = index.search("公积金怎么提取")

    assert hits[0].article_key == "housing-fund"
    assert "<mark>公积金</mark>" in hits[0].highlighted
    assert "<mark>提取</mark>" in hits[0].highlighted
    assert set(hits[0].matched) >= {"公积金", "提取"}
    assert all(hit.article_key != "housing-fund" for hit in hits[1:])


def test_each_article_answers_its_own_questions(index: SearchIndex) -> None:
    assert index.search("外地人怎么申领居住证")[0].article_key == "residence-permit"
    assert index.search("楼下工地夜里施工噪音扰民")[0].article_key == "noise"
    assert index.search("大件垃圾怎么处理")[0].article_key == "garbage"


def test_a_word_only_in_an_faqs_question_finds_it(index: SearchIndex) -> None:
    [hit] = index.search("暖气片")

    assert hit.article_key == "heating-faq"
    assert "暖气片" in hit.matched
    assert "<mark>" not in hit.highlighted  # the word is in the question, not in the passage


def test_a_name_the_dictionary_does_not_know_is_found_by_its_characters(index: SearchIndex) -> None:
    hit = index.search("景蓉华苑停车收费")[0]

    assert hit.article_key == "estate"
    assert "景蓉华苑" in hit.highlighted.replace("<mark>", "").replace("</mark>", "")
    assert "<mark>景蓉</mark>" in hit.highlighted


def test_html_in_a_passage_is_escaped_in_the_highlighted_text(index: SearchIndex) -> None:
    hit = index.search("大件垃圾")[0]

    assert "<b>" not in hit.highlighted
    assert "&lt;b&gt;" in hit.highlighted
    assert hit.text.count("<b>") == 1  # the plain text is as stored


def test_only_per_article_passages_of_one_article_are_returned() -> None:
    index = build(max_chars=60)  # the housing fund article is now three passages

    one = index.search("提取住房公积金", limit=5, per_article=1)
    two = index.search("提取住房公积金", limit=5, per_article=2)

    assert [h.article_key for h in one].count("housing-fund") == 1
    assert [h.article_key for h in two].count("housing-fund") == 2
    assert len({h.key for h in two}) == len(two)
    assert [h.score for h in two] == sorted((h.score for h in two), reverse=True)


def test_limit_caps_the_number_of_hits(index: SearchIndex) -> None:
    assert len(index.search("办理", limit=2)) == 2


def test_an_empty_query_or_one_of_stop_words_or_unknown_words_finds_nothing(index: SearchIndex) -> None:
    assert index.search("") == []
    assert index.search("   ") == []
    assert index.search("的了吗") == []
    assert index.search("量子计算机") == []
    assert index.search("讲个笑话") == []
    assert index.search("What is the capital of France?") == []


def test_an_empty_index_finds_nothing() -> None:
    empty = SearchIndex.build([])

    assert len(empty) == 0
    assert empty.search("公积金") == []


def test_the_index_counts_its_passages_and_rejects_repeated_keys(index: SearchIndex) -> None:
    assert len(index) == len(ARTICLES)
    passages = split_passages("a", "", "第一句。") * 2
    with pytest.raises(ValueError, match="'a:0' is repeated"):
        SearchIndex.build(passages)


def test_a_pickled_index_finds_the_same(index: SearchIndex) -> None:
    copy = pickle.loads(pickle.dumps(index))

    assert copy.search("居住证") == index.search("居住证")


def test_past_replies_are_found_from_the_citizens_messages_they_answer() -> None:
    if not (settings.HOTLINE["DATASETS_DIR"] / "teddy2020c" / "replies.csv").is_file():
        pytest.skip("the teddy2020c data set is not in HOTLINE_DATASETS_DIR (../shared/datasets)")
    from bench.bench_knowledge import SAMPLE_SEED, held_out_retrieval

    figures = held_out_retrieval(sample_size=100, seed=SAMPLE_SEED)

    # See bench/bench_knowledge.py: about one reply in six is a form letter ("留言已收悉") that shares no
    # words with its message, which puts 0.85 out of reach for any search by words.
    assert figures["top5"] >= 0.6
    assert figures["held_out_with_replies_of_80_chars_or_more"]["top5"] >= 0.7


@pytest.fixture(scope="module")
def past_cases() -> SearchIndex:
    if not (settings.HOTLINE["DATASETS_DIR"] / "teddy2020c" / "replies.csv").is_file():
        pytest.skip("the teddy2020c data set is not in HOTLINE_DATASETS_DIR (../shared/datasets)")
    from bench.bench_knowledge import build_index, keyed, stored_replies

    return build_index(keyed(stored_replies()))


@pytest.mark.parametrize(
    "question",
    ["讲个笑话", "法国的首都是哪里", "量子计算机的原理是什么", "明天股票会涨吗", "What is the capital of France?"],
)
def test_a_question_off_the_knowledge_bases_subject_finds_nothing_among_thousands_of_past_cases(
    past_cases: SearchIndex, question: str
) -> None:
    assert past_cases.search(question) == []


def test_a_short_appeal_finds_past_cases_of_its_problem_among_thousands(past_cases: SearchIndex) -> None:
    hits = past_cases.search("小区门口路灯坏了", limit=3)

    assert len(hits) == 3
    assert all("路灯" in hit.matched for hit in hits)


def test_the_floor_can_be_switched_off_to_see_what_it_holds_back(past_cases: SearchIndex) -> None:
    assert past_cases.search("明天股票会涨吗", floor=False)  # a case mentions 股票 in passing


@pytest.mark.parametrize("courtesy", ["谢谢你，辛苦了", "祝你新年快乐", "谢谢，祝你们节日快乐"])
def test_a_courtesy_alone_finds_nothing_though_past_cases_use_its_words(past_cases: SearchIndex, courtesy: str) -> None:
    assert past_cases.search(courtesy, floor=False)  # 辛苦, 新年快乐 are in some messages and replies
    assert past_cases.search(courtesy) == []


def test_an_appeal_ending_with_thanks_still_finds_its_problem(past_cases: SearchIndex) -> None:
    hits = past_cases.search("小区门口路灯坏了，谢谢，辛苦了", limit=3)

    assert len(hits) == 3
    assert all("路灯" in hit.matched for hit in hits)


def test_a_case_of_the_same_problem_elsewhere_ranks_above_other_problems_of_the_same_estate(
    past_cases: SearchIndex,
) -> None:
    # Lexically, a bus route and dogs at 旭辉御府 share more rare pairs with the query than a lift elsewhere;
    # the topics (LSA) of the best ten bring a lift case to the top.
    hits = past_cases.search("旭辉御府小区电梯经常困人", limit=3)

    assert "电梯" in hits[0].matched
