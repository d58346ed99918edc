"""Personal data in Chinese hotline text: find it, and mask it before text leaves the system.

What is masked (each value is replaced by its kind in brackets, e.g. ``[MOBILE]``):

- ``MOBILE``: 11-digit mobile numbers on China's allocated prefixes (13x, 145–149, 150–153, 155–159, 162,
  165–167, 170–178, 18x, 190–193, 195–199), written whole or as 3-4-4 with spaces or hyphens, with an optional
  +86 / 86 / 0086 / (+86) prefix (the prefix is masked with the number).
- ``LANDLINE``: an area code (010, 02x or 0 plus three digits, optionally in brackets) and a 7–8 digit
  subscriber number, with an optional extension (转123, 分机123, -123); 400/800 service numbers; a bare 7–8
  digit number only right after a phone cue (电话, 联系方式, 手机, 座机, 号码, 拨打, 致电, tel, phone) or
  right after another phone number in a list (“13800138000、84567890”).
- ``ID_CARD``: 18-digit resident ID numbers with a region code, a birth date between 1900-01-01 and today and
  a valid ISO 7064 MOD 11-2 check digit (X or x allowed), written whole or as 6-8-4; 15-digit old IDs with a
  valid date only right after 身份证.
- ``BANK_CARD``: 16–19 digits starting with 3, 4, 5, 6 or 9, whole or in groups of four joined by single
  spaces or hyphens, passing the Luhn check.
- ``EMAIL``: ASCII addresses (name@163.com, 12345678@qq.com, a.b@gov.cn, also .中国/.公司/.网络 domains).
- ``PLATE``: vehicle plates: a province abbreviation, a letter and five characters (letters I and O excluded,
  at least three digits), new-energy plates (D/F and five, or five digits and D/F), and 警/学/挂/港/澳 plates;
  a ·, • or space after the letter is allowed; lower-case letters are accepted.
- ``BIRTH_DATE``: a date of birth: a year-month(-day) date before 出生/生 (1967年5月出生) or after 出生于/生于/
  出生日期/生日; other dates stay.
- ``NAME``: a person's name right after a self-introduction or a form label: 我叫 / 我的名字叫 / 叫我,
  姓名, 联系人, 举报人, 投诉人, 反映人, 来电人, 报案人 (with or without a colon), and, more cautiously, 我是
  and 本人, where every given-name character must be a common one, so 我是业主 / 我是A3区居民 / 我是一名教师
  stay. A name is a surname (about 240 common single-character and 15 compound ones) and one or two given-name
  characters, followed by punctuation, the end of the text, or a word such as 的/先生/女士/电话/称; common
  words that look like names (高兴, 农民, 陈述 …) are not. 我姓X, 本人姓X and 免贵姓X mask the surname only
  (本人姓李名华侨: both parts); a surname followed by 先生/女士/小姐 masks the surname and keeps the title. Only
  the name is masked, never the cue words.

What is deliberately left alone: dates other than a date of birth (2019年5月12日, 2019-05-12, 20190512 unless inside a valid ID), times,
money (3000元, 1.5万元, ￥12345678), house and building numbers, bus and metro routes, order numbers such as
GD202611250001, postal codes, percentages, areas, the hotline number 12345 and other short service numbers
(12319, 96111, 114), the data set's pseudonymised places (A3区, B9市 …) and values already masked with ``***``
(0000-00000000 is not a phone number: no area code starts with 00 and no subscriber number with 0). An
18-digit number shaped like an ID (a valid birth date in place) but with a wrong check digit is neither an ID
nor a bank card. No phone number or card is taken from a number that is part of a longer number (digits, or
digits after a hyphen or a decimal point, on either side), that is glued to letters (GD…, SF…; tel/phone are
fine), that is labelled as a code (学号, 订单号, 发票号码, 准考证号 …), or that is followed by a money or quantity
unit (元, 万, 年, 平 …). Company service numbers (400/800, an office's landline) are masked like any phone
number: the text cannot tell whose they are.

Full-width digits, letters and punctuation (１３８, ＠, （）), the ideographic and no-break spaces and long
dashes are matched as their ASCII forms; every offset refers to the original text, which is never changed
except to mask.

Known limits: names without a cue (…联系人王坚的行为…, 小王), and names with rare given-name characters after
我是/本人 or after a surname that is also a common word (于, 向, 高 …), are missed; digits spoken as Chinese
numerals in ASR output (一三八…) are not read; phone numbers grouped unusually (1380-0138-000), IDs or cards
glued to letters, and plates other than the formats above (使/领, military, agricultural) are not recognised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class PiiKind(StrEnum):
    MOBILE = "MOBILE"
    LANDLINE = "LANDLINE"
    ID_CARD = "ID_CARD"
    BANK_CARD = "BANK_CARD"
    EMAIL = "EMAIL"
    PLATE = "PLATE"
    NAME = "NAME"
    BIRTH_DATE = "BIRTH_DATE"

    @property
    def placeholder(self) -> str:
        return f"[{self.name}]"


@dataclass(frozen=True)
class PiiSpan:
    kind: str
    start: int
    end: int
    value: str

    @property
    def placeholder(self) -> str:
        return PiiKind(self.kind).placeholder


@dataclass(frozen=True)
class MaskedText:
    text: str
    spans: tuple[PiiSpan, ...]

    def counts(self) -> dict[str, int]:
        """How many values of each kind were masked, kinds that did not occur left out."""
        found: dict[str, int] = {}
        for kind in PiiKind:
            n = sum(1 for span in self.spans if span.kind == kind)
            if n:
                found[kind.value] = n
        return found


# --- normalisation ----------------------------------------------------------------------------------------
# One character in, one character out, so offsets in the normalised text are offsets in the original.
_NORMALISE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_NORMALISE.update({0x3000: " ", 0x00A0: " ", 0x2002: " ", 0x2003: " ", 0x2009: " "})
_NORMALISE.update({0x2010: "-", 0x2011: "-", 0x2012: "-", 0x2013: "-", 0x2014: "-", 0x2212: "-", 0xFE63: "-"})
_NORMALISE.update({0x2022: "·", 0x30FB: "·", 0x2027: "·"})


def normalise(text: str) -> str:
    """Full-width ASCII and odd spaces/dashes as plain ASCII; the result has the same length as the input."""
    return text.translate(_NORMALISE)


# --- shared checks ----------------------------------------------------------------------------------------
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of an 18-digit ID number."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _valid_birth_date(year: int, month: int, day: int) -> bool:
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


def _id_shaped(number: str) -> bool:
    """18 characters with a region code and a real birth date where an ID has them (check digit not tested)."""
    return (
        len(number) == 18
        and number[0] != "0"
        and number[:17].isdigit()
        and _valid_birth_date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    )


def valid_id_number(number: str) -> bool:
    number = number.upper()
    return (
        _id_shaped(number) and (number[17].isdigit() or number[17] == "X") and id_check_digit(number[:17]) == number[17]
    )


# A number directly followed by one of these is an amount or a quantity, not a phone number or a card.
_UNIT_AFTER = re.compile(r"\s?(?:元|万|亿|块|角|美元|平|米|㎡|%|年|月|日|天|次|个|人|户|件|台|辆|岁|吨|公里|千克|斤)")


def _unit_follows(norm: str, end: int) -> bool:
    return _UNIT_AFTER.match(norm, end) is not None


# A number labelled as a code (学号, 订单号, 准考证号 …) is not a phone number even when it looks like one.
_CODE_LABEL = re.compile(
    r"(?:编号|单号|学号|工号|证号|考号|批号|票号|序号|案号|文号|合同号|订单号?|运单号?|流水号|码号)[ \t]*(?:码|为|是)?[ \t]*:?[ \t]*$"
)


def _labelled_as_code(norm: str, start: int) -> bool:
    return _CODE_LABEL.search(norm, max(0, start - 10), start) is not None


# Letters glued to the front of a number usually make it a code (GD13800138000); these are phone labels.
_PHONE_LABELS = frozenset({"tel", "phone", "mobile", "mob", "cell", "call", "qq", "wx", "vx", "v", "whatsapp"})


def _glued_to_code(norm: str, start: int) -> bool:
    """True when ASCII letters other than a phone label stand right before the number."""
    i = start
    while i > 0 and norm[i - 1].isascii() and norm[i - 1].isalpha():
        i -= 1
    return i < start and norm[i:start].lower() not in _PHONE_LABELS


# --- patterns ---------------------------------------------------------------------------------------------
# Not a piece of a longer number: no digit, "digit-" or "digit." right before, no digit, "-digit" or ".digit" after.
_NO_DIGIT_BEFORE = r"(?<![0-9])(?<![0-9][-.])"
_NO_DIGIT_AFTER = r"(?![0-9])(?![-.][0-9])"

_MOBILE = re.compile(
    _NO_DIGIT_BEFORE + r"(?:(?:\+|00)?86[ -]?|\(\+?86\) ?)?"
    r"1(?:3[0-9]|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8[0-9]|9[0-35-9])[ -]?[0-9]{4}[ -]?[0-9]{4}" + _NO_DIGIT_AFTER
)
_AREA_CODE = r"0(?:10|2[0-9]|[3-9][0-9]{2})"
_LANDLINE = re.compile(
    _NO_DIGIT_BEFORE + r"(?:\(" + _AREA_CODE + r"\) ?|" + _AREA_CODE + r"[ -]?)"
    r"[2-9][0-9]{2,3}[ -]?[0-9]{4}"
    r"(?:(?:转|分机|ext\.?|-)[0-9]{1,5})?" + _NO_DIGIT_AFTER
)
_SERVICE_NUMBER = re.compile(
    _NO_DIGIT_BEFORE
    + r"[48]00(?:-[0-9]{3}-[0-9]{4}| [0-9]{3} [0-9]{4}|[0-9]-[0-9]{3}-[0-9]{3}|[0-9]{7})"
    + _NO_DIGIT_AFTER
)
_BARE_SUBSCRIBER = re.compile(
    r"(?<![0-9A-Za-z.])(?<![0-9]-)(?:[2-9][0-9]{6,7}|[2-9][0-9]{3}-[0-9]{4})(?![0-9])(?!-[0-9])"
)
_PHONE_CUE = re.compile(
    r"(?:电话|联系方式|手机|座机|(?<![证单卡户账编牌车票货批订件房门运同序])号码|拨打|致电|tel|phone)(?:号码|号)?[ \t]*(?:是|为|了)?[ \t]*:?[ \t]*$",
    re.IGNORECASE,
)
_PHONE_LIST_GAP = re.compile(r"^[ \t]*(?:[、/,;]|或者?|或是|和|及)[ \t]*$")

_ID18 = re.compile(
    r"(?<![0-9A-Za-z])(?<![0-9][-.])[1-9][0-9]{5}( ?)(?:18|19|20)[0-9]{2}[01][0-9][0-3][0-9]\1[0-9]{3}[0-9Xx](?![0-9A-Za-z])(?![-.][0-9])"
)
_ID15 = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{5}[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}(?![0-9A-Za-z])")
_ID_CUE = re.compile(r"身份证(?:号码|号)?[ \t]*(?:是|为)?[ \t]*:?[ \t]*$")

_BANK_CARD = re.compile(
    r"(?<![0-9A-Za-z])(?<![0-9][ .-])"
    r"(?:[3-69][0-9]{15,18}(?![0-9])(?![-.][0-9])"
    r"|[3-69][0-9]{3}(?P<sep>[ -])[0-9]{4}(?:(?P=sep)[0-9]{4}){1,2}(?:(?P=sep)[0-9]{1,4})?(?![0-9])(?!(?P=sep)[0-9]))"
)

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,}|中国|公司|网络)(?![A-Za-z0-9-])"
)

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_CHAR = "[A-HJ-NP-Za-hj-np-z0-9]"
_PLATE = re.compile(
    "[" + _PROVINCES + "][A-Za-z][·. ]?"
    r"(?P<tail>[DFdf]"
    + _PLATE_CHAR
    + r"[0-9]{4}|[0-9]{5}[DFdf]|"
    + _PLATE_CHAR
    + "{4}[警学挂港澳]|"
    + _PLATE_CHAR
    + "{5})"
    r"(?![A-Za-z0-9])"
)

# --- names ------------------------------------------------------------------------------------------------
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "令狐",
    "夏侯",
    "长孙",
    "宇文",
    "司徒",
    "独孤",
)
# The most common single-character surnames, by population. Characters that are far more often ordinary
# words than surnames (和, 时, 全, 路, 单, 解, 查 …) are left out on purpose.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温"
    "康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕季裴霍涂成"
    "苗谷盛曲翁冉骆蓝游辛靳管柴蒙鲍华喻祁蒲房滕屈饶牟艾尤穆农卓吉缪简车连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米"
    "柏宗瞿桂佟应臧闵苟邬边卞姬栾隋刁沙荣巫寇桑郎甄丛仲虞敖巩佘池麻苑迟邝"
)
# Surnames that are more often a preposition or an ordinary word (举报人于今年…, 本人向…): whatever the cue,
# the given name after them must be made of common given-name characters.
AMBIGUOUS_SURNAMES = frozenset("于向常成万方包关连车米宁应沙齐易甘管党席费冷景池麻苑迟尚符左农安高文")
# After the weak cues 我是 and 本人 every given-name character must come from this list.
GIVEN_NAME_CHARACTERS = frozenset(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英霞平刚桂兰华建国文辉玲红梅飞鹏宇浩凯俊帅鑫婷雪琳晶欣怡佳颖晨宁萍燕"
    "玉珍凤云海波峰林斌丹亮成东力永健志新春松清杨娇慧莉倩婧蕾薇琴兵龙宏金元庆福生荣昌德忠祥伦彬博诚达冬栋帆芬"
    "光贵涵豪和虹欢嘉坚江洁锦瑾晋菊康可坤岚乐雷立莲良玲凌璐露曼美萌蒙楠妮琪琦启乔勤青晴秋泉群然仁蓉瑞睿若珊韶"
    "少升胜诗士书淑舒双爽顺思素庭彤巍维雯武希曦贤翔潇小晓笑心星兴旭轩萱璇勋亚岩妍彦阳瑶宜艺毅逸谊茵银莹映友羽"
    "雨语钰煜媛远月悦跃韵泽展章哲振震铮正智中洲珠梓子紫宗卓一二三四五六七八九军民红卫斌彪豹虎鹤鸿骏驰腾飞航"
    "鸣鸥霖霏圣谦蓓蕊芸芷茜莎菲露琼瑛瑜璟琛琰琬璋佩依婉娴妙雅静怀恩惠慈德仪彩凤丰富贞秀珍宝桃杏荷莺燕鹃芝兰馨香"
    "健康宁安君臣彬杉柏桦楠森淼沛浩涵渊源溪湘潇澜汉江河湖泊川山峰岭崇嵩巍岳磊石坚钢铁锋锐钧铭镇鑫铠"
)
# Ordinary words that start with a surname character and continue with given-name characters.
_NOT_NAMES = frozenset(
    {
        "高兴",
        "高明",
        "高中",
        "高新",
        "高峰",
        "高级",
        "高山",
        "高楼",
        "高层",
        "周一",
        "周二",
        "周三",
        "周四",
        "周五",
        "周六",
        "周末",
        "安全",
        "安静",
        "安心",
        "安康",
        "安宁",
        "文明",
        "文化",
        "成立",
        "成功",
        "成长",
        "江边",
        "江山",
        "林业",
        "金额",
        "金融",
        "黄金",
        "白天",
        "万一",
        "常常",
        "于是",
        "马上",
        "石头",
        "方便",
        "方向",
        "华丽",
        "宁可",
        "宁愿",
        "龙头",
        "温馨",
        "康复",
        "齐全",
        "严重",
        "向东",
        "向西",
        "向南",
        "向北",
        "关心",
        "包子",
        "连续",
        "车子",
        "钱财",
        "程序",
        "任何",
        "东方",
        "农民",
        "农村",
        "农业",
        "常年",
        "向来",
        "成年",
        "陈述",
        "陈旧",
        "张贴",
        "许多",
        "许可",
        "余额",
        "余下",
        "付款",
        "应当",
        "应该",
        "严格",
        "严禁",
        "毛病",
        "程度",
        "尤其",
        "谢谢",
        "谢绝",
        "杜绝",
        "任意",
        "董事",
        "钱款",
        "温度",
        "雷同",
        "罗列",
        "夏季",
        "秋季",
        "冬季",
        "武器",
        "曲线",
        "项目",
        "黄色",
        "白色",
    }
)
# Characters that never continue a name after 我叫 / 姓名: etc.: particles, pronouns, verbs of the sentence.
_NOT_GIVEN = frozenset("的了过来去到在是不没有和与及给把被让就都也还又很太等着们这那你我他她它么呢吗吧啊呀哦嗯某")
# Titles and time words that a "given name" must not start with (王先生, 李师傅, 举报人于今年 …).
_NOT_GIVEN_WORDS = (
    "先生",
    "女士",
    "小姐",
    "师傅",
    "老师",
    "同志",
    "阿姨",
    "大爷",
    "经理",
    "主任",
    "今年",
    "去年",
    "今天",
    "昨天",
    "当时",
    "近日",
    "上月",
    "本月",
)
_TITLES = ("先生", "女士", "小姐")
# What may follow a name: any character that cannot be part of one, or one of these words.
_AFTER_NAME_WORDS_STRONG = (
    "的",
    "先生",
    "女士",
    "小姐",
    "同志",
    "老师",
    "师傅",
    "电话",
    "手机",
    "联系",
    "身份证",
    "住",
    "家住",
    "现住",
    "今年",
    "男",
    "女",
    "是",
    "在",
    "来自",
    "反映",
    "称",
    "说",
    "表示",
    "投诉",
    "举报",
    "想",
    "要",
)
_AFTER_NAME_WORDS_WEAK = ("的", "先生", "女士", "小姐", "同志")
_ROLE_LABELS = r"(?:姓名|联系人|举报人|投诉人|反映人|来电人|报案人)"
_NAME_CUE = re.compile(
    r"(?P<surname_only>(?:我|本人|免贵)姓)"
    r"|(?P<labelled>" + _ROLE_LABELS + r"[ \t]*(?:是|为)?[ \t]*:[ \t]*)"
    r"|(?P<role>" + _ROLE_LABELS + r"(?:是|为)?[ \t]*)"
    r"|(?P<introduced>我叫|我的名字叫|我的名字是|叫我)"
    r"|(?P<weak>我是|本人)"
)
# Per cue: must every given-name character be a common one, and which words may follow the name. After a
# label without a colon a name is not followed by 的 (投诉人陈述的情况 is not a name).
_CUE_RULES: dict[str, tuple[bool, tuple[str, ...]]] = {
    "labelled": (False, _AFTER_NAME_WORDS_STRONG),
    "introduced": (False, _AFTER_NAME_WORDS_STRONG),
    "role": (False, tuple(word for word in _AFTER_NAME_WORDS_STRONG if word != "的")),
    "weak": (True, _AFTER_NAME_WORDS_WEAK),
}


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _boundary_at(norm: str, pos: int, words: tuple[str, ...]) -> bool:
    if pos >= len(norm) or not _is_cjk(norm[pos]):
        return True
    return norm.startswith(words, pos)


def _surname_at(norm: str, pos: int) -> int:
    """The length of the surname starting at pos (2 for a compound one), or 0."""
    if norm.startswith(COMPOUND_SURNAMES, pos):
        return 2
    if pos < len(norm) and norm[pos] in SURNAMES:
        return 1
    return 0


def _given_name_end(norm: str, start: int, cautious: bool, surname_at: int, words: tuple[str, ...]) -> int | None:
    """Where a given name of one or two characters starting at ``start`` ends (two preferred), or None."""
    cautious = cautious or norm[surname_at] in AMBIGUOUS_SURNAMES
    for given in (2, 1):
        end = start + given
        if end > len(norm):
            continue
        chars = norm[start:end]
        if not all(_is_cjk(ch) and ch not in _NOT_GIVEN for ch in chars):
            continue
        if cautious and not all(ch in GIVEN_NAME_CHARACTERS for ch in chars):
            continue
        if chars.startswith(_NOT_GIVEN_WORDS):
            continue
        if norm[surname_at : surname_at + 2] in _NOT_NAMES or norm[surname_at:end] in _NOT_NAMES:
            continue
        if _boundary_at(norm, end, words):
            return end
    return None


def _name_at(norm: str, pos: int, cue: str) -> list[tuple[int, int]]:
    """The (start, end) of the name introduced by a cue that ends at pos: none, one, or two for 姓X名Y."""
    surname = _surname_at(norm, pos)
    if not surname:
        return []
    after_surname = pos + surname
    if norm.startswith(_TITLES, after_surname):
        return [(pos, after_surname)]  # 王先生 / 欧阳女士: the surname alone
    if cue == "surname_only":
        if norm.startswith("名", after_surname):  # 本人姓李名华侨
            end = _given_name_end(norm, after_surname + 1, False, pos, _AFTER_NAME_WORDS_STRONG)
            return [(pos, after_surname)] + ([(after_surname + 1, end)] if end else [])
        if _boundary_at(norm, after_surname, _AFTER_NAME_WORDS_STRONG):
            return [(pos, after_surname)]
        return []
    cautious, words = _CUE_RULES[cue]
    end = _given_name_end(norm, after_surname, cautious, pos, words)
    return [(pos, end)] if end else []


# --- finding ----------------------------------------------------------------------------------------------
# When two candidates overlap, the kind listed first wins (then the longer one).
_PRIORITY = {
    PiiKind.EMAIL: 0,
    PiiKind.ID_CARD: 1,
    PiiKind.BANK_CARD: 2,
    PiiKind.MOBILE: 3,
    PiiKind.LANDLINE: 4,
    PiiKind.PLATE: 5,
    PiiKind.NAME: 6,
    PiiKind.BIRTH_DATE: 7,
}

# A date of birth: a year-month(-day) date right before 出生/生 (1967年5月出生, 1990-03-07生) or right after
# 出生于/生于/出生日期/生日 (出生日期：1990年3月7日). Other dates are left alone.
_DATE = r"(?:19|20)[0-9]{2} ?(?:年 ?[0-9]{1,2} ?月(?: ?[0-9]{1,2} ?[日号])?|[-/.][0-9]{1,2}(?:[-/.][0-9]{1,2})?)"
# A year alone (1965年出生) is not a date of birth: it stays, like an age.
_BIRTH_DATE_BEFORE_CUE = re.compile(rf"(?P<date>{_DATE}) ?(?:出生(?!率|人口|人数|数)|生人|生(?![效产活意日]))")
_BIRTH_DATE_AFTER_CUE = re.compile(rf"(?:出生于|生于|出生日期|出生年月|生日) ?(?:是|为)? ?[:：]? ?(?P<date>{_DATE})")


def _birth_dates(norm: str) -> list[tuple[PiiKind, int, int]]:
    return [
        (PiiKind.BIRTH_DATE, m.start("date"), m.end("date"))
        for pattern in (_BIRTH_DATE_BEFORE_CUE, _BIRTH_DATE_AFTER_CUE)
        for m in pattern.finditer(norm)
    ]


def _phone_shaped_number_ok(norm: str, start: int, end: int) -> bool:
    """False for a phone-shaped number that is glued to a code, labelled as a code, or followed by a unit."""
    return not (_glued_to_code(norm, start) or _labelled_as_code(norm, start) or _unit_follows(norm, end))


# Digits joined by at most two separators: how long a number the text holds decides which patterns run.
_DIGIT_CLUSTER = re.compile(r"[0-9](?:[ ()\-.]{0,2}[0-9])*")


def _longest_number(norm: str) -> int:
    return max((sum(ch.isdigit() for ch in m.group()) for m in _DIGIT_CLUSTER.finditer(norm)), default=0)


def _numbers(norm: str) -> list[tuple[PiiKind, int, int]]:
    found: list[tuple[PiiKind, int, int]] = []
    longest = _longest_number(norm)
    if longest < 7:
        return found
    if longest >= 15:
        found += _ids_and_cards(norm)
    if longest >= 10:
        for m in _MOBILE.finditer(norm):
            if _phone_shaped_number_ok(norm, m.start(), m.end()):
                found.append((PiiKind.MOBILE, m.start(), m.end()))
        for pattern in (_LANDLINE, _SERVICE_NUMBER):
            for m in pattern.finditer(norm):
                if _phone_shaped_number_ok(norm, m.start(), m.end()):
                    found.append((PiiKind.LANDLINE, m.start(), m.end()))
    phone_ends = {end for kind, _, end in found if kind in (PiiKind.MOBILE, PiiKind.LANDLINE)}
    for m in _BARE_SUBSCRIBER.finditer(norm):
        if _unit_follows(norm, m.end()) or _labelled_as_code(norm, m.start()):
            continue
        before = norm[max(0, m.start() - 12) : m.start()]
        listed = any(_PHONE_LIST_GAP.match(norm[end : m.start()]) for end in phone_ends if 0 < m.start() - end <= 4)
        if listed or _PHONE_CUE.search(before):
            found.append((PiiKind.LANDLINE, m.start(), m.end()))
            phone_ends.add(m.end())  # 电话：84567890，84567891: the second is listed after the first
    return found


def _ids_and_cards(norm: str) -> list[tuple[PiiKind, int, int]]:
    found: list[tuple[PiiKind, int, int]] = []
    for m in _ID18.finditer(norm):
        if valid_id_number(m.group().replace(" ", "")):
            found.append((PiiKind.ID_CARD, m.start(), m.end()))
    for m in _ID15.finditer(norm):
        value = m.group()
        if _ID_CUE.search(norm, max(0, m.start() - 12), m.start()) and _valid_birth_date(
            1900 + int(value[6:8]), int(value[8:10]), int(value[10:12])
        ):
            found.append((PiiKind.ID_CARD, m.start(), m.end()))
    for m in _BANK_CARD.finditer(norm):
        digits = re.sub(r"[ -]", "", m.group())
        if (
            16 <= len(digits) <= 19
            and luhn_valid(digits)
            and not _id_shaped(digits)
            and not _unit_follows(norm, m.end())
        ):
            found.append((PiiKind.BANK_CARD, m.start(), m.end()))
    return found


# A reply or a letter addressed to someone by name: 张三您好 / 李四同志： at the start of the text or of a line.
_SALUTATION = re.compile(r"(?:同志|先生|女士)?(?:您好|你好)|同志 ?[:：]")


def _addressed_names(norm: str) -> list[tuple[PiiKind, int, int]]:
    found: list[tuple[PiiKind, int, int]] = []
    for m in _SALUTATION.finditer(norm):
        for given in (2, 1):
            for surname in (2, 1):
                start = m.start() - given - surname
                if start < 0 or (start > 0 and _is_cjk(norm[start - 1]) and not norm.endswith("尊敬的", 0, start)):
                    continue
                if _surname_at(norm, start) != surname:
                    continue
                end = _given_name_end(norm, start + surname, True, start, ("同志", "先生", "女士", "您好", "你好"))
                if end == m.start():
                    found.append((PiiKind.NAME, start, end))
    return found


def _names(norm: str) -> list[tuple[PiiKind, int, int]]:
    found: list[tuple[PiiKind, int, int]] = []
    for m in _NAME_CUE.finditer(norm):
        for start, end in _name_at(norm, m.end(), m.lastgroup or "weak"):
            found.append((PiiKind.NAME, start, end))
    if "好" in norm or "同志" in norm:
        found += _addressed_names(norm)
    return found


def find_pii(text: str) -> list[PiiSpan]:
    """Every personal value in the text, in order, none overlapping another; offsets index ``text``."""
    norm = normalise(text)
    candidates: list[tuple[PiiKind, int, int]] = []
    candidates += _numbers(norm)
    if "@" in norm:
        candidates += [(PiiKind.EMAIL, m.start(), m.end()) for m in _EMAIL.finditer(norm)]
    candidates += [(PiiKind.PLATE, m.start(), m.end()) for m in _PLATE.finditer(norm) if _plate_ok(m.group("tail"))]
    candidates += _names(norm)
    if "生" in norm:
        candidates += _birth_dates(norm)

    candidates.sort(key=lambda c: (_PRIORITY[c[0]], c[1] - c[2], c[1]))
    taken: list[tuple[PiiKind, int, int]] = []
    for kind, start, end in candidates:
        if all(end <= s or start >= e for _, s, e in taken):
            taken.append((kind, start, end))
    taken.sort(key=lambda c: c[1])
    return [PiiSpan(kind.value, start, end, text[start:end]) for kind, start, end in taken]


def _plate_ok(tail: str) -> bool:
    """Five-character plates carry at most two letters; the new-energy and suffix forms are already specific."""
    if len(tail) == 5 and tail[-1].isascii():
        return sum(ch.isdigit() for ch in tail) >= 3
    return True


def mask_pii(text: str) -> MaskedText:
    """The text with every personal value replaced by its placeholder, and the spans that were replaced."""
    spans = find_pii(text)
    if not spans:
        return MaskedText(text, ())
    parts: list[str] = []
    last = 0
    for span in spans:
        parts.append(text[last : span.start])
        parts.append(PiiKind(span.kind).placeholder)
        last = span.end
    parts.append(text[last:])
    return MaskedText("".join(parts), tuple(spans))


def partial_phone(phone: str) -> str:
    """A phone number with its middle hidden (138****8000), enough to recognise, not to call."""
    digits = phone.strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    keep = 3 if len(digits) >= 7 else 1
    return digits[:keep] + "*" * (len(digits) - keep - 4) + digits[-4:]


def partial_name(name: str) -> str:
    """A name with only its first character shown (张**)."""
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""
