"""Categories by lexicon: the keyword file covers the whole taxonomy, keywords are matched on word
boundaries, parents support their children, "其他" is the fallback, and realistic sentences land in the
right level-1 and level-3 categories. Every sentence here is written for these tests."""

from __future__ import annotations

import csv
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from triage.taxonomy import CategoryLexicon, read_keywords, resolve_paths
from triage.tokenize import default_tokenizer
from triage.types import Candidate, CategoryRef

ROOT = Path(__file__).resolve().parents[2]
TAXONOMY_CSV = (
    Path(os.environ.get("HOTLINE_DATASETS_DIR", ROOT.parent / "shared" / "datasets")) / "teddy2020c" / "taxonomy.csv"
)
needs_taxonomy = pytest.mark.skipif(
    not TAXONOMY_CSV.is_file(), reason=f"the shared taxonomy ({TAXONOMY_CSV}) is not here; set HOTLINE_DATASETS_DIR"
)

LEVEL1 = (
    "城乡建设",
    "党务政务",
    "国土资源",
    "环境保护",
    "纪检监察",
    "交通运输",
    "经济管理",
    "科技与信息产业",
    "民政",
    "农村农业",
    "商贸旅游",
    "卫生计生",
    "政法",
    "教育文体",
    "劳动和社会保障",
)
# the level-1 categories whose every level-3 category must have keywords of its own
FULLY_COVERED = (
    "城乡建设",
    "劳动和社会保障",
    "教育文体",
    "商贸旅游",
    "环境保护",
    "卫生计生",
    "交通运输",
    "政法",
    "民政",
    "农村农业",
)


def refs_from_paths(paths: Sequence[tuple[str, ...]]) -> list[CategoryRef]:
    """CategoryRef rows as the taxonomy import creates them: parents first, branch by branch, ids counting up."""
    ids: dict[tuple[str, ...], int] = {}
    rows = []
    for path in paths:
        for depth in range(1, len(path) + 1):
            key = path[:depth]
            if key not in ids:
                ids[key] = len(ids) + 1
                rows.append(CategoryRef(ids[key], depth, key[-1], key[-2] if depth > 1 else ""))
    return rows


def taxonomy_paths() -> list[tuple[str, str, str]]:
    with TAXONOMY_CSV.open(encoding="utf-8-sig", newline="") as handle:
        return [(row["level1"], row["level2"], row["level3"]) for row in csv.DictReader(handle)]


INLINE_TREE = [
    ("城乡建设", "住房保障与房地产", "物业服务"),
    ("城乡建设", "住房保障与房地产", "住房公积金"),
    ("城乡建设", "住房保障与房地产", "其他"),
    ("城乡建设", "安全生产", "安全隐患"),
    ("城乡建设", "其他", "其他"),
    ("环境保护", "环境污染", "噪音污染"),
    ("环境保护", "环境污染", "其他"),
    ("环境保护", "其他", "其他"),
    ("经济管理", "安全生产", "安全隐患"),
    ("经济管理", "安全生产", "其他"),
    ("经济管理", "其他", "其他"),
    ("劳动和社会保障", "工资福利", "工资发放"),
    ("劳动和社会保障", "工资福利", "住房公积金"),
    ("劳动和社会保障", "工资福利", "其他"),
]


@pytest.fixture(scope="module")
def inline() -> CategoryLexicon:
    return CategoryLexicon.build(refs_from_paths(INLINE_TREE))


@pytest.fixture(scope="module")
def full() -> CategoryLexicon:
    if not TAXONOMY_CSV.is_file():
        pytest.skip(f"the shared taxonomy ({TAXONOMY_CSV}) is not here; set HOTLINE_DATASETS_DIR")
    return CategoryLexicon.build(refs_from_paths(taxonomy_paths()))


def words(text: str) -> list[str]:
    return default_tokenizer().words(text)


def path(lexicon: CategoryLexicon, candidate: Candidate) -> str:
    return "/".join(lexicon.path_of(candidate.value))


def shown(lexicon: CategoryLexicon, candidates: Sequence[Candidate]) -> str:
    return "; ".join(f"{path(lexicon, c)} {c.confidence:.2f} {list(c.evidence)}" for c in candidates)


# ----------------------------------------------------------------------------------------- the keyword file


def test_the_keyword_file_covers_all_15_level1_categories_and_never_gives_other_nodes_keywords() -> None:
    table = read_keywords()
    assert {key[0] for key in table} == set(LEVEL1)
    assert not [key for key in table if key[-1] in {"其他", "其它"} and table[key]]
    assert all(len(set(words)) == len(words) for words in table.values())


@needs_taxonomy
def test_the_keyword_file_names_only_real_paths_and_every_level2_and_the_required_level3_categories() -> None:
    rows = taxonomy_paths()
    real = {row[:depth] for row in rows for depth in (1, 2, 3)}
    table = read_keywords()
    assert sorted(set(table) - real) == []
    level2 = {row[:2] for row in rows if row[1] != "其他"}
    assert sorted(key for key in level2 if len(table.get(key, ())) < 3) == []
    level3 = {row for row in rows if row[0] in FULLY_COVERED and row[2] != "其他"}
    assert sorted("/".join(key) for key in level3 if not table.get(key)) == []


@needs_taxonomy
def test_at_least_nine_in_ten_level3_categories_have_keywords_of_their_own() -> None:
    rows = [row for row in taxonomy_paths() if row[2] != "其他"]
    table = read_keywords()
    assert sum(1 for row in rows if table.get(row)) >= 0.9 * len(rows)


# ---------------------------------------------------------------------------------------------- the tree


def test_level3_rows_under_same_named_parents_are_paired_with_their_own_branch() -> None:
    refs = refs_from_paths(INLINE_TREE)
    paths = resolve_paths(refs)
    assert sorted(paths.values()) == sorted({row[:depth] for row in INLINE_TREE for depth in (1, 2, 3)}), (
        "every row gets the path it was created with"
    )


@needs_taxonomy
def test_every_row_of_the_real_taxonomy_gets_its_full_path_back() -> None:
    rows = taxonomy_paths()
    refs = refs_from_paths(rows)
    expected = {row[:depth] for row in rows for depth in (1, 2, 3)}
    assert set(resolve_paths(refs).values()) == expected and len(refs) == len(expected)


def test_rows_whose_parent_is_unknown_are_left_out_instead_of_guessed() -> None:
    refs = [*refs_from_paths(INLINE_TREE[:2]), CategoryRef(99, 3, "孤儿节点", "不存在的二级")]
    assert 99 not in resolve_paths(refs)
    CategoryLexicon.build(refs)  # and building does not fail


# ---------------------------------------------------------------------------------------------- matching


def test_keywords_match_on_word_boundaries_across_words_but_not_across_a_word_start(inline: CategoryLexicon) -> None:
    assert "物业费" in inline.find(["物业", "费用", "太高"])  # starts where a word starts, may end inside one
    assert "物业" in inline.find(["老物业", "不管"])  # anywhere inside a single word
    assert "保安" not in inline.find(["确保", "安全"])  # would start in the middle of 确保


def test_every_level1_category_gets_a_score_and_zero_without_evidence(inline: CategoryLexicon) -> None:
    assert inline.level1_scores(words("今天天气不错")) == dict.fromkeys(
        ["城乡建设", "环境保护", "经济管理", "劳动和社会保障"], 0.0
    )
    assert inline.rank_all(words("今天天气不错")) == [] and inline.rank_within(words("今天天气不错"), "城乡建设") == []


def test_longer_and_repeated_keywords_weigh_more(inline: CategoryLexicon) -> None:
    short = inline.level1_scores(["物业"])["城乡建设"]
    longer = inline.level1_scores(["物业公司"])["城乡建设"]
    repeated = inline.level1_scores(["物业", "物业", "物业"])["城乡建设"]
    assert longer > short and repeated > short


def test_a_keyword_listed_under_two_level1_categories_is_split_between_them(inline: CategoryLexicon) -> None:
    scores = inline.level1_scores(["住房公积金"])
    assert scores["城乡建设"] == scores["劳动和社会保障"] > 0


def test_a_level2_that_matches_while_none_of_its_children_does_hands_its_score_to_its_other_child(
    inline: CategoryLexicon,
) -> None:
    ranked = inline.rank_within(words("工厂排污，污染环境很严重"), "环境保护")
    assert ranked and path(inline, ranked[0]) == "环境保护/环境污染/其他", shown(inline, ranked)
    assert ranked[0].evidence  # the level-2 words that led there


def test_a_parent_that_matches_too_lifts_its_child_above_an_equal_child_elsewhere(inline: CategoryLexicon) -> None:
    # 安全隐患 is a level-3 name under both 城乡建设/安全生产 and 经济管理/安全生产
    plain = inline.rank_all(words("楼道里有安全隐患"))
    building = inline.rank_all(words("楼道里有安全隐患，住建局要管"))
    assert {path(inline, c) for c in plain[:2]} == {"城乡建设/安全生产/安全隐患", "经济管理/安全生产/安全隐患"}
    assert plain[0].confidence == plain[1].confidence
    assert path(inline, building[0]) == "城乡建设/安全生产/安全隐患"
    assert building[0].confidence > building[1].confidence


def test_candidates_are_ranked_with_confidences_summing_to_less_than_one(inline: CategoryLexicon) -> None:
    ranked = inline.rank_all(words("物业公司拖欠保安工资，小区噪音扰民，物业费还涨价"), keep=5)
    assert 2 <= len(ranked) <= 5
    confidences = [c.confidence for c in ranked]
    assert confidences == sorted(confidences, reverse=True) and sum(confidences) < 1
    assert all(c.evidence for c in ranked)
    assert path(inline, ranked[0]) == "城乡建设/住房保障与房地产/物业服务"


def test_the_lexicon_lists_its_keywords_for_a_tokenizer(inline: CategoryLexicon) -> None:
    assert {"物业", "噪音污染", "住房公积金"} <= set(inline.keywords)
    assert inline.level1_names == ("城乡建设", "环境保护", "经济管理", "劳动和社会保障")


# ---------------------------------------------------------------------------------- realistic sentences
# (sentence, the level-1 category the lexicon must rank first — None where the taxonomy itself is ambiguous —,
#  the acceptable level-2/level-3 paths below that level-1)
CATEGORY_CASES: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("小区物业公司乱收停车费，保安也不管外来车辆乱停。", "城乡建设", ("住房保障与房地产/物业服务",)),
    ("我想提取住房公积金用来付首付，需要准备什么材料？", None, ("住房保障与房地产/住房公积金", "工资福利/住房公积金")),
    ("开发商延期交房一年多了，合同约定的违约金也不给。", "城乡建设", ("住房保障与房地产/房地产开发管理",)),
    ("买房五年了房产证还没办下来，开发商说在走流程。", "城乡建设", ("住房保障与房地产/房产证登记、办理",)),
    ("隔壁楼顶私自加盖了一层违章建筑，城管也不来拆。", "城乡建设", ("城乡规划/违章建筑",)),
    ("小区今年供暖温度不达标，暖气片一直不热。", "城乡建设", ("城市建设和市政管理/冬季采暖",)),
    ("路口的井盖丢了一个，旁边的路灯也不亮。", "城乡建设", ("城市建设和市政管理/城市公共设施",)),
    (
        "拆迁补偿款一直没到位，过渡费也停发了半年。",
        "城乡建设",
        ("国有土地上房屋征收与补偿/安置补偿", "集体土地上房屋拆迁与补偿/安置补偿"),
    ),
    (
        "我们这片棚户区说了好几年要改造，到底什么时候动工？",
        "城乡建设",
        ("国有土地上房屋征收与补偿/棚户区和城中村改造", "集体土地上房屋拆迁与补偿/棚户区和城中村改造"),
    ),
    ("廉租房申请交上去三年了还没有分到。", "城乡建设", ("住房保障与房地产/保障性住房",)),
    ("楼上卫生间漏水，渗到我家天花板，墙皮都掉了。", "城乡建设", ("住房保障与房地产/修缮装修",)),
    ("街边的流动摊贩占道经营，早晚高峰根本走不动。", "城乡建设", ("城市建设和市政管理/城管执法",)),
    ("楼下KTV每天半夜还在唱歌，噪音吵得人睡不着。", "环境保护", ("环境污染/噪音污染",)),
    ("化工厂排放的废气有一股刺鼻的臭味，晚上更严重。", "环境保护", ("环境污染/大气污染",)),
    ("养猪场的粪便直接排进河里，河水发黑发臭。", "环境保护", ("环境污染/水污染",)),
    ("小区旁边要建一座变电站，居民担心电磁辐射影响健康。", "环境保护", ("环境污染/电磁污染",)),
    ("砖厂把工业废渣随意倾倒在农田边上。", "环境保护", ("环境污染/固体污染",)),
    ("这个搅拌站项目没有环评就开工建设了。", "环境保护", ("建设项目审批/未批先建",)),
    ("公司拖欠我们三个月工资，老板一直躲着不见人。", "劳动和社会保障", ("工资福利/工资发放",)),
    ("在工地干了半年，包工头拖欠农民工工资不给。", "劳动和社会保障", ("劳动关系/农民工权益", "工资福利/工资发放")),
    ("单位这几年没有给我们缴纳养老保险，现在要求补缴。", "劳动和社会保障", ("城镇职工社会保险/职工养老保险",)),
    ("上班时在车间摔伤了，公司不给做工伤认定。", "劳动和社会保障", ("城镇职工社会保险/职工工伤保险",)),
    ("公司强制加班也不给加班费，一个月只休息两天。", "劳动和社会保障", ("劳动保护/工作时间和休息休假",)),
    ("领取失业保险金需要什么条件？", "劳动和社会保障", ("城镇职工社会保险/职工失业保险",)),
    ("企业退休人员的退休工资太低，希望提高待遇。", "劳动和社会保障", ("退休政策及待遇/退休人员待遇",)),
    ("新农合的报销比例太低，住院自己还要出一大半。", "劳动和社会保障", ("城镇居民社会保险/新农村合作医疗",)),
    (
        "公司没有和我签劳动合同，现在要辞退我也不给经济补偿。",
        "劳动和社会保障",
        ("劳动关系/劳动合同纠纷", "劳动关系/辞职辞退", "劳动关系/协议解除劳动关系"),
    ),
    ("孩子所在的小学强制学生购买教辅资料，变相乱收费。", "教育文体", ("教育收费/乱收费",)),
    ("划片入学不合理，孩子只能去很远的学校读书。", "教育文体", ("教育体制/教育统筹管理",)),
    ("报的英语培训机构突然关门了，学费也不退。", "教育文体", ("教育行政管理/校外机构管理",)),
    ("原民办代课教师的教龄补贴什么时候发放？", "教育文体", ("教师队伍和待遇/原民办代课教师",)),
    ("新建的体育馆什么时候免费向市民开放？", "教育文体", ("体育/体育事业",)),
    ("村里清代的祠堂被人拆了，这可是县级文物保护单位。", "教育文体", ("文物管理/文物保护",)),
    ("学校旁边的网吧经常接纳未成年学生上网。", "教育文体", ("文化/文化市场与文化执法",)),
    ("景区门票价格太高，老年人也不给免票。", "商贸旅游", ("旅游管理/景区管理",)),
    ("跟旅行社的低价团出游，导游强制游客购物。", "商贸旅游", ("旅游管理/旅游市场管理",)),
    ("有人在宾馆里搞传销，拉人头发展下线。", "商贸旅游", ("市场监管/传销",)),
    ("小区电梯经常故障，年检也没有通过，维保单位不管。", "商贸旅游", ("质监检验检疫/特种设备管理",)),
    ("保健品店用免费体验骗老年人买高价理疗仪。", "商贸旅游", ("市场监管/直销",)),
    ("房产中介乱收中介费，签合同时还隐瞒费用。", "商贸旅游", ("市场监管/中介机构管理",)),
    ("在网上买的电动车质量太差，商家不给三包。", "商贸旅游", ("市场监管/商品质量",)),
    ("医院乱收费，住院费用清单里重复收了检查费。", "卫生计生", ("医政监管/医疗收费",)),
    ("父亲在医院做完手术后感染，我们怀疑是医疗事故。", "卫生计生", ("医患纠纷/医疗事故争议",)),
    ("村里有个黑诊所无证行医，还给人打吊针。", "卫生计生", ("医政监管/非法行医",)),
    ("这家餐馆后厨卫生很差，一家人吃完都拉肚子。", "卫生计生", ("食品药品监管/食品安全",)),
    ("独生子女父母奖励金今年什么时候发放？", "卫生计生", ("人口计生/独生子女父母奖励政策",)),
    ("孩子打完疫苗后一直发烧，接种点说没事。", "卫生计生", ("公共卫生/疾病预防控制",)),
    ("出租车司机不打表，还故意绕路多收钱。", "交通运输", ("出租车管理/运价监管",)),
    ("快递员从不送货上门，每次都让我们自己去驿站取件。", "交通运输", ("邮政管理/快递市场管理",)),
    ("网约车平台抽成太高，司机一天跑下来挣不到钱。", "交通运输", ("出租车管理/网约车问题",)),
    ("高速公路收费站的通行费标准过高，希望降低。", "交通运输", ("建设管理/公路收费",)),
    ("运砂石的大货车严重超载，把乡村公路都压坏了。", "交通运输", ("客货运输/货物运输", "建设管理/设施维护")),
    ("我的身份证丢了，在外地能补办吗？", "政法", ("户籍证件/身份证管理",)),
    ("想把户口从老家迁到城里，落户需要什么条件？", "政法", ("户籍证件/户籍管理",)),
    ("在路口被一辆小车撞伤，对方肇事逃逸了。", "政法", ("交通管理/交通事故",)),
    ("小区附近的棋牌室天天有人聚众赌博。", "政法", ("社会治安/黄赌毒",)),
    ("家里被盗，报警后派出所一直不立案。", "政法", ("刑案侦破/立案侦查", "警务督察/警务执法")),
    (
        "法院判决生效半年了，对方拒不履行，申请强制执行也没用。",
        "政法",
        ("仲裁与调解/生效法律文书执行", "诉讼/民事诉讼"),
    ),
    ("驾照被扣了十二分，要怎么处理？", "政法", ("交通管理/机动车和驾驶员管理",)),
    ("想打官司但请不起律师，能申请法律援助吗？", "政法", ("法律服务/法律援助",)),
    ("我家符合低保条件，为什么村里不给评低保？", "民政", ("社会救助/农村低保", "社会救助/城镇低保")),
    ("养老院的护理人员对老人态度很差，还克扣伙食。", "民政", ("福利慈善/福利事业",)),
    ("办理结婚登记需要带什么证件？", "民政", ("社会服务/婚姻登记",)),
    ("殡仪馆的火化费和骨灰盒都太贵了。", "民政", ("社会服务/殡葬管理",)),
    ("退伍回来两年了，安置工作一直没有落实。", "民政", ("复退安置/转业退伍安置",)),
    ("参战老兵的生活补贴能不能再提高一些？", "民政", ("优抚/参战退役人员待遇",)),
    ("桥洞下住着一个流浪乞讨的老人，天冷了没人管。", "民政", ("社会服务/生活无着人员救助",)),
    ("邻居建房占了我家的宅基地，村里调解了几次都不行。", "农村农业", ("土地承包经营/宅基地纠纷",)),
    ("村里的土地流转租金已经两年没给了。", "农村农业", ("土地承包经营/土地流转",)),
    ("村干部从来不公开集体财务账目。", "农村农业", ("村务管理/集体财务公开", "村务管理/村务公开")),
    ("买的稻种不发芽，怀疑是假种子。", "农村农业", ("农资农技/农资价格质量",)),
    ("今年的粮食直补款到现在还没发到农户手里。", "农村农业", ("惠农补贴/粮食直补",)),
    ("有人在后山上乱砍滥伐，一车车往外运木材。", "农村农业", ("林业管理/采伐运输",)),
    ("水库移民的后期扶持资金好几年没有到位了。", "农村农业", ("水库移民/后期扶持",)),
    ("某局长收受开发商贿赂，帮他们违规审批。", "纪检监察", ("贪污贿赂/行贿受贿索贿",)),
    ("乡镇干部上班时间打麻将，群众来办事找不到人。", "纪检监察", ("干部作风/享乐主义",)),
    ("这个单位的领导经常公款吃喝，公车私用。", "纪检监察", ("干部作风/奢靡之风",)),
    ("我写了举报信以后，村干部对我打击报复。", "纪检监察", ("滥用职权/打击报复",)),
    ("我提交入党申请好几年了，支部一直不考察发展。", "党务政务", ("党的建设/组织建设",)),
    ("村里的有线电视信号很差，很多频道都看不了。", "党务政务", ("宣传舆论/广播影视管理",)),
    ("网上有人造谣说我们小区要拆迁，引起恐慌。", "党务政务", ("宣传舆论/互联网信息监管",)),
    ("庙里搞宗教活动，烧香放鞭炮，周边居民不得安宁。", "党务政务", ("民族宗教/宗教事务",)),
    ("有人在山上非法开采矿石，炸山的声音整天不断。", "国土资源", ("矿产资源管理/矿产开采",)),
    ("村里的基本农田被占用建了厂房，耕地越来越少。", "国土资源", ("土地资源管理/耕地保护",)),
    ("征地补偿标准太低，地上附着物和青苗补偿也没给。", "国土资源", ("土地征收/安置补偿",)),
    ("煤矿采空区造成地面塌陷，很多房屋开裂。", "国土资源", ("矿产资源管理/矿山地质环境",)),
    ("银行办信用卡乱收手续费，还莫名其妙扣了年费。", "经济管理", ("金融财税/金融管理",)),
    ("有家投资公司以高息为诱饵非法集资，现在老板跑路了。", "经济管理", ("金融财税/集资融资",)),
    ("保险公司理赔拖了半年，找各种理由拒赔。", "经济管理", ("保险证券期货/保险业监管",)),
    ("这家饭店吃饭从来不开发票，涉嫌偷税漏税。", "经济管理", ("金融财税/税收征管",)),
    ("村里手机信号很差，打电话经常断线。", "科技与信息产业", ("电信/通信保障",)),
    ("运营商私自给我开通增值业务，每个月乱扣话费。", "科技与信息产业", ("电信/运营商监管", "电信/电信资费")),
    ("我的外观专利被一家公司仿冒了，该怎么维权？", "科技与信息产业", ("知识产权/知识产权保护",)),
    ("申请发明专利需要什么流程，有没有专利资助？", "科技与信息产业", ("知识产权/知识产权申报",)),
)


def test_the_sentences_cover_every_level1_category_at_least_three_times() -> None:
    assert len(CATEGORY_CASES) >= 60
    counts = Counter(level1 for _, level1, _ in CATEGORY_CASES if level1)
    assert min(counts[name] for name in LEVEL1) >= 3, counts


@pytest.mark.parametrize(("sentence", "level1", "tails"), CATEGORY_CASES, ids=[c[0] for c in CATEGORY_CASES])
def test_the_sentence_lands_in_its_level1_and_level3_category(
    full: CategoryLexicon, sentence: str, level1: str | None, tails: tuple[str, ...]
) -> None:
    found = words(sentence)
    if level1 is None:
        ranked = full.rank_all(found)
    else:
        scores = full.level1_scores(found)
        top3 = sorted(scores.items(), key=lambda kv: -kv[1])[:3]
        assert max(scores, key=scores.get) == level1, f"{sentence!r}: level-1 scores {top3}"
        ranked = full.rank_within(found, level1)
    got = "/".join(full.path_of(ranked[0].value)[1:]) if ranked else None
    assert got in tails, f"{sentence!r}: {shown(full, ranked)}"


# ------------------------------------------------------------------------------------- what callers say
# (sentence as a caller says it on the phone, its level-1, the acceptable level-2/level-3 paths): objects and
# places instead of policy terms, dialect words, ASR homophones (然气, 井改).
SPOKEN_CASES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("那个路口的井改冇得了，晚上骑车的看不到", "城乡建设", ("城市建设和市政管理/城市公共设施",)),
    ("屋里一股然气味，不晓得哪里漏气了，我不敢开灯", "城乡建设", ("城市建设和市政管理/燃气供应",)),
    ("路边那根电线掉下来了，还在冒火花", "城乡建设", ("城市建设和市政管理/电力供应",)),
    ("超市停车场有个小孩子被锁在车里了，大人不在", "政法", ("社会治安/其他",)),
    ("我在网上刷单被骗了两万块钱", "政法", ("社会治安/治安案件",)),
    ("我爸有点老年痴呆，早上出门到现在没回来", "政法", ("社会治安/拐卖人口",)),
    ("楼下广场舞的音箱吵死了，天天跳到十点", "环境保护", ("环境污染/噪音污染",)),
    ("营业厅给我开通了视频彩铃，每个月乱扣钱", "科技与信息产业", ("电信/运营商监管",)),
    ("小区宽带断了三天，冇得网，电信也不来修", "科技与信息产业", ("电信/通信保障",)),
    ("对门的老人独居，好几天没看到了，敲门没人应", "民政", ("福利慈善/福利事业",)),
    ("政务中心窗口让我跑了三趟，也不一次性告知", "纪检监察", ("干部作风/官僚主义",)),
    ("我在楼顶上，活着没意思，不想活了", "卫生计生", ("公共卫生/其他",)),
    ("买的电饭煲用了几天就坏了，商家不给退也不给换", "商贸旅游", ("市场监管/商品质量",)),
)


@pytest.mark.parametrize(("sentence", "level1", "tails"), SPOKEN_CASES, ids=[c[0] for c in SPOKEN_CASES])
def test_what_a_caller_says_lands_in_its_level1_and_level3_category(
    full: CategoryLexicon, sentence: str, level1: str, tails: tuple[str, ...]
) -> None:
    found = words(sentence)
    scores = full.level1_scores(found)
    top3 = sorted(scores.items(), key=lambda kv: -kv[1])[:3]
    assert max(scores, key=scores.get) == level1, f"{sentence!r}: level-1 scores {top3}"
    ranked = full.rank_within(found, level1)
    got = "/".join(full.path_of(ranked[0].value)[1:]) if ranked else None
    assert got in tails, f"{sentence!r}: {shown(full, ranked)}"
