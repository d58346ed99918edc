"""Call transcripts with personal data planted in every form a call reveals it, and calls that must stay untouched.

A dialogue is written as turns (``坐席：`` / ``市民：``). What must be masked is marked in place as
``[[KIND:text]]``, exactly the characters that must disappear: a surname with a title is ``[[NAME:周]]先生`` (the
title stays), a spelled-out surname ``[[NAME:周末的周]]``, each part of a number split over two turns its own
marker. What must stay is marked ``{{text}}``: places, organisations, job titles, ordinary numbers. ``case()``
removes the markers and records the offsets in the clean transcript.

The set is built from templates filled with varied values (seeded, so it is the same on every run): surnames,
given names (common ones and rarer ones), phone numbers, ID numbers (check digits computed by
tests/triage/pii_cases.py helpers) and bank cards, read aloud in every way callers and ASR engines write them
(138 7765 4321, 一三八，七七六五，四三二一, 幺三八七七六五四三二一, 两 and 幺 for 2 and 1, 零/〇/洞 for 0, mixed,
and split across turns); then hand-written tricky calls. Every value is fictitious.

Used by tests/triage/test_privacy.py and bench/bench_privacy.py. The rules for calls were tuned on this set (and
on the ``tune`` part of the call corpus), so its figures are an upper bound; the held-out calls of
bench/data/calls, which nobody tuned on, are the independent measure.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from tests.triage.pii_cases import id_number, with_luhn

NUMBER_KINDS = ("MOBILE", "LANDLINE", "ID_CARD", "BANK_CARD")


@dataclass(frozen=True)
class Planted:
    kind: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class DialogueCase:
    name: str  # the template, for reading failures
    text: str  # the transcript, one ``坐席：``/``市民：`` turn per line, already normalised
    planted: tuple[Planted, ...]
    kept: tuple[Planted, ...]  # kind "KEEP": text that must stay as it is

    @property
    def is_trap(self) -> bool:
        return not self.planted


_MARK = re.compile(r"\[\[([A-Z_]+):(.+?)\]\]|\{\{(.+?)\}\}")


def case(name: str, *turns: str) -> DialogueCase:
    """A case from its turns, each starting with 坐席： or 市民：, with the markers removed."""
    assert all(turn.startswith(("坐席：", "市民：")) for turn in turns), turns
    marked = "\n".join(turns)
    parts: list[str] = []
    planted: list[Planted] = []
    kept: list[Planted] = []
    length = last = 0
    for m in _MARK.finditer(marked):
        kind, value, keep = m.groups()
        before = marked[last : m.start()]
        text = value if kind else keep
        parts += [before, text]
        start = length + len(before)
        (planted if kind else kept).append(Planted(kind or "KEEP", start, start + len(text), text))
        length = start + len(text)
        last = m.end()
    parts.append(marked[last:])
    return DialogueCase(name, "".join(parts), tuple(planted), tuple(kept))


def _word_list(text: str) -> tuple[str, ...]:
    """The words of a space-separated list written as one string (long lists of Chinese words stay readable)."""
    return tuple(text.split())


# --- values -----------------------------------------------------------------------------------------------
_rng = random.Random(20261207)

SURNAMES = "周王李张刘陈杨黄赵吴徐孙马朱胡郭何林罗郑梁谢宋唐韩冯邓曹彭曾肖蒋蔡余杜叶程魏吕丁沈姚卢姜崔钟谭陆汪范金廖贾夏付方邹熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵覃易戴莫"
COMPOUND = ("欧阳", "司马", "诸葛", "上官")
GIVEN = _word_list(
    "建华 国富 桂芝 大海 秀英 志刚 丽娟 德才 春梅 小燕 国庆 建平 晓芳 文斌 子健 丽萍 "
    "德明 国良 友林 长贵 金秀 秋菊 德福 天宇 俊杰 雨涵 浩然 思琪 梓萱 红梅 伟 芳 强 "
    "静 敏 磊 军 丹 勇 洁 玉兰 海燕 建军 卫东 明辉 淑珍 凤英 少华 志明 美玲 家豪 "
    "一鸣 新民 翠花 宏伟 婷婷 欣怡 宇航"
)
TITLES_BY_GENDER = {
    "m": ("先生", "师傅", "大爷", "老师", "哥", "爹爹", "同学"),
    "f": ("女士", "阿姨", "小姐", "大姐", "老师", "奶奶", "姐"),
}


def full_name(rng: random.Random) -> tuple[str, str]:
    """A surname and a given name."""
    surname = rng.choice(COMPOUND) if rng.random() < 0.06 else rng.choice(SURNAMES)
    return surname, rng.choice(GIVEN)


MOBILE_PREFIXES = ("130", "131", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "158", "159",
                   "170", "173", "176", "177", "180", "181", "182", "185", "186", "187", "188", "189", "198", "199")  # fmt: skip


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))


def landline(rng: random.Random) -> str:
    return (
        rng.choice(("0731", "0731", "0730", "0736"))
        + rng.choice("2345678")
        + "".join(rng.choice("0123456789") for _ in range(7))
    )


def id_card(rng: random.Random) -> str:
    region = rng.choice(("430102", "430104", "430111", "430121", "430124", "430181", "430623"))
    birth = f"{rng.randint(1940, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    return id_number(region, birth, f"{rng.randint(0, 999):03d}")


def bank_card(rng: random.Random) -> str:
    prefix = rng.choice(("621700", "622202", "621483", "623668", "622848"))
    length = rng.choice((16, 19, 19))
    return with_luhn(prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1)))


# --- digits read aloud --------------------------------------------------------------------------------------
_SAID = {
    "0": ("零",) * 6 + ("〇", "洞"),
    "1": ("一",) * 3 + ("幺",) * 2,
    "2": ("二",) * 4 + ("两",),
    "3": ("三",),
    "4": ("四",),
    "5": ("五",),
    "6": ("六",),
    "7": ("七",),
    "8": ("八",),
    "9": ("九",),
}
GROUPS = {"MOBILE": (3, 4, 4), "LANDLINE": (4, 4, 4), "ID_CARD": (6, 4, 4, 4), "BANK_CARD": (4, 4, 4, 4, 3)}


def in_numerals(digits: str, rng: random.Random, *, plain: bool = False) -> str:
    """The digits as Chinese numerals; ``plain`` reads 1 as 一, 2 as 二, 0 as 零, otherwise 幺/两/〇/洞 now and then."""
    if plain:
        return digits.translate(str.maketrans("0123456789", "零一二三四五六七八九"))
    return "".join(rng.choice(_SAID[d]) if d in _SAID else d for d in digits)


def grouped(digits: str, sizes: tuple[int, ...]) -> list[str]:
    groups, position = [], 0
    for size in sizes:
        if position >= len(digits):
            break
        groups.append(digits[position : position + size])
        position += size
    if position < len(digits):
        groups[-1] += digits[position:]
    return groups


STYLES = ("ascii_spaced", "numerals_spaced", "numerals_commas", "numerals_whole", "mixed", "numerals_plain_commas")


def read_aloud(digits: str, kind: str, style: str, rng: random.Random) -> str:
    """How a caller's number is written by the ASR engine."""
    groups = grouped(digits, GROUPS[kind])
    if style == "ascii_spaced":
        return " ".join(groups)
    if style == "numerals_spaced":
        return " ".join(in_numerals(g, rng) for g in groups)
    if style == "numerals_commas":
        return "，".join(in_numerals(g, rng) for g in groups)
    if style == "numerals_plain_commas":
        return "，".join(in_numerals(g, rng, plain=True) for g in groups)
    if style == "numerals_whole":
        return in_numerals(digits, rng)
    # mixed: some groups as digits, some as numerals
    return " ".join(g if i % 2 == 0 else in_numerals(g, rng) for i, g in enumerate(groups))


# --- templates --------------------------------------------------------------------------------------------
GREETING = "坐席：您好，12345热线，请讲。"
CLOSING = "坐席：好的，我们会尽快转交相关部门处理。"
PROBLEMS = (
    "我们{{三栋二单元}}楼下的下水道堵了{{两个多月}}，臭得要命",
    "小区门口的路灯坏了，晚上黑漆漆的，老人都不敢出门",
    "隔壁工地晚上{{十二点}}还在打桩，吵得睡不着",
    "我在{{老百姓大药房}}买的药过期了，找他们退不给退",
    "{{桂花坪街道}}这边的垃圾站一个星期没人清了",
    "我家{{1302室}}楼上漏水，天花板都泡烂了",
    "公交车司机态度很差，还多收了我{{一百多块}}的卡钱",
    "物业一直不给修电梯，{{八十多岁}}的老人天天爬楼",
)


def _problem(rng: random.Random) -> str:
    return rng.choice(PROBLEMS)


def _name_cases(rng: random.Random) -> list[DialogueCase]:
    cases: list[DialogueCase] = []
    for i in range(40):  # surname given, repeated by the operator with a title, spelled out, 老X/小X
        surname = rng.choice(SURNAMES)
        gender = rng.choice("mf")
        title, title2 = rng.sample(TITLES_BY_GENDER[gender], 2)
        spell = rng.choice((f"，[[NAME:{surname}]]", "", ""))
        cases.append(
            case(
                "surname then title",
                GREETING,
                f"市民：喂，你好，{_problem(rng)}。",
                "坐席：请问您贵姓？",
                rng.choice(
                    (
                        f"市民：我姓[[NAME:{surname}]]{spell}。",
                        f"市民：免贵姓[[NAME:{surname}]]。",
                        f"市民：姓[[NAME:{surname}]]。",
                    )
                ),
                f"坐席：好的[[NAME:{surname}]]{title}，我复述一下，您反映的问题我们记下了。",
                f"市民：对对对，[[NAME:{surname}]]{title2}就是我，麻烦快点。" if i % 3 == 0 else "市民：对，就是这样。",
                f"坐席：[[NAME:{surname}]]{title}，请保持电话畅通。",
            )
        )
    for _ in range(40):  # full name given once, then surname with a title, the given name alone
        surname, given = full_name(rng)
        title = rng.choice(TITLES_BY_GENDER[rng.choice("mf")])
        alone = len(given) == 2 and rng.random() < 0.5
        cases.append(
            case(
                "full name then title",
                GREETING,
                f"市民：你好，我叫[[NAME:{surname}{given}]]，{_problem(rng)}。",
                f"坐席：[[NAME:{surname}]]{title}您好，请问具体位置在哪里？",
                "市民：就在我们小区里面。" + (f"你们来了找[[NAME:{given}]]就行，我家里人都这么叫我。" if alone else ""),
                f"坐席：好的[[NAME:{surname}]]{title}，我复述一下，[[NAME:{surname}{given}]]反映的问题我们记下了。",
            )
        )
    third_party = (
        "包工头叫[[NAME:{n}]]，欠了我们{{{{三个月}}}}工资，[[NAME:{n}]]现在电话也不接",
        "我妈叫[[NAME:{n}]]，今年{{{{八十多岁}}}}了，低保一直没批下来",
        "我妈[[NAME:{n}]]住院了，医院多收了钱",
        "有个叫[[NAME:{n}]]的保安天天骂人",
        "我想表扬一下那个护士[[NAME:{n}]]，对我爸特别耐心",
        "[[NAME:{n}]]护士特别细心，我要表扬她",
        "我们{{{{物业经理}}}}[[NAME:{n}]]根本不管事",
        "我老公[[NAME:{n}]]在工地上摔伤了，老板不给赔",
        "{{{{社区书记}}}}[[NAME:{n}]]说这个事不归他管",
        "隔壁的[[NAME:{n}]]把垃圾堆在楼道里，说了也不听",
        "我儿子[[NAME:{n}]]在{{{{实验小学}}}}读书，学校乱收费",
        "那个{{{{城管}}}}叫[[NAME:{n}]]，态度特别恶劣",
        "要表扬{{{{派出所}}}}的民警[[NAME:{n}]]，帮我找回了电动车",
        "房东[[NAME:{n}]]不退押金",
    )
    for template in third_party:
        for _ in range(5):
            surname, given = full_name(rng)
            name = surname + given
            cases.append(
                case(
                    "third party without a cue",
                    GREETING,
                    "市民：" + template.format(n=name) + "。",
                    "坐席：您是说" + template.format(n=name).split("，")[0] + "，是吧？",
                    "市民：对的。",
                    CLOSING,
                )
            )
    for _ in range(12):  # the answer to 贵姓 is the surname, then the full name
        surname, given = full_name(rng)
        cases.append(
            case(
                "answer to 贵姓",
                GREETING,
                f"市民：{_problem(rng)}。",
                "坐席：请问您贵姓？",
                f"市民：[[NAME:{surname}]]，[[NAME:{surname}{given}]]，我是这里的业主。",
                f"坐席：好的[[NAME:{surname}]]先生，请问您的联系电话？",
            )
        )
    for _ in range(12):  # the operator knows the surname from the caller id: only the title form
        surname = rng.choice(SURNAMES)
        cases.append(
            case(
                "title only",
                GREETING,
                f"坐席：[[NAME:{surname}]]女士您好，您上次反映的问题处理了吗？",
                f"市民：没有，{_problem(rng)}。",
                f"坐席：好的[[NAME:{surname}]]女士，我们再催一下。",
            )
        )
    for _ in range(10):  # 老X / 小X for a colleague or neighbour
        surname = rng.choice(SURNAMES)
        form = rng.choice(("老", "小"))
        cases.append(
            case(
                "familiar form",
                GREETING,
                f"市民：我们那个业务员{form}[[NAME:{surname}]]也不接电话了，钱也不退。",
                "坐席：您是说业务员不退钱，是吧？",
                f"市民：对，我找了{form}[[NAME:{surname}]]好几次了。",
            )
        )
    return cases


def _number_cases(rng: random.Random) -> list[DialogueCase]:
    cases: list[DialogueCase] = []
    makers = {"MOBILE": mobile, "LANDLINE": landline, "ID_CARD": id_card, "BANK_CARD": bank_card}
    asks = {
        "MOBILE": (
            "坐席：请问您的联系电话？",
            "市民：我手机是{v}。",
            "市民：{v}，你记一下。",
            "市民：电话{v}，打这个。",
        ),
        "LANDLINE": (
            "坐席：请问您的联系电话？",
            "市民：座机，{v}。",
            "市民：{v}，这是我们村小卖部的电话。",
            "市民：家里电话{v}。",
        ),
        "ID_CARD": (
            "坐席：麻烦报一下身份证号。",
            "市民：身份证是{v}。",
            "市民：{v}，你查一下。",
            "市民：我身份证号码{v}。",
        ),
        "BANK_CARD": (
            "坐席：退款的银行卡号是多少？",
            "市民：卡号{v}。",
            "市民：{v}，建设银行的。",
            "市民：工资卡是{v}。",
        ),
    }
    for kind, make in makers.items():
        count = 28 if kind == "MOBILE" else 18
        for i in range(count):
            digits = make(rng)
            style = STYLES[i % len(STYLES)]
            said = read_aloud(digits, kind, style, rng)
            ask, *answers = asks[kind]
            answer = answers[i % len(answers)].format(v=f"[[{kind}:{said}]]")
            read_back = rng.random() < 0.4
            cases.append(
                case(
                    f"{kind.lower()} {style}",
                    GREETING,
                    f"市民：{_problem(rng)}。",
                    ask,
                    answer,
                    f"坐席：[[{kind}:{digits}]]，对吧？" if read_back else "坐席：好的，记下了。",
                    CLOSING,
                )
            )
    for i in range(24):  # split over two turns, with the operator's 嗯 in between or not
        kind = ("MOBILE", "MOBILE", "LANDLINE", "ID_CARD")[i % 4]
        digits = makers[kind](rng)
        cut = {"MOBILE": 3, "LANDLINE": 4, "ID_CARD": 6}[kind] + (i % 2) * 4
        first, second = digits[:cut], digits[cut:]
        style = i % 3
        first_said = in_numerals(first, rng) if style else first
        second_said = in_numerals(second, rng) if style != 1 else " ".join(grouped(second, (4, 4, 4, 4)))
        between = ("坐席：嗯，您说。", "坐席：嗯。", "坐席：好的。", "")[i % 4]
        cases.append(
            case(
                f"{kind.lower()} split over turns",
                GREETING,
                f"市民：{_problem(rng)}。",
                "坐席：请留个联系方式。" if kind != "ID_CARD" else "坐席：请报一下身份证号。",
                f"市民：[[{kind}:{first_said}]]",
                *((between,) if between else ()),
                f"市民：[[{kind}:{second_said}]]。",
                CLOSING,
            )
        )
    for _ in range(8):  # several numbers in one turn
        phone, card = mobile(rng), id_card(rng)
        cases.append(
            case(
                "two numbers in one turn",
                GREETING,
                f"市民：{_problem(rng)}。",
                "坐席：请留一下电话和身份证号。",
                f"市民：电话[[MOBILE:{read_aloud(phone, 'MOBILE', 'numerals_commas', rng)}]]，"
                f"身份证[[ID_CARD:{read_aloud(card, 'ID_CARD', 'numerals_spaced', rng)}]]。",
                CLOSING,
            )
        )
    return cases


# Calls in which nothing is personal: places and organisations named after people, job titles, numbers that
# are not personal, and common words that start with a surname character.
_TRAP_TURNS = (
    "我住在{{周家湾}}，就是{{刘家巷}}那边",
    "{{A7县黄兴镇}}那个{{王府井百货}}门口堵车",
    "{{雨花区}}的{{老百姓大药房}}卖过期药",
    "{{桂花坪街道}}的{{马王堆}}那边路灯坏了",
    "我们{{金峰村}}的水渠被人填了",
    "{{高塘岭街道}}{{黄金园}}那个菜市场太脏了",
    "我找了{{物业经理}}，又找了{{保安师傅}}，都没用",
    "{{护士长}}说要等{{主任医生}}来",
    "{{社区书记}}和{{网格员}}都来看过了",
    "{{派出所民警}}说这个归{{城管}}管",
    "孩子的{{语文老师}}和{{班主任}}都知道这个事",
    "{{环卫阿姨}}说她们也没办法",
    "{{修车师傅}}说刹车片要换了",
    "楼下{{快递师傅}}把东西乱放",
    "{{三栋二单元}}停水{{两个多月}}了",
    "我交了{{一百多块}}，{{1302室}}的水表还是坏的",
    "{{2019年5月12日}}那天就打过电话了",
    "这是我{{第四次}}打{{12345}}了",
    "我都{{八十多岁}}了，腿脚不好",
    "每天有{{七八个}}推销电话打过来",
    "晚上{{十二点半}}还在施工",
    "{{三四十个}}人在那里排队",
    "{{一二零}}来了把人拉走了，我打了{{幺幺零}}",
    "{{二零一九年}}买的房子，到现在没交房",
    "物业费一个月{{三千五百块}}，太贵了",
    "我很{{高兴}}你们来处理，{{安全}}第一",
    "{{周末}}的时候{{马上}}就来人了",
    "{{文明}}城市不能这样",
    "小区{{方便}}了很多，就是{{江边}}的路灯不亮",
    "{{黄色}}的那台车{{连续}}三天停在消防通道",
    "我们{{向}}物业反映了，他们{{于是}}说等一等",
    "{{石头}}把车砸坏了，{{金额}}大概两千",
    "{{林业}}站的人说{{关心}}一下",
    "我在{{步步高超市}}门口摔了一跤",
    "{{湘雅医院}}门口天天堵",
    "我打了{{第三次}}了，你们到底管不管",
    "工单编号是{{二零二六一二零七零零一二}}，还没回复",
    "门牌号是{{三十八号}}，{{五楼}}",
    "公交{{一零二路}}的司机开得太快",
    "我们{{张家村}}和{{李家湾}}都停电了",
)


def _trap_cases(rng: random.Random) -> list[DialogueCase]:
    cases = []
    for i, turn in enumerate(_TRAP_TURNS):
        for j in range(2):
            cases.append(
                case(
                    "trap",
                    GREETING,
                    f"市民：{turn}。",
                    "坐席：您是说" + turn.split("，")[0] + "，是吧？" if j else "坐席：请问具体位置在哪里？",
                    "市民：对，就是这样。" if j else f"市民：{_TRAP_TURNS[(i + 7) % len(_TRAP_TURNS)]}。",
                    CLOSING,
                )
            )
    return cases


# Hand-written calls: the forms the templates do not cover and the mixtures that make masking hard.
HAND_WRITTEN = (
    case(
        "issue: 我姓周 then 好的周先生",
        "坐席：您好，12345热线，请讲。",
        "市民：我姓[[NAME:周]]，[[NAME:周末的周]]，{{周家湾}}那个路口的红绿灯坏了。",
        "坐席：好的[[NAME:周]]先生，您是说{{周家湾}}路口的红绿灯坏了，是吧？",
        "市民：对，老[[NAME:周]]我天天从那里过。",
    ),
    case(
        "issue: three names of a construction dispute",
        "市民：包工头叫[[NAME:马国富]]，我们十几个人的工资他一分没给。",
        "坐席：请问您贵姓？",
        "市民：我叫[[NAME:易建军]]，我妈[[NAME:易桂芝]]也在工地做饭。",
        "坐席：[[NAME:易]]先生，您是说包工头[[NAME:马国富]]拖欠工资，是吧？",
        "市民：对，[[NAME:国富]]他就是不接电话。",
    ),
    case(
        "praise of staff",
        "市民：我想表扬一下{{A3区中心医院}}的护士[[NAME:刘芳]]，还有[[NAME:陶晓芳]]护士。",
        "坐席：好的，您是说表扬护士[[NAME:刘芳]]和[[NAME:陶晓芳]]，是吧？",
        "市民：对，还有{{心内科}}的[[NAME:欧文斌]]医生。",
    ),
    case(
        "phone over three turns with a correction",
        "坐席：请问您的联系电话？",
        "市民：[[MOBILE:幺三八]]",
        "坐席：嗯，您说。",
        "市民：[[MOBILE:七七六五四三二一]]。",
        "坐席：[[MOBILE:13877654321]]，对吧？",
        "市民：对对对。",
    ),
    case(
        "surname answer with a spelling",
        "坐席：请问您怎么称呼？",
        "市民：[[NAME:弓长张]]，[[NAME:张]]阿姨就行。",
        "坐席：好的[[NAME:张]]阿姨。",
    ),
    case(
        "landline read as numerals and the operator writes it back",
        "坐席：您电话是？",
        "市民：[[LANDLINE:零七三一 八七八二 三三五零]]，你找[[NAME:覃金秀]]就行。",
        "坐席：[[LANDLINE:0731-87823350]]，好的[[NAME:覃]]阿姨。",
    ),
    case(
        "ID and bank card read in groups",
        "市民：身份证[[ID_CARD:四三零一二四，一九五三，零六一二，四八一九]]。",
        "坐席：好的，[[ID_CARD:430124195306124819]]。卡号呢？",
        "市民：[[BANK_CARD:六二一七，九九五五，八零零零，一二三四，七八六]]。",
        "坐席：[[BANK_CARD:6217 9955 8000 1234 786]]，是吧？",
    ),
    case(
        "a mobile with 两 and 洞",
        "坐席：请问您的联系电话？",
        "市民：我电话[[MOBILE:幺三两 洞洞六五 四三两幺]]，打这个。",
    ),
    case(
        "a family named by the surname",
        "坐席：您是说村里每家都交了钱，是吧？",
        "市民：隔壁组的[[NAME:汪]]家也给了八千，{{汪家湾}}那边的都给了。",
    ),
    case(
        "an old man addressed as 爹爹",
        "市民：我姓[[NAME:谢]]，[[NAME:谢春生]]，{{A8县双江口镇}}的。",
        "坐席：[[NAME:谢]]爹爹，您是说今年的耕地补贴没到，是吧？",
        "市民：对，[[NAME:春生]]我种了一辈子田。",
    ),
    case(
        "plate read as numerals",
        "市民：车牌是[[PLATE:湘A八八六二七]]，天天停在消防通道。",
        "坐席：[[PLATE:湘A88627]]，好的。",
    ),
    case(
        "a date of birth read aloud",
        "市民：我叫[[NAME:宋桂花]]，我是[[BIRTH_DATE:一九六四年八月]]出生的，{{桂花坪街道}}的。",
        "坐席：好的[[NAME:宋]]阿姨。",
    ),
)


# --- round 2: the classes the held-out calls of round 1 showed, with values of their own -------------------
# ASR engines write a digit read aloud in more ways than 幺/两/洞: 么, 吆 and 腰 for 幺, 俩 for 两, and the
# radio-operator readings 拐 for 7 and 勾 for 9 (幺拐拐勾).
_ASR_SAID = {
    "0": ("零", "洞", "〇"),
    "1": ("一", "幺", "么", "吆", "腰"),
    "2": ("二", "两", "俩"),
    "7": ("七", "拐"),
    "9": ("九", "勾"),
}
_VARIANTS = "么吆腰俩拐勾"


def in_asr_numerals(digits: str, rng: random.Random) -> str:
    """The digits as an ASR engine may write them, with at least one of 么/吆/腰/俩/拐/勾 where the digits allow."""
    while True:
        said = "".join(rng.choice(_ASR_SAID.get(d, (in_numerals(d, rng, plain=True),))) for d in digits)
        if any(ch in _VARIANTS for ch in said) or not any(d in "1279" for d in digits):
            return said


FILLERS = ("，那个，", "，嗯，", " 呃 ", "，就是，", "……", "，然后，", "，啊，", " 那个 ", "，嗯……")


def with_fillers(groups: list[str], rng: random.Random) -> str:
    """Groups of a number joined by the pauses and fillers of speech (at least one filler)."""
    gaps = [rng.choice(FILLERS) for _ in groups[1:]]
    if not any(gap.strip(" ，…") for gap in gaps):
        gaps[0] = "，那个，"
    return groups[0] + "".join(gap + group for gap, group in zip(gaps, groups[1:], strict=True))


PROVINCES = "湘鄂粤赣桂贵川渝京沪苏浙"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def plate(rng: random.Random) -> tuple[str, str, str]:
    """A plate's province, letter and tail (five characters, or six for a new-energy car)."""
    province, letter = rng.choice(PROVINCES), rng.choice(PLATE_LETTERS[:12])
    form = rng.randrange(3)
    if form == 0:
        tail = "".join(rng.choice("0123456789") for _ in range(5))
    elif form == 1:
        tail = rng.choice("DF") + "".join(rng.choice("0123456789") for _ in range(5))
    else:
        chars = [rng.choice("0123456789") for _ in range(5)]
        chars[rng.randrange(1, 5)] = rng.choice(PLATE_LETTERS)
        tail = "".join(chars)
    return province, letter, tail


def plate_said(province: str, letter: str, tail: str, rng: random.Random) -> str:
    """A plate read aloud: a space after the province, a pause, a filler or 的 after the letter, digits as
    numerals, a pause inside the tail."""
    head = province + rng.choice(("", " ")) + letter
    gap = rng.choice(("，那个，", " 的 ", "的", "，嗯，", " ", "……", "，呃，"))
    chars = [in_numerals(ch, rng) if ch.isdigit() else ch for ch in tail]
    said = "".join(chars)
    if rng.random() < 0.4 and len(chars) >= 5:
        cut = rng.randrange(2, len(chars) - 1)
        said = "".join(chars[:cut]) + " " + "".join(chars[cut:])
    return head + gap + said


# Titles of officials and staff, and honorifics, after a surname (刘主席, 黎副局长, 王总, 孙娭毑).
OFFICIAL_TITLES = _word_list(
    "主席 副主席 书记 副书记 支书 主任 副主任 局长 副局长 处长 副处长 科长 股长 所长 副所长 站长 院长 副院长 "
    "校长 副校长 园长 馆长 厂长 行长 部长 区长 副区长 县长 镇长 副镇长 乡长 村长 组长 队长 会长 秘书长 经理 "
    "副经理 总经理 总监 主管 董事长 老板 老板娘 店长 检察官 法官 警官 教授 老师 医生 大夫 护士长 律师 会计 工程师 "
    "师傅 教练 总 工 局"
)
HONORIFICS = _word_list(
    "先生 女士 阿姨 叔叔 大爷 大妈 大姐 大哥 婆婆 爹爹 娭毑 嗲嗲 满满 奶奶 爷爷 伯伯 大嫂 老太 老爷子 嫂子"
)
RARE_SURNAMES = _word_list("阙 湛 禤 谌 缑 亓 昝 訾 逯 郗 蒯 庹 仝 邸 郄 佴 笪 厍 隗 宓 蔺 郦 鄢 竺 冼 粟 扈 嵇 芮 璩")
# Surnames a caller corrects (the one heard or said first, the right one, how the right one is spelled out).
CORRECTED = (
    ("詹", "湛", "湛江的湛"),
    ("张", "章", "立早章"),
    ("陈", "程", "禾口程"),
    ("刘", "柳", "柳树的柳"),
    ("王", "汪", "三点水的汪"),
    ("李", "黎", "黎明的黎"),
    ("徐", "许", "言午许"),
    ("林", "凌", "凌晨的凌"),
    ("吴", "伍", "队伍的伍"),
    ("周", "邹", "邹韬奋的邹"),
    ("萧", "肖", "小月肖"),
    ("沈", "申", "申请的申"),
    ("江", "姜", "生姜的姜"),
    ("何", "贺", "祝贺的贺"),
    ("严", "颜", "颜色的颜"),
    ("苏", "舒", "舒服的舒"),
)
# Names the word segmenter cuts into a word and a character (秦国/庆, 黄金/秀, 周家/豪).
CUT_NAMES = _word_list(
    "秦国庆 黄金秀 韩国富 吴国良 金国富 周家豪 王家豪 余家豪 林子健 孙子健 夏天宇 黎明辉 朱德才 胡子健 "
    "魏国庆 叶子健 程志刚 莫大海 王国庆 徐海燕 雷雨涵 夏秋菊 龙凤英 方志明"
)


def _asr_number_cases(rng: random.Random) -> list[DialogueCase]:
    cases: list[DialogueCase] = []
    makers = {"MOBILE": mobile, "LANDLINE": landline, "ID_CARD": id_card, "BANK_CARD": bank_card}
    asks = {
        "MOBILE": ("坐席：请问您的联系电话？", "市民：我手机{v}。", "市民：{v}，你记一下。"),
        "LANDLINE": ("坐席：留个电话吧。", "市民：座机是{v}。", "市民：{v}，家里的。"),
        "ID_CARD": ("坐席：麻烦报一下身份证号码。", "市民：{v}。", "市民：身份证{v}，你查。"),
        "BANK_CARD": ("坐席：补贴打到哪张卡上？", "市民：卡号是{v}。", "市民：农商银行的，{v}。"),
    }
    kinds = ("MOBILE",) * 3 + ("LANDLINE", "ID_CARD", "BANK_CARD")
    for i in range(30):  # digits as ASR variants: 么/吆/腰, 俩, 拐, 勾
        kind = kinds[i % len(kinds)]
        digits = makers[kind](rng)
        groups = [in_asr_numerals(g, rng) for g in grouped(digits, GROUPS[kind])]
        said = rng.choice((" ", "，", "")).join(groups)
        ask, *answers = asks[kind]
        cases.append(
            case(
                f"{kind.lower()} with ASR variants of digits",
                GREETING,
                f"市民：{_problem(rng)}。",
                ask,
                answers[i % len(answers)].format(v=f"[[{kind}:{said}]]"),
                f"坐席：[[{kind}:{digits}]]，对吧？" if i % 3 == 0 else "坐席：好的，记下了。",
                CLOSING,
            )
        )
    for i in range(30):  # fillers and pauses between the groups, sometimes over two turns
        kind = kinds[i % len(kinds)]
        digits = makers[kind](rng)
        groups = [in_numerals(g, rng) if rng.random() < 0.8 else g for g in grouped(digits, GROUPS[kind])]
        ask, *answers = asks[kind]
        if i % 4 == 3:
            first, *rest = groups
            filler = rng.choice(("，那个", "，嗯", "……", "，呃"))
            turns = (
                f"市民：[[{kind}:{first}]]{filler}",
                *(("坐席：嗯，您说。",) if i % 8 == 3 else ()),
                f"市民：{rng.choice(('嗯，', '', '那个，'))}[[{kind}:{with_fillers(rest, rng)}]]。",
            )
        else:
            turns = (answers[i % len(answers)].format(v=f"[[{kind}:{with_fillers(groups, rng)}]]"),)
        cases.append(case(f"{kind.lower()} with fillers", GREETING, f"市民：{_problem(rng)}。", ask, *turns, CLOSING))
    return cases


def _plate_cases(rng: random.Random) -> list[DialogueCase]:
    cases: list[DialogueCase] = []
    situations = (
        "有辆车天天堵在消防通道，车牌是{p}",
        "那个车把我们小区门口的路占了，车牌号{p}，一停就是一个礼拜",
        "我的车被刮了，对方的车牌是{p}，人跑了",
        "一辆渣土车撒了一路的泥，车牌{p}",
        "出租车多收钱，车牌是{p}，司机态度还差",
    )
    for i in range(20):
        province, letter, tail = plate(rng)
        said = plate_said(province, letter, tail, rng)
        written = province + letter + rng.choice(("", "·")) + tail
        cases.append(
            case(
                "plate read aloud",
                GREETING,
                "市民：" + situations[i % len(situations)].format(p=f"[[PLATE:{said}]]") + "。",
                f"坐席：车牌是[[PLATE:{written}]]，是吧？" if i % 2 else "坐席：好的，我们转交交警部门。",
                "市民：对。",
                CLOSING,
            )
        )
    return cases


def _title_cases(rng: random.Random) -> list[DialogueCase]:
    cases: list[DialogueCase] = []
    for i in range(30):  # an official or a member of staff named by surname and title
        surname = rng.choice(SURNAMES + "".join(RARE_SURNAMES[:6]))
        title = OFFICIAL_TITLES[i % len(OFFICIAL_TITLES)] if i < len(OFFICIAL_TITLES) else rng.choice(OFFICIAL_TITLES)
        said = rng.choice(
            (
                "我上个月找过{{{{社区}}}}的[[NAME:{s}]]{t}，[[NAME:{s}]]{t}说下个礼拜来看，到现在也没来",
                "你们那个[[NAME:{s}]]{t}答应过的事情，不能不算数",
                "这个事[[NAME:{s}]]{t}也知道，我当面跟他讲过",
                "去年[[NAME:{s}]]{t}来看过一次，说要整改",
            )
        )
        turn = said.format(s=surname, t=title)
        cases.append(
            case(
                "surname with an official title",
                GREETING,
                f"市民：{turn}。",
                f"坐席：您是说[[NAME:{surname}]]{title}答应过处理，是吧？",
                "市民：对，就是他。",
                CLOSING,
            )
        )
    for i in range(12):  # a full name with a title before or after it
        surname, given = full_name(rng)
        title = rng.choice(OFFICIAL_TITLES[:30])
        turn = (
            f"市民：我们{{{{街道}}}}的[[NAME:{surname}{given}]]{title}根本不管。"
            if i % 2
            else f"市民：{title}[[NAME:{surname}{given}]]一直推，推了三个月。"
        )
        cases.append(case("full name with an official title", GREETING, turn, "坐席：好的，我们核实一下。", CLOSING))
    for i in range(20):  # the caller addressed by the operator with an honorific
        surname = rng.choice(SURNAMES)
        title = HONORIFICS[i % len(HONORIFICS)]
        cases.append(
            case(
                "surname with an honorific",
                GREETING,
                f"市民：{_problem(rng)}。",
                "坐席：请问怎么称呼您？",
                f"市民：我姓[[NAME:{surname}]]，叫我[[NAME:{surname}]]{title}就要得。",
                f"坐席：好的[[NAME:{surname}]]{title}，我们会尽快处理。",
            )
        )
    return cases


def _rare_surname_cases(rng: random.Random) -> list[DialogueCase]:
    cases: list[DialogueCase] = []
    forms = (
        ("市民：我叫[[NAME:{s}{g}]]，{p}。", "坐席：好的[[NAME:{s}]]{t}。"),
        ("市民：{p}，包工头叫[[NAME:{s}{g}]]。", "坐席：包工头[[NAME:{s}{g}]]，是吧？"),
        ("市民：我想表扬一下护士[[NAME:{s}{g}]]，对我们特别好。", "坐席：好的，表扬护士[[NAME:{s}{g}]]。"),
        ("市民：{p}，你们找[[NAME:{s}]]{t}就行。", "坐席：好的[[NAME:{s}]]{t}。"),
    )
    for i, surname in enumerate(RARE_SURNAMES):
        given = rng.choice(GIVEN)
        title = rng.choice(("先生", "师傅", "阿姨", "女士", "老师"))
        first, second = forms[i % len(forms)]
        values = {"s": surname, "g": given, "t": title, "p": _problem(rng)}
        cases.append(case("rare surname", GREETING, first.format(**values), second.format(**values), CLOSING))
    return cases


def _corrected_surname_cases(rng: random.Random) -> list[DialogueCase]:
    cases: list[DialogueCase] = []
    for i, (wrong, right, spelled) in enumerate(CORRECTED):
        title = rng.choice(("先生", "女士", "阿姨", "师傅"))
        if i % 3 == 0:
            turns = (
                "坐席：请问您贵姓？",
                f"市民：我姓[[NAME:{wrong}]]……不对不对，姓[[NAME:{right}]]，[[NAME:{spelled}]]。",
                f"坐席：好的[[NAME:{right}]]{title}。",
            )
        elif i % 3 == 1:
            turns = (
                f"坐席：好的[[NAME:{wrong}]]{title}，您是说{_problem(rng).split('，')[0]}，是吧？",
                f"市民：不是[[NAME:{wrong}]]，是[[NAME:{right}]]，[[NAME:{spelled}]]。",
                f"坐席：不好意思，[[NAME:{right}]]{title}。",
            )
        else:
            turns = (
                "坐席：您贵姓？",
                f"市民：[[NAME:{wrong}]]，哦不对，说错了，是[[NAME:{right}]]，[[NAME:{spelled}]]。",
                f"坐席：[[NAME:{right}]]{title}您好。",
            )
        cases.append(case("surname corrected", GREETING, f"市民：{_problem(rng)}。", *turns, CLOSING))
    return cases


def _cut_name_cases(rng: random.Random) -> list[DialogueCase]:
    cases: list[DialogueCase] = []
    templates = (
        "我妈[[NAME:{n}]]住院了，医院多收了钱",
        "包工头叫[[NAME:{n}]]，欠了我们工资",
        "我想表扬护士[[NAME:{n}]]，特别耐心",
        "我们{{{{物业经理}}}}[[NAME:{n}]]不管事",
        "房东[[NAME:{n}]]不退押金",
        "我老公[[NAME:{n}]]在工地上摔伤了",
    )
    for i, name in enumerate(CUT_NAMES):
        template = templates[i % len(templates)]
        cases.append(
            case(
                "name cut by the segmenter",
                GREETING,
                "市民：" + template.format(n=name) + "。",
                "坐席：您是说" + template.format(n=name).split("，")[0] + "，是吧？",
                "市民：对的。",
                CLOSING,
            )
        )
    return cases


# Calls of round 2 in which nothing is personal: digits' ASR variants as words, fillers between ordinary
# numbers, province and letter without a plate, titles without a name, 某 already masked, shops named like people.
_TRAP_TURNS_2 = (
    "你们说的是{{什么}}，我打了{{一二三四五}}，{{然后}}{{幺幺零}}也打了",
    "我们{{俩}}三点钟去的，{{往左拐}}三百米就是",
    "我{{腰疼}}了三个月，{{拐弯}}那里有个坑",
    "表格上{{打勾}}的那{{三四}}项都填了",
    "我家是{{三零二}}，{{那个}}，楼上{{五零一}}也漏水",
    "一共{{三千五}}，{{那个}}，押金{{五百}}另算",
    "{{二零二四年}}，{{嗯}}，{{十月三号}}那天下的雨",
    "门牌号{{三十八号}}，{{就是}}，{{五楼}}",
    "公交{{一零二路}}，{{然后}}转{{三零六路}}",
    "{{湘A}}的车都可以进，{{湘江大道}}那边不行",
    "{{京港澳高速}}出口，{{湘雅医院}}对面",
    "{{副局长}}说要研究，{{主席台}}上的人都没表态",
    "我写信到{{局长信箱}}，{{社区主任}}也找过了",
    "我们{{向主任}}反映过，{{连经理}}都不管",
    "{{公安局长}}也说了，{{派出所所长}}没来",
    "{{施工}}的噪音太大，{{邮局}}门口也在挖",
    "{{总经理}}不在，{{王府井百货}}的{{店长}}说等通知",
    "{{张某}}和{{王某某}}都是化名，{{某某小区}}的人都知道",
    "那个{{李某}}说不关他的事",
    "那个{{康寿源}}，搞养老的，收了钱不办事",
    "{{杨国福麻辣烫}}门口的垃圾没人收",
    "{{周家湾}}和{{阙家村}}都停水了",
    "{{湛江路}}的路灯坏了，{{詹家巷}}也黑",
    "{{黄金花园}}小区的电梯坏了",
    "我们{{高新区}}的{{文化站}}关门了",
)


def _trap_cases_2() -> list[DialogueCase]:
    cases = []
    for i, turn in enumerate(_TRAP_TURNS_2):
        cases.append(
            case(
                "trap (round 2)",
                GREETING,
                f"市民：{turn}。",
                "坐席：您是说" + turn.split("，")[0] + "，是吧？",
                "市民：对，就是这样。" if i % 2 else f"市民：{_TRAP_TURNS_2[(i + 5) % len(_TRAP_TURNS_2)]}。",
                CLOSING,
            )
        )
    return cases


def _round2() -> list[DialogueCase]:
    rng = random.Random(20261212)  # its own generator: the cases of round 1 stay as they were
    return (
        _asr_number_cases(rng)
        + _plate_cases(rng)
        + _title_cases(rng)
        + _rare_surname_cases(rng)
        + _corrected_surname_cases(rng)
        + _cut_name_cases(rng)
        + _trap_cases_2()
    )


# --- round 4: the classes the calls of parts 1-3 still showed, with values of their own -------------------------
# A caller who hesitates before the name or says its first syllable twice; a nickname; an old man called 老张头;
# a surname that is mostly a word (全, 和, 水) after 叫; a number interrupted by the ASR's noise marker or started
# again. And what must stay: what is said about a surname (这个姓少见), a business named after 叫.
NICKNAMES = _word_list("刀疤强 黑皮 瘦猴 铁牛 豹子 大头 麻子 二狗 眼镜王 光头强 阿彪 黑牛")
WORD_SURNAMES = "全和水云平明山时路强古丰"
TWO_CHARACTER_GIVEN = _word_list("德友 建华 国富 桂芝 秀英 志刚 丽娟 春梅 德明 国良 长贵 金秀 友林 秋菊 德福 淑珍")
NOISE = ("[杂音]", "[听不清]", "（听不清）", "[噪音]")


def _hesitation_cases(rng: random.Random) -> list[DialogueCase]:
    cases: list[DialogueCase] = []
    forms = (
        ("坐席：请问您怎么称呼？", "市民：我叫……[[NAME:{s}]]，[[NAME:{s}{g}]]。"),
        ("坐席：请问您贵姓？", "市民：嗯……[[NAME:{s}]]，[[NAME:{s}{g}]]，{p}。"),
        ("坐席：请问您怎么称呼？", "市民：我叫那个，[[NAME:{s}{g}]]，{p}。"),
        ("坐席：请问您贵姓？", "市民：我姓……[[NAME:{s}]]，就是那个[[NAME:{s}]]。"),
        ("坐席：欠钱的是谁？", "市民：包工头叫……[[NAME:{s}]]，[[NAME:{s}{g}]]，{p}。"),
        ("坐席：请问您怎么称呼？", "市民：呃，我叫，[[NAME:{s}{g}]]。"),
    )
    for i in range(18):
        surname, given = full_name(rng)
        title = rng.choice(("先生", "女士", "师傅", "阿姨"))
        ask, answer = forms[i % len(forms)]
        values = {"s": surname, "g": given, "p": _problem(rng)}
        cases.append(
            case(
                "name after a pause or a first syllable said twice",
                GREETING,
                f"市民：{_problem(rng)}。",
                ask,
                answer.format(**values),
                f"坐席：好的[[NAME:{surname}]]{title}，我们记下了。",
                CLOSING,
            )
        )
    return cases


def _nickname_cases(rng: random.Random) -> list[DialogueCase]:
    cases: list[DialogueCase] = []
    forms = (
        "放高利贷的那个人外号叫[[NAME:{n}]]，真名不晓得",
        "带头闹事的，大家都叫他[[NAME:{n}]]，天天在那里收保护费",
        "那个收钱的绰号[[NAME:{n}]]，村里人都怕他",
        "工地上管事的人称[[NAME:{n}]]，说不给就不给",
    )
    for i, nick in enumerate(NICKNAMES):
        said = forms[i % len(forms)].format(n=nick)
        cases.append(
            case(
                "a nickname",
                GREETING,
                f"市民：{said}。",
                f"坐席：您是说那个[[NAME:{nick}]]的问题，是吧？",
                "市民：对，就是他。",
                CLOSING,
            )
        )
    return cases


def _old_fellow_cases(rng: random.Random) -> list[DialogueCase]:
    cases: list[DialogueCase] = []
    forms = (
        "市民：住危房的五保户老[[NAME:{s}]]头一分钱补助都没拿到。",
        "市民：我们楼下看门的老[[NAME:{s}]]头子天天骂人。",
        "市民：隔壁的老[[NAME:{s}]]头把垃圾堆在楼道里。",
    )
    for i in range(9):
        surname = rng.choice("张王李刘陈杨黄赵吴周徐孙马胡郭何罗郑谢唐韩冯曹彭曾蒋蔡余叶程魏丁")
        cases.append(
            case(
                "an old man called by his surname",
                GREETING,
                forms[i % len(forms)].format(s=surname),
                "坐席：好的，我们转交社区。",
                CLOSING,
            )
        )
    return cases


def _word_surname_cases(rng: random.Random) -> list[DialogueCase]:
    cases: list[DialogueCase] = []
    forms = (
        "市民：我们班组有个工人叫[[NAME:{n}]]，老板欠了他四万多。",
        "市民：我老乡，名叫[[NAME:{n}]]，在工地上摔伤了。",
        "市民：村里有个老人叫[[NAME:{n}]]，一个人住，没人管。",
    )
    for i in range(12):
        name = WORD_SURNAMES[i % len(WORD_SURNAMES)] + rng.choice(TWO_CHARACTER_GIVEN)
        cases.append(
            case(
                "a surname that is mostly a word, after 叫",
                GREETING,
                forms[i % len(forms)].format(n=name),
                f"坐席：您是说[[NAME:{name}]]的事，是吧？",
                "市民：对的。",
                CLOSING,
            )
        )
    return cases


def _interrupted_number_cases(rng: random.Random) -> list[DialogueCase]:
    cases: list[DialogueCase] = []
    for i in range(14):
        digits = mobile(rng)
        head, middle, tail = (in_numerals(g, rng) for g in grouped(digits, GROUPS["MOBILE"]))
        noise = NOISE[i % len(NOISE)]
        said = (
            f"{head}，{head}{middle}，{noise}，{tail}"  # started again, then a noise
            if i % 2 == 0
            else f"{head}，{middle}{noise}{tail}"
        )
        cases.append(
            case(
                "a number interrupted by noise or started again",
                GREETING,
                f"市民：{_problem(rng)}。",
                "坐席：请问您的联系电话？",
                f"市民：电话就是这个，[[MOBILE:{said}]]。",
                "坐席：好的，记下了。",
                CLOSING,
            )
        )
    return cases


HAND_WRITTEN_4 = (
    case(
        "a surname spelled by its parts",
        GREETING,
        "市民：我姓[[NAME:刘]]，[[NAME:文刀刘]]，{{桂花坪街道}}的。",
        "坐席：好的[[NAME:刘]]先生。",
    ),
    case(
        "a surname spelled by its parts",
        GREETING,
        "坐席：请问您怎么称呼？",
        "市民：我叫[[NAME:覃]]，那个[[NAME:西早覃]]，[[NAME:覃月娥]]。",
        "坐席：好的[[NAME:覃]]女士。",
    ),
    case(
        "a surname spelled by its parts",
        GREETING,
        "市民：[[NAME:罗]]，[[NAME:四维罗]]，[[NAME:罗志勇]]，我们小区的电梯坏了。",
        "坐席：好的[[NAME:罗]]先生。",
    ),
    case(
        "a given name after a kinship word, the full name said later",
        GREETING,
        "市民：我女儿[[NAME:雨萱]]今年七岁，入学的事一直没办好。",
        "坐席：孩子的全名叫什么？",
        "市民：[[NAME:彭雨萱]]。",
    ),
    case(
        "a family named by its surname",
        GREETING,
        "市民：我们是[[NAME:邹]]家的，就是村口第二家，补偿款一直没到。",
    ),
    case(
        "familiar form",
        GREETING,
        "市民：那个保安老[[NAME:龚]]人很好，帮我把东西搬上楼了。",
    ),
    case(
        "third party without a cue",
        GREETING,
        "市民：快递小哥[[NAME:汤国良]]把我的东西摔坏了，还骂人。",
        "坐席：您是说快递员[[NAME:汤国良]]摔坏了物品，是吧？",
    ),
)

# Calls written before round 4's second batch of name rules and measured blind first (names 51 of 59 masked, then
# 58 of 59: 外卖小哥马超 is missed, a common name that jieba's dictionary knows as a famous one), kept as they were
# written but for the spellings of surnames (四维罗, 西早覃), which are masked and now marked.
BLIND_4 = (
    case(
        "a blind set of round 4",
        GREETING,
        "市民：我女儿叫[[NAME:王思琪]]，在学校被人欺负了。",
        "坐席：好的，[[NAME:思琪]]现在在哪里？",
    ),
    case(
        "a blind set of round 4",
        GREETING,
        "市民：你们找[[NAME:刘建国]]就行，他是我们楼栋长。",
        "坐席：好的，找[[NAME:刘]]师傅。",
    ),
    case(
        "a blind set of round 4",
        GREETING,
        "市民：负责人是[[NAME:李国华]]，电话打不通。",
        "坐席：您是说负责人[[NAME:李国华]]联系不上，是吧？",
    ),
    case("a blind set of round 4", GREETING, "市民：签字的是[[NAME:赵德明]]，他说了算。"),
    case("a blind set of round 4", GREETING, "市民：那个姓[[NAME:黄]]的经理天天骂人。", "坐席：[[NAME:黄]]经理是吧？"),
    case("a blind set of round 4", GREETING, "市民：我们经理姓[[NAME:胡]]，[[NAME:胡]]经理说不管。"),
    case("a blind set of round 4", GREETING, "市民：[[NAME:王建军]]他不给钱，拖了半年。"),
    case("a blind set of round 4", GREETING, "市民：我是[[NAME:陈]]姐，上次打过电话的。", "坐席：[[NAME:陈]]姐您好。"),
    case("a blind set of round 4", GREETING, "市民：我老婆姓[[NAME:刘]]，她的医保卡丢了。"),
    case("a blind set of round 4", GREETING, "市民：法人代表是[[NAME:孙志强]]，人跑了。"),
    case("a blind set of round 4", GREETING, "市民：我姓[[NAME:刘]]，[[NAME:文刀刘]]。", "坐席：好的[[NAME:刘]]先生。"),
    case("a blind set of round 4", GREETING, "市民：我姓[[NAME:李]]，[[NAME:李白的李]]，叫[[NAME:李秀兰]]。"),
    case(
        "a blind set of round 4",
        GREETING,
        "坐席：请问您怎么称呼？",
        "市民：[[NAME:罗]]，[[NAME:四维罗]]，[[NAME:罗美玲]]。",
        "坐席：好的[[NAME:罗]]女士。",
    ),
    case(
        "a blind set of round 4",
        GREETING,
        "市民：我们村会计[[NAME:周建新]]把补助款扣了。",
        "坐席：会计[[NAME:周建新]]，是吧？",
    ),
    case("a blind set of round 4", GREETING, "市民：我想投诉一个医生，叫[[NAME:邓丽萍]]，态度特别差。"),
    case("a blind set of round 4", GREETING, "市民：那个快递员，工号上写的[[NAME:宋小军]]，把我的东西摔了。"),
    case(
        "a blind set of round 4",
        GREETING,
        "市民：我儿子[[NAME:小军]]今年九岁，他的学籍有问题。",
        "坐席：孩子全名叫什么？",
        "市民：[[NAME:蒋小军]]。",
    ),
    case(
        "a blind set of round 4",
        GREETING,
        "市民：我母亲[[NAME:谭淑芬]]，八十多了，低保被取消了。",
        "坐席：好的，[[NAME:谭]]奶奶的情况我们记下了。",
    ),
    case(
        "a blind set of round 4",
        GREETING,
        "坐席：请问您贵姓？",
        "市民：免贵，姓[[NAME:欧阳]]。",
        "坐席：好的[[NAME:欧阳]]先生。",
    ),
    case("a blind set of round 4", GREETING, "市民：我们楼下的[[NAME:吴]]老板占道经营，[[NAME:吴]]老板还骂人。"),
    case("a blind set of round 4", GREETING, "市民：房东叫……[[NAME:钱]]，[[NAME:钱国强]]，押金一直不退。"),
    case("a blind set of round 4", GREETING, "市民：我是[[NAME:杨丽华]]的家属，她住院了。"),
    case("a blind set of round 4", GREETING, "市民：帮我转告[[NAME:黄志明]]主任，材料我交了。"),
    case("a blind set of round 4", GREETING, "市民：[[NAME:龙]]爹爹一个人住，好几天没下楼了。"),
    case("a blind set of round 4", GREETING, "市民：我叫[[NAME:曾]]……[[NAME:曾德华]]，我们村的路坏了。"),
    case("a blind set of round 4", GREETING, "市民：举报一下，村主任[[NAME:贺建平]]和他侄子[[NAME:贺亮]]把地卖了。"),
    case("a blind set of round 4", GREETING, "市民：我老公[[NAME:熊]]，[[NAME:熊伟]]，他在工地上摔了。"),
    case("a blind set of round 4", GREETING, "市民：是[[NAME:唐]]老师让我打的电话，[[NAME:唐]]老师说你们能管。"),
    case("a blind set of round 4", GREETING, "市民：我们是[[NAME:彭]]家的，就是村口那家。"),
    case("a blind set of round 4", GREETING, "市民：业主群里那个叫[[NAME:付红梅]]的一直在造谣。"),
    case(
        "a blind set of round 4",
        GREETING,
        "市民：我找一下上次接我电话的小[[NAME:刘]]。",
        "坐席：不好意思，我们不能转接。",
    ),
    case("a blind set of round 4", GREETING, "市民：我叫[[NAME:覃]]，那个[[NAME:西早覃]]，[[NAME:覃桂兰]]。"),
    case("a blind set of round 4", GREETING, "市民：外卖小哥[[NAME:马超]]送错了还骂人。"),
    case("a blind set of round 4", GREETING, "市民：对面店的老板娘，都叫她[[NAME:芳姐]]，天天在门口烧纸。"),
    case("a blind set of round 4", GREETING, "市民：住我隔壁的[[NAME:丁]]婆婆摔倒了。"),
    case("a blind set of round 4", GREETING, "市民：那个保安老[[NAME:韩]]人很好，我想表扬他。"),
)


_TRAP_TURNS_4 = (
    "登记的人说{{这个姓少}}，老是打错",
    "我们那里姓这个的不多，{{这个姓很少见}}",
    "我妈最近天天去一个叫{{康乐颐年}}的地方听课",
    "有个叫{{金太阳健康管理}}的公司在小区门口卖保健品",
    "在一个叫{{万家福电器}}的店买的冰箱",
    "大家都喊那个地方{{老街口}}，路灯一直不亮",
    "{{外号}}什么的我不知道，反正是{{物业}}的人",
    "那个{{老头}}说他也不晓得，{{老太太}}也说不知道",
)


def _trap_cases_4() -> list[DialogueCase]:
    return [
        case(
            "trap (round 4)",
            GREETING,
            f"市民：{turn}。",
            "坐席：您是说" + turn.split("，")[0] + "，是吧？",
            "市民：对，就是这样。",
            CLOSING,
        )
        for turn in _TRAP_TURNS_4
    ]


def _round4() -> list[DialogueCase]:
    rng = random.Random(20261214)  # its own generator: the cases of rounds 1 and 2 stay as they were
    return (
        _hesitation_cases(rng)
        + _nickname_cases(rng)
        + _old_fellow_cases(rng)
        + _word_surname_cases(rng)
        + _interrupted_number_cases(rng)
        + _trap_cases_4()
        + list(HAND_WRITTEN_4)
        + list(BLIND_4)
    )


# --- round 5: the classes the calls of final2 showed (plates read aloud, names on a badge or after 老板叫, 叫我小莫,
# 司马光的司马, names with a numeral, a number finished after the operator asks for the rest), with values of their
# own; written and measured blind before the rules of round 5 (bench/data/safety_dev.md has the figures) ---------
BLIND_5 = (
    case(
        "a blind set of round 5: plate",
        GREETING,
        "市民：那台车停在消防通道上，车牌是湘A [[PLATE:湘A 幺二三四五]]不对，是[[PLATE:湘A 幺二三四六]]。",
    ),
    case("a blind set of round 5: plate", GREETING, "市民：车牌[[PLATE:楚A·12345]]，白色的面包车，天天堵门口。"),
    case(
        "a blind set of round 5: plate",
        GREETING,
        "市民：一台黑色的车，车牌[[PLATE:鄂A，那个，德国的D，幺五七，八八二]]，撞了人就跑了。",
    ),
    case(
        "a blind set of round 5: plate",
        GREETING,
        "市民：车牌是[[PLATE:湘A，字母K，三三[杂音]九零七]]，就停在我家门口。",
        "坐席：[[PLATE:湘A·K33907]]，对吗？",
        "市民：对。",
    ),
    case(
        "a blind set of round 5: plate",
        GREETING,
        "市民：出租车多收了我二十块钱，车牌[[PLATE:湘A，T……T七二五九]]。",
    ),
    case(
        "a blind set of round 5: plate",
        GREETING,
        "市民：我的车被人刮了，我的是[[PLATE:赣B，六六，Q，三八一]]。",
        "坐席：[[PLATE:赣B·66Q381]]，好的。",
    ),
    case(
        "a blind set of round 5: plate",
        GREETING,
        "市民：那个渣土车，车牌[[PLATE:湘A，九九二，零五幺]]，后面好像还有一个字母没看清。",
    ),
    case(
        "a blind set of round 5: plate",
        GREETING,
        "市民：那台车是新能源的，[[PLATE:湘A，D，幺二三，四五六]]，天天占着充电桩不走。",
    ),
    case(
        "a blind set of round 5: plate",
        GREETING,
        "市民：就是一台白色的小车，车牌尾号[[PLATE:三八七]]，停在盲道上好几天了。",
    ),
    case(
        "a blind set of round 5: plate",
        GREETING,
        "市民：车牌是[[PLATE:粤B 大写的M 二二八 四七]]，司机还骂人。",
    ),
    case(
        "a blind set of round 5: plate",
        GREETING,
        "市民：牌照是[[PLATE:湘A，嗯，C，呃，幺零，零二九]]，那个人开得好快。",
    ),
    case("a blind set of round 5: plate", GREETING, "坐席：车牌是[[PLATE:湘A·8K75263]]，是吧？", "市民：是的。"),
    case(
        "a blind set of round 5: name",
        GREETING,
        "市民：那个厂的老板叫[[NAME:邓继红]]，村里都晓得，就是没人管。",
    ),
    case(
        "a blind set of round 5: name",
        GREETING,
        "市民：包工头叫[[NAME:彭继光]]，欠了我们三个月工资。",
    ),
    case(
        "a blind set of round 5: name",
        GREETING,
        "市民：窗口那个工作人员态度好差，胸牌上写的是[[NAME:柳萍]]。",
    ),
    case(
        "a blind set of round 5: name",
        GREETING,
        "市民：那个司机的工牌上写着[[NAME:贺勇]]，开车打电话。",
    ),
    case(
        "a blind set of round 5: name",
        GREETING,
        "坐席：可以告诉我怎么称呼您吗？",
        "市民：叫我小[[NAME:莫]]就行。",
        "坐席：小[[NAME:莫]]，我在听。",
    ),
    case(
        "a blind set of round 5: name",
        GREETING,
        "市民：你喊我老[[NAME:龚]]就可以了，我们这里的路灯坏了半个月了。",
        "坐席：好的老[[NAME:龚]]。",
    ),
    case(
        "a blind set of round 5: name",
        GREETING,
        "坐席：您贵姓？",
        "市民：姓[[NAME:司马]]，[[NAME:司马光的司马]]。",
        "坐席：[[NAME:司马]]先生，好的。",
    ),
    case(
        "a blind set of round 5: name",
        GREETING,
        "坐席：您贵姓？",
        "市民：[[NAME:欧阳]]，[[NAME:欧阳修的欧阳]]。",
        "坐席：好的[[NAME:欧阳]]女士。",
    ),
    case(
        "a blind set of round 5: name",
        GREETING,
        "市民：那个赌场的老板叫[[NAME:张老四]]，真名不晓得。",
    ),
    case(
        "a blind set of round 5: name",
        GREETING,
        "市民：修车铺的老板叫[[NAME:李三毛]]，他说他去拿竹竿挑。",
    ),
    case(
        "a blind set of round 5: name",
        GREETING,
        "市民：隔壁的[[NAME:王二娃]]天天半夜放音乐。",
    ),
    case(
        "a blind set of round 5: name",
        GREETING,
        "市民：我想表扬一下公交司机，车上的牌子写的[[NAME:唐丽]]，她帮了一个晕倒的老人。",
    ),
    case(
        "a blind set of round 5: name",
        GREETING,
        "市民：那个医生叫什么……[[NAME:郝]]，[[NAME:郝建新]]，态度很差。",
    ),
    case(
        "a blind set of round 5: number over turns",
        GREETING,
        "坐席：您的电话？",
        "市民：[[MOBILE:一五八，七三二三]]",
        "坐席：[[MOBILE:一五八七三二三]]，后面呢？",
        "市民：[[MOBILE:零五五零]]",
        "坐席：好的。",
    ),
    case(
        "a blind set of round 5: number over turns",
        GREETING,
        "坐席：留个电话吧。",
        "市民：[[MOBILE:一三九，七三幺零]]",
        "坐席：嗯，后面四位是？",
        "市民：[[MOBILE:八八二一]]，这回要给我个说法。",
    ),
    case(
        "a blind set of round 5: number over turns",
        GREETING,
        "坐席：您的手机号码？",
        "市民：[[MOBILE:幺八六]]",
        "坐席：[[MOBILE:幺八六]]，然后呢？",
        "市民：[[MOBILE:七三一五，四四零二]]",
    ),
    case(
        "a blind set of round 5: number over turns",
        GREETING,
        "坐席：联系电话多少？",
        "市民：[[MOBILE:一五幺，七三二零]]，[[MOBILE:零九]]……",
        "坐席：[[MOBILE:零九]]后面呢？",
        "市民：[[MOBILE:六六]]",
    ),
)
# A second blind set of round 5, written after its rules and measured once before any rule changed again
# (bench/data/safety_dev.md has the figures), kept as it was written.
BLIND_5B = (
    case(
        "a second blind set of round 5: plate",
        GREETING,
        "市民：车牌号是[[PLATE:湘A，七，三，幺，D，五]]，停在我家门口三天了。",
    ),
    case("a second blind set of round 5: plate", GREETING, "市民：那台车是[[PLATE:渝B 8 8 K 2 1]]，天天乱按喇叭。"),
    case(
        "a second blind set of round 5: plate",
        GREETING,
        "市民：车牌[[PLATE:湘 A D 一二三四五]]，新能源的，占着消防通道。",
        "坐席：[[PLATE:湘AD12345]]，是吧？",
    ),
    case("a second blind set of round 5: plate", GREETING, "市民：就是[[PLATE:湘A的那个八八七六五]]，白色的。"),
    case(
        "a second blind set of round 5: plate",
        GREETING,
        "市民：车号是[[PLATE:粤B，呃，九九二八幺]]，好像是这个，我没看太清。",
    ),
    case("a second blind set of round 5: plate", GREETING, "市民：牌子是[[PLATE:苏E 二G八一C]]，一台面包车。"),
    case("a second blind set of round 5: plate", GREETING, "市民：车牌末尾是[[PLATE:五六七]]，黑色的越野车。"),
    case(
        "a second blind set of round 5: name",
        GREETING,
        "市民：那个施工队的队长叫那个……[[NAME:谭]]，[[NAME:谭国强]]，天天半夜施工。",
    ),
    case("a second blind set of round 5: name", GREETING, "市民：工作人员的胸卡上写的是[[NAME:龙飞]]，态度很差。"),
    case(
        "a second blind set of round 5: name", GREETING, "市民：那个店的老板娘叫[[NAME:罗二妹]]，天天把桌子摆到马路上。"
    ),
    case(
        "a second blind set of round 5: name",
        GREETING,
        "坐席：请问您怎么称呼？",
        "市民：你叫我老[[NAME:胡]]就行了。",
        "坐席：好的，老[[NAME:胡]]，您说。",
    ),
    case("a second blind set of round 5: name", GREETING, "市民：我们村的会计叫[[NAME:贺满秀]]，补贴都被她扣了。"),
    case(
        "a second blind set of round 5: name",
        GREETING,
        "坐席：您贵姓？",
        "市民：[[NAME:上官]]，[[NAME:上官婉儿的上官]]。",
        "坐席：好的[[NAME:上官]]女士。",
    ),
    case("a second blind set of round 5: name", GREETING, "市民：网格员[[NAME:邹小兵]]说这个事他管不了。"),
    case(
        "a second blind set of round 5: number over turns",
        GREETING,
        "坐席：您的电话？",
        "市民：[[MOBILE:幺三八，嗯，七三幺二]]",
        "坐席：还有四位？",
        "市民：[[MOBILE:五五二零]]",
    ),
    case(
        "a second blind set of round 5: number over turns",
        GREETING,
        "坐席：留个座机吧。",
        "市民：[[LANDLINE:零七三幺]]",
        "坐席：[[LANDLINE:零七三幺]]，然后呢？",
        "市民：[[LANDLINE:八八五五六六七七]]",
    ),
    case(
        "a second blind set of round 5: number over turns",
        GREETING,
        "坐席：联系电话？",
        "市民：[[MOBILE:一八九七三幺]]……",
        "坐席：嗯，您说。",
        "市民：[[MOBILE:五零二二四]]，这个是我的手机。",
    ),
)
# … and what must stay: restrictions by the last digit of a plate, a province's cars, a train's letter.
_TRAP_TURNS_5 = (
    "这周{{尾号限行}}是一和六，我们这条路还是堵",
    "外地车好多，{{湘A的车}}反而少",
    "{{K字头的火车}}晚点了三个小时",
    "我们小区{{三号线}}的站口一直没开",
    "老板说了，{{老三}}那个店下个月关门",
)


def _trap_cases_5() -> list[DialogueCase]:
    return [case("trap (round 5)", GREETING, f"市民：{turn}。", "坐席：好的，我们记下了。") for turn in _TRAP_TURNS_5]


# Round 5's classes, generated: plates read with the noise of speech, numbers finished after the operator asks for
# the rest, names on a badge, after 老板叫, familiar forms and names with a numeral.
LETTER_WORDS = ("字母", "大写的", "英文字母", "")
PLATE_NOISE = ("，", "……", "，那个，", "，嗯，", " [杂音] ", " ", "，呃，")
PROVINCES_SAID = ("楚", "相", "越")  # said by callers or heard by the ASR engine for 鄂/湘/粤


def plate_said_noisily(province: str, letter: str, tail: str, rng: random.Random) -> str:
    """A plate read with pauses, fillers and noise marks between its groups, a letter said as a word now and
    then, and the first character of the tail said twice after a pause now and then."""
    chars = [in_numerals(ch, rng) if ch.isdigit() else rng.choice(LETTER_WORDS) + ch for ch in tail]
    cut = sorted(rng.sample(range(1, len(chars)), 2))
    groups = ["".join(chars[: cut[0]]), "".join(chars[cut[0] : cut[1]]), "".join(chars[cut[1] :])]
    said = groups[0]
    for group in groups[1:]:
        said += rng.choice(PLATE_NOISE) + group
    if rng.random() < 0.3 and tail[0].isalpha():
        said = tail[0] + "……" + said
    return province + letter + rng.choice(PLATE_NOISE) + said


def _round5_plate_cases(rng: random.Random) -> list[DialogueCase]:
    cases: list[DialogueCase] = []
    situations = (
        "有台车天天停在盲道上，车牌是{p}",
        "那台车撞了人就跑了，车牌{p}，黑色的",
        "网约车绕路多收钱，车牌号码是{p}",
        "渣土车晚上拉着东西到处撒，牌照是{p}",
    )
    for i in range(24):
        province, letter, tail = plate(rng)
        if i % 4 == 3:  # a tail of six or seven characters read aloud
            tail += rng.choice("0123456789")
        if i % 6 == 5:
            province = rng.choice(PROVINCES_SAID)
        said = plate_said_noisily(province, letter, tail, rng)
        written = province + letter + "·" + tail
        cases.append(
            case(
                "plate read with noise (round 5)",
                GREETING,
                "市民：" + situations[i % len(situations)].format(p=f"[[PLATE:{said}]]") + "。",
                f"坐席：[[PLATE:{written}]]，对吗？" if i % 2 else "坐席：好的，我们转交警部门。",
                "市民：对。",
            )
        )
    for i in range(6):  # the end of a plate only
        tail = in_numerals("".join(rng.choice("0123456789") for _ in range(3 + i % 2)), rng)
        cases.append(
            case(
                "the end of a plate (round 5)",
                GREETING,
                f"市民：一台白色的小车，车牌尾号[[PLATE:{tail}]]，天天停在消防通道上。",
                "坐席：好的，我们转交警部门。",
            )
        )
    return cases


def _round5_number_cases(rng: random.Random) -> list[DialogueCase]:
    cases: list[DialogueCase] = []
    asks = ("后面呢？", "嗯，后面四位是？", "然后呢？", "还有呢？", "剩下的是？")
    for i in range(20):
        digits = mobile(rng) if i % 5 else landline(rng)[:11]
        kind = "MOBILE" if i % 5 else "LANDLINE"
        cut = rng.choice((3, 7, 7, 8))
        first, rest = in_numerals(digits[:cut], rng), in_numerals(digits[cut:], rng)
        if len(first) > 4:
            first = first[:3] + "，" + first[3:]
        echo = f"[[{kind}:{in_numerals(digits[:cut], rng, plain=True)}]]，" if i % 2 else ""
        cases.append(
            case(
                "a number finished after the operator asks for the rest (round 5)",
                GREETING,
                f"市民：{_problem(rng)}。",
                "坐席：您的联系电话？",
                f"市民：[[{kind}:{first}]]",
                f"坐席：{echo}{asks[i % len(asks)]}",
                f"市民：[[{kind}:{rest}]]{rng.choice(('', '，你们记一下', '。'))}",
                CLOSING,
            )
        )
    return cases


NUMERAL_NAMES = _word_list("老三 老四 老五 老幺 二毛 三毛 四毛 二娃 三娃 二狗 满妹")
BADGES = ("胸牌上写的是", "工牌上写着", "胸牌上写的", "牌子上印的是")
JOBS = ("老板", "包工头", "司机", "医生", "老板娘", "店长")


def _round5_name_cases(rng: random.Random) -> list[DialogueCase]:
    cases: list[DialogueCase] = []
    for i in range(12):
        surname, given = full_name(rng)
        cases.append(
            case(
                "a name on a badge (round 5)",
                GREETING,
                f"市民：窗口那个工作人员态度很差，{BADGES[i % len(BADGES)]}[[NAME:{surname + given}]]。",
            )
        )
    for i in range(12):
        surname, given = full_name(rng)
        cases.append(
            case(
                "a job title, then what the person is called (round 5)",
                GREETING,
                f"市民：那个{JOBS[i % len(JOBS)]}叫[[NAME:{surname + given}]]，{{{{欠钱不还}}}}。",
            )
        )
    for i in range(11):
        surname = rng.choice(SURNAMES)
        cases.append(
            case(
                "a name with a numeral (round 5)",
                GREETING,
                f"市民：那个{JOBS[i % len(JOBS)]}叫[[NAME:{surname + NUMERAL_NAMES[i]}]]，真名不晓得。",
            )
        )
    for i in range(8):
        surname = rng.choice(SURNAMES)
        familiar = "小" if i % 2 else "老"
        cases.append(
            case(
                "a familiar form the caller asks to be called (round 5)",
                GREETING,
                "坐席：请问怎么称呼您？",
                f"市民：{('叫我', '你喊我', '叫我')[i % 3]}{familiar}[[NAME:{surname}]]{('就行', '就可以了', '吧')[i % 3]}。",
                f"坐席：好的，{familiar}[[NAME:{surname}]]。",
            )
        )
    for compound, word in (("司马", "司马光"), ("欧阳", "欧阳修"), ("诸葛", "诸葛亮"), ("上官", "上官婉儿")):
        cases.append(
            case(
                "a compound surname spelled by a famous name (round 5)",
                GREETING,
                "坐席：您贵姓？",
                f"市民：姓[[NAME:{compound}]]，[[NAME:{word}的{compound}]]。",
                f"坐席：好的[[NAME:{compound}]]先生。",
            )
        )
    return cases


def _round5() -> list[DialogueCase]:
    rng = random.Random(20261221)  # its own generator: the cases of earlier rounds stay as they were
    return (
        _round5_plate_cases(rng)
        + _round5_number_cases(rng)
        + _round5_name_cases(rng)
        + _trap_cases_5()
        + list(BLIND_5)
        + list(BLIND_5B)
    )


# --- round 6: the classes the calls of final3 showed (a surname that is a common word, spelled by a word and then
# used with a title; a surname and a job word as a form of address; a family named 某家 after where it lives; 有个小秦;
# 叫 and a name whose surname is a word; a number's last group said again on its own after the operator's read-back),
# with values of their own; written and measured blind before any rule of round 6 (bench/data/safety_dev.md has the
# figures), kept as it was written ------------------------------------------------------------------------------------
BLIND_6 = (
    case(
        "a blind set of round 6: a surname that is a word",
        GREETING,
        "坐席：请问您贵姓？",
        "市民：[[NAME:门]]，大门的[[NAME:门]]",
        "坐席：[[NAME:门]]先生，您的电话？",
    ),
    case(
        "a blind set of round 6: a surname that is a word",
        GREETING,
        "坐席：怎么称呼您？",
        "市民：[[NAME:云]]，白云的[[NAME:云]]，[[MOBILE:一五八，二二七三，九零四六]]",
        "坐席：好的，[[NAME:云]]女士。",
    ),
    case(
        "a blind set of round 6: a surname that is a word",
        GREETING,
        "坐席：您贵姓？",
        "市民：[[NAME:帅]]，帅气的[[NAME:帅]]，哈哈",
        "坐席：[[NAME:帅]]师傅，好的，我们转过去。",
    ),
    case(
        "a blind set of round 6: a surname that is a word",
        GREETING,
        "坐席：您贵姓？",
        "市民：姓[[NAME:甘]]，甘甜的[[NAME:甘]]",
        "坐席：[[NAME:甘]]阿姨，您放心。",
    ),
    case(
        "a blind set of round 6: a surname that is a word",
        GREETING,
        "坐席：您怎么称呼？",
        "市民：[[NAME:米]]，大米的[[NAME:米]]，大家都叫我[[NAME:米]]姐",
        "坐席：[[NAME:米]]姐，您的电话多少？",
    ),
    case(
        "a blind set of round 6: a surname that is a word",
        GREETING,
        "坐席：您贵姓？",
        "市民：[[NAME:路]]，马路的[[NAME:路]]",
        "坐席：[[NAME:路]]先生，情况我记下了。",
    ),
    case(
        "a blind set of round 6: a surname that is a word",
        GREETING,
        "坐席：请问您贵姓？",
        "市民：[[NAME:简]]，简单的[[NAME:简]]，[[MOBILE:一三九幺二八七，六六零三]]",
        "坐席：[[NAME:简]]女士，好的。",
    ),
    case(
        "a blind set of round 6: a surname spelled by a word that sounds the same",
        GREETING,
        "坐席：您贵姓？",
        "市民：[[NAME:铁]]，帖子的帖那个音，金字旁的",
        "坐席：[[NAME:铁]]先生，好的。",
    ),
    case(
        "a blind set of round 6: a surname and a job word",
        GREETING,
        "市民：那天是社区的[[NAME:周明辉]]网格员来的，[[NAME:周]]网格员人很好",
        "坐席：好的，我们会转告[[NAME:周]]网格员。",
    ),
    case(
        "a blind set of round 6: a surname and a job word",
        GREETING,
        "市民：我想表扬你们的[[NAME:方]]队员，就是[[NAME:方晓峰]]，他把我家老人背下楼的",
        "坐席：好的，您是要表扬[[NAME:方晓峰]]队员，对吧？",
    ),
    case(
        "a blind set of round 6: a surname and a job word",
        GREETING,
        "市民：收费站的[[NAME:严]]班长态度特别差，我问他工号他也不说",
    ),
    case(
        "a blind set of round 6: a family named after where it lives",
        GREETING,
        "市民：我跟对门[[NAME:游]]家吵了好几年了，他们家把鞋柜摆到我门口",
        "坐席：您是说对门邻居占用公共楼道，是吧？",
        "市民：对，[[NAME:游]]家的人还骂我",
    ),
    case(
        "a blind set of round 6: a family named after where it lives",
        GREETING,
        "市民：我们楼下[[NAME:符]]家天天晚上打麻将到两三点，吵得睡不着",
    ),
    case(
        "a blind set of round 6: 有个小X",
        GREETING,
        "市民：社区有个小[[NAME:蒋]]以前管这个事的，她调走了以后就没人管了",
    ),
    case(
        "a blind set of round 6: 有个小X",
        GREETING,
        "市民：物业有个小[[NAME:骆]]，上次答应帮我修水管，到现在都没来",
        "坐席：好的，小[[NAME:骆]]是物业的维修人员，是吧？",
    ),
    case(
        "a blind set of round 6: 叫 and a name whose surname is a word",
        GREETING,
        "市民：我孙子叫[[NAME:花雨萌]]，今年要上小学，学位的事想问一下",
    ),
    case(
        "a blind set of round 6: 叫 and a name whose surname is a word",
        GREETING,
        "市民：我们班主任叫[[NAME:门晓阳]]，她收了家长的购物卡",
    ),
    case(
        "a blind set of round 6: a number's last group said again",
        GREETING,
        "坐席：您的电话？",
        "市民：[[MOBILE:一五九，二零三八，[杂音]七七一六]]",
        "坐席：中间没听清，是[[MOBILE:一五九二零三八]]……？",
        "市民：[[MOBILE:七七一六]]",
    ),
    case(
        "a blind set of round 6: a number's last group said again",
        GREETING,
        "坐席：联系电话？",
        "市民：[[MOBILE:一三七，四四零二，[听不清]三八五五]]",
        "坐席：不好意思，后面四位再说一下？",
        "市民：[[MOBILE:三八五五]]，[[MOBILE:三八五五]]",
    ),
)
# A second blind set of round 6, written after its rules and measured once before any rule changed again
# (bench/data/safety_dev.md has the figures), kept as it was written.
BLIND_6B = (
    case(
        "a second blind set of round 6: a surname that is a word",
        GREETING,
        "坐席：您贵姓？",
        "市民：[[NAME:水]]，喝水的[[NAME:水]]",
        "坐席：好的，[[NAME:水]]女士，您反映的情况我们记下了。",
    ),
    case(
        "a second blind set of round 6: a surname that is a word",
        GREETING,
        "坐席：请问怎么称呼？",
        "市民：我姓[[NAME:双]]，双人床的[[NAME:双]]",
        "坐席：[[NAME:双]]先生，您的电话是？",
        "市民：[[MOBILE:一三六，零七三一，四八二九]]",
    ),
    case(
        "a second blind set of round 6: a surname that is a word",
        GREETING,
        "坐席：您贵姓？",
        "市民：[[NAME:牛]]，牛奶的[[NAME:牛]]，小区里都叫我[[NAME:牛]]大姐",
        "坐席：[[NAME:牛]]大姐，好的。",
    ),
    case(
        "a second blind set of round 6: a surname spelled by a word that sounds the same",
        GREETING,
        "坐席：您贵姓？",
        "市民：[[NAME:阚]]，看见的看，门里面一个敢字",
        "坐席：好的，[[NAME:阚]]先生。",
    ),
    case(
        "a second blind set of round 6: a surname and a job word",
        GREETING,
        "市民：我要投诉你们的收费员[[NAME:孔令辉]]，[[NAME:孔]]收费员多收了我二十块钱",
        "坐席：您是说[[NAME:孔]]收费员多收费，是吧？",
    ),
    case(
        "a second blind set of round 6: a surname and a job word",
        GREETING,
        "市民：上次来的是[[NAME:邓佳琪]]社工，麻烦你们谢谢[[NAME:邓]]社工",
    ),
    case(
        "a second blind set of round 6: a family named after where it lives",
        GREETING,
        "市民：我们隔壁[[NAME:常]]家天天在楼道里堆纸箱子，说了也不听",
        "坐席：您是说邻居在楼道堆放杂物，是吧？",
        "市民：对，[[NAME:常]]家那个儿子还凶得很",
    ),
    case(
        "a second blind set of round 6: 有个小X",
        GREETING,
        "市民：街道有个小[[NAME:谭]]上次来登记过，她说会帮我们反映，后来没消息了",
    ),
    case(
        "a second blind set of round 6: 叫 and a name whose surname is a word",
        GREETING,
        "市民：我女儿叫[[NAME:云朵朵]]，幼儿园报名系统里名字打不进去",
    ),
    case(
        "a second blind set of round 6: a number's last group said again",
        GREETING,
        "坐席：您的电话号码？",
        "市民：[[MOBILE:一八九，零七三一，[杂音]二六五八]]",
        "坐席：是[[MOBILE:一八九零七三一]]……后面没听清？",
        "市民：[[MOBILE:二六五八]]",
    ),
)
_TRAP_TURNS_6B = (
    "水费怎么又涨了，一吨水多收了好几毛",
    "牛奶箱被人撬了，里面的奶也没了",
    "常家湾那边的路灯不亮了",
    "社工站的人说下周来",
    "一个小时以后再打过来可以吗",
    "双休日办事大厅开不开门",
)

# What must stay in round 6's classes: a place whose name starts with a surname and 家, words that hold a surname
# that is a word, a wish to a baby.
_TRAP_TURNS_6 = (
    "我在石家庄出差，住的酒店隔壁天天装修",
    "向家坝那边的路修好了没有",
    "路口那个红绿灯坏了，危险得很",
    "秋天到了，小区的树叶没人扫",
    "好的，祝宝宝健康，祝您生活愉快",
    "我们家门口那个井盖是松的",
    "社区的网格员来看过了，说要报给街道",
    "楼下有家超市天天放音乐",
)


def _trap_cases_6() -> list[DialogueCase]:
    return [case("trap (round 6)", GREETING, f"市民：{turn}。", "坐席：好的，我们记下了。") for turn in _TRAP_TURNS_6]


def _trap_cases_6b() -> list[DialogueCase]:
    return [case("trap (round 6)", GREETING, f"市民：{turn}。", "坐席：好的，我们记下了。") for turn in _TRAP_TURNS_6B]


def _round6() -> list[DialogueCase]:
    return _trap_cases_6() + list(BLIND_6) + _trap_cases_6b() + list(BLIND_6B)


def build() -> tuple[DialogueCase, ...]:
    rng = random.Random(20261207)
    return (
        tuple(_name_cases(rng) + _number_cases(rng) + _trap_cases(rng))
        + HAND_WRITTEN
        + tuple(_round2())
        + tuple(_round4())
        + tuple(_round5())
        + tuple(_round6())
    )


DIALOGUE_CASES: tuple[DialogueCase, ...] = build()
PLANTED_DIALOGUES = tuple(c for c in DIALOGUE_CASES if not c.is_trap)
TRAP_DIALOGUES = tuple(c for c in DIALOGUE_CASES if c.is_trap)


# --- scoring ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    case: DialogueCase
    missed: tuple[Planted, ...]  # planted values not masked as their kind in the whole text
    leaked_to_models: tuple[Planted, ...]  # planted values still readable in the model text
    extra: tuple[tuple[str, str], ...]  # (kind, value) of masked spans that cover no planted value
    damaged: tuple[Planted, ...]  # text that had to stay but was masked
    spans: int


def _covered(planted: Planted, spans: list[tuple[str, int, int]]) -> bool:
    """Every character of the planted value is inside a span of its kind."""
    inside = [
        (start, end)
        for kind, start, end in spans
        if kind == planted.kind and start < planted.end and end > planted.start
    ]
    return all(any(start <= i < end for start, end in inside) for i in range(planted.start, planted.end))


def outcome(dialogue: DialogueCase) -> Outcome:
    from triage.normalise import prepare
    from triage.privacy import mask_dialogue

    prepared = prepare(dialogue.text)
    assert prepared.text == dialogue.text, f"the case is not normalised: {dialogue.text!r}"
    full, model = mask_dialogue(prepared)
    spans = [(s.kind, s.start, s.end) for s in full.spans]
    missed = tuple(p for p in dialogue.planted if not _covered(p, spans))
    leaked = tuple(p for p in dialogue.planted if len(p.text) >= 2 and p.text in model.text)
    extra = tuple(
        (kind, dialogue.text[start:end])
        for kind, start, end in spans
        if not any(start < p.end and end > p.start for p in dialogue.planted)
    )
    damaged = tuple(p for p in dialogue.kept if any(start < p.end and end > p.start for _, start, end in spans))
    return Outcome(dialogue, missed, leaked, extra, damaged, len(spans))
