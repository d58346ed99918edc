"""The level-1 category of a phone call: the call model (trained on spoken appeals for all 15 level-1
categories) and the category lexicon together, for calls only; web messages keep the web-message model.
Every transcript here is written for these tests."""

from __future__ import annotations

import copy
import csv
import os
from pathlib import Path

import pytest

from triage.classify import Level1Classifier
from triage.datasets import read_labelled_csv, spoken_examples
from triage.pipeline import TriagePipeline
from triage.types import CategoryRef, PlaceRef

ROOT = Path(__file__).resolve().parents[2]
TEDDY = Path(os.environ.get("HOTLINE_DATASETS_DIR", ROOT.parent / "shared" / "datasets")) / "teddy2020c"

PLACES = [
    PlaceRef(1, "A市", "city", 1),
    PlaceRef(2, "A3区", "district", 2, parent_id=1),
    PlaceRef(3, "西湖街道", "street", 3, parent_id=2),
    PlaceRef(4, "A9市", "district", 2, parent_id=1),
    PlaceRef(5, "北盛镇", "street", 3, parent_id=4),
]


def taxonomy() -> list[CategoryRef]:
    ids: dict[tuple[str, ...], int] = {}
    refs = []
    with (TEDDY / "taxonomy.csv").open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            path: tuple[str, ...] = ()
            for name in (row["level1"], row["level2"], row["level3"]):
                path = (*path, name)
                if path not in ids:
                    ids[path] = len(ids) + 1
                    refs.append(CategoryRef(ids[path], len(path), name, path[-2] if len(path) > 1 else ""))
    return refs


@pytest.fixture(scope="module")
def web_messages() -> list:
    """60 shared training messages of each of the 7 labels (a small web-message model, trained in seconds)."""
    if not TEDDY.is_dir():
        pytest.skip(f"the shared data set is not at {TEDDY}")
    per_label: dict[str, list] = {}
    for example in read_labelled_csv(TEDDY / "messages_train.csv"):
        per_label.setdefault(example.label, []).append(example)
    return [example for rows in per_label.values() for example in rows[:60]]


@pytest.fixture(scope="module")
def model(web_messages) -> Level1Classifier:
    return Level1Classifier().fit(web_messages, spoken=spoken_examples())


@pytest.fixture(scope="module")
def pipeline(model: Level1Classifier) -> TriagePipeline:
    return TriagePipeline(places=PLACES, categories=taxonomy(), level1_model=model, level1_version="test")


def level1_of(pipeline: TriagePipeline, text: str) -> str:
    names = {pk: name for name, pk in pipeline.level1_ids.items()}
    return names[pipeline.run(text).level1.value]


CALLS = {
    "农村农业": (
        "坐席：您好，12345热线，请讲。\n"
        "市民：喂，我屋隔壁那个人做房子，把墙砌到我家宅基地上来了，占了差不多一米。\n"
        "坐席：请问具体在哪里？\n"
        "市民：A9市北盛镇，那个新屋组，村里来调了两回，他根本不睬。\n"
        "坐席：您是说邻居建房占用您家宅基地，村里调解未果，对吧？\n"
        "市民：对对对。"
    ),
    "政法": (
        "坐席：您好，12345热线。\n"
        "市民：你好，我上个礼拜在网上被人骗了八千块钱，讲是做刷单的，我去派出所报案，到现在都不给我立案。\n"
        "坐席：请问您贵姓？\n"
        "市民：姓龚。\n"
        "坐席：龚先生，您反映被电信诈骗后报案，派出所未予立案，是吧？\n"
        "市民：是的，你们帮我催一下。"
    ),
    "民政": (
        "坐席：您好，12345热线，请讲。\n"
        "市民：嗯，我想问一下，我老伴瘫在床上好几年了，我也冇得收入，能不能申请低保啊？\n"
        "坐席：请问您住哪里？\n"
        "市民：A3区西湖街道，我去社区问过，他们讲要等。\n"
        "坐席：好的，您咨询低保申请的条件和办理进度，对吗？\n"
        "市民：对，谢谢你啊妹子。"
    ),
    "纪检监察": (
        "坐席：您好，12345热线。\n"
        "市民：我要举报我们村的支书，他把上面发的危房改造的钱扣下来一半，还收人家红包才给评。\n"
        "坐席：您是说村支书截留危房改造补助款并收受好处，是吧？\n"
        "市民：对，好多人都晓得，就是冇人敢讲。"
    ),
    "城乡建设": (
        "坐席：您好，12345热线，请讲。\n"
        "市民：喂，我们楼道里一股好大的然气味，不晓得哪家漏气了，我都不敢按电梯。\n"
        "坐席：请您先不要开关电器，马上开窗。具体位置在哪里？\n"
        "市民：A3区西湖街道，桃花苑五栋。\n"
        "坐席：好的，您是说桃花苑五栋楼道有燃气泄漏的气味，对吧？我们马上通知燃气公司。"
    ),
    "经济管理": (
        "坐席：您好，12345热线。\n"
        "市民：喂，我屋里上个月着过一回火，厨房烧了，火早就灭了，我不是报火警啊。\n"
        "市民：我是讲保险，买了家财险的，保险公司拖了一个多月不赔，讲要这个证明那个证明。\n"
        "坐席：您是说火灾已扑灭，现在家财险理赔被拖延，对吗？\n"
        "市民：对。"
    ),
    "交通运输": (
        "坐席：您好，请讲。\n"
        "市民：我们镇上到县城那条县道，坑坑洼洼的，拉石头的车子一过灰尘好大，下雨就是一个个水凼。\n"
        "坐席：您反映县道路面破损，要求公路部门修复，是吗？\n"
        "市民：是的，骑摩托车的摔了好几个了。"
    ),
    "科技与信息产业": (
        "坐席：您好，12345热线。\n"
        "市民：你好，我们小区宽带断了一个礼拜了，冇得网，电信讲光缆被挖断了，一直冇人来修。\n"
        "坐席：您反映小区宽带中断一周，运营商未修复，对吗？\n"
        "市民：对的，我在家上班的，急死了。"
    ),
}


@pytest.mark.parametrize("expected", sorted(CALLS))
def test_a_call_lands_in_its_level1_category_including_the_ones_without_labelled_messages(
    pipeline: TriagePipeline, expected: str
) -> None:
    result = pipeline.run(CALLS[expected])
    names = {pk: name for name, pk in pipeline.level1_ids.items()}
    assert names[result.level1.value] == expected, [(names[c.value], c.confidence) for c in result.level1.ranked]
    assert "level-1 of a call: the call model and the category lexicon together" in result.notes
    assert result.level1.evidence, "the words behind the category are shown"


def test_the_words_shown_for_a_call_start_with_the_objects_the_caller_named(pipeline: TriagePipeline) -> None:
    result = pipeline.run(CALLS["农村农业"])
    assert "宅基地" in result.level1.evidence[:3]


def test_the_operators_script_does_not_decide_the_category(pipeline: TriagePipeline) -> None:
    """The operator's questions about a gas leak (开关电器, 燃气公司) must not pull a call about something else."""
    call = (
        "坐席：您好，12345热线。请问是燃气泄漏吗？请不要开关电器。\n"
        "市民：不是不是，我是想问一下，我老伴瘫在床上，我冇得收入，能不能吃低保。\n"
        "坐席：请问您在哪个社区？\n"
        "市民：A3区西湖街道。"
    )
    assert level1_of(pipeline, call) == "民政"


def without_call_model(model: Level1Classifier) -> Level1Classifier:
    """The same web-message model with no call model, as a model saved before call models existed."""
    plain = copy.copy(model)
    del plain.__dict__["call_model_"]
    return plain


def test_a_web_message_is_read_by_the_web_message_model_exactly_as_before(
    pipeline: TriagePipeline, model: Level1Classifier
) -> None:
    message = "A3区西湖街道某小区楼下烧烤店油烟直排，每天晚上烟熏火燎，窗户都不敢开，请环保部门查处。"
    before = TriagePipeline(
        places=PLACES, categories=taxonomy(), level1_model=without_call_model(model), level1_version="test"
    )
    result = pipeline.run(message)
    assert not any("call model" in note for note in result.notes)
    assert result.level1 == before.run(message).level1


def test_a_model_without_a_call_model_reads_calls_with_the_web_model_and_the_lexicon(model: Level1Classifier) -> None:
    plain = without_call_model(model)
    assert plain.call_model is None
    pipeline = TriagePipeline(places=PLACES, categories=taxonomy(), level1_model=plain, level1_version="test")
    result = pipeline.run(CALLS["城乡建设"])
    assert not any("call model" in note for note in result.notes)
    assert result.level1.value is not None


def test_the_call_model_covers_all_15_level1_categories_and_survives_saving(model: Level1Classifier) -> None:
    assert model.call_model is not None and len(model.call_model.classes_) == 15
    assert len(model.classes_) == 7  # the web-message model is trained on the labelled messages only
    again = Level1Classifier.from_bytes(model.to_bytes())
    text = "村里的低保评得不公平，村干部的亲戚都评上了"
    assert list(again.call_model.predict([text])) == list(model.call_model.predict([text]))


def test_a_fire_that_breaks_out_during_a_call_about_smoke_from_a_barbecue_is_filed_as_the_fire(
    pipeline: TriagePipeline,
) -> None:
    """The emergency decides the category (fires are 政法 in the corpus's convention), not what the caller first
    rang about; a calm call about the same barbecue stays with the environment."""
    smoke = (
        "坐席：您好，12345热线，请讲。\n"
        "市民：我反映一下楼下烧烤店油烟的问题，每天晚上熏得我家窗户都不敢开。\n"
        "坐席：请问具体在哪里？\n"
        "市民：A3区西湖街道，湘江路上。"
    )
    fire = smoke + (
        "哎，等一下，对面那栋楼窗户里在冒火，火好大，有人在喊救命！\n"
        "坐席：您是说对面居民楼起火，有人呼救，对吗？我们马上转119。\n"
        "市民：对对，快点！"
    )
    result = pipeline.run(fire)
    names = {pk: name for name, pk in pipeline.level1_ids.items()}
    assert names[result.level1.value] == "政法"
    assert any("emergency's kind (fire)" in note for note in result.notes)
    assert level1_of(pipeline, smoke) == "环境保护"
