"""Request type, urgency and emotion come from transparent cue lexicons and are right on realistic sentences,
including negated, past and hypothetical ones. Every sentence here is written for these tests."""

from __future__ import annotations

import pytest

from triage.intent import EmotionGuess, callback_requested, emotion, repeat_call, request_type, urgency
from triage.types import FieldGuess

# Each value with the sentences that must get it; the tricky ones (negation, rhetorical questions, thanks that
# are only politeness, dangers that are past or hypothetical) are mixed in with the plain ones.
REQUEST_TYPE_CASES: dict[str, tuple[str, ...]] = {
    "complaint": (
        "我要投诉小区物业，电梯坏了半个月都没人修。",
        "楼下烧烤店每天营业到凌晨两点，油烟和噪音严重扰民。",
        "驾校收了学费却一直不安排练车，教练态度恶劣。",
        "社区工作人员推诿扯皮，办个证明跑了五趟都没办下来。",
        "菜市场门口占道经营严重，早上根本过不去车。",
        "这家培训机构拒不退费，还说是我们自己违约。",
        "医院收费不合理，同样的检查收了两次钱。",
        "楼上装修天天早上七点就开始砸墙，严重影响休息。",
        "公交车司机不等乘客坐稳就猛开，老人差点摔倒，服务太差。",
        "工地天天夜间施工，难道就没有人管吗？",
        "虽然感谢你们上次的回复，但问题至今没有解决，物业还是乱收费。",
        "这不是咨询，我是要正式投诉街道办不作为。",
    ),
    "report": (
        "举报某砖厂夜间偷排废水到河里。",
        "实名举报我们村支书贪污扶贫款。",
        "我要举报菜市场后面一家无证经营的黑诊所。",
        "检举某建材公司偷税漏税，长期虚开发票。",
        "举报小区对面的麻将馆聚众赌博，每晚都有几十人。",
        "这家餐馆用地沟油炒菜，我要举报，请相关部门查处。",
        "揭发某局长利用职权为亲戚承揽工程，以权谋私。",
        "举报某酒店涉黄，有人在里面卖淫嫖娼。",
        "有人在河道里非法采砂，严重违法，特此举报。",
        "举报一家养猪场无证经营，粪便直接排进水渠。",
        "我想举报一个传销窝点，他们骗了好多老人。",
    ),
    "help": (
        "求助：我母亲瘫痪在床，家里没钱请护工，请帮帮我们。",
        "我被反锁在门外进不去了，孩子还一个人在屋里，请帮忙！",
        "老人在路边摔倒了起不来，请求帮助。",
        "工资被拖欠半年，家里生活困难，实在没办法了，请帮帮我。",
        "我是外地来打工的，钱包和身份证都丢了，无法回家，请帮忙。",
        "家里好几天没米下锅了，孩子没人管，求求你们帮帮我们。",
        "我父亲患尿毒症需要长期透析，看不起病，请求政府救助。",
        "我腿脚不便，家里水管坏了，能否帮忙找个师傅来修？",
        "孩子被困在电梯里了，求救！",
        "我们村的水井干了，全村吃水困难，请帮忙解决。",
        "我是残疾人，无法自己去办理手续，请帮忙安排上门服务。",
        "麻烦你们帮忙联系一下房东，先谢谢了。",
    ),
    "consult": (
        "请问新生儿医保在哪里办理？",
        "咨询一下公积金提取需要哪些材料。",
        "想了解一下今年小学入学的划片范围。",
        "居住证过期了还能补办吗？",
        "我不是投诉，只是想问一下垃圾清运费的收费标准是什么。",
        "退休人员的养老金每年什么时候调整？",
        "办理营业执照需要什么手续？",
        "请问失业金怎么申请，需要带什么证件？",
        "外地户口的孩子能否在本地参加中考？",
        "我想咨询下残疾证的办理流程。",
        "电动车上牌去哪里办？",
        "我不是要举报谁，只是想问问开餐馆需要办什么证。",
    ),
    "suggestion": (
        "建议在学校门口增设一个红绿灯。",
        "提个建议：公园里能不能多放一些垃圾桶。",
        "建议延长地铁末班车时间，方便晚下班的市民。",
        "希望能在小区附近多建几个充电桩，建议有关部门考虑。",
        "我有一个建议，政务大厅周末也开放半天。",
        "呼吁在老旧小区加装电梯，方便老人上下楼。",
        "建议公交公司增开早高峰班次。",
        "能否考虑在河边步道安装路灯？",
        "建议把菜市场周边的临时摊位规范成便民市场。",
        "为了方便市民，建议12345热线开通微信办理渠道。",
        "倡议全市推广垃圾分类积分奖励。",
    ),
    "praise": (
        "感谢派出所李警官帮我找回了丢失的钱包，特此表扬！",
        "我要表扬环卫工人张师傅，每天把街道打扫得干干净净。",
        "为社区王书记点赞，疫情期间天天给独居老人送菜。",
        "非常感谢市人民医院急诊科的医生护士，及时救治了我父亲。",
        "给12345热线点赞，反映的问题三天就解决了。",
        "感谢供电局的师傅冒雨抢修，很快就恢复了供电。",
        "特向交警大队赠送锦旗，感谢他们帮我们找到走失的老人。",
        "物业的维修师傅耐心负责，半夜帮我们修好了水管，值得表扬。",
        "写这封感谢信，感谢街道办的工作人员帮我办好了低保。",
        "老师们认真负责，孩子进步很大，给学校点赞。",
        "感谢[NAME]师傅热心帮助，我们全家都很满意。",
    ),
}

POLITE_BUT_NOT_PRAISE = (
    "路灯坏了好几天了，请尽快维修，谢谢。",
    "感谢您的回复，但问题还是没有解决，太失望了。",
    "麻烦尽快处理一下，非常感谢！",
)

URGENCY_CASES: dict[str, tuple[str, ...]] = {
    "emergency": (
        "我家厨房有很浓的煤气味，可能是燃气泄漏了，请马上派人来！",
        "楼下饭店着火了，浓烟往楼上冒，快来人！",
        "小区配电箱冒烟了，还有火花。",
        "暴雨后水已经漫进一楼住户家里了。",
        "我和孩子被困在电梯里，电梯不动了。",
        "有人在小区门口持刀伤人！",
        "隔壁男的在家暴老婆，一直在喊救命。",
        "工地的围墙倒塌了，压住了一个路人。",
        "路边一根电线断了掉在地上，还在冒火花。",
        "我八岁的儿子放学后走丢了，到现在还没找到。",
        "我爸有老年痴呆，今天早上出门后失踪了，联系不上。",
        "有个工人在工地触电了，现在昏迷不醒。",
        "化工厂刚才发生爆炸，周围居民都闻到刺鼻的气味。",
        "河边有人落水了，快来救人！",
        "有人站在楼顶要跳楼，情绪很激动。",
        "天然气管道被挖断了，气一直往外泄漏。",
    ),
    "urgent": (
        "我们小区已经停水三天了，几百户居民生活受影响。",
        "整栋楼停电一整天了，家里还有老人需要用制氧机。",
        "现在是十二月，家里还没有暖气，老人孩子都冻病了。",
        "学校门口的井盖丢失了，孩子上学很危险。",
        "路面塌陷出现一个大坑，车辆随时可能掉进去。",
        "我们住的是危房，墙体开裂越来越严重。",
        "我母亲是糖尿病患者，医院断药了，急需用药。",
        "小学旁边的工地存在重大安全隐患，脚手架摇摇欲坠。",
        "楼道里的电线漏电，碰一下就麻。",
        "暴雨后小区内涝严重，车库里积水很深。",
        "供暖公司说管道坏了，已经一个星期没供暖。",
        "村里停电好几天了，一直没有人来修。",
    ),
    "normal": (
        "家里没有着火，是邻居在楼下烧纸，烟飘进来了。",
        "去年我们小区着火过一次，希望加强消防检查。",
        "万一燃气泄漏了怎么办？想咨询一下报警器怎么安装。",
        "以前小区电梯困过人，现在已经换了新电梯。",
        "请问燃气公司的报修电话是多少？",
        "小区路灯坏了好几天了，晚上出门不方便。",
        "上个月停电了两个小时，现在已经恢复了。",
        "我想了解一下消防演练时模拟着火的流程。",
        "楼上邻居装修噪音太大，影响休息。",
        "建议在小区多安装几个灭火器，防止发生火灾。",
        "2018年这里发生过一起坍塌事故，现在已经重建了。",
        "燃气没有泄漏，但是这个月燃气费比以前贵了很多。",
        "我没有闻到煤气味，只是燃气表走得特别快。",
        "公司拖欠工资三个月了，希望劳动监察部门处理。",
    ),
}

DANGERS_THAT_ARE_NOT_HAPPENING_NOW = (
    "楼道里堆满杂物，万一着火后果不堪设想。",
    "电动车在楼道里充电，很容易起火，希望物业管一管。",
    "这栋老楼随时可能倒塌，希望尽快鉴定。",
    "医院里打人事件频发，医护人员没有安全感。",
)

EMOTION_CASES: dict[str, tuple[str, ...]] = {
    "calm": (
        "请问社保卡丢了怎么补办？",
        "建议在公园增加一些长椅。",
        "小区门口的路灯坏了，麻烦安排人修一下。",
        "咨询一下孩子上学需要准备哪些材料。",
        "感谢社区工作人员的热心帮助。",
        "我想了解一下公租房的申请条件。",
        "我家附近的垃圾桶满了，请安排清运。",
        "请问办理护照需要多长时间？",
    ),
    "dissatisfied": (
        "这个问题我已经多次反映，至今没有任何答复，很失望。",
        "物业和社区互相推诿，一直没人管。",
        "噪音问题反映了半年都没有下文，真的很无奈。",
        "窗口工作人员敷衍了事，我对处理结果很不满意。",
        "每次打电话都说在处理，结果还是没有解决，太让人失望了。",
        "部门之间踢皮球，我们老百姓苦不堪言。",
        "投诉多次无果，希望上级部门督办。",
        "一拖再拖，到底什么时候才能修好？",
    ),
    "angry": (
        "你们这些人简直欺人太甚！！！",
        "物业太过分了，停水不通知还骂业主，我非常气愤！",
        "忍无可忍了，开发商就是一群骗子，我要投诉到底！",
        "这种黑心商家必须曝光！凭什么欺负老百姓？？？",
        "岂有此理，城管把我的摊子砸了还打人！",
        "再不处理我就找媒体曝光，绝不罢休！",
        "这帮混蛋半夜施工，吵得全楼人睡不着，太可恶了！",
        "我对这种无法无天的行为感到非常愤怒。",
    ),
    "distressed": (
        "我已经走投无路了，求求你们帮帮我。",
        "孩子生病没钱看病，我们全家都快活不下去了。",
        "老公去世后我一个人带两个孩子，真的撑不下去了。",
        "我母亲瘫痪在床，家里没人照顾，我每天以泪洗面。",
        "房子被强拆了，我们现在无家可归，只能露宿街头。",
        "我的孩子走丢了，我心急如焚，救救我的孩子！",
        "欠了一身债，工资一年没发，我真的绝望了。",
        "老人独自在家，孩子没人管，我在外地干着急。",
    ),
}


def _cases(table: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    return [(value, sentence) for value, sentences in table.items() for sentence in sentences]


def _ids(cases: list[tuple[str, str]]) -> list[str]:
    return [f"{value}: {sentence}" for value, sentence in cases]


def _shown(guess: FieldGuess) -> str:
    return ", ".join(f"{c.value} {c.confidence:.2f} {list(c.evidence)}" for c in guess.ranked)


def _assert_well_formed(guess: FieldGuess) -> None:
    assert 1 <= len(guess.ranked) <= 3
    assert sum(c.confidence for c in guess.ranked) <= 1.0
    assert [c.confidence for c in guess.ranked] == sorted((c.confidence for c in guess.ranked), reverse=True)
    assert (guess.value, guess.confidence, guess.evidence) == (
        guess.ranked[0].value,
        guess.ranked[0].confidence,
        guess.ranked[0].evidence,
    )


def test_the_test_sets_are_big_enough_to_mean_something() -> None:
    assert all(len(sentences) >= 10 for sentences in REQUEST_TYPE_CASES.values())
    assert len(_cases(REQUEST_TYPE_CASES)) >= 60
    assert len(_cases(URGENCY_CASES)) + len(DANGERS_THAT_ARE_NOT_HAPPENING_NOW) >= 40
    assert len(_cases(EMOTION_CASES)) >= 30


# --------------------------------------------------------------------------------------------- request type

REQUEST_TYPES = _cases(REQUEST_TYPE_CASES)


@pytest.mark.parametrize(("expected", "sentence"), REQUEST_TYPES, ids=_ids(REQUEST_TYPES))
def test_the_request_type_is_recognised(expected: str, sentence: str) -> None:
    guess = request_type(sentence)
    assert guess.value == expected, f"{sentence!r} was taken for: {_shown(guess)}"
    _assert_well_formed(guess)


@pytest.mark.parametrize("sentence", POLITE_BUT_NOT_PRAISE, ids=list(POLITE_BUT_NOT_PRAISE))
def test_a_closing_thank_you_is_not_praise(sentence: str) -> None:
    guess = request_type(sentence)
    assert guess.value != "praise", f"{sentence!r} was taken for: {_shown(guess)}"


def test_a_negated_type_word_does_not_count_and_the_cue_words_are_the_evidence() -> None:
    guess = request_type("我不是投诉，只是想咨询一下公积金怎么提取？")
    assert guess.value == "consult"
    assert "咨询" in guess.evidence and "投诉" not in guess.evidence
    complaint = next((c for c in guess.ranked if c.value == "complaint"), None)
    assert complaint is None or "投诉" not in complaint.evidence


def test_a_type_word_at_the_start_weighs_more_than_the_same_word_later() -> None:
    opening = request_type("建议：小区门口的垃圾站经常满溢，能否增加清运次数？")
    later = request_type("小区门口的垃圾站经常满溢，能否增加清运次数？这是我的建议。")
    assert opening.value == "suggestion"
    assert opening.confidence > next(c.confidence for c in later.ranked if c.value == "suggestion")


def test_a_rhetorical_question_is_a_complaint_and_a_real_one_a_consultation() -> None:
    assert request_type("小区的路灯坏了一个月，难道就没人管吗？").value == "complaint"
    assert request_type("小区的路灯坏了找哪个部门报修呢？").value == "consult"


def test_a_wrongdoing_without_the_word_report_leans_towards_a_report_but_an_explicit_complaint_wins() -> None:
    assert request_type("附近有一家黑作坊无证生产辣条。").value == "report"
    assert request_type("我要投诉这家餐馆无证经营，卫生也很差。").value == "complaint"


def test_privacy_placeholders_do_not_disturb_the_cues() -> None:
    guess = request_type("我是[NAME]，电话[MOBILE]，我要投诉[ADDRESS]的烧烤店油烟扰民。")
    assert guess.value == "complaint" and "投诉" in guess.evidence


def test_a_text_without_cues_is_a_complaint_with_a_low_confidence() -> None:
    for text in ("", "小区门口那条路。"):
        guess = request_type(text)
        assert guess.value == "complaint" and guess.confidence < 0.4 and guess.evidence == ()
        _assert_well_formed(guess)


# -------------------------------------------------------------------------------------------------- urgency

URGENCIES = _cases(URGENCY_CASES)


@pytest.mark.parametrize(("expected", "sentence"), URGENCIES, ids=_ids(URGENCIES))
def test_the_urgency_is_recognised(expected: str, sentence: str) -> None:
    guess = urgency(sentence)
    assert guess.value == expected, f"{sentence!r} was taken for: {_shown(guess)}"
    _assert_well_formed(guess)


@pytest.mark.parametrize("sentence", DANGERS_THAT_ARE_NOT_HAPPENING_NOW, ids=list(DANGERS_THAT_ARE_NOT_HAPPENING_NOW))
def test_a_danger_that_may_happen_or_keeps_happening_is_not_an_emergency(sentence: str) -> None:
    guess = urgency(sentence)
    assert guess.value != "emergency", f"{sentence!r} was taken for: {_shown(guess)}"


def test_an_emergency_names_the_danger_and_the_marker_that_it_is_happening_now() -> None:
    guess = urgency("楼下饭店着火了，浓烟往楼上冒，快来人！")
    assert guess.value == "emergency" and guess.confidence > 0.8
    assert "着火" in guess.evidence and "快来人" in guess.evidence


def test_the_same_danger_is_an_emergency_now_but_not_last_year_nor_if_it_happened() -> None:
    assert urgency("小区3栋着火了").value == "emergency"
    assert urgency("去年小区3栋着火了").value != "emergency"
    assert urgency("小区3栋要是着火了怎么办").value != "emergency"
    assert urgency("小区3栋没有着火").value != "emergency"


def test_an_outage_becomes_urgent_when_it_is_long_or_wide() -> None:
    assert urgency("今天上午小区停水，请问什么时候来水？").value == "normal"
    assert urgency("小区停水三天了，还没有来水。").value == "urgent"
    assert urgency("整个小区都停水了，还没有来水。").value == "urgent"


def test_a_hazard_near_a_school_is_more_urgent_than_the_same_hazard_elsewhere() -> None:
    elsewhere = urgency("这里的围墙有安全隐患，请派人看看。")
    school = urgency("小学门口的围墙有安全隐患，请派人看看。")
    assert school.value == "urgent" and elsewhere.value == "normal"


def test_a_long_letter_that_narrates_a_fight_is_not_an_emergency_unless_it_says_it_is_happening_now() -> None:
    letter = "尊敬的领导：" + "我们小区的物业管理一直很混乱，停车收费也不透明，业主多次反映没有结果。" * 6
    assert urgency(letter + "保安和业主在门口打架，物业也不管。").value != "emergency"
    assert urgency(letter + "保安和业主现在正在门口打架，快来人！").value == "emergency"


# -------------------------------------------------------------------------------------------------- emotion

EMOTIONS = _cases(EMOTION_CASES)


@pytest.mark.parametrize(("expected", "sentence"), EMOTIONS, ids=_ids(EMOTIONS))
def test_the_emotion_is_recognised_and_angry_or_distressed_callers_get_priority(expected: str, sentence: str) -> None:
    result = emotion(sentence)
    assert isinstance(result, EmotionGuess)
    assert result.guess.value == expected, f"{sentence!r} was taken for: {_shown(result.guess)}"
    assert result.priority == (expected in {"angry", "distressed"})
    _assert_well_formed(result.guess)


def test_exclamation_marks_make_anger_stronger() -> None:
    plain = emotion("物业太过分了，停车费一年涨了三次。")
    loud = emotion("物业太过分了！！！停车费一年涨了三次！！！")
    assert plain.guess.value == loud.guess.value == "angry"
    assert loud.guess.confidence > plain.guess.confidence


def test_saying_it_again_makes_the_feeling_stronger() -> None:
    once = emotion("处理结果让人失望。")
    again = emotion("处理结果让人失望，真的很失望，非常失望。")
    assert once.guess.value == again.guess.value == "dissatisfied"
    assert again.guess.confidence > once.guess.confidence


def test_exclamation_marks_alone_raise_displeasure_but_do_not_make_a_caller_angry() -> None:
    plain = emotion("小区门口的路灯又坏了。")
    loud = emotion("小区门口的路灯又坏了！！！！")
    assert loud.guess.value in {"calm", "dissatisfied"} and not loud.priority

    def dissatisfied(result: EmotionGuess) -> float:
        return next((c.confidence for c in result.guess.ranked if c.value == "dissatisfied"), 0.0)

    assert dissatisfied(loud) > dissatisfied(plain)


def test_a_child_crying_next_door_is_not_the_caller_in_distress() -> None:
    assert emotion("隔壁家的孩子每天晚上哭闹到十二点，吵得我们没法休息。").guess.value != "distressed"


# ------------------------------------------------------------------------------------------ phone calls


def _caller(dialogue: str) -> str:
    """What the models read of a call: the caller's words and the operator's read-backs."""
    from triage.normalise import prepare

    prepared = prepare("坐席：您好，12345热线，请讲。\n" + dialogue.strip())
    assert prepared.is_transcript
    return prepared.model_text


CALL_BACK_REQUESTS = (
    "市民：你们查清楚了打我电话，我号码就是这个",
    "市民：处理完了麻烦给我回个电话，告诉我结果",
    "市民：有消息了回个电话给我，我白天都在店里",
    "市民：你让他们直接打给我，我跟他们说",
    "市民：这次一定要给我打个电话回来，上次就没人理\n坐席：好的，我复述一下，您要求核实后回电，对吧？",
)
NOT_CALL_BACK_REQUESTS = (
    "市民：有个陌生号码天天打我电话，一天七八个，都是推销的",
    "市民：物业每次都说会回电，结果从来没人打过来，我要投诉物业",
    "市民：我想问一下公积金怎么提取",
    "市民：你们回个邮件给我也行，我邮箱是[EMAIL]",
)


@pytest.mark.parametrize("dialogue", CALL_BACK_REQUESTS)
def test_a_caller_asking_to_be_called_back_is_flagged_and_is_not_in_distress(dialogue: str) -> None:
    text = _caller(dialogue)
    signal = callback_requested(text)
    assert signal and signal.evidence
    assert emotion(text).guess.value != "distressed", _shown(emotion(text).guess)


@pytest.mark.parametrize("dialogue", NOT_CALL_BACK_REQUESTS)
def test_calls_from_others_and_promised_call_backs_are_not_a_request_to_be_called_back(dialogue: str) -> None:
    assert not callback_requested(_caller(dialogue))


REPEAT_CALLS = (
    "市民：我第四次打你们这个电话了！宽带断了十天了",
    "市民：我上个月打过一次的，讲那个班车的事，到现在冇得回音",
    "市民：你好，我上次打过的，反映楼下烧烤油烟的问题",
    "市民：路灯的事我已经打了三次了，还是不亮",
    "市民：我又打来了，还是那个噪音的事\n坐席：我复述一下，您已多次反映工地夜间施工噪音，对吧？",
)
NOT_REPEAT_CALLS = (
    "市民：快递员电话我打了五六次，他就是不接",
    "市民：我打过电话给物业，物业说不归他们管",
    "市民：你好，我想咨询一下居住证怎么办",
)


@pytest.mark.parametrize("dialogue", REPEAT_CALLS)
def test_a_caller_who_called_before_is_a_repeat_call_and_more_dissatisfied(dialogue: str) -> None:
    text = _caller(dialogue)
    assert repeat_call(text)
    first_time = emotion(text)
    again = emotion(text, repeat=True)
    assert again.guess.value in {"dissatisfied", "angry"}

    def dissatisfied(result: EmotionGuess) -> float:
        return next((c.confidence for c in result.guess.ranked if c.value == "dissatisfied"), 0.0)

    assert dissatisfied(again) >= dissatisfied(first_time) or again.guess.value == "angry"


@pytest.mark.parametrize("dialogue", NOT_REPEAT_CALLS)
def test_calling_someone_else_several_times_is_not_a_repeat_call(dialogue: str) -> None:
    assert not repeat_call(_caller(dialogue))


def test_a_repeat_call_to_praise_is_not_dissatisfied() -> None:
    text = _caller("市民：我前天打过你们电话反映井盖的事，今天打来是想表扬一下市政，半个钟头就修好了")
    assert repeat_call(text)
    assert request_type(text).value == "praise"
    assert emotion(text, repeat=True).guess.value == "calm"


RHETORICAL_CALLS = (
    "市民：我第四次打了！宽带断了十天，你们到底管不管？",
    "市民：小区门口那个坑半年了，这还有没有人管？",
    "市民：工地天天半夜打桩，难道要等出了人命才管吗？",
    "市民：窗口让我跑了三趟，你一次讲清楚会死啊？",
    "市民：开发商欠了我们一年的钱，卖房子有钱，欠我们的就没钱？你讲有这个道理冇？",
)


@pytest.mark.parametrize("dialogue", RHETORICAL_CALLS)
def test_a_rhetorical_question_makes_a_complaint_not_a_consultation(dialogue: str) -> None:
    guess = request_type(_caller(dialogue))
    assert guess.value == "complaint", _shown(guess)


def test_a_question_mark_alone_never_turns_an_angry_call_into_a_consultation() -> None:
    angry = _caller(
        """市民：气死我了！物业把我的车锁了，停车费一年涨三次，凭什么？
坐席：您是说物业锁车并多次上调停车费是吧？
市民：对！这种物业谁管？"""
    )
    assert request_type(angry).value == "complaint"
    assert emotion(angry).guess.value == "angry"


def test_the_operators_read_back_question_is_not_a_consultation() -> None:
    text = _caller(
        """市民：出租车司机不打表，一口价六十，平时打表三十块
坐席：我复述一下，您今天乘坐出租车，司机拒绝打表并一口价收费六十元，您要求查处，是吗？
市民：对"""
    )
    assert request_type(text).value == "complaint"


def test_a_real_question_in_a_calm_call_is_still_a_consultation() -> None:
    text = _caller("市民：你好，我想问一下，小孩上户口要带什么东西？出生证明过了一个月还能办吗？")
    assert request_type(text).value == "consult"


def test_an_emergency_asks_for_a_rescue_or_reports_a_hazard_and_the_caller_is_distressed() -> None:
    trapped = _caller("市民：我妈被关在电梯里面一个多钟头了，我就是想问一下你们能不能快点派人")
    gas = _caller("市民：我想问一下，楼下小吃店煤气罐在漏气，嘶嘶的响，这个归哪个部门")
    assert request_type(trapped, emergency_kind="trapped").value == "help"
    assert request_type(gas, emergency_kind="gas").value == "report"
    assert request_type(gas).value == "consult"  # without the safety detector it reads like a question
    assert emotion(gas, emergency=True).guess.value == "distressed"
    assert emotion(gas, emergency=True).priority
