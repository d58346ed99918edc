"""Where the appeal is: gazetteer places (district → street/town → community/village) and a free address.

Every name and alias of the gazetteer is searched in the text at once (one compiled pattern, longest names
first); a street or town is also found by its name without 街道/镇/乡 when the caller says it that way and the
name stands alone (A5区井湾子那个…, 高塘岭，腾飞路…; a two-character short name only right after its district:
A7县星沙). Of the places found, the deepest one wins, preferring a place whose ancestors were named too
(``A3区西湖街道茶场村`` → 茶场村 under 西湖街道 under A3区, not another 茶场村 elsewhere), then the one named most
often; a place the caller corrects at once (北盛镇，不是，…) does not count. Place-like words that are not in the
gazetteer (``…街道``, ``…镇``, ``…社区``, ``…村``) are kept as free text.

The free address is read the way a caller gives it, in pieces: gazetteer places, roads (芙蓉中路), two roads and a
junction (五一大道和芙蓉中路那个路口 → 五一大道与芙蓉中路交叉口), named venues (A3区中心医院, 红星农贸市场, 实验小学,
火车南站, 老百姓大药房, 烈士公园, 东方明珠小区, 桂花苑…, and a business the caller names with 叫: 一家叫湘味轩的饭店),
a compound named without a suffix before its building number (银杉路的江山帝景，十二栋), house, building, unit and
room numbers, spoken ones included (十二号, 三栋二单元, 七零三 → 12号, 3栋2单元, 703), and the side of a place (旁边,
门口, 斜对面, 北门). Pieces separated only by fillers (那个, 嗯, 就是, 的, commas) make one run, a self-correction
(六楼，不是不是，七楼) replaces the piece before it; the most specific run of the text is the address, with the
district and street of the chosen gazetteer place in front when the run does not say them. A run of gazetteer
places only gives no address (the area says it all).

So a deictic reference (我们小区, 这边, 那个路口, 门口) is never an address: it names nothing, and the place named
elsewhere in the call is the address. A run the caller moves to or from (到人民广场去, 从万达广场那里上车) weighs
less than the place where the problem is, and is the address only when nothing else is named. In a call the
text read is the caller's turns and the operator's read-backs (``PreparedText.model_text``), which often state
the place most clearly; one turn never runs into the next.
"""

from __future__ import annotations

import itertools
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from triage.types import Candidate, FieldGuess, PlaceRef

_PLACE_SUFFIX = re.compile(r"(?:街道|居委会|村委会|社区|镇|乡|村)")
_STEM_CHAR = re.compile(r"[\u4e00-\u9fa5]")
# Characters that end a phrase before a place name rather than belong to it (…另外桂花坪街道 → 桂花坪街道).
_NOT_IN_NAME = set("我你他在的是和及到从对被把向该本这那了也还又与或另外个各市区县省镇乡村")
_NOT_A_PLACE = ("农村", "城乡", "乡村", "新农村", "城镇", "乡镇", "社区", "本村", "全村", "各村", "该村")

# --- the gazetteer ------------------------------------------------------------------------------------------

_TOWN_SUFFIX = ("街道办事处", "街道办", "街道", "镇", "乡")
# A short name (井湾子 for 井湾子街道) counts only when it stands alone: before a pause, 这边/那边, 的, 一带…
_SHORT_NAME_END = r"(?=$|[\s，,。、；;！!？?…]|这|那|的|一带|附近|片区|上面|街上|镇上)"
# A place named and taken back at once: 北盛镇，不是，… / 岳麓……不对
_TAKEN_BACK = re.compile(r"[\s，,。…、]*(?:不是|不对|说错了?|搞错了?|讲错了?)")


@dataclass(frozen=True)
class Location:
    area: FieldGuess  # value: the gazetteer place id
    address: str  # the free address found, "" if none
    places: tuple[str, ...]  # the gazetteer names found, outermost first (for titles and summaries)
    unmatched: tuple[str, ...]  # place-like words not in the gazetteer


@dataclass(frozen=True)
class _Named:
    """One gazetteer name found in the text."""

    start: int
    end: int
    places: tuple[PlaceRef, ...]
    short: bool  # found by its short name (井湾子 for 井湾子街道)


class Gazetteer:
    def __init__(self, places: Sequence[PlaceRef]) -> None:
        self.places = {place.id: place for place in places}
        self._by_name: dict[str, list[PlaceRef]] = {}
        for place in places:
            for name in {place.name, *place.aliases}:
                if len(name) >= 2:
                    self._by_name.setdefault(name, []).append(place)
        names = sorted(self._by_name, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, names))) if names else None
        self._ancestors: dict[int, tuple[int, ...]] = {}
        self._ancestors = {place.id: tuple(self.ancestors(place)) for place in places}
        self._by_short: dict[str, list[PlaceRef]] = {}
        for place in places:
            for short in self._short_names(place):
                if short not in self._by_name:
                    self._by_short.setdefault(short, []).append(place)
        shorts = sorted(self._by_short, key=len, reverse=True)
        self._short_pattern = re.compile(f"(?:{'|'.join(map(re.escape, shorts))}){_SHORT_NAME_END}") if shorts else None

    def _short_names(self, place: PlaceRef) -> list[str]:
        """How callers name a street or town without its suffix: the stem alone when it has three characters or
        more (井湾子), a two-character stem only right after its district (A7县星沙)."""
        suffix = next((s for s in _TOWN_SUFFIX if place.name.endswith(s)), "")
        stem = place.name[: -len(suffix)] if suffix else ""
        if place.kind != "street" or len(stem) < 2 or stem.endswith(("路", "街", "道")):
            return []  # 东风路 (东风路街道) and A1区北路 (北路街道) are roads as often as they are streets
        if len(stem) >= 3:
            return [stem]
        parent = self.places.get(place.parent_id) if place.parent_id is not None else None
        return [name + stem for name in ({parent.name, *parent.aliases} if parent else ())]

    def ancestors(self, place: PlaceRef) -> list[int]:
        known = self._ancestors.get(place.id)
        if known is not None and self.places.get(place.id) is place:
            return list(known)
        chain, current = [], place.parent_id
        while current is not None and current in self.places and len(chain) < 10:
            chain.append(current)
            current = self.places[current].parent_id
        return chain

    def _named(self, text: str) -> list[_Named]:
        """The gazetteer names in the text, in order, without the ones the caller took back at once."""
        found: list[_Named] = []
        if self._pattern is not None:
            for match in self._pattern.finditer(text):
                found.append(_Named(match.start(), match.end(), tuple(self._by_name[match.group(0)]), False))
        if self._short_pattern is not None:
            full = list(found)
            for match in self._short_pattern.finditer(text):
                start, end = match.span()
                inside = [named.end for named in full if named.start >= start and named.end <= end]
                if any(named.start < end and named.end > start for named in full) and not inside:
                    continue
                # A7县星沙: the district stays a place of its own, the short name follows it
                places = tuple(self._by_short[match.group(0)])
                found.append(_Named(max(inside, default=start), end, places, True))
        found.sort(key=lambda named: named.start)
        return [named for named in found if not _TAKEN_BACK.match(text, named.end)]

    def locate(self, text: str) -> Location:
        named = self._named(text)
        found: dict[int, str] = {}  # place id -> the name it was found by
        mentions: Counter[int] = Counter()
        by_full_name: set[int] = set()
        for item in named:
            for place in item.places:
                found.setdefault(place.id, text[item.start : item.end])
                mentions[place.id] += 1
                if not item.short:
                    by_full_name.add(place.id)
        candidates = []
        for place_id, name in found.items():
            place = self.places[place_id]
            ancestors = self.ancestors(place)
            named_ancestors = sum(1 for ancestor in ancestors if ancestor in found)
            # deeper is more precise; a place whose parents were named too is the one meant; named again, likelier;
            # a short name (井湾子) is less sure than the full one and does not outweigh another district named
            support = 0.45 + 0.12 * place.depth + 0.15 * named_ancestors
            support = min(1.0, support - (0.15 if place_id not in by_full_name else 0.0))
            candidates.append(Candidate(place_id, round(support, 3), (name,)))
        # among equally supported places, the deeper one
        candidates.sort(key=lambda c: (c.confidence, self.places[c.value].depth), reverse=True)
        chain = self._chain(candidates[0].value if candidates else None)
        areas = [
            _Token(
                "area",
                item.start,
                item.end,
                self._written(item, chain),
                _AREA_WEIGHT.get(min(p.depth for p in item.places), 0.5),
                depth=min(p.depth for p in item.places),
                places=tuple(p.id for p in item.places),
            )
            for item in named
        ]
        best, runs = _best_run(text, areas)
        candidates = self._agreeing_with(candidates, best or [])
        area = FieldGuess(None, 0.0)
        if candidates:
            area = FieldGuess(
                candidates[0].value, candidates[0].confidence, candidates[0].evidence, tuple(candidates[:3])
            )
        chain = self._chain(area.value)
        names = tuple(self.places[i].name for i in chain)
        known = set(self._by_name)
        unmatched = tuple(
            dict.fromkeys(word for word in place_words(text) if not any(word in k or k in word for k in known))
        )[:5]
        places = [self.places[i] for i in chain]
        if best:
            address = _address(text, best, runs, places)
        else:
            address = _community_address(text, runs, places)
        return Location(area, address, names, unmatched)

    def _chain(self, place_id: int | None) -> list[int]:
        """The ids from the outermost place down to this one."""
        chosen = self.places.get(place_id) if place_id is not None else None
        return [*reversed(self.ancestors(chosen)), chosen.id] if chosen else []

    def _agreeing_with(self, candidates: list[Candidate], run: list[_Token]) -> list[Candidate]:
        """The candidates with the place of the address first when the address names its own district or street
        and the best supported place lies elsewhere (我住A3区西湖街道，但是这个事情是在A5区东塘街道…)."""
        # only a street, town or village said with the address counts: a district code also turns up inside names
        # (新A1区之都 in the data set's pseudonymised messages)
        said = {place_id for token in run if token.depth >= 3 for place_id in token.places}
        if not said or not candidates:
            return candidates

        def agrees(place_id: int) -> bool:
            lineage = {place_id, *self._ancestors[place_id]}
            return bool(said & lineage) or any(place_id in self._ancestors[other] for other in said)

        if agrees(candidates[0].value):
            return candidates
        agreeing = next((candidate for candidate in candidates if agrees(candidate.value)), None)
        if agreeing is None:
            return candidates
        # as sure as the best supported place: the caller named it where the problem is
        first = Candidate(agreeing.value, candidates[0].confidence, agreeing.evidence)
        return [first, *(candidate for candidate in candidates if candidate is not agreeing)]

    def _written(self, item: _Named, chain: list[int]) -> str:
        """How a gazetteer name is written in an address: the place's full name when found by its short name."""
        if not item.short:
            return ""
        place = next((p for p in item.places if p.id in chain), item.places[0])
        return place.name


def place_words(text: str) -> list[str]:
    """Place-like words: two or three name characters before a suffix such as 街道, 镇, 社区 or 村."""
    words = []
    for match in _PLACE_SUFFIX.finditer(text):
        stem = ""
        for char in reversed(text[max(0, match.start() - 3) : match.start()]):
            if not _STEM_CHAR.match(char) or char in _NOT_IN_NAME:
                break
            stem = char + stem
        word = stem + match.group(0)
        if len(stem) >= 2 and word not in _NOT_A_PLACE:
            words.append(word)
    return words


# --- spoken numbers -----------------------------------------------------------------------------------------

_NUMERAL_VALUE = {"零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_NUMERAL_UNIT = {"十": 10, "百": 100, "千": 1000}
_NUMERALS = re.compile(r"[零〇一幺二两三四五六七八九十百千]+")


def spoken_number(numerals: str) -> str:
    """Chinese numerals as digits: 十六 → 16, 二十一 → 21, 七零三 → 703 (read digit by digit), 幺二 → 12."""
    if not any(char in _NUMERAL_UNIT for char in numerals):
        return "".join(str(_NUMERAL_VALUE[char]) for char in numerals)
    total, digit = 0, None
    for char in numerals:
        if char in _NUMERAL_UNIT:
            total += (1 if digit is None else digit) * _NUMERAL_UNIT[char]
            digit = None
        else:
            digit = _NUMERAL_VALUE[char] if digit is None else digit * 10 + _NUMERAL_VALUE[char]
    return str(total + (digit or 0))


def spoken_numbers_to_digits(text: str) -> str:
    """Every run of Chinese numerals in ``text`` written as digits (for comparing addresses)."""
    return _NUMERALS.sub(lambda match: spoken_number(match.group(0)), text)


# --- the free address ---------------------------------------------------------------------------------------


def _alternation(words: Iterable[str]) -> str:
    """A pattern matching any of the words, the longest where several match, built as a trie: scanning a text then
    tries one branch per character instead of each of some two hundred words."""
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        either = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{either})?" if "" in node else either

    return pattern(tree)


# Characters that are never part of a road or venue name: pronouns, particles, the copula, a few verbs that come
# right before a place (在, 到, 去, 住, 叫…), connectors, punctuation and masking brackets.
_STOP_CHARS = (
    "我你他她它们的了着在是把被就也还很太这那哪些么吗呢吧啊呀哦嗯哈呃喂个条位从往去到说讲看想要能叫问找住给让有没冇不而对于"
    "跟与及或至"
    "，,。.、；;：:！!？?“”\"'‘’（）()《》<>[]【】 \t\n…—-~·/"
)
_STOP = frozenset(_STOP_CHARS)
_NAME = "[^" + re.escape(_STOP_CHARS) + "]"
_SENTENCE_END = frozenset("。！？!?\n")
_DIGITS = r"(?:\d+|[零〇一幺二两三四五六七八九十百]+)"

_ROAD_SUFFIX = re.compile(r"(?:大道|大街|[路街巷])(?!道|过|灯|况|费|线|人|边|子|坊|基)")
_ROAD_STEM, _VENUE_STEM = 6, 8  # how far back a name reaches from its suffix
# roads that are not named roads: 过马路, 修路, 走路…
_NOT_A_ROAD = re.compile(
    r"(?:马|(?<![\u4e00-\u9fa5]{2})公|道|铁|线|电|绕|走|修|带|问|让|堵|挡|逛|引|赶|开|上|下|无|后|退|活|套|思|出|网|门|歧|来|去|水|封|拦|跑|叉"
    r"|占|断)路$|满大街|(?:高速|国道|省道|乡村|农村|沿江|入户|户户通|通|进村|美好|级|交通|乡|村|组)公路$"
    r"|^(?:[^八五七]?一|.?(?:半|满|临|沿|当|上))[路街]$"  # 一路, 沿街 (八一路 and 五一路 are roads)
)
# Venue suffixes, by how reliably a name said before one is the place of the problem. The class gives a named
# venue its weight (_venue_weight):
# - PLACE, a place of its own: hospitals and clinics, schools, markets and malls, parks and squares, stations,
#   bridges and tunnels, public buildings, temples, compounds and dormitories, farms and rural venues;
# - BUSINESS: shops, restaurants, hotels, banks — a place, but a short generic one (早餐店, 银行网点) says little;
# - COMPANY: factories and companies — an appeal is often about a company (移动公司乱扣费) rather than at it, so
#   only a named one (华力机械, 红旗砖厂) counts as much as a shop;
# - OFFICE: offices of the administration and unions — more often whom the caller turned to (向区住建局反映) than
#   where the problem is, unless the caller says something at it (门口, 大厅, 三楼).
# fmt: off
_PLACE_SUFFIXES = (
    # health
    "医院", "中医院", "卫生院", "保健院", "卫生服务中心", "卫生服务站", "卫生室", "卫生所", "门诊部", "门诊", "诊所",
    "院区", "急救中心", "血站",
    # education
    "幼儿园", "托儿所", "小学", "中学", "大学", "一中", "二中", "三中", "四中", "五中", "六中", "一小", "二小", "三小",
    "四小", "五小", "六小", "学院", "学校", "附中", "附小", "分校", "校区", "职校", "技校", "驾校",
    "培训学校", "培训中心", "培训机构",
    # markets and malls
    "夜市", "农贸市场", "菜市场", "批发市场", "集贸市场", "交易市场", "市场", "菜场", "商场", "商城", "商厦", "百货大楼", "百货",
    "购物中心", "家具城",
    # parks, squares, sights
    "公园", "景区", "风景区", "风光带", "广场", "游乐场", "动物园", "植物园", "湿地",
    # transport
    "火车站", "汽车站", "客运站", "高铁站", "地铁站", "公交站", "公交总站", "收费站", "服务区", "加油站", "加气站",
    "充电站", "码头", "渡口", "机场", "航站楼", "停车场", "车站", "驿站", "站",
    # bridges and tunnels
    "大桥", "立交桥", "高架桥", "天桥", "桥", "隧道", "地下通道", "下穿通道", "下穿隧道", "涵洞",
    # public buildings
    "分馆", "图书馆", "博物馆", "纪念馆", "展览馆", "科技馆", "美术馆", "文化馆", "体育馆", "体育场", "体育中心", "游泳馆",
    "少年宫", "电影院", "影城", "影院", "剧院", "市民之家", "活动中心", "服务中心", "殡仪馆", "陵园", "公墓", "墓园",
    "养老院", "敬老院", "福利院", "救助站", "派出所", "司法所", "车管所", "消防站", "消防队", "登记处",
    # worship
    "寺", "庙", "庵", "教堂", "祠堂", "宗祠", "道观",
    # homes, offices, sites
    "小区", "花园", "苑", "新村", "山庄", "家园", "公寓", "大厦", "新城", "城", "大院", "宿舍区", "宿舍", "写字楼",
    "商务楼", "办公楼", "大楼", "楼盘", "工地", "社区", "村", "园",
    # farms and rural venues
    "农家乐", "渔家乐", "农庄", "庄园", "度假村", "养殖场", "养猪场", "养鸡场", "养牛场", "林场", "茶场", "农场",
    "果园", "茶园", "采摘园", "苗圃", "基地", "合作社", "供销社", "水库", "鱼塘",
    # parks of industry
    "工业园", "产业园", "物流园", "科技园", "园区",
)
_BUSINESS_SUFFIXES = (
    "大药房", "药房", "药店", "超市", "便利店", "饭店", "酒店", "宾馆", "旅馆", "旅社", "招待所", "民宿", "客栈", "餐馆",
    "餐厅", "饭庄", "酒楼", "酒家", "茶楼", "茶馆", "菜馆", "大排档", "快餐", "米粉店", "网吧", "KTV", "歌厅", "会所",
    "棋牌室", "健身房", "美容院", "车行", "商行", "商店", "旅行社", "作坊", "店", "馆", "银行", "支行", "分行", "信用社",
    "营业厅", "网点", "中心", "电器", "修车铺", "小卖铺", "杂货铺",
)
_COMPANY_SUFFIXES = (
    "有限公司", "公司", "集团", "工厂", "加工厂", "厂", "机械", "电子", "建材", "化工", "纺织", "重工", "商砼", "搅拌站",
    "采石场", "砂石场", "机构",
)
_OFFICE_SUFFIXES = (
    "人民政府", "政府", "管委会", "办事处", "街道办", "总工会", "工会", "妇联", "残联", "人民法院", "法院", "检察院", "局",
    "大队",
)
# fmt: on
_SUFFIX_CLASS = {
    **dict.fromkeys(_OFFICE_SUFFIXES, "office"),
    **dict.fromkeys(_COMPANY_SUFFIXES, "company"),
    **dict.fromkeys(_BUSINESS_SUFFIXES, "business"),
    **dict.fromkeys(_PLACE_SUFFIXES, "place"),
}
# 星沙一小, 区一中: a numbered school ends a name only at its end (不是一小时, 一小块)
_NUMBERED_SCHOOLS = ("一中", "二中", "三中", "四中", "五中", "六中", "一小", "二小", "三小", "四小", "五小", "六小")
# A suffix followed by one of these does not end a venue's name (城区, 村委会, 站长, 局长, 桥梁, 电子产品 …).
_SUFFIX_NOT_BEFORE = {
    "站": ("长", "点", "台", "岗"),
    "城": ("区", "市", "管", "乡", "镇", "际", "建", "里", "中"),
    "村": ("委", "民", "里", "干", "组", "支", "主", "务", "级", "集体", "道", "头"),
    "园": ("区", "林", "艺", "长", "丁"),
    "社区": ("居委", "干部", "书记", "主任", "工作", "医院", "服务"),
    "局": ("长", "面", "势", "部"),
    "桥": ("梁", "墩"),
    "馆": ("长",),
    "大队": ("长",),
    "中心": ("城", "区", "位置", "地带", "地段"),
}
# Trade words that end a company's name only at its end (华力机械，…; not 机械设备, 电子产品, 建材市场)
_ENDS_A_NAME_ONLY = frozenset(
    ("机械", "电子", "建材", "化工", "纺织", "重工", "商砼", "百货", "基地", "湿地", "电器", *_NUMBERED_SCHOOLS)
)
_NAME_END = re.compile(r"$|[^\u4e00-\u9fa5]|[的那这在里旁门前后对楼附边上下厂店公集有是叫，]")
_SUFFIXES_LONGEST_FIRST = sorted(_SUFFIX_CLASS, key=len, reverse=True)
# the suffixes one at a time and without the look-aheads, as a trie: a text is scanned fast (a chain, 中心小学, is
# joined afterwards, the look-aheads checked by hand)
_ONE_VENUE_SUFFIX = re.compile(_alternation(_SUFFIX_CLASS))
_VENUE_SUFFIX = (
    "(?:"
    + "|".join(
        re.escape(suffix) + (f"(?!{'|'.join(_SUFFIX_NOT_BEFORE[suffix])})" if suffix in _SUFFIX_NOT_BEFORE else "")
        for suffix in _SUFFIXES_LONGEST_FIRST
    )
    + ")"
)
_VENUE_CHAIN = re.compile(rf"{_VENUE_SUFFIX}+")
# a town or village followed by one of these is a venue named after it: 星城镇政府, 江背镇中心小学
_AFTER_A_PLACE = re.compile(
    r"(?:人民政府|政府|中心小学|小学|中学|幼儿园|卫生院|中心医院|医院|派出所|农贸市场|菜市场|市场|汽车站|车站|站|广场|公园"
    r"|服务中心|便民服务中心|中心|敬老院|养老院|供销社|信用社|集贸市场|码头|社区卫生服务中心|卫生服务中心|景区)+"
)
# a road right after a venue suffix is named after it (老屋园路, 东方花园街), not 小区路口 or 学校路边
_ROAD_NAMED_AFTER = re.compile(r"(?:大道|大街|[路街巷])(?![口边上旁对段道过灯况费线人子坊面基网])")
# what a venue named after its road ends with: 赤岭路小学, 东风路派出所, 韶山路公交站
_NAMED_AFTER_A_ROAD = re.compile(
    r"(?:实验)?(?:小学|中学|幼儿园|学校|医院|卫生院|卫生服务中心|诊所|农贸市场|菜市场|市场|夜市|公园|广场|小区|派出所|加油站"
    r"|公交站|地铁站|汽车站|菜场|超市|驿站)"
)
_NAMED_VENUE = re.compile(rf"{_NAME}{{1,5}}?{_VENUE_SUFFIX}")
# the city's own public buildings: A市图书馆, A市中心医院 (not A市政府, whom a caller turns to)
_AFTER_THE_CITY = re.compile(
    r"(?:图书馆|博物馆|科技馆|美术馆|体育馆|体育中心|中心医院|人民医院|第[一二三四五六七八九]人民医院|儿童医院|妇幼保健院"
    r"|中医院|火车站|火车南站|汽车站|汽车西站|汽车南站|汽车东站|客运站|动物园|植物园)"
)
_VENUE_TAIL = re.compile(rf"{_VENUE_SUFFIX}+$")
# a road named after a venue is a road (花园路, 中心北路); a venue or side word inside a road's name is not (菜市场旁老街)
# — the venue words of the first version only: a temple or a bridge inside a road's name is common (庙前街, 桥头路)
_INSIDE_A_ROAD = re.compile(
    r"(?:农贸市场|菜市场|批发市场|市场|商场|购物中心|广场|超市|大药房|药房|药店|诊所|卫生院|卫生服务中心|医院"
    r"|幼儿园|小学|中学|大学|学院|培训学校|培训机构|培训中心|机构|学校|火车站|汽车站|客运站|地铁站|高铁站|公交站|加油站"
    r"|消防站|驿站|站(?!长|点|台|岗)|公园|景区|小区|花园|苑|新村|山庄|家园|公寓|大厦|新城|城(?![区市管乡镇际建里中])"
    r"|社区(?!居委|干部|书记|主任|工作|医院|服务)|村(?![委民里干组支主务级道头]|集体)|工业园|园区|产业园"
    r"|饭店|酒店|宾馆|餐馆|餐厅|快餐|米粉店|店|厂|公司|银行|网点|营业厅|服务中心|中心|派出所|登记处|殡仪馆|工地|楼盘"
    r"|作坊|KTV|网吧|车行|大楼|园(?![区林艺长丁])|旁边|旁|门口|对面)(?![东西南北中一二三四五六七八九十]*$)"
)
# a venue said in quotes: 银河湾小区一楼“老马烧烤”店
_QUOTED = re.compile(rf"[“\"「]([^”\"」\s]{{2,12}})[”\"」]({_VENUE_SUFFIX}*)")
# venues a caller names without a proper name, right after a district, a town or a road: there is one of them
# there (A8县殡仪馆, A7县总工会, 黎托路，汽车站斜对面)
# fmt: off
_GENERIC_VENUE = frozenset((
    "菜市场", "农贸市场", "集贸市场", "火车站", "汽车站", "客运站", "高铁站", "地铁站", "公交站", "加油站", "收费站",
    "服务区", "码头", "医院", "人民医院", "中医院", "卫生院", "妇幼保健院", "殡仪馆", "婚姻登记处", "政务服务中心",
    "市民之家", "菜鸟驿站", "驿站", "派出所", "车管所", "司法所", "营业厅", "工地", "公园", "广场", "超市", "图书馆",
    "博物馆", "纪念馆", "文化馆", "体育馆", "体育中心", "敬老院", "养老院", "福利院", "供销社", "信用社", "总工会",
    "工会", "妇联", "残联", "人民法院", "法院", "检察院", "人民政府", "政府", "街道办事处", "办事处", "税务局",
    "公安局", "交警大队", "中心小学", "实验小学", "中学", "下穿通道", "地下通道", "停车场", "修车铺", "小卖铺",
))
# fmt: on
# where people live: a village or compound named is a spot of its own (五福村, 山水洲城, 桂花苑)
_HOMES = ("村", "社区", "小区", "花园", "苑", "新村", "山庄", "家园", "公寓", "新城", "城")
_NOT_HOMES = ("商城", "家具城", "影城", "农村")
# a business known by a generic two-character word is hardly a place of its own (早餐店, 银行网点)
_WEAK_SUFFIX = ("店", "中心", "网点", "银行")
# a one-character stem that names the level of government a public building belongs to: 县图书馆, 区一中, 镇敬老院
_LEVEL = frozenset("省市县区镇乡村")
# words of a trade rather than a name: a venue named by one alone is generic (有家科技公司, 有个搅拌站, 那个化工厂)
# fmt: off
_TRADE = frozenset((
    "科技", "化工", "机械", "电子", "建材", "纺织", "服装", "移动", "电信", "联通", "电力", "供电", "自来水", "水务",
    "燃气", "物业", "房地产", "地产", "开发", "装修", "装饰", "保险", "快递", "物流", "外卖", "网络", "建筑", "建设",
    "劳务", "中介", "担保", "贷款", "金融", "投资", "传媒", "广告", "家政", "保安", "环卫", "绿化", "搬家", "维修",
    "汽修", "加工", "搅拌", "砂石", "水泥", "钢材", "食品", "印刷", "塑料", "包装", "五金", "家具", "杂货", "母婴",
    "火锅", "烧烤", "早餐", "米粉", "水果", "手机", "美容", "理发", "洗车", "足浴", "棋牌", "口腔", "眼科", "中医",
    "养殖", "培训", "教育", "餐饮", "电器", "通讯", "超市", "宾馆", "酒店", "茶楼", "农家", "渔家", "木材", "木材加工",
    "二手车", "二手车交易", "汽车", "电动车", "面包", "蛋糕", "奶茶", "药", "书", "花", "菜", "鱼", "肉", "衣",
    "麻将", "健身", "会所", "娱乐", "洗浴", "按摩", "网吧", "商品", "商贸", "贸易", "文化", "体育", "艺术",
    # departments of the administration: 城管局, 公安分局, 教育局 — which office, not where
    "城管", "公安", "公安分", "教育", "税务", "国税", "地税", "国家税务", "国土", "住建", "规划", "环保", "生态环境",
    "交通", "交警", "卫健", "卫生", "民政", "人社", "社保", "医保", "市场监管", "工商", "园林", "农业", "林业",
    "水利", "文旅", "旅游", "信访", "疾控", "质监", "安监", "应急", "消防", "街道", "社区", "劳动监察", "经侦",
    "执法", "城市管理", "房产", "不动产", "自然资源", "财政", "审计", "统计", "司法", "公积金",
))
# fmt: on
# a measure word after a word that counts is no part of a name (有家科技公司, 一座桥, 这所学校)
_MEASURE = frozenset("家座所间处栋幢棵口")
_COUNTING = frozenset("有一这那几某每两")
# what is said at an office when it is the place of the problem, not whom the caller turned to
_AT_AN_OFFICE = re.compile(
    r"门口|大门|大厅|窗口|办公楼|大楼|院内|院子|里面|旁边|对面|附近|楼下|停车场|在哪|[\d一二三四五六七八九十]+楼"
)
# words that place a company before its name: 在华力机械, 有个厂叫…, 那个红旗砖厂
_PLACED = re.compile(r"(?:在|有个|有家|有一家|有一个|那个|这个|叫|叫做)[，,\s]*$")
# a stem that points at some place rather than names one (隔壁村, 附近小区, 当地派出所), or with a time in it
# (晚七点至十点广场)
_NOT_A_NAME = re.compile(
    r"^(?:同一|隔壁|附近|旁边|对面|周边|周围|当地|外地|辖区|所在地|整个|所有|本|该|各|全|每|某|别的|其他|其它|一|两|几|多|无|居民|老旧"
    r"|公立|私立|公办|民办|新建)|\d{4}"
    r"|[零一二三四五六七八九十\d]点"
)
# words that start a clause rather than a name: skipped whole, so that no name starts inside them (希望市政府,
# 属于配套小区, 深受中海国际社区, 部分气站) — and what a caller does at a place (投诉银行, 经营早餐店)
_NOT_A_START = re.compile(
    r"希望|要求|建议|请求|关于|对于|由于|位于|经过|通过|包括|导致|造成|影响|没有|存在|进行|发现|联系|咨询|处理"
    r"|解决|管理|建设|整治|通知|调整|规划|修建|打造|成为|作为|属于|来自|深受|实现|比如|加快|申报|纳入|公开|方便|开始|已经"
    r"|正在|准备|计划|应该|可以|必须|需要|但是|而且|并且|如果|因为|所以|为了|以及|至今|目前|现在|今天|昨天|今年|去年"
    r"|明年|每天|晚上|白天|凌晨|早上|中午|下午|上午|半夜|周末|同时|另外|其中|此外|交给|转给|前往|进入|离开|路过|承包"
    r"|租用|搬到|搬进|入住|购买|签订|报考|就读|上学|上班|工作|来到|回到|搬迁|强烈|严重|非常|十分|特别|极其|真正|事情"
    r"|问题|部分|一些|很多|许多|觉得|认为|感觉|各个|评为|村委会|居委会|物业|业主|开发商|最近|敢问|街道|进出|出入|增设|增加|正常|经常|一直"
    r"|投诉|举报|反映|经营|开了|开个|开的|办了|买了|卖|搞|做|租"
    r"|某个|某|一个|一家|一排|那家|这家|斜对面|对面|旁边|门口|后门|附近|后面|前面"
    # building, setting up and announcing, adverbs, what a report says: a name never holds them
    r"|建成|加建|新建(?![东西南北中]?路)|建设|修了|建了|建一|设置|设立|开设|开办|公布|传唤|显然|明显|可见|地处|处于|以上|以下|性质|明确"
    r"|规定|当时|同意|私自|擅自|强行|违规|违法|非法|上课|报道|靠近|挨着|紧挨|临近|旁的|周边的|包括|还有|以及|等等"
)
_UNIT = r"(?:号楼|号院|号门面|号摊位|号铺面|号|栋|幢|单元|室|楼|层|组|片区|片|期|区|巷)"
_NUMBER = re.compile(rf"(?<![月年日第\d零〇一幺二两三四五六七八九十百])[A-Za-z]?{_DIGITS}{_UNIT}(?!线)")
# the same, found fast (a character class first); what the look-behind and the letter need is checked by hand
_NUMBER_SCAN = re.compile(rf"[A-Za-z\d零〇一幺二两三四五六七八九十百][\d零〇一幺二两三四五六七八九十百]*{_UNIT}(?!线)")
_NOT_BEFORE_A_NUMBER = frozenset("月年日第0123456789零〇一幺二两三四五六七八九十百")
_ROOM = re.compile(
    r"(?:\d{3,4}(?!\d)|[零〇一幺二两三四五六七八九]{3,4}(?![零〇一幺二两三四五六七八九十百号栋楼层室]))(?![多户人个年元块米平])"
)
_SIDE = re.compile(
    r"斜对面|对面|旁边|旁|门口|附近|后面|前面|侧面|后门|前门|正门|侧门|东门|西门|南门|北门|大门口|大门|尽头|楼下|楼顶|顶楼|路段|一带|段"
    rf"|往[东西南北](?:走)?(?:约|大概)?{_DIGITS}(?:多|来)?米"
)
_JUNCTION = re.compile(r"十字路口|丁字路口|交叉口|交汇处|交界处|交口处|交口|路口|口子上|口子|口")
_CONNECTOR = re.compile(r"与|和|跟|及|、|还有")
_RANGE = re.compile(r"至|到")
# a business the caller names with 叫: 一家叫湘味轩的饭店 / 一个电子厂，叫宏联电子 / 楼盘，叫什么湖畔壹号
_CALLED = re.compile(
    r"(?:店|厂|公司|饭店|酒店|机构|楼盘|小区|驿站|餐馆|馆|门面|超市|市场|商场|商城|城|中心|学校|幼儿园|诊所|工地|作坊"
    r"|客户|商家|商户|门店|单位|企业|菜场|桥|旅社|宾馆|餐厅|银行|药店|医院|公园|广场|一家(?:卖[^，,。！？]{0,6}的)?)"
    r"[，,]?\s*(?:名字)?(?:好像|应该|大概)?叫(?:做)?(?:什么)?[，,…]*\s*(?:(?:嗯|呃|那个)[，,…]*)?(?:叫(?:做)?)?([^\s，,。！？!?、的“”\"'\[]{2,8})"
)
# what may stand between two pieces of one address: pauses and fillers (that corrections are made with too)
_FILLER_WORDS = (
    r"[\s，,、；;…~]|至|到|(?<=[路街道巷])上|那个|这个|就是|嗯|呃|啊|哦|哎|诶|的|是|在|那边|这边|那里|这里|那块|那一块|上面|里面|叫什么|什么"
    r"|名叫|叫做|叫|(?:老|新)?(?:楼盘|小区|工地|店|超市|厂|公司|商场|桥|隧道|庙|菜场|市场|医院|学校|酒店|宾馆|饭店|陵园|公墓|旅社)(?=[，,…\s]*叫)|还有|(?:那|这)?一(?:个|家|排)|那家|这家|某个|某|门面|不是|不对|说错了|跟|和|与|及"
    r"|有(?:一)?(?:个|家|座)|那座|这座"
)
_FILLER = re.compile(f"(?:{_FILLER_WORDS})*")
_CORRECTION = re.compile(r"不是|不对|说错")
# 38路, 三十八路, X205路, 延长127路: a bus route; 东1路 and 八一路 are roads
_BUS_ROUTE = re.compile(
    r".*\d{2,}|[A-Za-z*]*\d+|.*\*.*|[零一二三四五六七八九十百]*[十百][零一二三四五六七八九十百]*|[一二三四五六七八九]"
)
_RESTATED = re.compile(r"就是|也就是|即")
# a question about a place rather than a problem at it
_ASKED_ABOUT = re.compile(r"有没有[^，,。？?]{0,8}[？?]|有[^，,。？?]{0,8}吗[？?]|在哪里?[？?]|要不要预约")
# the way along a road to a venue on it: 往东走，过了那个…, 靠近…
_ON_THE_WAY = re.compile(
    rf"(?:{_FILLER_WORDS}|[往朝向][东西南北前里](?:边|面)?(?:走|开)?|过了|快到|靠近|挨着|一直走|走)*"
)
# a landmark's short name between two pieces of an address, pointed at or with a side after it
_LANDMARK = re.compile(f"{_NAME}{{1,3}}?(?=那|这|{_SIDE.pattern})")
_AROUND_A_LANDMARK = re.compile(f"(?:{_SIDE.pattern}|{_FILLER_WORDS})*")
# a run somebody comes from (从万达广场那里上车) or goes to (到人民广场去, 去火车站)
_MOVED_FROM = re.compile(r"从[\s，,]*(?:那个)?$")
_MOVED_TO = re.compile(r"(?:到|去|往|回|前往)[\s，,]*(?:那个)?$")
_MOVED_AFTER = re.compile(r"^(?:那里|那边|这边)?(?:去|来|过来|回来|上车|下车|赶车|玩|吃饭|办事|看病)")

_AREA_WEIGHT = {1: 0.5, 2: 1.0, 3: 1.5, 4: 2.5}
_AFTER = frozenset({"area", "street", "road", "side", "venue", "number", "room", "junction"})
_PLACE_KINDS = frozenset({"road", "venue", "bare"})
# the least a run must weigh to be an address: one named place (a road, a venue with a name)
_ADDRESS_MIN_SCORE = 2.0
# a run worth this much is the address even when the gazetteer places named elsewhere weigh more
_STRONG = 3.0


# what is searched for, in this order where two start at the same character
_CANDIDATES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("road", _ROAD_SUFFIX),
    ("side", _SIDE),
    ("quoted", _QUOTED),
)


@dataclass(frozen=True)
class _Token:
    # area, street (one the gazetteer lacks: 赤岭路街道), road, venue, bare, number, room, side, junction;
    # junk: a span nothing may start inside
    kind: str
    start: int
    end: int
    written: str  # how it is written in the address ("" for area tokens: the text as said, or the full name)
    weight: float
    unit: str = ""  # the unit of a number (栋, 楼…), so that 六楼，不是，七楼 replaces the floor
    depth: int = 0  # of a gazetteer place: 2 district, 3 street or town, 4 community or village
    places: tuple[int, ...] = ()  # the gazetteer place ids a place token may be


def _is_a_road(road: str, stem: str) -> bool:
    if _BUS_ROUTE.fullmatch(stem):
        return False  # 三十八路, 38路: a bus route (八一路 and 五一路 are roads)
    return not (_NOT_A_ROAD.search(road) or _INSIDE_A_ROAD.search(stem) or _NOT_A_NAME.search(stem))


def _only_filler(text: str, start: int, end: int) -> bool:
    if start < 0 or end < start or end - start > 12:
        return False
    between = text[start:end]
    if _SENTENCE_END.intersection(between):
        return False
    # matched in the text, not in the slice: 青竹湖路上的那个… needs the 路 before 上
    return _FILLER.fullmatch(text, start, end) is not None


def _runs(text: str, tokens: list[_Token]) -> list[list[_Token]]:
    """Pieces that follow each other with only fillers (or a landmark's short name) between them."""
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    for token in tokens:
        # two venues with a pause between are a list (西地省人民医院，马王堆医院), not one address
        listed = (
            current
            and current[-1].kind == token.kind == "venue"
            and token.unit != "called"
            and re.search(r"[，,、；;]", text[current[-1].end : token.start])
            and not re.search(r"一家|一个|有个|有家", text[current[-1].end : token.start])  # 临空产业园，一家电商公司
            and not _CORRECTION.search(text, current[-1].end, token.start)  # 书院小区？不对，是识字岭小区
        )
        renamed = bool(current) and current[-1].kind == token.kind == "venue" and _renamed(text, current[-1], token)
        if renamed:
            listed = False  # 那个物流园，传化物流园 / 高速服务区，就是，乌山服务区: the kind, then its name
        joined = bool(current) and not listed and _joined(text, current[-1], token)
        if current and not joined:
            runs.append(current)
            current = []
        if not current and token.kind in ("side", "junction", "room"):
            continue  # a run starts with a place, never with 门口 or 路口
        if current and _CORRECTION.search(text[current[-1].end : token.start]):
            _take_back(current, token)
        elif current and token.kind == "venue":
            _restated(text, current, token)
        if joined and renamed:
            current.pop()
        if current and (landmark := _landmark(text, current[-1], token)) is not None:
            current.append(landmark)  # 曲塘路，沃尔玛门口露天停车场: the landmark says where
        current.append(token)
    if current:
        runs.append(current)
    return runs


def _joined(text: str, left: _Token, right: _Token) -> bool:
    """Whether two pieces belong to one address: only fillers between them, or a landmark's short name pointed
    at (滨江那个, 西湖楼那边) or with a side after it (师大后门对面)."""
    if _only_filler(text, left.end, right.start):
        return True
    between = text[left.end : right.start]
    if len(between) <= 8 and "\n" not in between and _CORRECTION.search(between):
        return True  # 书院小区？不对，是识字岭小区: the piece corrected at once
    if _SENTENCE_END.intersection(between) or len(between) > 12:
        return False
    if (
        left.kind in ("road", "area", "venue")
        and right.kind in ("venue", "road")
        and _ON_THE_WAY.fullmatch(text, left.end, right.start)
    ):
        return True  # 远大路，往东走，过了那个马坡岭加油站 / 关山村，靠近金洲大道: one along the other
    if len(between) > 10:
        return False
    lead = _FILLER.match(between).end()
    word = _LANDMARK.match(between, lead)
    return word is not None and _AROUND_A_LANDMARK.fullmatch(between, word.end()) is not None


def _landmark(text: str, left: _Token, right: _Token) -> _Token | None:
    """The landmark that joins two pieces with a side said after it (沃尔玛门口, 师大后门对面), as a piece of the
    address when it is a name of two characters or more."""
    if _only_filler(text, left.end, right.start):
        return None
    lead = _FILLER.match(text, left.end, right.start).end()
    word = _LANDMARK.match(text, lead, right.start)
    if word is None or len(word.group(0)) < 2 or word.group(0)[0] in _LEVEL or word.group(0)[-1] in "上里下内外头":
        return None  # 镇上那个…: no name
    if _VENUE_TAIL.search(word.group(0)) or "办" in word.group(0):
        return None  # 小区前面, 街道办事(处)前面: a piece of a word, not a landmark
    if re.search(re.escape(word.group(0)) + "(?:街道|镇|乡|村|社区)", text):
        return None  # 星沙这边: a street's short name, said in full elsewhere
    side = _SIDE.match(text, word.end(), right.start)
    if side is None:
        return None  # 滨江那个，银杉路…: a neighbourhood pointed at, the road after it says more
    return _Token("bare", word.start(), side.end(), text[word.start() : side.end()], 1.0)


def _renamed(text: str, kind: _Token, named: _Token) -> bool:
    """Whether a venue is said by its kind and then by its name right after (物流园，传化物流园; 停车场，叫城市停车场)."""
    said, name = _said(text, kind), _said(text, named)
    common = len(os.path.commonprefix([said[::-1], name[::-1]]))
    between = text[kind.end : named.start]
    return (
        len(name) > len(said) >= 2
        and common >= 2
        and (len(said) == common or kind.unit == "generic")  # the kind said alone (物流园, 科技公司): no other name
        and named.start - kind.end <= 8
        and not _SENTENCE_END.intersection(between)
        and not _CONNECTOR.search(between)
        and not _RANGE.search(between)
    )


def _restated(text: str, run: list[_Token], venue: _Token) -> None:
    """县三中，就是A7县第三中学: a venue said again in full replaces its short name said just before."""
    for index in range(len(run) - 1, -1, -1):
        if run[index].kind == "venue":
            if _RESTATED.search(text, run[index].end, venue.start):
                del run[index]
            return
        if run[index].kind != "area":
            return


def _take_back(run: list[_Token], correction: _Token) -> None:
    """六楼，不是不是，七楼: the piece of the same kind said just before a correction is dropped."""
    for index in range(len(run) - 1, -1, -1):
        token = run[index]
        if token.kind == correction.kind and (token.unit == correction.unit or token.kind == "venue"):
            del run[index:]
            return


def _score(text: str, run: list[_Token]) -> float:
    """What a run is worth as the place of the problem: its pieces, more for a place the text names again (a
    title and its message, a call and its read-back), less when somebody goes there or comes from there."""
    score = sum(token.weight for token in run)
    for token in run:
        if token.kind in _PLACE_KINDS or (token.kind == "area" and token.depth >= 3):
            name = text[token.start : token.end]
            score += 0.5 if len(name) >= 2 and text.count(name) >= 2 else 0.0
    before = re.split(r"[。！？!?\n]", text[max(0, run[0].start - 4) : run[0].start])[-1]
    after = re.split(r"[。！？!?\n]", text[run[-1].end : run[-1].end + 6])[0]
    if _MOVED_TO.search(before) or _MOVED_AFTER.match(after):
        score *= 0.4
    elif _MOVED_FROM.search(before):
        score *= 0.6
    line_end = text.find("\n", run[-1].end)
    if any(token.kind == "road" and _taken_back_later(text, token) for token in run) or (
        line_end >= 0 and _CORRECTION.match(text, line_end + 1)
    ):
        score *= 0.5  # 是万家丽中路，不是南路 / 您是说枫林路吗？—不是不是: a read-back the caller corrects
    if all(token.kind in ("area", "venue", "side") for token in run):
        start = max((text.rfind(mark, 0, run[0].start) for mark in "，,。？！?!\n"), default=-1) + 1
        end = min((i for mark in "。？！?!\n" if (i := text.find(mark, run[-1].end)) >= 0), default=len(text))
        if _ASKED_ABOUT.search(text, start, end + 1):
            score *= 0.3  # 月湖街道有联络站吗？婚姻登记处要不要预约？: a question about a kind of place, no spot
    return score


def _taken_back_later(text: str, road: _Token) -> bool:
    """Whether the caller says later that it is not this road (不是万家丽南路, 不是南路)."""
    name = text[road.start : road.end]
    if len(name) >= 4 and name[-2] in "东西南北中":
        return text.find("不是" + name[-2:], road.end) >= 0 or text.find("不是" + name, road.end) >= 0
    return text.find("不是" + name, road.end) >= 0


def _tokens(text: str, areas: list[_Token]) -> list[_Token]:
    """Every address piece of the text in order.

    Gazetteer places (a town or village followed by 政府, 中心小学… is a venue named after it) and names said with 叫
    are fixed first. Then every suffix of a road or venue, every number and side word is found in one pass each,
    and taken from left to right: a road or venue reaches back over name characters to the piece before it, a
    pause, a particle or a word that starts a clause (希望, 属于…), at most six or eight characters; a side, a
    junction and a room number only count right after a piece, a compound named without a suffix (江山帝景) only
    between a piece and its building number."""
    fixed = []
    for token in areas:
        after = _AFTER_A_PLACE if token.depth >= 3 else _AFTER_THE_CITY if token.depth == 1 else None
        suffix = after.match(text, token.end) if after is not None else None
        if suffix:
            written = _said(text, token) + suffix.group(0)
            token = _Token("venue", token.start, suffix.end(), written, 3.0, depth=token.depth, places=token.places)
        fixed.append(token)
    candidates: list[tuple[int, int, int, str | _Token]] = [(t.start, 0, t.end, t) for t in fixed]
    candidates += [(t.start, 0, t.end, t) for t in _called(text, fixed)]
    candidates += [(start, 1, end, "number") for start, end in _numbers(text)]
    for rank, (kind, pattern) in enumerate(_CANDIDATES, start=2):
        candidates += [(m.start(), rank, m.end(), kind) for m in pattern.finditer(text)]
    candidates += [(start, 9, end, "venue") for start, end in _venue_suffixes(text)]
    candidates.sort(key=lambda candidate: candidate[:2])
    tokens: list[_Token] = []
    position = 0
    for start, _rank, end, kind in candidates:
        if start < position:
            continue
        last = tokens[-1] if tokens else None
        adjacent = last is not None and _only_filler(text, last.end, start)
        token: _Token | None
        if isinstance(kind, _Token):
            token = kind
        elif kind == "number":
            bare = _bare(text, last, start) if last is not None and not adjacent else None
            if bare is not None:
                tokens.append(bare)
            written = spoken_numbers_to_digits(text[start:end])
            token = _Token("number", start, end, written, 1.5, re.sub(r"^[A-Za-z]?\d+", "", written))
        elif kind == "side":
            token = _Token("side", start, end, spoken_numbers_to_digits(text[start:end]), 0.3) if adjacent else None
        elif kind == "quoted":
            # a name in quotes is a venue with a suffix after it (“启航英语”培训机构), or right after a road, venue or
            # number (银河湾小区一楼“老马烧烤”); not any quoted word (恳请A1区政府将“永利金猪”…)
            near = last is not None and last.kind in ("road", "venue", "number") and start - last.end <= 8
            near = near and not _SENTENCE_END.intersection(text[last.end : start])
            match = _QUOTED.match(text, start)
            token = None
            if match and (near or match.group(2)):
                token = _Token("venue", start, end, match.group(1) + match.group(2), 3.0)
        else:
            token = _named_piece(text, kind, start, end, position, last, adjacent)
            if token is not None and token.kind == "junk":
                position = token.end  # 隔壁村, 过马路: nothing starts inside it
                continue
        if token is None:
            continue
        tokens.append(token)
        position = token.end
        position = _follow(text, tokens, position)
    return tokens


def _numbers(text: str) -> list[tuple[int, int]]:
    """Where the house, building, unit, room and group numbers are (not a date: 5月20号, 第3号)."""
    found = []
    for match in _NUMBER_SCAN.finditer(text):
        start, end = match.span()
        if start and text[start - 1] in _NOT_BEFORE_A_NUMBER:
            continue
        if text[start].isascii() and text[start].isalpha() and not _NUMBER.match(text, start, end):
            continue  # a letter must be followed by digits (D三区), not be a unit's neighbour (D区)
        found.append((start, end))
    return found


def _venue_suffixes(text: str) -> list[tuple[int, int]]:
    """Where the venue suffixes are, those said one after another joined (中心小学)."""
    chains: list[tuple[int, int]] = []
    position = 0
    while (match := _ONE_VENUE_SUFFIX.search(text, position)) is not None:
        start, end = match.span()
        position = end
        words = _SUFFIX_NOT_BEFORE.get(match.group(0))
        if words and text.startswith(words, end):
            continue  # 城区, 村委会, 社区居委会: not the end of a venue's name
        if (
            match.group(0) in _ENDS_A_NAME_ONLY
            and not _NAME_END.match(text, end)
            and not _ONE_VENUE_SUFFIX.match(text, end)
        ):
            if match.group(0) in _NUMBERED_SCHOOLS:
                position = start + 1  # 第三中学: 中学 is the suffix
            continue  # 机械设备, 电子产品: a trade word inside a phrase
        if chains and chains[-1][1] == start:
            chains[-1] = (chains[-1][0], end)
        else:
            chains.append((start, end))
    return chains


def _named_piece(
    text: str, kind: str, start: int, end: int, position: int, last: _Token | None, adjacent: bool
) -> _Token | None:
    """The road or venue whose suffix is text[start:end], its name reaching back at most to ``position``;
    ``last`` is the piece before, ``adjacent`` whether only fillers stand between it and the suffix."""
    reach = _ROAD_STEM if kind == "road" else _VENUE_STEM
    begin = max(position, start - reach)
    for index in range(start - 1, begin - 1, -1):
        if text[index] in _STOP and not (text[index] == "太" and text.startswith(("太平", "太阳"), index)):
            begin = index + 1  # (太 is very, but 太平街 a name)
            break
    # a word that starts a clause (位于, 斜对面, 希望…) may begin before the particle the scan stopped at
    for clause in _NOT_A_START.finditer(text, max(position, begin - 3), start):
        if clause.end() > begin:
            begin = clause.end()
    if (
        last is not None
        and last.kind in ("road", "venue", "number")
        and begin == last.end
        and text[begin] in "和与跟及"
    ):
        begin += 1  # 五一大道和芙蓉中路: 和 joins two roads (和平路 after a district keeps it)
    suffix = text[start:end]
    if kind == "venue" and _ROAD_NAMED_AFTER.match(text, end):
        return None  # 老屋园路, 花园街: the road is named after the place
    if kind == "venue" and begin < start and text[begin] in _MEASURE and begin and text[begin - 1] in _COUNTING:
        begin += 1  # 有家科技公司, 一座桥: the measure word is no part of the name
    if kind == "venue" and start - begin < 2:
        # 中心医院 after A3区: the name takes the first suffixes (中心) while the rest is still a suffix (医院)
        for split in range(start + 1, end):
            if split - begin >= 2 and _VENUE_CHAIN.fullmatch(text, split, end):
                start, suffix = split, text[split:end]
                break
    stem, name = text[begin:start], text[begin:end]
    if kind == "road":
        if len(stem) < 2:
            return None
        if not _is_a_road(name, stem):
            return _Token("junk", begin, end, name, 0.0)
        if text.startswith("街道", end):
            # 赤岭路街道 missing from the gazetteer: a street office, kept as said
            return _Token("street", begin, end + 2, name + "街道", 1.5)
        named = _NAMED_AFTER_A_ROAD.match(text, end)
        if named and _NAME_END.match(text, named.end()):
            # 赤岭路小学, 东风路派出所: a venue named after its road
            return _Token("venue", begin, named.end(), text[begin : named.end()], 3.0)
        return _Token("road", begin, end, name, 3.0)
    if len(stem) >= 2 or (stem in _LEVEL and len(suffix) >= 2):
        if _NOT_A_NAME.search(stem):
            return _Token("junk", begin, end, name, 0.0)
        named_by_area = last is not None and last.kind == "area" and adjacent and begin == last.end
        if stem in _TRADE or (_VENUE_CHAIN.fullmatch(stem) and not named_by_area):
            # 科技公司, 城管局: which one is not said; A3区中心医院, 星沙镇中心小学: the area names it
            return _Token("venue", begin, end, name, 0.5, "generic")
        token = _Token("venue", begin, end, name, _venue_weight(text, name, stem, begin, end))
        # 五福村, 山水洲城: where people live, a little surer than another place of its length
        return _Token("venue", begin, end, name, 2.3) if token.weight == 2.0 and _is_a_home(text, token) else token
    if suffix in _GENERIC_VENUE and adjacent and last is not None and last.kind in _AFTER:
        tied = _suffix_class(suffix) != "office" or _AT_AN_OFFICE.match(text, _FILLER.match(text, end).end())
        return _Token("venue", start, end, suffix, 1.0 if tied else 0.5)
    return None


def _suffix_class(name: str) -> str:
    """The class of the venue suffix a name ends with (the longest: 卫生服务中心 is a place, 中心 a business)."""
    for length in range(min(6, len(name)), 0, -1):
        found = _SUFFIX_CLASS.get(name[-length:])
        if found:
            return found
    return "place"


def _venue_weight(text: str, name: str, stem: str, begin: int, end: int) -> float:
    """What a named venue weighs in a run, by how reliably its kind is the place of the problem (_SUFFIX_CLASS)."""
    kind = _suffix_class(name)
    if kind in ("office", "company"):
        # 区住建局, 某某公司: whom the caller turned to or what the appeal is about, unless something is said at it
        # (门口, 大厅, 三楼 …) or the caller places it (在华力机械, 有个厂叫…, 那个红旗砖厂)
        at = _AT_AN_OFFICE.match(text, _FILLER.match(text, end).end())
        placed = kind == "company" and _PLACED.search(text, max(0, begin - 6), begin)
        return 2.0 if at or placed else 1.0
    return 3.0 if len(name) >= 5 else 1.0 if len(stem) <= 2 and name.endswith(_WEAK_SUFFIX) else 2.0


def _follow(text: str, tokens: list[_Token], position: int) -> int:
    """What may follow a piece right after it: a junction after a road (路口, 交叉口), a room after a number."""
    last = tokens[-1]
    after = _FILLER.match(text, position).end()
    if (
        last.kind == "road"
        and (match := _JUNCTION.match(text, after))
        and not (after > position and match.group(0) == "口" and _NAMED_VENUE.match(text, match.end()))
    ):  # 开元东路，口味王饭店: a shop's name after a pause, no junction (平交路口城市花园 is one)
        tokens.append(_Token("junction", after, match.end(), "交叉口", 1.0))
        return match.end()
    if last.kind == "number" and (match := _ROOM.match(text, after)):
        tokens.append(_Token("room", after, match.end(), spoken_numbers_to_digits(match.group(0)), 1.0, "room"))
        return match.end()
    return position


def _bare(text: str, last: _Token, number_start: int) -> _Token | None:
    """A compound named without a suffix, between a piece and its building number: 银杉路的江山帝景，十二栋."""
    if last.kind not in ("area", "street", "road", "venue", "side", "bare") or number_start - last.end > 16:
        return None
    gap = text[last.end : number_start]
    if _SENTENCE_END.intersection(gap):
        return None
    lead = _FILLER.match(gap).end()
    for length in range(2, min(7, len(gap) - lead) + 1):
        name = gap[lead : lead + length]
        if _STOP.intersection(name) or _NOT_A_START.search(name):
            return None
        if _FILLER.fullmatch(gap, lead + length):
            return _Token("bare", last.end + lead, last.end + lead + length, name, 2.0)
    return None


def _best_run(text: str, areas: list[_Token]) -> tuple[list[_Token] | None, list[list[_Token]]]:
    """The most specific run of address pieces in the text (None when no run names more than the gazetteer
    places do), and every run."""
    runs = _runs(text, _tokens(text, areas))
    best, best_key, areas_only = None, (0.0, 0), 0.0
    for run in runs:
        if sum(token.weight for token in run) < _ADDRESS_MIN_SCORE:
            continue
        score = _score(text, run)
        if score < _ADDRESS_MIN_SCORE / 2:
            continue  # a place asked about, not where a problem is
        if not _names_a_spot(run):
            areas_only = max(areas_only, score)
            continue
        # of two equal runs the one that says more, else the later (a read-back restates what was said before)
        key = (score, sum(token.end - token.start for token in run if token.kind != "area"))
        if key >= best_key:
            best, best_key = run, key
    # a weak place (早餐店) is no address when the gazetteer places named say more; a village or a compound
    # named (五福村, 山水洲城) says more than its town
    home = best is not None and best_key[0] + 1.0 >= areas_only and any(_is_a_home(text, t) for t in best)
    if best is None or (best_key[0] < areas_only and best_key[0] < _STRONG and not home):
        return None, runs
    return best, runs


def _is_a_home(text: str, token: _Token) -> bool:
    """Whether a piece is a village or compound named (五福村, 山水洲城, 桂花苑), not a generic one (同一小区)."""
    name = text[token.start : token.end]
    return (
        token.kind == "venue"
        and token.unit != "generic"
        and len(name) >= 3
        and name.endswith(_HOMES)
        and not name.endswith(_NOT_HOMES)
        and not _NOT_A_NAME.search(name)
    )


def _address(text: str, best: list[_Token], runs: list[list[_Token]], chain: Sequence[PlaceRef]) -> str:
    """The chosen run written as an address, with a venue or numbers said elsewhere for the same place."""
    best = _with_venue_said_short(text, best, runs)
    return _written(text, _with_numbers_said_elsewhere(text, best, runs), chain)


def _community_address(text: str, runs: list[list[_Token]], chain: Sequence[PlaceRef]) -> str:
    """When nothing but gazetteer places is named and the place chosen is a community or a village (天胜社区,
    杨林新村田边上), that place is the address: its district and street first, then the community as said with a
    side or number said right after it (天胜社区北门); also a community said right after the town chosen, when the
    gazetteer knows its name elsewhere only (A3区含浦镇，丽发新城社区)."""
    if not chain:
        return ""
    chosen = chain[-1].id

    def community(run: list[_Token]) -> int | None:
        for index, token in enumerate(run):
            if token.kind != "area" or token.depth < 4:
                continue
            if chosen in token.places or (index and run[index - 1].kind == "area" and chosen in run[index - 1].places):
                return index
        return None

    said = [run for run in runs if community(run) is not None]
    if not said:
        return ""
    # the run that says the most about the place, the later of two equal ones (a read-back restates it)
    run = max(reversed(said), key=lambda run: (sum(token.weight for token in run), len(run)))
    at = community(run) or 0
    tail = list(itertools.takewhile(lambda token: token.kind in ("side", "number", "room"), run[at + 1 :]))
    return _written(text, [*run[: at + 1], *tail], chain)


def _names_a_spot(run: list[_Token]) -> bool:
    """Whether a run says more than the area: a road, a venue, a compound, or a village with its group number."""
    return any(token.kind in _PLACE_KINDS for token in run) or any(
        token.kind == "number" and index and run[index - 1].kind == "area" and run[index - 1].depth >= 4
        for index, token in enumerate(run)
    )


def _named_in_full(text: str, bare: _Token, runs: list[list[_Token]]) -> _Token:
    """A compound said without its suffix (保利天禧，三栋) written as it is named in full elsewhere (保利天禧小区)."""
    name = _said(text, bare)
    for run in runs:
        for token in run:
            said = _said(text, token)
            if token.kind == "venue" and said.startswith(name) and _VENUE_CHAIN.fullmatch(said, len(name)):
                return _Token("bare", bare.start, bare.end, said, bare.weight)
    return bare


def _with_venue_said_short(text: str, best: list[_Token], runs: list[list[_Token]]) -> list[_Token]:
    """A venue named in full elsewhere and by its name alone right after the chosen run: 步步高超市停车场这里 …
    人民中路那个步步高，地面停车场 → 人民中路步步高超市."""
    best = [_named_in_full(text, token, runs) if token.kind == "bare" else token for token in best]
    after = _FILLER.match(text, best[-1].end).end()
    for run in runs:
        for token in run:
            name = _said(text, token)
            stem = _VENUE_TAIL.sub("", name) if token.kind == "venue" else ""
            if (
                len(stem) >= 2
                and token not in best
                and text.startswith(stem, after)
                and not text.startswith(name, after)
            ):
                return [*best, _Token("venue", after, after + len(stem), name, token.weight)]
    return best


def _with_numbers_said_elsewhere(text: str, best: list[_Token], runs: list[list[_Token]]) -> list[_Token]:
    """The house numbers of a place said in another run (the read-back's 红星农贸市场B17号), after that place, when
    the chosen run has none."""
    if any(token.kind in ("number", "room") for token in best):
        return best
    names = {_said(text, token): index for index, token in enumerate(best) if token.kind in _PLACE_KINDS}
    for run in runs:
        for index, token in enumerate(run):
            if token.kind in _PLACE_KINDS and _said(text, token) in names:
                numbers = []
                for following in run[index + 1 :]:
                    if following.kind not in ("number", "room"):
                        break
                    numbers.append(following)
                if numbers:
                    at = names[_said(text, token)] + 1
                    return [*best[:at], *numbers, *best[at:]]
    return best


def _called(text: str, areas: list[_Token]) -> list[_Token]:
    taken = {i for token in areas for i in range(token.start, token.end)}
    called = []
    for match in _CALLED.finditer(text):
        start, end = match.span(1)
        if not taken.intersection(range(start, end)) and "[" not in match.group(1):
            called.append(_Token("venue", start, end, match.group(1), 3.0, "called"))
    return called


def _written(text: str, run: list[_Token], chain: Sequence[PlaceRef]) -> str:
    """A run written as an address: district and street first (the run's own, else those of the chosen place when
    they agree with it), then the pieces as said, numbers in digits, two roads joined by 与 and a junction as
    交叉口, nothing after the last number but a place."""
    while len(run) > 1 and run[-1].kind in ("side", "junction") and run[-2].kind in ("number", "room"):
        run = run[:-1]  # 12号门口: the number says where
    # the district and street the run starts with (a district code later in it is part of a name: 小区A1区路)
    leading = list(itertools.takewhile(lambda token: token.kind == "area", run))
    said = {depth: _said(text, token) for token in leading if (depth := token.depth) in (2, 3)}
    if any(token.depth == 3 and token.kind == "venue" for token in run):
        said.setdefault(3, "")  # 江背镇中心小学 names its town
    chosen = {place.depth: place for place in chain if place.depth in (2, 3)}
    district, street = said.get(2, ""), said.get(3, "")
    if 2 not in said and 2 in chosen and (not street or 3 not in chosen or street == chosen[3].name):
        district = chosen[2].name
    if 3 not in said and 3 in chosen and (2 not in said or said[2] in (chosen[2].name, *chosen[2].aliases)):
        street = chosen[3].name
    roads = sum(1 for token in run if token.kind == "road")
    junction = roads >= 2 and any(token.kind == "junction" for token in run)
    pieces = [district, street]
    previous: _Token | None = None
    written_kind = ""
    for token in run:
        gap = text[previous.end : token.start] if previous else ""
        previous = token
        if token.kind == "area" and token.depth <= 3:
            continue
        written = _said(text, token)
        if (token.kind == "junction" and (roads < 2 or pieces[-1] == "交叉口")) or written == pieces[-1]:
            continue  # 火车站那边，就是A1区火车站: said twice
        if _RANGE.search(gap):
            pieces.append("至")  # 北门至鸭子铺路, 星城镇政府至加油站
        elif token.kind == written_kind == "road":
            if written == pieces[-1]:
                continue  # 劳动东路，劳动东路口: said twice
            if junction or _CONNECTOR.search(gap):
                pieces.append("与")  # 五一大道和芙蓉中路那个路口
        elif token.kind == written_kind and _CONNECTOR.search(gap):
            pieces.append("与")  # 镇头村与甘棠村, 11栋和12栋
        pieces.append(written)
        written_kind = token.kind
    return "".join(pieces)


def _said(text: str, token: _Token) -> str:
    return token.written if token.written or token.kind == "side" else text[token.start : token.end]


def find_address(text: str) -> str:
    """The free address in a text with no gazetteer at hand (``枫林路12号``, ``阳光小区3栋2单元``)."""
    areas = [
        _Token("area", match.start(), match.end(), "", 1.0, depth=2)
        for match in re.finditer(r"[A-Z]\d{0,2}(?:区|县|市)", text)
    ]
    best, runs = _best_run(text, areas)
    return _address(text, best, runs, ()) if best else ""
