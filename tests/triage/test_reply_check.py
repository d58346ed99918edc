"""The reply check: an officer sees what is missing from a reply before it goes to the citizen."""

from __future__ import annotations

import numpy as np
import pytest
from django.conf import settings

from triage.reply_check import PARTS, ExplainsModel, ReplyChecker, find_parts

PARKING_APPEAL = (
    "海淀区清河街道美和园小区物业乱收停车费。物业公司从上个月起把地面停车费从每月150元涨到300元，"
    "没有召开业主大会，也没有公示收费依据，业主多次找物业质疑无人理会，请相关部门核查物业收费是否合规。"
    "联系电话[MOBILE]"
)
COMPLETE_REPLY = (
    "网友您好：您反映的美和园小区物业上调地面停车费的问题已收悉。经查，美和园小区物业公司自5月起将地面停车费由每月"
    "150元上调至300元，调价前未经业主大会表决，也未在小区公示。根据《北京市物业管理条例》第六十一条，调整物业服务"
    "收费标准应当经业主大会决定并公示，因此此次涨价不符合规定。清河街道已约谈物业公司负责人，责令其停止执行新标准。"
    "目前物业公司已恢复每月150元的收费标准，多收的停车费将于本月底前退还业主。如有疑问，请拨打街道物业办电话"
    "0000-00000000咨询。感谢您对我们工作的支持。"
)
REPLY_WITHOUT_RESULT = (
    "网友您好：您反映的美和园小区物业上调地面停车费的问题已收悉。经查，美和园小区物业公司自5月起将地面停车费由每月"
    "150元上调至300元，调价前未经业主大会表决。根据《北京市物业管理条例》第六十一条，调整收费标准应当经业主大会决定，"
    "因此此次涨价不符合规定。清河街道已约谈物业公司负责人，要求其依法依规重新制定停车收费方案。感谢您对我们工作的支持。"
)
NOISE_APPEAL = (
    "朝阳区望京西园三区旁边的工地天天夜间施工到凌晨两点，渣土车进进出出，噪音太大，老人孩子根本睡不着，"
    "希望有关部门管一管，禁止夜间施工。"
)
REFUSAL_WITHOUT_BASIS = "您好！您反映的望京西园三区旁工地夜间施工的问题已收悉。经研究，您的诉求不予支持。感谢您的来信。"
BOILERPLATE_REPLY = "您反映的问题已收悉，我们将认真研究。"


@pytest.fixture(scope="module")
def checker() -> ReplyChecker:
    return ReplyChecker.default()


def test_a_complete_reply_that_cites_the_regulation_is_good_with_no_advice(checker: ReplyChecker) -> None:
    check = checker.check(PARKING_APPEAL, COMPLETE_REPLY)

    assert check.verdict == "good"
    assert check.reasons == ()
    assert check.parts == dict.fromkeys(PARTS, True)
    assert check.completeness == 1.0
    assert check.relevance >= 0.8
    assert check.explains >= 0.9
    assert check.overall >= 0.9


def test_the_evidence_shows_the_phrases_that_made_each_part_present(checker: ReplyChecker) -> None:
    check = checker.check(PARKING_APPEAL, COMPLETE_REPLY)

    assert "网友您好：" in check.evidence["greeting"]
    assert "经查" in check.evidence["facts"]
    assert {"约谈", "责令"} <= set(check.evidence["action"])
    assert any("已恢复" in phrase for phrase in check.evidence["result"])
    assert "如有疑问" in check.evidence["closing"]
    assert "《北京市物业管理条例》" in check.evidence["basis"]
    assert "停车费" in check.evidence["addressed"]


def test_a_reply_that_does_not_say_whether_the_problem_was_solved_gets_the_result_advice(
    checker: ReplyChecker,
) -> None:
    check = checker.check(PARKING_APPEAL, REPLY_WITHOUT_RESULT)

    assert check.parts["result"] is False
    assert check.reasons == ("未说明办理结果：请写明问题是否已解决或何时解决。",)
    assert check.verdict == "needs_work"


def test_a_refusal_that_gives_no_basis_gets_the_explains_advice(checker: ReplyChecker) -> None:
    check = checker.check(NOISE_APPEAL, REFUSAL_WITHOUT_BASIS)

    assert check.explains < checker.explains_model.threshold
    assert "未说明结论的依据：请引用相关政策条款或调查事实。" in check.reasons
    assert check.verdict != "good"


def test_a_refusal_that_cites_its_basis_does_not_get_the_explains_advice(checker: ReplyChecker) -> None:
    reply = (
        "您好！您反映的望京西园三区旁工地夜间施工的问题已收悉。经查，该工地为地铁17号线配套工程，因混凝土浇筑须连续"
        "作业，已依据《北京市建设工程施工现场管理办法》第二十二条取得夜间施工许可，许可期至6月30日，因此暂不能停止"
        "夜间施工。区城管执法局已督促施工单位为渣土车加装降噪设施，每晚23时后停止进出场。目前工地已调整作业时间。"
        "感谢您的理解和支持。"
    )

    check = checker.check(NOISE_APPEAL, reply)

    assert check.explains >= checker.explains_model.threshold
    assert all("依据" not in reason for reason in check.reasons)


def test_an_off_topic_boilerplate_reply_gets_low_relevance_and_advice_naming_the_appeals_key_words(
    checker: ReplyChecker,
) -> None:
    check = checker.check(PARKING_APPEAL, BOILERPLATE_REPLY)

    assert check.relevance < 0.1
    assert check.verdict == "poor"
    [advice] = [reason for reason in check.reasons if reason.startswith("答复与诉求关联度低")]
    assert "停车费" in advice
    assert advice.endswith("，答复未回应。")


def test_echoing_the_appeal_in_the_opening_is_worth_less_than_answering_it(checker: ReplyChecker) -> None:
    echo = "您好！您反映的美和园小区物业乱收停车费的问题已收悉，我们将认真研究。"

    echoed = checker.check(PARKING_APPEAL, echo)
    answered = checker.check(PARKING_APPEAL, COMPLETE_REPLY)

    assert echoed.relevance < answered.relevance
    assert "停车费" not in echoed.evidence["addressed"]


def test_a_reply_to_another_appeal_is_less_relevant_than_the_right_one(checker: ReplyChecker) -> None:
    assert checker.check(NOISE_APPEAL, COMPLETE_REPLY).relevance < 0.25
    assert checker.check(PARKING_APPEAL, COMPLETE_REPLY).relevance > 0.75


@pytest.mark.parametrize("reply", ["", "   \n", "。。！"])
def test_an_empty_reply_is_poor_and_says_so(checker: ReplyChecker, reply: str) -> None:
    check = checker.check(PARKING_APPEAL, reply)

    assert check.verdict == "poor"
    assert check.overall == 0.0
    assert check.reasons == ("答复内容为空：请写明调查核实的情况、采取的措施和办理结果。",)
    assert not any(check.parts.values())


def test_an_empty_appeal_does_not_crash(checker: ReplyChecker) -> None:
    check = checker.check("", COMPLETE_REPLY)

    assert check.completeness == 1.0


def test_placeholders_and_masked_numbers_do_not_count_as_content(checker: ReplyChecker) -> None:
    check = checker.check(PARKING_APPEAL, "[MOBILE] 0000-00000000 0731-0000-00000000 *** [ID_CARD]")

    assert check.verdict == "poor"
    assert check.reasons[0].startswith("答复内容为空")


def test_a_masked_phone_number_shared_by_appeal_and_reply_is_not_relevance(checker: ReplyChecker) -> None:
    appeal = "反映0000-00000000这个号码天天骚扰，[MOBILE]也打过来，请处理。"

    check = checker.check(appeal, "请拨打0000-00000000咨询[MOBILE]。")

    assert check.evidence["addressed"] == ()
    assert all("0000" not in reason for reason in check.reasons)


def test_forwarding_the_order_to_another_office_is_not_an_action() -> None:
    parts = find_parts("您的留言已收悉。关于您反映的问题，已转市住建局调查处理，如有情况将及时反馈。")

    assert parts["action"] == ()
    assert parts["facts"] == ()


def test_the_explains_model_scores_the_same_after_a_round_trip_through_bytes(checker: ReplyChecker) -> None:
    model = checker.explains_model

    copy = ExplainsModel.from_bytes(model.to_bytes())

    for reply in (COMPLETE_REPLY, REPLY_WITHOUT_RESULT, BOILERPLATE_REPLY):
        assert copy.probability(reply) == pytest.approx(model.probability(reply), abs=1e-4)
    assert copy.threshold == model.threshold


def test_on_held_out_replies_the_explains_score_ranks_human_labels_with_roc_auc_of_at_least_0_95(
    checker: ReplyChecker,
) -> None:
    if not (settings.HOTLINE["DATASETS_DIR"] / "teddy2020c" / "replies.csv").is_file():
        pytest.skip("the teddy2020c data set is not in HOTLINE_DATASETS_DIR (../shared/datasets)")
    from sklearn.metrics import roc_auc_score

    from bench.train_reply_check import reply_rows

    held_out = [row for row in reply_rows() if row.split == "held_out"]
    truth = np.array([row.explains_a for row in held_out])
    scores = np.array([checker.explains(row.reply) for row in held_out])

    assert len(held_out) >= 400
    assert 0 < truth.sum() < len(truth)
    assert roc_auc_score(truth, scores) >= 0.95
