"""The safety detector finds a life or safety at risk now in a phone call, names its kind and the words that
triggered it, flags self-harm apart, and stays quiet on calls that only mention a danger (past, hypothetical,
negated, resolved, praised, asked about, exaggerated). Every dialogue here is written for these tests."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.safety_dev import TUNING_PARTS
from bench.safety_dev import cases as dev_cases
from triage import safety_model
from triage.normalise import prepare
from triage.safety import KINDS, SafetyAssessment, assess

HELLO = "坐席：您好，12345热线，请讲。\n"


def _call(dialogue: str, *, learned: bool = True) -> SafetyAssessment:
    """Assess a call as the pipeline does: the caller's words and the operator's read-backs."""
    prepared = prepare(HELLO + dialogue.strip())
    assert prepared.is_transcript
    return assess(prepared.model_text, call=True, learned=learned)


def _shown(result: SafetyAssessment) -> str:
    return f"{result.urgency.value} kind={result.kind} triggers={list(result.triggers)} {result.urgency.ranked}"


EMERGENCIES: dict[str, tuple[str, ...]] = {
    "gas": (
        """市民：喂，我家厨房好大一股煤气味，我老婆说不敢开灯，怎么搞啊
坐席：请您先打开窗户，不要开关电器。地址是哪里？
市民：A2区书院路，桂花苑三栋二楼""",
        """市民：你好，我们楼道里一股然气的味道，好冲，是不是哪家漏了
坐席：您是说楼道里有很浓的燃气味是吧？
市民：对对，二单元，我闻了一路上来越来越大""",
        """市民：那个，外面修路的挖机把燃气管子挖断了，一直在往外喷，呲呲的响
坐席：您现在离远一点，在哪条路上？
市民：劳动东路跟万家丽路那个路口""",
        """市民：隔壁小吃店的夜化气瓶子那里在漏气，老板不在，门关着
坐席：您是说液化气瓶漏气，店里没人是吧？
市民：是的，味道从门缝里出来""",
    ),
    "fire": (
        """市民：喂！对面楼烧起来了！五楼，火好大，窗户都炸开了
坐席：请问地址在哪里？
市民：A4区伍家岭，新村十二栋""",
        """市民：我们楼道里电动车充电着了，整个楼道都是烟，我们下不去
坐席：您在几楼？请用湿毛巾捂住口鼻，关上门。
市民：七楼，快点来人啊""",
        """市民：你好，那个山上起火了，烧到我们村边上来了
坐席：您是说山林起火，火已经烧到村子边上，对吧？
市民：对，风好大""",
    ),
    "flood": (
        """市民：我们这里屋里进水了，水已经齐腰了，我妈腿脚不方便
坐席：请您先往高处走，在哪里？
市民：A8县双江口镇，河边上那几户""",
        """市民：喂，河堤垮了一个口子，水冲进村里了
坐席：您是说河堤决口，洪水进村了是吧？
市民：对，好多人还在屋里""",
        """市民：地下车库水烟了，水还在涨，有个人在里面挪车还没出来
坐席：您是说地下车库被淹，还有人在里面是吧？
市民：是的，快点""",
    ),
    "trapped": (
        """市民：电梯卡在八楼和九楼中间，我儿子一个人在电梯里，喊都喊不应
坐席：小孩多大？电梯的紧急按钮按了吗？
市民：十岁，按了冇得反应""",
        """市民：我们工地上脚手架倒了，下面埋了两个工人
坐席：人还能说话吗？
市民：有一个在喊，另一个没声音了""",
        """市民：我被锁在那个公共厕所里面出不来了，门坏了，打不开
坐席：您在哪个公共厕所？
市民：烈士公园东门进来右手边那个""",
    ),
    "violence": (
        """市民：喂，隔壁两口子打得好凶，女的一直在喊救命
坐席：请问具体地址？
市民：A5区东塘，雅塘村，五栋三楼""",
        """市民：我老公喝了酒在打我，他拿着菜刀，我躲在厕所里
坐席：您先把门锁好，我们马上联系110。地址呢？
市民：A3区，望城坡，金星小区""",
        """市民：有人扬言要弄死我全家，他现在就在我家门口，拿着钢管在砸门
坐席：您是说有人持钢管在您家门口砸门，扬言要杀人是吧？
市民：对对，快点""",
    ),
    "self_harm": (
        """市民：……我就是想找个人说说，我站在江边上，我不想活了
坐席：我在听，您愿意跟我说说发生什么了吗？您在哪座桥附近？
市民：橘子洲大桥下面""",
        """市民：我儿子说要跳楼，现在一个人在阳台上，门反锁了，怎么喊都不开
坐席：您是说您儿子有轻生的想法，现在把自己锁在阳台上是吧？
市民：是的，他才十五岁""",
        """市民：我刚刚吃了一瓶安眠药，我就是想跟人说一声
坐席：您能告诉我您在哪里吗？我们马上请医生过来。
市民：我在家里，A6区金山桥""",
        """市民：我女朋友在微信上给我发了遗书一样的话，说活着没意思，电话也打不通了
坐席：她现在在哪里您知道吗？
市民：应该在她租的房子里，A1区朝阳街道""",
    ),
    "unresponsive_or_missing": (
        """市民：你好，我们楼上的老奶奶一个人住，好几天没出门了，门口的报纸堆了一堆
坐席：您敲过门吗？
市民：敲了半天门没人应，里面电视开着""",
        """市民：我女儿放学到现在还没回家，电话也打不通，平时五点就到家了
坐席：孩子多大？今天穿的什么衣服？
市民：九岁，穿校服，现在晚上八点了""",
        """市民：路边有个人倒在地上，叫他也没反应，好像没有呼吸了
坐席：您是说路边有人倒地、没有反应是吧？我们马上通知120。
市民：对，在芙蓉中路公交站""",
        """市民：我妈一个人住，从昨天晚上打她电话一直没人接，她有心脏病
坐席：您现在能过去看看吗？
市民：我在外地，赶不回去，求你们帮我找个人去看一下""",
    ),
    "road_collapse": (
        """市民：喂，韶山北路上有个井改不见了，一个大洞，晚上黑漆漆的，车子都是擦着边过去的
坐席：您是说韶山北路有一个井盖缺失是吧？
市民：对，就在公交站旁边""",
        """市民：马路上陷下去一个大坑，一台电动车掉进去了，人摔伤了
坐席：您是说路面塌陷，有电动车掉进去了是吧？
市民：对，在五一大道""",
        """市民：人行道上那个下水道没盖子了，刚才有个小孩差点踩进去
坐席：具体位置在哪里？
市民：实验小学门口往东二十米""",
    ),
    "live_wire": (
        """市民：你好，我们村口有根电线断了，一头掉在地上，还在冒火花
坐席：请您千万不要靠近，具体在哪个村？
市民：A9市金刚镇，石门村""",
        """市民：刚才雨好大，电线杆倒了，电线拖在马路上，有条狗被电死了
坐席：您是说电线杆倒了，电线落在路面上，有动物触电是吧？
市民：对，就在菜市场门口""",
        """市民：喂，高压线垂下来了，快挨到地面了，下面就是小孩玩的地方
坐席：您是说高压线下垂接近地面是吧？在哪里？
市民：东岸乡，东岸小学后面""",
    ),
    "locked_in_alone": (
        """市民：超市门口停车场，车里锁了个小孩，窗户都关着，没有大人
坐席：孩子多大？现在状态怎么样？
市民：一两岁的样子，在哭，脸都红了""",
        """市民：我把钥匙锁在车里了，我孩子还在车上，他才八个月，今天好热
坐席：您在哪里？我们马上联系开锁和119。
市民：火车南站的停车场""",
        """市民：我奶奶一个人在家，门从里面反锁了，她在里面说摔倒了起不来
坐席：老人多大年纪？地址是哪里？
市民：八十七了，A2区坡子街，老城区那个巷子""",
    ),
}

CALM_WITH_DANGER_WORDS: tuple[str, ...] = (
    # past
    """市民：你好，上个月我们楼下着过一次火，把我家的窗户熏黑了，我想问一下这个损失找谁赔
坐席：您是想咨询火灾后财产损失的赔偿是吧？
市民：对，现在就是想问这个""",
    """市民：去年发大水把我家一楼淹了，当时登记了补偿，补偿款到现在还没发
坐席：您是想了解去年水灾补偿款的发放进度是吧？
市民：是的""",
    # hypothetical and questions about safety rules
    """市民：我想问一下，万一家里燃气泄漏了，我们老人应该先做什么，打哪个电话
坐席：先关阀门、开窗，不要开关电器，到室外拨打燃气抢修电话。
市民：好的，那报警器要不要装""",
    """市民：我们楼道里堆满了纸箱子，万一着火了，后果不堪设想，物业也不管
坐席：您是反映楼道堆放杂物存在消防隐患是吧？
市民：对""",
    """市民：我想问一下学校有没有防溺水的安全教育，我们这边河多，担心孩子落水
坐席：好的，我帮您转教育部门。
市民：谢谢""",
    # negated
    """市民：你好，我家那个然气表用了十几年了，没有漏气，也没有闻到然气味，就是想换个新表
坐席：您是咨询更换燃气表是吧？
市民：对，冇漏，就是问一下""",
    """市民：我要说清楚啊，不是现在着火，是我们店子上个月着过一次火，现在火早就灭了，我想问保险的事
坐席：好的，您是咨询火灾后保险理赔是吧？
市民：对""",
    # reported and resolved
    """市民：我打电话是想表扬一下我们小区的保安，前天晚上有个老人在花园里晕倒了，保安马上打了120，120已经送医院了，现在人没事了
坐席：您是表扬保安及时施救是吧？
市民：对，给他发个奖""",
    """市民：我家小孩昨天下午放学没回家，我吓死了，后来七点多同学家长打电话来才晓得，人好好的，在同学屋里做作业
坐席：孩子没事就好。您是有什么建议吗？
市民：学校放学能不能跟家长说一声""",
    """市民：上个礼拜我妈被关在电梯里面半个钟头，后来消防来了才把她弄出来，现在人没事，就是电梯老坏
坐席：您是反映电梯经常故障是吧？
市民：对，要查一下维保公司""",
    """市民：两个礼拜前这条路塌了一块，后来封起来修了，现在坑早就填好了，围挡一直不拆，我想问什么时候通车
坐席：您是咨询道路恢复通行的时间是吧？
市民：对""",
    # praise
    """市民：我要表扬消防员，上个礼拜六我们隔壁楼着火了，他们五分钟就到了，把楼上的老人背下来了，火很快就扑灭了
坐席：您是表扬消防救援队伍是吧？
市民：对，他们辛苦了""",
    """市民：上次我打你们电话说井盖没了，结果不到半个钟头市政的人就来了，晚上就换了新的井盖，我想表扬一下
坐席：感谢您的表扬。
市民：给你们点个赞""",
    # exaggeration
    """市民：热死了，我们小区停电一整天了，物业也不给个说法，气死我了
坐席：您是反映小区长时间停电是吧？
市民：对，快点给我们恢复""",
    """市民：楼上那家天天晚上打麻将，吵得要命，真的吵死人了，我脑壳都要炸了
坐席：您是反映邻居夜间噪音扰民是吧？
市民：对""",
    """市民：这个快递又丢了，第三次了，我真的要被气死了，你们管不管
坐席：您是投诉快递丢件是吧？
市民：对""",
    # call me back
    """市民：你好，我反映的那个路灯的事，你们处理好了打我电话，我电话一直开着的
坐席：好的，处理结果会电话告知您。
市民：好，麻烦了""",
    """市民：我要投诉，有个号码天天打我电话推销贷款，一天打七八个，烦死了
坐席：您是投诉骚扰电话是吧？
市民：对""",
    # habitual nuisance, not a fire
    """市民：楼下烧烤店天天冒烟，油烟熏得我们窗户都不敢开
坐席：您是反映烧烤店油烟扰民是吧？
市民：对，每天晚上都这样""",
    # a fight that is over
    """市民：上次打架的事派出所已经处理了，我就是想问一下处理结果是什么
坐席：您是想了解派出所的处理结果是吧？
市民：对""",
    # a suicide threat that belongs to a price tag
    """市民：我投诉一个服装店，门口挂着跳楼价大甩卖，进去一看比平时还贵
坐席：您是投诉商家虚假促销是吧？
市民：对""",
    # a past accident, and the compensation still awaited
    """市民：去年我爸被车撞了倒在地上，到现在肇事的人还没赔钱
坐席：您是咨询交通事故赔偿的执行是吧？
市民：对""",
    # a worry about an old parent, not an emergency
    """市民：我爸一个人住，腿脚不好，我想问一下社区有没有上门照顾的服务
坐席：您是咨询居家养老上门服务是吧？
市民：对，他身体还可以，就是想有人隔几天去看一下""",
)

EMERGENCY_CASES = [(kind, dialogue) for kind, dialogues in EMERGENCIES.items() for dialogue in dialogues]


def test_every_kind_of_risk_has_several_dialogues_and_the_calm_ones_are_many() -> None:
    assert set(EMERGENCIES) == set(KINDS)
    assert all(len(dialogues) >= 3 for dialogues in EMERGENCIES.values())
    assert len(CALM_WITH_DANGER_WORDS) >= 20


@pytest.mark.parametrize(
    ("kind", "dialogue"), EMERGENCY_CASES, ids=[f"{k}-{i}" for i, (k, _) in enumerate(EMERGENCY_CASES)]
)
def test_a_life_at_risk_now_is_an_emergency_of_its_kind_with_the_words_that_triggered_it(
    kind: str, dialogue: str
) -> None:
    result = _call(dialogue)
    assert result.is_emergency, f"missed: {_shown(result)}\n{dialogue}"
    assert result.kind == kind, _shown(result)
    assert result.triggers and all(word in prepare(HELLO + dialogue).model_text for word in result.triggers)
    assert result.self_harm == (kind == "self_harm")
    assert result.urgency.confidence >= 0.75 and result.urgency.evidence[: len(result.triggers)] == result.triggers


@pytest.mark.parametrize(
    "dialogue", CALM_WITH_DANGER_WORDS, ids=[d.split("\n")[0][3:25] for d in CALM_WITH_DANGER_WORDS]
)
def test_a_call_that_only_mentions_a_danger_is_not_an_emergency(dialogue: str) -> None:
    result = _call(dialogue)
    assert not result.is_emergency, f"false emergency: {_shown(result)}\n{dialogue}"
    assert result.kind is None and not result.self_harm and result.triggers == ()


def test_self_harm_said_about_someone_else_is_self_harm_and_wins_over_the_other_risks() -> None:
    result = _call(
        """市民：我老婆说她不想活了，把自己关在卫生间里，还把煤气灶打开了，屋里一股煤气味
坐席：您先把窗户打开，不要开灯。您是说您妻子有轻生的想法，还打开了燃气是吧？
市民：对，门我撞不开"""
    )
    assert result.is_emergency and result.self_harm and result.kind == "self_harm"
    assert "不想活" in result.triggers and "轻生" in result.triggers
    assert any("煤气" in word for word in result.urgency.evidence)  # the gas is in the evidence too


def test_the_triggers_are_the_words_as_the_caller_said_them_asr_slips_included() -> None:
    result = _call(
        """市民：我们那个单元门口然气漏气了，好大的味
坐席：您是说单元门口燃气泄漏是吧？
市民：对"""
    )
    assert result.kind == "gas" and result.triggers[0] == "然气漏气"


def test_a_state_that_began_last_night_is_still_a_danger_but_an_event_that_happened_then_is_not() -> None:
    wire = _call("市民：我们店门口那根电线是昨天晚上刮大风吹断的，一头掉在地上，到现在还在那里，下雨了")
    fire = _call("市民：昨天晚上我们楼下着火了，我想问一下物业要不要赔")
    assert wire.is_emergency and wire.kind == "live_wire"
    assert not fire.is_emergency


def test_a_plea_for_help_lifts_a_weaker_mention_but_not_nothing() -> None:
    assert _call("市民：我爸一个人住，打他电话一直没人接，打了一上午了，求你们帮我找个人去看一下").is_emergency
    assert not _call("市民：求你们帮帮忙，我孩子读书的事学校不收").is_emergency


def test_without_a_risk_now_the_urgency_is_the_lexicons_without_emergency() -> None:
    result = _call("市民：上个月我们小区着火了，把电线烧坏了，到现在整个小区停电三天了，几百户没电")
    assert not result.is_emergency
    assert result.urgency.value == "urgent"
    assert all(c.value != "emergency" for c in result.urgency.ranked)


def test_a_web_message_states_its_emergency_in_its_opening_and_a_letter_that_narrates_one_is_not() -> None:
    assert assess("小区3栋着火了，浓烟很大，请马上派人来！").is_emergency
    letter = "尊敬的领导：" + "我们小区的物业管理一直很混乱，停车收费也不透明，业主多次反映没有结果。" * 5
    assert not assess(letter + "有一次保安和业主在门口打架，物业也不管。").is_emergency


def test_the_cheap_first_test_of_each_cue_never_hides_a_match(monkeypatch: pytest.MonkeyPatch) -> None:
    from triage import safety

    texts = [prepare(HELLO + d).model_text for _, d in EMERGENCY_CASES] + [
        prepare(HELLO + d).model_text for d in CALM_WITH_DANGER_WORDS
    ]
    anchored = sum(required is not None for cue in safety.CUES for required, _ in cue.parts)
    assert anchored == sum(len(cue.parts) for cue in safety.CUES)  # every alternative has its characters
    fast = [safety._mentions(text, call=True) for text in texts]
    monkeypatch.setattr(safety, "_UNANCHORED", tuple(range(len(safety._PARTS))))  # every alternative, every text
    assert [safety._mentions(text, call=True) for text in texts] == fast


# ------------------------------------------------------------------ the development set and the learned model


def test_every_development_case_tuned_on_is_judged_right_self_harm_flagged_as_such() -> None:
    """The tuning part of the development set (bench/data/safety_dev.md) is what the rules were written on:
    a change that loses one of its cases undoes what was learned from it."""
    wrong = []
    for case in (case for part in TUNING_PARTS for case in dev_cases(part)):
        result = _call(case.text.removeprefix(HELLO))
        if result.is_emergency != case.is_emergency or (case.kind == "self_harm") != result.self_harm:
            wrong.append(f"{case.id} {case.kind}/{case.tag}: {_shown(result)}\n{case.text}")
    assert not wrong, "\n\n".join(wrong)


def test_the_second_tuning_file_is_tuning_material_only_and_holds_whole_calls() -> None:
    second = dev_cases("dev_tune2")
    assert len(second) >= 500 and all(case.part == "dev_tune2" for case in second)
    assert {case.id for case in second}.isdisjoint(case.id for case in dev_cases("dev_test"))
    assert sum(case.text.count("\n坐席：") >= 1 for case in second) >= 100  # dialogues with the operator's turns
    assert Counter(case.kind for case in second)["self_harm"] >= 60


def test_the_development_set_has_every_kind_and_every_calm_reason_in_both_parts() -> None:
    for part in ("dev_tune", "dev_test"):
        found = dev_cases(part)
        kinds = Counter(case.kind for case in found if case.is_emergency)
        assert set(kinds) == set(KINDS) and min(kinds.values()) >= 8, (part, kinds)
        reasons = {case.tag for case in found if not case.is_emergency}
        assert {"past", "insurance", "drill", "hearsay", "figurative", "resolved", "praise", "rules"} <= reasons
    assert len(dev_cases()) >= 800
    assert {case.id for case in dev_cases("dev_tune")}.isdisjoint(case.id for case in dev_cases("dev_test"))


def test_a_danger_the_rules_have_no_words_for_is_found_by_the_learned_model_with_what_it_read() -> None:
    dialogue = "市民：有人在楼顶上往下扔砖头，刚砸到一辆车，下面还有人在走"
    assert not _call(dialogue, learned=False).is_emergency  # no cue of the rules
    result = _call(dialogue)
    assert result.is_emergency and result.kind in KINDS and not result.self_harm
    assert result.triggers and all(word in dialogue for word in result.triggers)


def test_danger_words_the_rules_set_aside_are_not_overruled_by_the_learned_model() -> None:
    dialogue = "市民：刚才打电话说我女儿不见了，现在找到了，她在楼下同学家，不好意思"
    model = safety_model.model()
    assert model is not None and model.read(prepare(HELLO + dialogue).model_text).risk >= 0.6  # alone it would
    assert not _call(dialogue).is_emergency


def test_the_learned_model_needs_a_word_of_self_harm_to_raise_its_protocol() -> None:
    result = _call("市民：我老婆吃了蘑菇以后一直吐，现在人都软了，叫她也只是哼哼")
    assert result.is_emergency and result.kind != "self_harm" and not result.self_harm


def test_web_messages_are_judged_by_the_rules_alone() -> None:
    letter = "我们小区楼顶的水箱锈穿了，水一直往下滴，楼道里都是水，电表箱就在下面，物业一直不管。"
    assert assess(letter) == assess(letter, learned=False)


def test_the_stored_model_reads_as_scikit_learn_fitted_it() -> None:
    """The pure-Python scorer gives the probabilities scikit-learn's vectoriser and regression give."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    found = sorted(dev_cases("dev_tune"), key=lambda case: case.id)[:150]  # emergencies and calm cases
    texts = [prepare(case.text).model_text for case in found]
    labels = [case.kind or safety_model.CALM for case in found]
    model = safety_model.train(texts, labels)
    vectoriser = TfidfVectorizer(
        analyzer="char", ngram_range=safety_model.NGRAMS, sublinear_tf=True, min_df=2, max_features=3000
    )
    matrix = vectoriser.fit_transform(texts)
    calm_share = labels.count(safety_model.CALM) / len(labels)
    weights = [0.5 / calm_share if label == safety_model.CALM else 0.5 / (1 - calm_share) for label in labels]
    fitted = LogisticRegression(C=safety_model.C, max_iter=5000).fit(matrix, labels, sample_weight=weights)
    calm = list(fitted.classes_).index(safety_model.CALM)
    expected = 1 - fitted.predict_proba(vectoriser.transform(texts[:40]))[:, calm]
    assert [round(model.read(text).risk, 2) for text in texts[:40]] == pytest.approx(list(expected), abs=0.01)


# ------------------------------------------------------------------ self-harm said indirectly, corrections, speech


@pytest.mark.parametrize(
    "dialogue",
    [
        # a plan and its means, said without the word
        "市民：我这半年的安眠药一颗都没吃，全攒在抽屉里了，今天晚上我想一次吃完，睡过去就好了",
        # a farewell
        "市民：我就是打电话说声谢谢，以后不会再给你们添麻烦了，我家的钥匙放在门口的地垫下面",
        # a conditional about one's own death, with a time
        "市民：我想问一下，要是我不在了，我名下那套房子是不是直接归我女儿，我今天晚上就想把这些弄清楚",
        # someone else, said by a friend
        "市民：我同学刚刚在宿舍群里发了一句“谢谢大家，再见了”，然后手机就关机了，她这段时间一直说活着没意思",
        # walking towards the water
        "市民：我舅舅喝了好多酒，嘴里一直念叨活着干什么，一个人往江边走了，我追不上他",
    ],
)
def test_self_harm_said_without_its_usual_words_gets_the_self_harm_flag_and_shows_why(dialogue: str) -> None:
    result = _call(dialogue)
    assert result.is_emergency and result.self_harm and result.kind == "self_harm", _shown(result)
    assert result.triggers and all(word in prepare(HELLO + dialogue).model_text for word in result.triggers)


def test_self_harm_words_said_in_anger_at_a_complaint_or_as_an_escalation_are_no_emergency() -> None:
    for dialogue in (
        "市民：这是我最后一次打电话给你们了，你们再不处理，我就去信访局，我们楼下的垃圾一个礼拜没人收了",
        "市民：我儿子说不想活了\n坐席：您儿子有轻生的念头吗？\n市民：哎不是不是，他是开玩笑的，作业太多他抱怨一下，我是想投诉学校布置作业太多",
        "市民：我要报那个，有人要跳\n坐席：有人要跳楼吗？在哪里？\n市民：哎不是，是跳广场舞的，音响开到晚上十点",
    ):
        result = _call(dialogue)
        assert not result.is_emergency and not result.self_harm, f"{_shown(result)}\n{dialogue}"


def test_a_read_back_the_caller_denies_is_no_emergency_but_a_caller_correcting_towards_danger_is() -> None:
    denied = _call(
        """市民：我们楼下那个，烟好大，熏得窗户都打不开
坐席：您是说楼下着火了是吧？
市民：不是不是，没着火，是那个烧烤摊的油烟，天天这样"""
    )
    assert not denied.is_emergency, _shown(denied)
    corrected = _call(
        """市民：我们工地那个板房
坐席：您是说工地板房要拆除是吧？
市民：不是不是，是板房烧起来了，里面还有人在睡觉"""
    )
    assert corrected.is_emergency and corrected.kind == "fire", _shown(corrected)
    detail = _call(
        """市民：楼下着火了，好大的烟
坐席：您是说三楼着火了是吧？
市民：不是三楼，是四楼，快点来"""
    )
    assert detail.is_emergency and detail.kind == "fire", _shown(detail)  # a wrong floor is no denial


def test_a_caller_taking_back_their_own_words_is_heard() -> None:
    result = _call("市民：我们楼下有人倒了\n市民：不是人倒了，是那棵大树倒了，横在路上，车过不去，没砸到人")
    assert not result.is_emergency, _shown(result)


def test_a_turn_without_any_punctuation_is_read_in_short_stretches() -> None:
    fire = _call("市民：喂你好我们小区二号楼一楼那个车棚着火了黑烟一直往楼上冒楼上还有好多老人你们快点来")
    assert fire.is_emergency and fire.kind == "fire", _shown(fire)
    praise = _call("市民：我想表扬一下社区医院的医生前天我妈在家里晕倒了是他们第一时间赶过来抢救的现在人已经好了")
    assert not praise.is_emergency, _shown(praise)


def test_no_cue_of_the_rules_matches_an_empty_stretch_of_text() -> None:
    from triage import safety

    assert not [pattern.pattern for cue in safety.CUES for _, pattern in cue.parts if pattern.match("")]
    assert not assess("市民：你好，我想问一下社保卡怎么补办", call=True).is_emergency


# ------------------------------------------------------------------ round 4: the ways of speaking parts 1-3 missed


@pytest.mark.parametrize(
    ("kind", "dialogue"),
    [
        # a danger that comes up after a change of subject, past a narrative in the past
        (
            "flood",
            "市民：我上个月反映的那个垃圾站的事……\n坐席：嗯，您说。\n"
            "市民：哎呀先不说那个了，我们楼下的车库在往里面灌水，已经漫到车顶了，有人在里面喊",
        ),
        # a wish to die after the hardships that brought the caller to it, told in the past
        (
            "self_harm",
            "市民：我儿子前年出车祸走了，老伴去年也走了，房子也被收走了。我一个人住在桥洞下面，我真的不想再熬了，药我都攒好了",
        ),
        # a hole that opened this afternoon is still there
        (
            "road_collapse",
            "市民：中午路过的时候那里还只是一条缝，下午就塌下去一大块，往下看是空的，看不到底，学生放学都从旁边走",
        ),
        # a threat said as a condition, by the one who threatens
        ("violence", "市民：他刚才在电话里说我要是敢报警，他就把我儿子弄死，他现在就在我们小区里"),
        # what others took for a joke was none
        (
            "self_harm",
            "市民：我表哥这几个礼拜老说活着没意思，我们都当他说着玩的，今天他把他的摩托车钥匙留给我，说以后别等我了",
        ),
        # someone shut in a lift, said without 困
        ("trapped", "市民：可能也不算什么急事，我们楼的电梯里关了个老太太，电梯停在九楼下面一点，门开不了"),
        # an absence dated from when it began
        ("unresponsive_or_missing", "市民：我外婆从昨天下午开始就打不通电话，她一个人住，邻居也没看到她出门"),
    ],
)
def test_a_danger_said_past_a_narrative_downplayed_or_without_its_usual_words_is_found(
    kind: str, dialogue: str
) -> None:
    result = _call(dialogue)
    assert result.is_emergency and result.kind == kind, f"{_shown(result)}\n{dialogue}"
    assert result.self_harm == (kind == "self_harm")


def test_a_small_child_on_a_window_ledge_is_a_child_in_danger_not_self_harm() -> None:
    result = _call("市民：对面楼有个三岁的小孩一个人在家，爬到窗户外面的空调架子上了，在哭")
    assert result.is_emergency and result.kind == "locked_in_alone" and not result.self_harm, _shown(result)


@pytest.mark.parametrize(
    "dialogue",
    [
        "市民：单位组织拓展训练，要从高台上往下跳，我心脏不好，能不能不参加",
        "市民：我投诉那个棋牌室，里面全是烟，乌烟瘴气的，还有小孩在里面",
        "市民：包工头欠了我们三个月工资，现在他电话也不接，人也找不到了",
        "市民：楼上装修砸墙，我家天花板裂了好几条缝，物业不管",
        "市民：我母亲上个礼拜去世了，我想问一下后事办完以后她的养老金怎么停",
        "市民：老板跑了，工资也没发，我们几十号人急得要跳楼了",
        "市民：我们小区门口那个井盖碎了一块，我们放了锥筒，市政说下午来换，我就问问几点来",
        "市民：我想问一下遇到有人触电，是先拉电闸还是直接打120",
    ],
)
def test_a_jump_in_sport_smoke_in_a_card_room_a_debtor_a_crack_a_funeral_and_a_hazard_already_marked_are_calm(
    dialogue: str,
) -> None:
    result = _call(dialogue)
    assert not result.is_emergency and not result.self_harm, f"{_shown(result)}\n{dialogue}"


@pytest.mark.parametrize(
    "dialogue",
    [
        # a line broken by a machine, hanging and swinging, said without the ground
        "市民：修路的吊车把头顶的电缆刮断了，那根缆吊下来在公交站上面晃，底下站满了等车的人",
        # a fallen line on metal that people touch
        "市民：昨晚风大，那根线被吹断了，现在搭在我们楼下的铁栏杆上，小孩子放学都扶着栏杆走",
        # a fire's words said of the line
        "市民：村里那根高压线断了掉在田埂上，还在冒火，我家的牛就在旁边",
        # a fallen line said while the power is out: power coming back would make it live
        "市民：我们这边停电了。刚才出门看到那根线掉下来了，挨着水沟，小孩在旁边玩。说不准什么时候就来电了",
    ],
)
def test_a_fallen_power_line_is_found_however_it_is_said(dialogue: str) -> None:
    result = _call(dialogue)
    assert result.is_emergency and result.kind == "live_wire" and not result.self_harm, f"{_shown(result)}\n{dialogue}"


@pytest.mark.parametrize(
    ("kind", "dialogue"),
    [
        ("fire", "市民：那个……五栋\n坐席：我这边登记为：五栋楼道起火，四楼有老人没下来。您的电话？\n市民：幺三八……"),
        ("flood", "市民：河边，那个……\n坐席：那就是说有人落水了，现在还在水里？\n市民：在在在"),
        ("violence", "市民：那个人手上……\n坐席：嗯，有人拿刀砍人是吧，我们马上转110，您先躲起来\n市民：好"),
        ("self_harm", "市民：我……不想说了\n坐席：您刚才说您在楼顶，想从上面跳下去？\n市民：嗯"),
        ("unresponsive_or_missing", "市民：我妈……\n坐席：收到，老人倒在厨房叫不醒，我们马上联系120\n市民：快点"),
    ],
)
def test_an_emergency_stated_only_in_the_operators_summary_is_found(kind: str, dialogue: str) -> None:
    result = _call(dialogue)
    assert result.is_emergency and result.kind == kind, f"{_shown(result)}\n{dialogue}"
    assert result.self_harm == (kind == "self_harm")


def test_a_young_woman_beyond_a_bridge_rail_is_self_harm_not_a_child_in_danger() -> None:
    result = _call("市民：大桥上有个女孩子翻到栏杆外面去了，抓着栏杆往下看，我车停在桥头")
    assert result.is_emergency and result.self_harm and result.kind == "self_harm", _shown(result)


def test_a_small_child_shut_on_a_balcony_is_a_child_locked_in_not_someone_trapped() -> None:
    result = _call("市民：楼上那家四岁的孩子被关在封闭阳台上了，一直拍门，出不去，大人不在家")
    assert result.is_emergency and result.kind == "locked_in_alone", _shown(result)


@pytest.mark.parametrize(
    "dialogue",
    [
        # medicine and pesticide bought or prescribed for an illness or a field
        "市民：我在药店给我爸买药，医保卡刷不了，这个合理吗",
        "市民：医生给我妈开了安眠药，医保报不了，想问一下为什么",
        "市民：我在网上买了一瓶药，吃了没用，商家不给退",
        "市民：镇上有人在路边卖老鼠药，喇叭一天放到晚",
        # things stuck that are no person
        "市民：河里有几头死猪，卡在桥墩下面，臭得要命",
        "市民：小区门口的道闸卡住了，车子进不来",
        # lines that carry no power, a hazard that has stood for months, a cable dug up
        "市民：我家网线被风刮断了，宽带用不了",
        "市民：门口那根电线杆歪了好几个月了，一直没人管",
        "市民：施工队把地下的电缆挖断了，整个小区停电，一天了还没来电",
        # the operator's summary of a calm call, and the operator's advice
        "市民：我问一下赔偿\n坐席：我这边登记为：上个月楼道着火以后的赔偿问题，您想知道找哪个部门，对吗？\n市民：对",
        "市民：我们停电了\n坐席：供电公司在抢修，如果看到电线掉在地上千万不要靠近。请问是哪个小区？\n市民：枫林绿洲",
    ],
)
def test_medicine_bought_things_stuck_dead_lines_and_calm_summaries_are_no_emergency(dialogue: str) -> None:
    result = _call(dialogue)
    assert not result.is_emergency and not result.self_harm, f"{_shown(result)}\n{dialogue}"


@pytest.mark.parametrize(
    ("kind", "dialogue"),
    [
        # a harmless guess that what is seen next belies: a fire that grows, a line that sparks
        ("fire", "市民：河对面在冒烟，估计是谁在烧稻草吧\n坐席：烟大吗？\n市民：现在烟越来越浓了，里面还砰砰的响"),
        ("live_wire", "市民：路上掉了根线，应该是网线吧\n坐席：有没有火花？\n市民：碰到水的地方刚才闪了一下，滋滋的"),
        # a threat to maim, with the caller hiding from those who make it
        ("violence", "市民：那几个人说今天不还钱就打断我的手，我躲在卫生间里，他们在外面翻抽屉"),
        # a frail person stranded alone, told as what follows from a carer who stopped coming
        (
            "locked_in_alone",
            "市民：我问一下护理补贴\n坐席：您说。\n市民：护工三天没来了，我瘫在床上起不来，壶里的水也喝完了",
        ),
        # a dam leaking before any flood
        ("flood", "市民：河边那段堤坝底下在往外冒浑水，一开始一点点，现在越冒越大，堤下面就是我们村"),
    ],
)
def test_a_danger_explained_away_maimed_stranded_or_leaking_is_found(kind: str, dialogue: str) -> None:
    result = _call(dialogue)
    assert result.is_emergency and result.kind == kind and not result.self_harm, f"{_shown(result)}\n{dialogue}"


@pytest.mark.parametrize(
    "dialogue",
    [
        # smoke from a works complained of again and again
        "市民：又是我，那个水泥厂又在冒黑烟了，我都打了好几次了，到底管不管",
        # a fire the caller took it for, and found it was not
        "市民：刚才我以为对面着火了，后来一看原来是人家在熏腊肉，烟已经散了",
        # the praise of a rescue already over
        "市民：我要表扬一个医生，前天我爸在超市突然倒了，她跪在地上按了好久，我爸缓过来了",
        # a guess that holds: no sign of power
        "市民：路边电线杆上掉下来一根电话线，细细的，没有火花也没有响，麻烦找电信的人来收一下",
    ],
)
def test_smoke_complained_of_again_a_fire_mistaken_a_rescue_praised_and_a_dead_line_are_calm(dialogue: str) -> None:
    result = _call(dialogue)
    assert not result.is_emergency and not result.self_harm, f"{_shown(result)}\n{dialogue}"
