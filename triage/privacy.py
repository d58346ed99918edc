"""Personal data in Chinese hotline text: find it, and mask it before text leaves the system.

What is masked (each value is replaced by its kind in brackets, e.g. ``[MOBILE]``):

- ``MOBILE``: 11-digit mobile numbers on China's allocated prefixes (13x, 145–149, 150–153, 155–159, 162,
  165–167, 170–178, 18x, 190–193, 195–199), written whole or as 3-4-4 with spaces or hyphens, with an optional
  +86 / 86 / 0086 / (+86) prefix (the prefix is masked with the number).
- ``LANDLINE``: an area code (010, 02x or 0 plus three digits, optionally in brackets) and a 7–8 digit
  subscriber number, with an optional extension (转123, 分机123, -123); 400/800 service numbers; a bare 7–8
  digit number only right after a phone cue (电话, 联系方式, 手机, 座机, 号码, 拨打, 致电, tel, phone) or
  right after another phone number in a list (“13800138000、84567890”).
- ``ID_CARD``: 18-digit resident ID numbers with a region code and a birth date between 1900-01-01 and today,
  whatever the check digit (X or x allowed; a wrong one is a misheard or mistyped ID), written whole or as 6-8-4;
  right after 身份证 (号/号码, 是/为, a colon) any 18-character ID shape (17 digits and a digit or X, spaces or
  hyphens anywhere), whatever its date or check digit; 15-digit old IDs with a valid date only right after 身份证.
- ``BANK_CARD``: 16–19 digits starting with 3, 4, 5, 6 or 9, whole or in groups of four joined by single
  spaces or hyphens, passing the Luhn check; within 12 characters after a card word (卡号, 银行卡, 账号/帐号,
  账户, 信用卡, 储蓄卡, 借记卡, 工资卡, 存折) any 16–19 digits in that shape, whatever the Luhn check (a slip or
  a misheard digit is still someone's card); a number labelled otherwise (编号, 流水号) stays.
- ``PASSPORT``: E or G and eight digits, or E, a letter and seven digits, anywhere (not glued to letters or
  digits, not labelled as a code: 订单号E2026112500 and G1234次 stay); after 护照/通行证/passport (号, 号码,
  No.) any one or two letters and seven or eight digits (港澳通行证C12345678).
- ``WECHAT`` / ``QQ``: a WeChat id (6–20 letters, digits, _ or -, starting with a letter, or wxid_…) right after
  微信/微信号/vx/wx/weixin (是, a colon); a QQ number (5–11 digits) right after QQ/QQ号/扣扣. A phone number given
  as the WeChat id is masked as a ``MOBILE``; 微信公众号, 微信群, QQ群 and an e-mail at qq.com are no id.
- ``ROOM``: the room of a home address. The place of a problem must stay readable for the departments (A3区书院
  路12号, 3号楼电梯坏了, 2单元门口, 5栋楼下), while a room in a building identifies a household, so only the room
  number goes: three or four digits (or two before 室), with 室/房/号/号房, right after a building with its
  number (5栋, 9幢, 3号楼, B座, 05栋), a unit (2单元, 二单元) or a numbered floor (5楼502), a pause allowed between
  (三单元，五零二 read aloud), or after 房号/房间号/室号: 5栋302室 → 5栋[ROOM], 3单元1102 → 3单元[ROOM]. A number
  followed by a unit of measure or time (5栋2021年, 3栋300平米, 100多户, 105m2), a route (1102路) or a public room
  or a shop (201会议室, 302教室, 105商铺) is no home; a room with no building before it (我家1302室) is not
  enough to find a household and stays, and so does a building without a number (教学楼302教室). The order's
  address, read from the masked text, therefore keeps the building and the unit.
- ``EMAIL``: ASCII addresses (name@163.com, 12345678@qq.com, a.b@gov.cn, also .中国/.公司/.网络 domains).
- ``PLATE``: vehicle plates: a province abbreviation, a letter and five characters (letters I and O excluded,
  at least three digits), new-energy plates (D/F and five, or five digits and D/F), and 警/学/挂/港/澳 plates;
  a ·, • or space after the letter is allowed; lower-case letters are accepted; 楚, the old name of Hubei, is a
  province too (楚A·12345, common in letters). Read aloud, a plate may have a space after the province (湘 A), a
  pause, a filler or 的 after the letter (湘A，那个，D幺二三四五, 湘A 的 D12345), pauses, fillers and noise marks
  between any of its characters (湘A，幺二八，[杂音]九七七), a numeral said alone (湘C，三，四，呃，P六), a letter said
  as a word (字母K, 大写的M, 德国的D), a character said twice over a pause (湘A，T……T七二五九), and five to seven
  characters after the letter (at least three digits); after 车牌/牌照/车号 any character may stand for the province
  (an ASR homophone), and the same head masks the plate read back elsewhere in the call. The end of a plate
  (车牌尾号三八七, 车牌后四位是…, 车牌末尾是…) is masked; a rule on last digits (尾号限行) is not.
- ``BIRTH_DATE``: a date of birth: a year-month(-day) date before 出生/生 (1967年5月出生) or after 出生于/生于/
  出生日期/生日; other dates stay.
- ``NAME``: a person's name right after a self-introduction or a form label: 我叫 / 我的名字叫 / 叫我,
  姓名, 联系人, 举报人, 投诉人, 反映人, 来电人, 报案人 (with or without a colon), and, more cautiously, 我是
  and 本人, where every given-name character must be a common one, so 我是业主 / 我是A3区居民 / 我是一名教师
  stay; as cautiously after 市民 / 居民 / 村民 / 群众 / 业主 / 网友 when a verb of saying follows (市民周建国反映,
  业主李华问). A name is a surname (``data/surnames.tsv``: the 百家姓 and the census lists, 491 single and 63
  compound, each with a tier: common, ambiguous, rare (阙, 湛, 禤) or a word first (和, 水, 国), the last taken
  for a surname only after 姓) and one or two given-name characters, followed by punctuation, the end of the
  text, or a word such as 的/先生/女士/电话/称; common words that look like names (高兴, 农民, 陈述 …) are not.
  我姓X, 本人姓X and 免贵姓X mask the surname only (本人姓李名华侨: both parts); a surname followed by 先生/
  女士/小姐 masks the surname and keeps the title. Only
  the name is masked, never the cue words.
  Names without a cue word: a full name right after a kinship word or a job title (我妈易桂芝, 护士刘芳, 包工头
  叫马国富, 物业经理王大海, 村民汪国平), after 叫/名叫 (有个叫张强的保安) or 表扬/感谢/投诉/举报, or right before a
  title or a job title (刘芳护士, 胡静医生) or 是我. jieba's segmenter and its dictionary's part-of-speech tags
  decide where the name ends and whether it is one (an unknown word that starts with a surname is taken as a
  name, as jieba's tagger does): a frequent dictionary word (王府井, 文明, 呼吸), a preposition before a
  common word (向上级, 连呼吸) and a name that runs into a place word (周家湾, 刘家巷, 黄兴镇, 金峰村, 谷丰南路,
  王府井百货) are not names.

Calls (``mask_dialogue``, or ``dialogue=True``): a name is also said as 姓X (any character after 姓), as the
answer to the operator's 您贵姓 (侯，侯志刚), by the operator as a surname with a title (好的周先生, 王阿姨, 柳师
傅, 谢爹爹, 孙娭毑; the surname must start a word: 保安师傅, 语文老师 stay), or by anyone with an official or
workplace title (刘主席, 黎副局长, 郑经理, 王总, 张工; 副/常务副 before any title; a title alone, 公安局长, 施工,
毛主席 stay), as 业务员小周 / 老王, 隔壁的汪家, 弓长张, 小月肖, 柴火的柴 and 三点水那个湛; a surname corrected
after it was said (我姓詹……不对，姓湛 / 不是詹，是湛) is masked with the first; jieba's segmenter also finds
names with no cue at all (隔壁组的晏德才), taken only when they start a clause, are made of common given-name
characters, are no common word and are no business the call describes as one (那个康寿源，搞养老的). Where a
name is expected, a name the segmenter cut into a word and a character (秦国/庆, 黄金/花) is joined again. 王某 and
李某某 are names already masked: they stay, unless the call said the surname (then it is masked and 某 stays).
A name read off a badge (胸牌上写的是贺丹, 工牌上写着…), a job title followed by what the person is called (老板叫周继红,
医生叫什么……郝，郝建新; a full name the dictionary knows as a person's is one there), a surname and a numeral
(刘老三, 黄四毛, 王二娃), the familiar form a caller asks to be called by (叫我小莫就行: the surname), and a
compound surname spelled by a famous name (司马光的司马) are masked; 小车 (a surname that is mostly a word, in a
common word) is no name.
In a call a surname that is mostly a word is a surname once it is said and spelled by a word that holds it (皮，皮鞋的皮
/ 姓和，和平的和; a surname seldom a word may be spelled by a word that sounds like it, 纽扣的钮); a surname the call has
named is masked before a job word too (李振宇 … 李队员) and as a family (隔壁向家, 楼上宁家有个…: a surname that is mostly
a word only after a neighbour word); 有个小秦每天来 takes 秦 (not 一个小时以后); after a job word a two-character name the
dictionary knows as a famous person's and seldom uses (外卖小哥马超; not 顾问, 许可, 钱财) is one; a reply's 好 before
我姓, a wish (祝宝宝健康) and where the caller is from (我是金刚镇的) are no names.
A name may come after a pause, a filler or its first syllable said twice (我叫……柯，柯文静 / 包工头叫那个，马国富:
both 柯 are masked); after 叫/名叫 a three-character name whose surname is mostly a word (叫全德友，) is one when it
ends a clause and is no word of the dictionary (a child's doubled given name too: 叫云朵朵); an old man called 老张头 loses his surname; a nickname (外号叫刀疤强 /
大家都叫他黑皮 / 人称…) is masked whole wherever it comes back, its first character taken for no surname. What is said
of a surname (这个姓少 / 这个姓很少见) is none, and a name that runs into a business's words (一个叫康乐颐年的地方,
万家福电器, …健康管理中心) is that business's.
A name found anywhere in the call is masked wherever else it occurs, in the whole transcript and in the model
text alike: the full name, the surname with a title or as 老周/小周, a full name the surname starts (我姓曾，曾
小燕), the given name of two characters alone (建华他…), the spelled-out surname (周末的周).

Numbers read aloud are read digit by digit
(``spoken_digits``: 幺三八 七七六五 四三二一, 一八九，七三一六，五五零二, 两 and 幺 for 2 and 1, 零/〇/洞 for 0, mixed
with digits, and the ASR's 么/吆/腰 for 幺, 俩 for 两, 拐 for 7 and 勾 for 9 inside a run of numerals but not in
什么, 我们俩, 拐弯), groups may be separated by pauses and fillers (幺三八，那个，七七六五，嗯，四三二一), and a number
that runs on in the caller's next turn, over the operator's 嗯 / 您说 (市民：幺三八 / 坐席：嗯您说 / 市民：
七七六五四三二一), is one number masked in each turn, and so is a number the caller finishes after the operator
asks for the rest (市民：一五八，七三二三 / 坐席：一五八七三二三，后面呢？ / 市民：零五五零: the operator's echo too)
or says its end again after the operator's read-back (…[杂音]六四二零 / 坐席：是一八一七五九三……？ / 市民：六四二零);
a service number named next to it (一二三四五，然后幺幺零)
is no part of it. The ASR's marks for noise ([杂音], [听不清], （听不清）) are pauses too, and a first group the caller
says again at the start of the next (幺五八，幺五八七三幺六…) is a false start masked with the number. A number read aloud is masked by its
shape (11 digits on a mobile prefix, an area code and 7–8 digits, 18 digits with a birth date, 16–19 digits of
a card) without the check-digit and Luhn tests that written numbers must pass (a caller's slip or the ASR
breaks them), and a run of 7 digits or more read aloud in a call is masked whatever it is, unless labelled as
a code (工单编号). A numeral alone stays a word (三栋二单元, 两个多月, 一百多块).

What is deliberately left alone: dates other than a date of birth (2019年5月12日, 2019-05-12, 20190512 unless inside a valid ID), times,
money (3000元, 1.5万元, ￥12345678), house and building numbers (but a room after them, above), bus and metro routes, order numbers such as
GD202611250001, postal codes, percentages, areas, the hotline number 12345 and other short service numbers
(12319, 96111, 114), the data set's pseudonymised places (A3区, B9市 …) and values already masked with ``***``
(0000-00000000 is not a phone number: no area code starts with 00 and no subscriber number with 0). An
18-digit number shaped like an ID (a valid birth date in place) but with a wrong check digit is an ID, never a
bank card. No phone number or card is taken from a number that is part of a longer number (digits, or
digits after a hyphen or a decimal point, on either side), that is glued to letters (GD…, SF…; tel/phone are
fine), that is labelled as a code (学号, 订单号, 发票号码, 准考证号 …), or that is followed by a money or quantity
unit (元, 万, 年, 平 …). Company service numbers (400/800, an office's landline) are masked like any phone
number: the text cannot tell whose they are.

Full-width digits, letters and punctuation (１３８, ＠, （）), the ideographic and no-break spaces and long
dashes are matched as their ASCII forms; every offset refers to the original text, which is never changed
except to mask.

Known limits: a name with no cue word in a web message (…联系人王坚的行为…), a one-character given name made
of a rare character after a job title (民警毛浚), names with rare given-name characters after 我是/本人 or after
a surname that is also a common word (于, 向, 高 …), and a surname of the ``word`` tier said without 姓 and not
spelled (和先生) are missed; a surname with a title is masked in calls only, not in web messages (廖局长); a place or a business
that looks like a name right after a function word, which the call does not describe as a business, is masked
in a call. A group of digits written only with ASR variants (么拐拐勾) is read only next to another group. Phone numbers grouped unusually in writing (1380-0138-000), IDs or cards glued to letters, and plates
other than the formats above (使/领, military, agricultural) are not recognised.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache, lru_cache
from pathlib import Path

import jieba

from triage.normalise import PreparedText
from triage.tokenize import default_tokenizer


class PiiKind(StrEnum):
    MOBILE = "MOBILE"
    LANDLINE = "LANDLINE"
    ID_CARD = "ID_CARD"
    BANK_CARD = "BANK_CARD"
    EMAIL = "EMAIL"
    PLATE = "PLATE"
    NAME = "NAME"
    BIRTH_DATE = "BIRTH_DATE"
    ROOM = "ROOM"
    PASSPORT = "PASSPORT"
    WECHAT = "WECHAT"
    QQ = "QQ"

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

# … and 楚, the old name of Hubei, which callers and letters use for 鄂 (楚A·12345)
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼楚"
_PLATE_CHAR = "[A-HJ-NP-Za-hj-np-z0-9]"
# --- digits read aloud ------------------------------------------------------------------------------------
# A caller reads a number digit by digit, often as Chinese numerals (幺三八 七七六五 四三二一, 一三九零零…, with 幺
# for 1, 两 for 2, 洞/〇/零 for 0), and an ASR engine writes it so. Inside a run of such characters (with ASCII
# digits or letters: 湘A七H二P九) each numeral is read as its digit, one character for one, so every pattern
# below sees 138 7765 4321 and the offsets still index the original text. A numeral standing alone between
# other characters (三栋二单元, 两个多月, 一百多块: 百, 栋, 个 break the run) stays a word.
_SPOKEN_DIGITS = str.maketrans("零〇洞幺一二两三四五六七八九", "00011223456789")
_NUMERALS = "零〇洞幺一二两三四五六七八九"
# How ASR engines also write a digit read aloud: 么/吆/腰/妖 for 幺 (1), 俩 for 两 (2), 拐 for 7, 勾 for 9. These
# are ordinary characters too (什么, 我们俩, 往左拐, 打勾), so they are digits only in a run of numerals with two
# true numerals in it, or one in a run of three or more (么么零), and not where they end the word before the run
# (什么, 弯腰, 左拐) or start the word after it (拐弯, 勾结, 俩人).
_ASR_DIGITS = {"么": "1", "吆": "1", "腰": "1", "妖": "1", "俩": "2", "拐": "7", "勾": "9"}
_ASR_WORD_BEFORE = {
    "么": "什怎那这多要干为咋甚啥",
    "吆": "",
    "腰": "弯闪扭伸叉撑哈后的",
    "妖": "",
    "俩": "们他她我你咱哥姐兄弟娘爷子妻",
    "拐": "左右往转一诱",
    "勾": "打挂一",
}
_ASR_WORD_AFTER = {
    "么": "",
    "吆": "喝",
    "腰": "疼痛酸椎包带部间围",
    "妖": "怪精",
    "俩": "人个位口",
    "拐": "弯角杖卖骗走进过",
    "勾": "结引选当兑住",
}
_SPOKEN_DIGITS.update({ord(ch): digit for ch, digit in _ASR_DIGITS.items()})
_SAID_AS_DIGITS = _NUMERALS + "".join(_ASR_DIGITS)
_NUMERAL_RUN = re.compile(f"[{_SAID_AS_DIGITS}]+")


def _digit_run(norm: str, start: int, end: int) -> tuple[int, int, bool]:
    """The part of a run of numerals and ASR variants that reads as digits (an empty one when none does), and
    whether it does so by itself: a group of variants alone (么拐拐勾) is read as digits only next to another
    group of digits."""
    while start < end and norm[start] in _ASR_DIGITS and start > 0 and norm[start - 1] in _ASR_WORD_BEFORE[norm[start]]:
        start += 1
    while (
        end > start and norm[end - 1] in _ASR_DIGITS and end < len(norm) and norm[end] in _ASR_WORD_AFTER[norm[end - 1]]
    ):
        end -= 1
    numerals = sum(ch in _NUMERALS for ch in norm[start:end])
    if numerals >= 2 or (numerals and end - start >= 3):
        return start, end, True
    if not numerals and end - start >= 3:
        return start, end, False
    # the numerals alone, where no variant stands between them
    while start < end and norm[start] in _ASR_DIGITS:
        start += 1
    while end > start and norm[end - 1] in _ASR_DIGITS:
        end -= 1
    return (start, end, True) if all(ch in _NUMERALS for ch in norm[start:end]) else (start, start, True)


_NEXT_GROUP = re.compile(r"[ \t,，、]{0,2}")


def spoken_digits(norm: str) -> str:
    """The text with digits read aloud as Chinese numerals written as ASCII digits; same length as the input.

    Two numerals or more in a row are digits, and so is one numeral touching a letter of a plate (湘A七H二P九);
    a numeral alone (18800009999一直, 三栋, 一百) is a word."""
    runs: list[tuple[int, int, bool]] = []
    for m in _NUMERAL_RUN.finditer(norm):
        start, end, sure = m.start(), m.end(), True
        if any(ch in _ASR_DIGITS for ch in m.group()):
            start, end, sure = _digit_run(norm, start, end)
        if end - start == 1 and not (
            (start > 0 and norm[start - 1].isascii() and norm[start - 1].isalpha())
            or (end < len(norm) and norm[end].isascii() and norm[end].isalpha())
        ):
            continue
        if end > start:
            runs.append((start, end, sure))
    if not runs:
        return norm
    digit_ends = {end for _, end, sure in runs if sure}
    digit_starts = {start for start, _, sure in runs if sure}
    pieces: list[str] = []
    last = 0
    for start, end, sure in runs:
        if not sure:
            left = start - 1
            while left >= 0 and start - left <= 3 and norm[left] in " \t,，、":
                left -= 1
            right = _NEXT_GROUP.match(norm, end).end()  # type: ignore[union-attr]
            if not (
                left + 1 in digit_ends
                or (left >= 0 and norm[left].isdigit())
                or right in digit_starts
                or (right < len(norm) and norm[right].isdigit())
            ):
                continue
        pieces += [norm[last:start], norm[start:end].translate(_SPOKEN_DIGITS)]
        last = end
    if not pieces:
        return norm
    pieces.append(norm[last:])
    return "".join(pieces)


# Groups of digits read with pauses: spaces, commas, 、, an ellipsis or a dash between them (一八九，七三一六，
# 五五零二), and the fillers of speech (幺三八，那个，七七六五，嗯，四三二一 / 一三九 呃 七三一二).
_PAUSE = r"[ \t,，、…。]"
# … and so is what the ASR engine writes where it heard noise ([杂音], [听不清], （听不清）)
_FILLER = r"(?:那个|这个|就是|然后|嗯|呃|额|啊|哦|噢|呢|[\[【(（][\u4e00-\u9fff]{1,4}[\]】)）])"
_GROUP_GAP = rf"(?:-|{_PAUSE}+|{_PAUSE}*(?:{_FILLER}{_PAUSE}*){{1,3}})"

# A plate as written (湘A88627, 湘A·T6389, 湘AD12345) or read aloud: a space after the province (湘 A), a pause,
# a filler or 的 after the letter (湘A，那个，D幺二三四五 / 湘A 的 D12345), pauses between its characters (湘A 八八
# 六二七); the numerals are digits in the text ``spoken_digits`` gives.
_PLATE_SEP = r"(?:[ \t,，][ \t]?)?"


def _spaced(*atoms: str) -> str:
    return _PLATE_SEP.join(atoms)


_PLATE_LETTER = "[A-HJ-NP-Za-hj-np-z]"
# Read aloud, a plate's characters come with pauses, fillers and the ASR's noise marks between them (湘A，那个，D
# 幺五七，[杂音]八八二), a letter said as a word (字母K, 大写的M, 德国的D), a character said twice after a pause
# (T……T七二五九), and five to seven characters after the letter (a new-energy plate has six; a caller may give
# one more or one less than there are); the province may be one the list lacks or an ASR homophone after 车牌
# (车牌楚A·12345).
_LETTER_WORD = r"(?:字母|大写的?|小写的?|英文(?:字母)?的?|[\u4e00-\u9fff]{1,3}的)"
_SPOKEN_SEP = rf"(?:[ \t,，、…·.\-]|{_FILLER})"
_SPOKEN_CHAR = rf"(?:(?:{_LETTER_WORD}[ \t]?)?{_PLATE_LETTER}|[0-9])"
_SPOKEN_PLATE_REST = (
    rf"[ \t]?(?:{_LETTER_WORD}[ \t]?)?[A-Za-z](?:[·.]|{_PAUSE}*(?:(?:{_FILLER}|的|是){_PAUSE}*){{1,2}}|{_PAUSE}{{1,2}})?"
    rf"(?P<tail>{_SPOKEN_CHAR}(?:{_SPOKEN_SEP}{{0,3}}{_SPOKEN_CHAR}){{3,7}}(?:[警学挂港澳]|(?<=[A-Za-z0-9])))(?![A-Za-z0-9])"
)
_SPOKEN_PLATE = re.compile(rf"[{_PROVINCES}]{_SPOKEN_PLATE_REST}")
_PLATE_CUE = r"(?:车牌|牌照|车号|号牌)(?:号码?)?(?:是|为|[:：])?[ \t]?"
_CUED_PLATE = re.compile(rf"{_PLATE_CUE}(?P<province>[\u4e00-\u9fff]){_SPOKEN_PLATE_REST}")
# The end of a plate only (车牌尾号三八七 / 车牌后四位是…), not a rule about the last digit (尾号限行).
_PLATE_END = re.compile(
    r"(?:车牌|牌照|车号|车)[^，,。限]{0,4}?(?:尾号|末尾|尾数|后[三四五两几]位|最后[三四五两几]位|最后几个?(?:数字|字)?)(?:是|为)?[ \t，,]?"
    rf"(?P<tail>[A-Za-z0-9](?:{_SPOKEN_SEP}{{0,2}}[A-Za-z0-9]){{2,5}})(?![A-Za-z0-9])"
)
_PLATE_KEPT = re.compile(r"[A-Za-z0-9警学挂港澳]")
# a character said twice over a pause (T……T七二五九) is one
_SAID_TWICE = re.compile(r"([A-Za-z0-9])…+(?=\1)")
# Every numeral read as a digit, even alone (湘C，三四，呃，三，嗯，P六): only where a plate starts.
_NUMERALS_ALONE = str.maketrans("零〇洞幺一二两三四五六七八九", "00011223456789")
_PLATE = re.compile(
    "["
    + _PROVINCES
    + "][ \t]?[A-Za-z]"
    + rf"(?:[·.]|{_PAUSE}*(?:(?:{_FILLER}|的|是){_PAUSE}*){{1,2}}|{_PAUSE}{{1,2}})?"
    + "(?P<tail>"
    + "|".join(
        (
            _spaced("[DFdf]", _PLATE_CHAR, *["[0-9]"] * 4),
            _spaced(*["[0-9]"] * 5, "[DFdf]"),
            _spaced(_PLATE_LETTER, *["[0-9]"] * 5),
            _spaced(*[_PLATE_CHAR] * 4, "[警学挂港澳]"),
            _spaced(*[_PLATE_CHAR] * 5),
        )
    )
    + ")(?![A-Za-z0-9])"
)
# In a dialogue a number also runs on in the caller's next turn, over the operator's "嗯 / 您说 / 好的" in
# between (市民：幺三八 / 坐席：嗯您说 / 市民：七七六五四三二一); in the model text the caller's turns follow
# each other on separate lines.
_BACKCHANNEL = "嗯对好的您你说请讲继续还有后面然后呢是记下了着在听接慢点一下哦啊呀，。,.！!？? …"
_TURN_GAP = (
    rf"(?:{_PAUSE}*(?:{_FILLER}{_PAUSE}*)?[.]?\n(?:坐席[:：][{_BACKCHANNEL}]{{0,12}}\n)?"
    rf"(?:市民[:：][ \t]*)?(?:{_FILLER}{_PAUSE}*)?)"
)
_DIGIT_GROUP = re.compile(r"[0-9]+")
_SEQUENCE_OF = {
    False: re.compile(rf"(?<![0-9A-Za-z])[0-9]+(?:{_GROUP_GAP}[0-9]+)*[Xx]?(?![0-9A-Za-z])"),
    True: re.compile(rf"(?<![0-9A-Za-z])[0-9]+(?:(?:{_GROUP_GAP}|{_TURN_GAP})[0-9]+)*[Xx]?(?![0-9A-Za-z])"),
}
# What the caller said the number is, in the words before it (in a dialogue: also the operator's question).
_SEQUENCE_CUE = re.compile(
    r"(?P<id>身份证(?:号码|号)?|证件号(?:码)?)|(?P<card>卡号|银行卡|账号|卡上|储蓄卡|信用卡|存折)|(?P<phone>电话|手机|号码|座机|联系方式|打我|回电|拨打|打给)"
)
_MOBILE_DIGITS = re.compile(r"1(?:3[0-9]|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8[0-9]|9[0-35-9])[0-9]{8}")
_LANDLINE_DIGITS = re.compile(_AREA_CODE + r"[2-9][0-9]{6,7}")


def _cue_before(view: str, start: int, reach: int) -> str:
    """The kind of number the nearest cue word in the ``reach`` characters before ``start`` announces, or ""."""
    found = ""
    for m in _SEQUENCE_CUE.finditer(view, max(0, start - reach), start):
        found = m.lastgroup or ""
    return found


def _sequence_kind(digits: str, spoken: bool, cue: str, dialogue: bool) -> PiiKind | None:
    """What a number assembled from its groups is. A number read aloud need not pass the checks a written
    one must (a check digit, the Luhn sum): ASR output and a caller's slip can break them, and a run of seven
    or more digits read out in a call is personal whatever it is."""
    n = len(digits)
    if n == 11 and _MOBILE_DIGITS.fullmatch(digits):
        return PiiKind.MOBILE
    if 10 <= n <= 12 and _LANDLINE_DIGITS.fullmatch(digits):
        return PiiKind.LANDLINE
    if n == 18 and (valid_id_number(digits) or (spoken and (_id_shaped(digits.upper()) or cue == "id"))):
        return PiiKind.ID_CARD
    if 16 <= n <= 19 and digits[0] in "345689" and digits.isdigit() and (luhn_valid(digits) or spoken):
        return PiiKind.BANK_CARD
    if not spoken:
        return None
    if n == 15 and cue == "id":
        return PiiKind.ID_CARD
    if n >= 7 and (cue or dialogue):
        if cue == "id":
            return PiiKind.ID_CARD
        if cue == "card" or n >= 13:
            return PiiKind.BANK_CARD
        return PiiKind.MOBILE if digits.startswith("1") and n >= 10 else PiiKind.LANDLINE
    return None


# Numbers a caller names in passing, which a number read next to them never continues.
_SERVICE_NUMBERS = frozenset(
    {"110", "119", "120", "122", "114", "12345", "12315", "12319", "12320", "12333", "12348", "12369", "95598"}
)


def _spoken_numbers(norm: str, view: str, dialogue: bool) -> list[tuple[PiiKind, int, int]]:
    """Numbers read in groups or as Chinese numerals (and, in a dialogue, over two turns), one span per line
    of the text for each number, so that a transcript keeps its turns when masked.

    Numbers written whole are left to the patterns above; here a sequence counts when a numeral was spoken
    or, in a dialogue, when its groups are separated as speech separates them."""
    found: list[tuple[PiiKind, int, int]] = []
    for m in _SEQUENCE_OF[dialogue].finditer(view):
        groups = [(g.start(), g.end()) for g in _DIGIT_GROUP.finditer(view, m.start(), m.end())]
        if sum(end - start for start, end in groups) < 7:
            continue
        if m.group().endswith(("X", "x")):
            groups[-1] = (groups[-1][0], groups[-1][1] + 1)
        i = 0
        while i < len(groups):
            # a caller who starts again (幺五八，幺五八七三幺六…): the first group is a false start of the next,
            # masked with the number read after it
            false_start = None
            if i + 1 < len(groups):
                first, then = view[slice(*groups[i])], view[slice(*groups[i + 1])]
                if (
                    2 <= len(first) < len(then)
                    and then.startswith(first)
                    and "\n" not in view[groups[i][1] : groups[i + 1][0]]
                ):
                    false_start = i
            best = _best_sequence(norm, view, groups, i + 1 if false_start is not None else i, dialogue)
            if best is None and false_start is not None:
                false_start = None
                best = _best_sequence(norm, view, groups, i, dialogue)
            if best is None:
                i += 1
                continue
            j, kind = best
            line_start = groups[i][0]
            for k in range(i, j + 1):
                end = groups[k][1]
                if k == j or "\n" in view[end : groups[k + 1][0]]:
                    found.append((kind, line_start, end))
                    if k < j:
                        line_start = groups[k + 1][0]
            i = j + 1
    return found


# A number the caller finishes after the operator asks for the rest (市民：一五八，七三二三 / 坐席：一五八七三二三，后面呢？
# / 市民：零五五零): the digits that end one turn and start the next make one number, and the operator's echo of
# them is part of it.
_LABELLED_LINE = re.compile(r"^(?P<speaker>坐席|市民)[:：][ \t]*(?P<said>.*)$", re.MULTILINE)
_ENDS_WITH_DIGITS = re.compile(rf"(?P<num>[0-9]+(?:{_GROUP_GAP}[0-9]+)*)(?:{_PAUSE}|{_FILLER})*$")
_STARTS_WITH_DIGITS = re.compile(rf"(?:{_FILLER}{_PAUSE}*)?(?P<num>[0-9]+(?:{_GROUP_GAP}[0-9]+)*)")
_ASKS_THE_REST = re.compile(r"后面|然后|还有|剩下|接着|继续|几位|多少|请讲|您说|呢")


def _numbers_over_turns(view: str) -> list[tuple[PiiKind, int, int]]:
    """The parts of a phone number the caller gives over two turns, with the operator's turn between them asking
    for the rest, as one number in each turn."""
    lines = list(_LABELLED_LINE.finditer(view))
    found: list[tuple[PiiKind, int, int]] = []
    for first, asked, rest in zip(lines, lines[1:], lines[2:], strict=False):
        if (first["speaker"], asked["speaker"], rest["speaker"]) != ("市民", "坐席", "市民"):
            continue
        end = _ENDS_WITH_DIGITS.search(first["said"])
        start = _STARTS_WITH_DIGITS.match(rest["said"])
        if not (end and start and _ASKS_THE_REST.search(asked["said"])):
            continue
        said = "".join(_DIGIT_GROUP.findall(end["num"]) + _DIGIT_GROUP.findall(start["num"]))
        if _MOBILE_DIGITS.fullmatch(said):
            kind = PiiKind.MOBILE
        elif _LANDLINE_DIGITS.fullmatch(said):
            kind = PiiKind.LANDLINE
        else:
            continue
        found.append((kind, first.start("said") + end.start("num"), first.start("said") + end.end("num")))
        found.append((kind, rest.start("said") + start.start("num"), rest.start("said") + start.end("num")))
        # the operator's echo of what was said so far (一五八七三二三，后面呢？ / 零九后面呢？)
        found += [
            (kind, asked.start("said") + g.start(), asked.start("said") + g.end())
            for g in _DIGIT_GROUP.finditer(asked["said"])
            if len(g.group()) >= 2 and g.group() in said
        ]
    found += _rest_said_again(lines)
    return found


# The operator did not hear the end of a number (中间没听清，是一八一七五九三……？ / 后面四位再说一下？)
_ASKS_AGAIN = re.compile(r"没听清|听不清|再说|重复|再讲|再报|后面|剩下|还有|几位|是[0-9]")


def _rest_said_again(lines: list[re.Match[str]]) -> list[tuple[PiiKind, int, int]]:
    """The end of a number the caller says again on its own after the operator asks for it (…[杂音]六四二零 / 是一八一
    七五九三……？ / 六四二零): the caller's groups when they end the number of the caller's turn before, or finish
    the operator's echo of its start; the echo with them."""
    found: list[tuple[PiiKind, int, int]] = []
    for before, asked, rest in zip(lines, lines[1:], lines[2:], strict=False):
        if (before["speaker"], asked["speaker"], rest["speaker"]) != ("市民", "坐席", "市民"):
            continue
        start = _STARTS_WITH_DIGITS.match(rest["said"])
        if not (start and _ASKS_AGAIN.search(asked["said"])):
            continue
        groups = _DIGIT_GROUP.findall(start["num"])
        if not groups or max(map(len, groups)) < 3 or sum(map(len, groups)) > 11:
            continue
        echo = _DIGIT_GROUP.findall(asked["said"])
        kind = None
        earlier = "".join(_DIGIT_GROUP.findall(before["said"]))
        for digits in (earlier, "".join(echo) + groups[0]):
            whole = _MOBILE_DIGITS.search(digits) or _LANDLINE_DIGITS.search(digits)
            if whole and all(whole.group().endswith(g) for g in groups):
                kind = PiiKind.MOBILE if _MOBILE_DIGITS.fullmatch(whole.group()) else PiiKind.LANDLINE
                break
        if kind is None:
            continue
        found.append((kind, rest.start("said") + start.start("num"), rest.start("said") + start.end("num")))
        found += [
            (kind, asked.start("said") + g.start(), asked.start("said") + g.end())
            for g in _DIGIT_GROUP.finditer(asked["said"])
            if len(g.group()) >= 3
        ]
    return found


def _best_sequence(
    norm: str, view: str, groups: list[tuple[int, int]], i: int, dialogue: bool
) -> tuple[int, PiiKind] | None:
    """The last group and the kind of the longest personal number read from group ``i`` on, or None."""
    best: tuple[int, PiiKind] | None = None
    digits = ""
    for j in range(i, len(groups)):
        digits += view[groups[j][0] : groups[j][1]]
        if len(digits) > 19 or (j > i and {view[slice(*groups[k])] for k in (i, j)} & _SERVICE_NUMBERS):
            break  # 我打了一二三四五，然后幺幺零: a service number is no part of another number
        start, end = groups[i][0], groups[j][1]
        spoken = any(ch in _SAID_AS_DIGITS for ch in norm[start:end])
        # In a call the operator writes back an ID or a card number whole (430124195306124819), and
        # neither its check digit nor the caller's reading of it need be right.
        long_in_call = dialogue and len(digits) >= 15
        if not spoken and not (dialogue and j > i) and not long_in_call:
            continue  # a number written whole: the written patterns decide
        cue = _cue_before(view, start, 40 if dialogue else 12)
        if (_labelled_as_code(view, start) and cue != "id") or _unit_follows(view, end):
            continue  # 工单编号, 三千五百块; but 身份证号码 is no code
        kind = _sequence_kind(digits, spoken or long_in_call, cue, dialogue)
        if kind is not None:
            best = (j, kind)
    return best


# --- names ------------------------------------------------------------------------------------------------
_SURNAME_FILE = Path(__file__).resolve().parent / "data" / "surnames.tsv"


@cache
def surname_tiers() -> dict[str, str]:
    """Every surname of data/surnames.tsv (the 百家姓 and the census lists, single and compound) with its tier:
    ``common``, ``ambiguous`` (often an ordinary word: 于, 向, 高), ``rare`` (seldom a word: 阙, 湛, 禤) or
    ``word`` (far more often an ordinary word: 和, 水, 国)."""
    tiers: dict[str, str] = {}
    with _SURNAME_FILE.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and not line.startswith("#"):
                surname, tier = line.split()
                tiers[surname] = tier
    return tiers


# Surnames taken as such wherever a name may stand: every tier but ``word``, whose characters are taken for a
# surname only when the caller says so (我姓和, 姓水) or once the call has said so.
COMPOUND_SURNAMES = tuple(s for s, tier in surname_tiers().items() if len(s) == 2 and tier != "word")
SURNAMES = frozenset(s for s, tier in surname_tiers().items() if len(s) == 1 and tier != "word")
# Surnames that are more often a preposition or an ordinary word (举报人于今年…, 本人向…): whatever the cue,
# the given name after them must be made of common given-name characters.
AMBIGUOUS_SURNAMES = frozenset(s for s, tier in surname_tiers().items() if len(s) == 1 and tier == "ambiguous")
ALL_SURNAMES = frozenset(surname_tiers())
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
_NOT_GIVEN = frozenset("的了过来去到在是不没有和与及给把被让就都也还又很太等着们这那你我他她它么呢吗吧啊呀哦嗯某姓氏副")
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
    r"|(?P<introduced>我叫|我的名字叫|我的名字是|叫我|喊我|称呼我)"
    r"|(?P<weak>我是|本人)"
    r"|(?P<resident>(?:市民|居民|村民|群众|业主|网友)(?=[\u4e00-\u9fff]{2,4}(?:反映|问|称|说|表示|投诉|举报|来电|致电|咨询|求助)))"
)
# Per cue: must every given-name character be a common one, and which words may follow the name. After a
# label without a colon a name is not followed by 的 (投诉人陈述的情况 is not a name).
_CUE_RULES: dict[str, tuple[bool, tuple[str, ...]]] = {
    "labelled": (False, _AFTER_NAME_WORDS_STRONG),
    "introduced": (False, _AFTER_NAME_WORDS_STRONG),
    "role": (False, tuple(word for word in _AFTER_NAME_WORDS_STRONG if word != "的")),
    "weak": (True, _AFTER_NAME_WORDS_WEAK),
    # 市民周建国反映 / 业主李华问: a resident's name before what they said, common given-name characters only.
    "resident": (True, (*_AFTER_NAME_WORDS_STRONG, "问", "来电", "致电", "咨询", "求助")),
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
    if cue == "introduced" and norm[pos : pos + 1] in ("小", "老", "阿") and norm[pos - 1 : pos] == "我":
        # 叫我小莫就行 / 喊我老龚就可以了: the surname of a familiar form
        familiar = _surname_at(norm, pos + 1)
        if familiar and _boundary_at(norm, pos + 1 + familiar, _SURNAME_END):
            return [(pos + 1, pos + 1 + familiar)]
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
    if end and cue == "weak" and norm[end - 1] in _PLACE_END:
        return []  # 我是金刚镇的: where the caller is from
    if not end and cue == "introduced" and norm.startswith(("，", ",", "…", "。"), after_surname):
        return [(pos, after_surname)]  # 我叫覃，那个西早覃，覃桂兰: the surname first
    return [(pos, end)] if end else []


def _word_list(text: str) -> tuple[str, ...]:
    """The words of a space-separated list written as one string (long lists of Chinese words stay readable)."""
    return tuple(text.split())


# --- names without a cue word, and names in dialogues -----------------------------------------------------
# A caller names third parties without introducing them (包工头叫马国富, 我妈易桂芝, 表扬一下护士刘芳, 刘芳护士),
# and in a call the operator repeats the caller's name (好的周先生). Where a kinship word, a job title, 叫 or a
# title stands next to a possible name, jieba's part-of-speech tagger (its HMM tags unknown names ``nr``)
# decides where the name ends and whether it is one; a frequent dictionary word (王府井, 文明) and a name
# that runs into a place word (周家湾, 黄兴镇, 金峰村) are not names.
_KINSHIP = _word_list(
    "妈妈 爸爸 母亲 父亲 老妈 老爸 妈 爸 老公 老婆 爱人 丈夫 妻子 媳妇 儿子 女儿 "
    "孩子 伢子 崽 小孩 哥哥 姐姐 弟弟 妹妹 爷爷 奶奶 外婆 外公 婆婆 公公 岳父 岳母 "
    "老伴 老头子 老头 孙子 孙女 侄子 侄女 外甥 舅舅 姑姑 叔叔 伯伯 邻居 同事 朋友 "
    "室友 同学 老乡 租客 房东 舅妈 嫂子 姐夫"
)
# Official and workplace titles, said after a surname (刘主席, 黎副局长, 郑经理) or a full name, or before a name
# (局长王大海); 副 and 常务副 may stand before any of them.
_OFFICIAL_TITLES = _word_list(
    "主席 书记 支书 村支书 总书记 主任 局长 处长 科长 股长 所长 站长 院长 校长 园长 馆长 台长 社长 厂长 行长 "
    "部长 厅长 省长 市长 区长 县长 镇长 乡长 村长 组长 队长 班长 团长 会长 理事长 秘书长 秘书 委员 主委 干事 "
    "科员 专干 经理 总经理 总监 主管 董事长 老总 老板 老板娘 店长 检察长 庭长 法官 检察官 警官 警长 指导员 "
    "教导员 教授 老师 医生 大夫 护士 护士长 律师 会计 工程师 技术员 师傅 师父 教练 班主任"
)
_ROLES = (
    *_OFFICIAL_TITLES,
    *_word_list(
        "保安 店主 包工头 工头 小哥 外卖小哥 快递小哥 民警 辅警 城管 网格员 社工 干部 工作人员 业务员 销售 客服 快递员 外卖员 司机 "
        "负责人 法人 村民 居民 业主 租户 老人 患者 病人 学生 工人 员工 职工 农民工 男子 女子 楼长 管家 保洁 领导 "
        "收费员 收银员 营业员 服务员 管理员 协管员 调解员 安全员 巡逻员 乘务员 驾驶员 消防员 队员 护工 护理员 教官"
    ),
)
# Honorifics and kinship terms by which anyone is addressed by surname: 周先生, 王阿姨, 孙娭毑, 谢嗲嗲, 胡满满.
_HONORIFICS = _word_list(
    "先生 女士 小姐 太太 夫人 同志 同学 阿姨 叔叔 大爷 大妈 大姐 大哥 大叔 大伯 大娘 大嫂 嫂子 婶婶 婶子 爹爹 "
    "娭毑 嗲嗲 满满 奶奶 爷爷 婆婆 阿婆 阿公 阿伯 伯伯 伯娘 老伯 老太 老太太 老爷子 姐姐 哥哥 姐 哥 叔 伯 嫂 姨 婶"
)
# Titles by which the operator (or anyone) addresses a person by surname: 周先生, 王阿姨, 柳师傅, 刘主席.
ADDRESS_TITLES = tuple(sorted({*_HONORIFICS, *_OFFICIAL_TITLES}, key=len, reverse=True))
# Titles of one character after a surname (王总, 张工, 郑局, 李董): only where the title ends a word, and not
# where the two characters are a word (施工, 邮局).
_SHORT_TITLES = "总工局董"
_SHORT_TITLE_RIGHT = frozenset("说讲问的您你他她也都就还在来呢啊呀吧好让要打叫和跟把给不没那这们")
# Who is addressed by these is a public figure, not a caller or a person the call is about.
_PUBLIC_FIGURES = frozenset({"毛主席", "习主席", "习总书记", "周总理"})
_TITLE_PREFIX = "(?:常务副|副)?"
# A name read off a badge (胸牌上写的是贺丹 / 工牌上写着…): searched apart, in the few texts with a badge in them.
_BADGE_READ = re.compile(r"(?:胸牌|工牌|工作牌|名牌|胸卡|工号牌|牌子)上?面?(?:写的是|写着|写的|印着|印的是|印的)")
_TRIGGER_BEFORE = re.compile(
    "(?:"
    + "|".join(sorted({*_KINSHIP, *_ROLES}, key=len, reverse=True))
    + "|名叫|叫做|叫|名字是|名字叫|表扬一下|表扬|感谢一下|感谢|谢谢|投诉|举报|隔壁的|对面的|楼上的|楼下的|隔壁)"
    "(?:那个|这个|那位|这位)?"
    # 老板叫周继红 / 医生叫什么……郝，郝建新: a job title, then what the person is called
    "(?:(?:名叫|叫做|叫)(?:什么来着|什么)?)?"
)
# After a name: a title or a job title that follows a name (刘芳护士, 柳长贵师傅, 黎建军副局长), or 是我 (易桂芝
# 是我妈). Nouns that a word before them may qualify (业主, 村民, 学生: 向全体业主) are no sign of a name.
_TRIGGER_AFTER = re.compile(
    _TITLE_PREFIX
    + "(?:"
    + "|".join(sorted({title for title in ADDRESS_TITLES if len(title) > 1}, key=len, reverse=True))
    + ")|是我"
)
# A name does not run into one of these: places, buildings, organisations (周家湾, 刘家巷, 黄兴镇, 王府井百货).
_PLACE_END = frozenset(
    "湾巷村镇乡区县市省州桥湖山岭坪冲塘港园苑府店厂院所局站场馆校坡洲坝堤沟寨屯庄铺嘴垸路街道楼栋寺宫阁城河江溪池井岛滩"
)
_PLACE_AFTER = _word_list(
    "百货 超市 药房 大药房 商场 广场 公司 集团 酒店 宾馆 饭店 医院 小区 花园 社区 大厦 中心 银行 学校 小学 中学 大学 幼儿园 市场 公园 家湾 "
    "诊所 门诊 养老院 敬老院 餐馆 餐厅 酒楼 粉店 面馆 米粉 麻辣烫 烧烤 火锅 奶茶 便利店 商店 商行 理发店 美容 足浴 养生 网吧 "
    "专卖店 门店 分店 药店 五金 建材 物流 快递 驾校 培训 家政 装饰 装修 物业"
)
_NAME_FLAGS = frozenset({"nr", "nrfg", "nrt"})
# What may not follow a surname's token as the given name: particles, pronouns, adverbs, numbers, time words
# (叫车过来: 过来 is t); nouns, verbs and adjectives may (国富 nz, 大海 ns, 建新 v, 建军 n).
_FUNCTION_FLAGS = frozenset({"p", "c", "d", "r", "f", "m", "q", "u", "uj", "ud", "ul", "uz", "ug", "uv", "y", "e"})
_NOT_GIVEN_FLAGS = _FUNCTION_FLAGS | {"t", "x", "m", "eng", "zg"}
_FREQUENT_WORD = 100
# After a job title or a kinship word a name is expected: only a word as frequent as this is taken for no name.
_FREQUENT_GIVEN = 1000  # a dictionary word this frequent (王府井 183, 文明 6584) is not taken for a name
_NOT_GIVEN_START = frozenset({*ADDRESS_TITLES, *_KINSHIP, *_ROLES, *_NOT_GIVEN_WORDS})


# The dictionary tags the rules tell apart; every other word the dictionary knows is a content word ("n").
# Keeping only these (about a third of the dictionary) saves some 90 MB against jieba's whole tag table.
_KEPT_TAGS = _NAME_FLAGS | _NOT_GIVEN_FLAGS | {"nz"}


@dataclass(frozen=True)
class _Lexicon:
    segmenter: jieba.Tokenizer
    tags: dict[str, str]  # word -> tag, for the tags in _KEPT_TAGS only


@cache
def _lexicon() -> _Lexicon:
    """The hotline's shared word segmenter (one dictionary in memory, the gazetteer's place names kept whole;
    jieba's default one if the tokenizer changed inside) and the part-of-speech tags of its dictionary."""
    jieba.setLogLevel(logging.WARNING)
    segmenter = getattr(default_tokenizer(), "_jieba", None)
    if segmenter is None:
        segmenter = jieba.dt
        segmenter.initialize()
    else:
        default_tokenizer().words("")  # loads the dictionary and the domain words
    tags: dict[str, str] = {}
    with segmenter.get_dict_file() as handle:
        for raw in handle:
            parts = (raw.decode("utf-8") if isinstance(raw, bytes) else raw).split()
            if len(parts) == 3 and parts[2] in _KEPT_TAGS:
                tags[parts[0]] = sys.intern(parts[2])
    return _Lexicon(segmenter, tags)


def _tag_of(word: str) -> str | None:
    """The dictionary's tag of a word ("n" for a word it knows with a tag the rules do not tell apart), or None
    for a word it does not know."""
    lexicon = _lexicon()
    tag = lexicon.tags.get(word)
    if tag is None and lexicon.segmenter.FREQ.get(word):
        return "n"
    return tag


@lru_cache(maxsize=8192)
def _tags(window: str) -> tuple[tuple[str, str], ...]:
    """The words of a few characters of text with their part of speech. A word the dictionary knows has its
    dictionary tag; a word it does not know, which jieba's HMM joined from single characters, is tagged ``nr``
    when it starts with a surname (易桂芝, 侯欣怡) and ``nz`` otherwise. This is what jieba's tagger does for
    such words in most cases, at a twentieth of its cost (its HMM over all parts of speech is slow)."""
    tagged = []
    for word in _lexicon().segmenter.lcut(window, HMM=True):
        flag = _tag_of(word)
        if flag is None:
            if not all(_is_cjk(ch) for ch in word):
                flag = "x"
            elif 2 <= len(word) <= 4 and _surname_at(word, 0) and not _common_word(word[:2], 1):
                flag = "nr"  # 易桂芝; not 车库里 (车库 is a word)
            else:
                flag = "nz"
        tagged.append((word, flag))
    return tuple(tagged)


def _word_frequency(word: str) -> int:
    return _lexicon().segmenter.FREQ.get(word) or 0


_DIRECTION_PLACE = re.compile("[东西南北中新老大小上下前后][路街巷村镇桥湖山园苑区]")


# … or of a business named with more words (一个叫康乐颐年的地方 / 康乐颐年健康管理中心)
_BUSINESS_RUN = re.compile(
    r"(?:(?![在是任到去给被把向对为和与跟说找从来要就也都还不没])[\u4e00-\u9fff]){0,4}?(?:的(?:地方|店(?![主员长家])|公司|单位|机构|平台|场所|门面|门店|会所|中心|馆|厂|网站|APP|软件)|"
    r"(?:健康|养生|物业|投资|咨询|文化|科技|贸易|商贸|信息|教育|培训)(?:管理|服务|顾问|咨询|有限|公司|中心)|"
    r"公司|中心|会所|集团|有限|工作室|俱乐部|协会|商会|电器|家电|家具|建材|汽修|车行|数码|眼镜|服装|书店|花店|茶楼|"
    r"餐饮|食品|水果|批发|商贸|贸易|药业|医药)"
)


def _runs_into_place(norm: str, start: int, end: int) -> bool:
    """Whether the possible name is the start of a place or an organisation (周家湾, 谷丰南路, 王府井百货, 一个叫
    康乐颐年的地方); a title after it is none (徐金秀校长, 朱洁站长)."""
    if norm[end - 1] in _PLACE_END:
        return True
    if _TRIGGER_AFTER.match(norm, end) and not norm.startswith("是我", end):
        return False
    return (
        _DIRECTION_PLACE.match(norm, end) is not None
        or (end < len(norm) and norm[end] in _PLACE_END)
        or norm.startswith(_PLACE_AFTER, end)
        or _BUSINESS_RUN.match(norm, end) is not None
    )


def _name_shaped(name: str, surname: int, *, famous: bool = False) -> bool:
    """Whether a possible name is shaped like one; ``famous``: where a name is expected (老板叫…), a full name the
    dictionary knows as a person's (周继红) is one too."""
    given = name[surname:]
    return (
        1 <= len(given) <= 2
        and all(_is_cjk(ch) and ch not in _NOT_GIVEN for ch in given)
        and not given.startswith(tuple(_NOT_GIVEN_START))
        and name not in _NOT_NAMES
        and name[: surname + 1] not in _NOT_NAMES
        # a word as frequent as this is no name, but a full name the dictionary knows as a person's is (周继红)
        and (
            _word_frequency(name) < _FREQUENT_WORD
            or (famous and len(given) == 2 and (_tag_of(name) or "").startswith("nr"))
        )
    )


def _could_be_name(norm: str, start: int, surname: int = 0) -> bool:
    """A cheap test before the tagger runs: a surname, then a character that may begin a given name."""
    surname = surname or _surname_at(norm, start)
    after = start + surname
    return bool(surname) and after < len(norm) and _is_cjk(norm[after]) and norm[after] not in _NOT_GIVEN


def _name_from(norm: str, start: int, surname: int = 0, *, famous: bool = False) -> int | None:
    """The end of the person's name (surname and given name) that starts at ``start``, as jieba's tagger reads
    the words from there, or None. ``surname`` is the surname's length when it is known already."""
    surname = surname or _surname_at(norm, start)
    if not surname or not _could_be_name(norm, start, surname):
        return None
    window = norm[start : start + 6].split("\n", 1)[0]
    tokens = _tags(window)
    if len(tokens) < 1:
        return None
    first, flag = tokens[0]
    names: list[str] = []  # what the name may be, the likeliest first
    after = tokens[1] if len(tokens) > 1 else ("", "x")
    if flag in _NAME_FLAGS and len(first) > surname:
        # 易桂芝/nr, 刘芳/nr; 郑梓/nrfg 萱/n: the tagger cut a three-character name after its second character
        # but 蓝天/nr 廖/nr 局长: a word of the dictionary, then a surname of its own
        surname_after = after[0] in SURNAMES and after[1] in _NAME_FLAGS and _word_frequency(first) >= _FREQUENT_WORD
        if (
            len(first) == surname + 1
            and len(after[0]) == 1
            and (after[1] in _NAME_FLAGS or after[0] in _TAGGED_GIVEN)
            and not surname_after
        ):
            names.append(first + after[0])
        names.append(first)
    elif first == norm[start : start + surname] and after[0]:
        second, second_flag = after
        if len(second) <= 2 and (
            # 向/p 天宇/nr; but 向/p 衡花/nr: a preposition before a name of its own is no surname
            (second_flag in _NAME_FLAGS and not (flag in _FUNCTION_FLAGS and _surname_at(second, 0)))
            or second in _WORDS_GIVEN_AS_NAMES  # 卢/nr 国庆/t
            # 马/n 国富/nz, 王/nr 大海/ns, 侯/nr 欣怡/i; not 向/p 全体/n, 连/d 呼吸/v, 车/zg 过来/t
            or (
                flag not in _FUNCTION_FLAGS
                and second_flag not in _NOT_GIVEN_FLAGS
                and all(ch in _TAGGED_GIVEN for ch in second)
            )
        ):
            third = tokens[2][0] if len(tokens) > 2 else ""
            if len(second) == 1 and len(third) == 1 and third in _TAGGED_GIVEN:
                names.append(first + second + third)  # 禤/nz 丽/nr 娟/zg: a rare surname the tagger cut off
            names.append(first + second)
    elif (
        len(first) == surname + 1
        and flag not in _FUNCTION_FLAGS
        and len(after[0]) == 1
        and (after[1] in _NAME_FLAGS or (after[0] in _TAGGED_GIVEN and not _common_word(first)))
    ):
        names.append(first + after[0])  # 欧文/nz 斌/nr, 夏天/t 宇/nr, 秦国/ns 庆/vg
    if (
        len(first) == surname + 1
        and flag not in _FUNCTION_FLAGS
        and len(after[0]) == 2
        and after[0][0] in _TAGGED_GIVEN
        and after[0][1] in _NOT_GIVEN
        and not _common_word(first, _FREQUENT_GIVEN)  # 成绩/中等 is no name
    ):
        names.append(first + after[0][0])  # 林子/nr 健在/v, 方梓/n 萱在/n: the last character glued to 在
    for name in names:
        end = start + len(name)
        given = name[surname:]
        if (
            _name_shaped(name, surname, famous=famous)
            # a word the dictionary does not know needs a common given-name character (居民车拥量 is no name)
            and (_word_frequency(name) > 0 or any(ch in _TAGGED_GIVEN for ch in given))
            and not (len(given) == 2 and given[0] in "一了不" and given[1] == name[0])  # 管一管, 看不看
            and not _runs_into_place(norm, start, end)
            # 妇女儿童解决, 老人连呼吸: a common word after the surname; 边住: a one-character given name is a common one
            and not (len(given) == 1 and given not in _TAGGED_GIVEN)
            and not (len(given) == 2 and _common_word(given, _FREQUENT_GIVEN))
        ):
            return end
    # 秦国/庆, 黄金/花, 余家/豪: the word the surname starts is a common one (黄金 is no name), the whole is a name
    for name in _name_cut_by_segmenter(norm, start, surname, tokens):
        end = start + len(name)
        if (
            all(_is_cjk(ch) and ch not in _NOT_GIVEN for ch in name)
            and not name[surname:].startswith(tuple(_NOT_GIVEN_START))
            and not _runs_into_place(norm, start, end)
        ):
            return end
    return None


# A word as frequent as this (成立 14079) is what the surname starts, not the start of a name (黄金 3086, 秦国 257).
_FREQUENT_CUT = 5000


def _name_cut_by_segmenter(norm: str, start: int, surname: int, tokens: tuple[tuple[str, str], ...]) -> list[str]:
    """A name the segmenter cut into a word and a character (秦国/庆, 黄金/花, 韩国/强说) or joined into a word it
    does not tag as a name (马国良/nz), where a name is expected: the surname and a given name of two
    characters that names are made of (国庆, 金花), followed by the end of a word, and no word of the dictionary."""
    first = tokens[0][0]
    after = tokens[1][0] if len(tokens) > 1 else ""
    if len(first) == surname + 1 and after and _word_frequency(first) < _FREQUENT_CUT:
        name = first + after[0]
    elif len(first) == surname + 2 and _word_frequency(first) == 0:
        name = first
    else:
        return []
    given, end = name[surname:], start + len(name)
    # the name ends a word: the text, a word of its own after it (秦国/庆/住院), or a particle (强说)
    word_after = len(after) == 1 and len(tokens) > 2 and len(tokens[2][0]) >= 2
    if (
        _word_frequency(name) == 0
        # 家 starts many given names (家豪, 家明) and the segmenter joins it to the surname (周家 "the Zhou family")
        and (given in _WORDS_GIVEN_AS_NAMES or all(ch in _TAGGED_GIVEN | {"家"} and ch != "大" for ch in given))
        and (end == len(norm) or not _is_cjk(norm[end]) or norm[end] in _GIVEN_RIGHT or word_after)
    ):
        return [name]
    return []


# A caller who hesitates before a name or starts it again (我叫……柯，柯文静 / 叫那个，王建华 / 嗯……张，张国庆):
# the pauses and fillers, and a first syllable said twice.
_HESITATION = re.compile(r"(?:[…。，,、 \t~～-]|嗯|呃|额|啊|那个|就是|这个)*")
_STUTTER = re.compile(r"([\u4e00-\u9fff])(?:[…，,、 \t-]|嗯|呃)+(?=\1)")


def _after_hesitation(norm: str, pos: int) -> int:
    """Where the name starts after the pauses, fillers and the first syllable said twice that may come first."""
    pos = _HESITATION.match(norm, pos).end()  # type: ignore[union-attr]
    stutter = _STUTTER.match(norm, pos)
    return stutter.end() if stutter else pos


# A name expected after these (叫全德友 / 名叫和平安): a surname that is mostly a word (全, 和, 水) starts it too,
# when it is three characters that end a clause and no word of the dictionary.
_CALLED = re.compile(r"(?:名叫|叫做|名字叫|名字是|叫)$")


def _name_of_a_word_surname(norm: str, start: int) -> int | None:
    end = start + 3
    given = norm[start + 1 : end]
    # a child's given name of one character said twice (叫云朵朵): the doubled character need not be a common one
    doubled = len(given) == 2 and given[0] == given[1] and _word_frequency(given) < _FREQUENT_WORD
    if (
        end <= len(norm)
        and norm[start] in ALL_SURNAMES
        and (doubled or all(ch in _TAGGED_GIVEN for ch in given))
        and (end == len(norm) or norm[end] in "，,。.！!？?、…\n ")
        and _word_frequency(norm[start:end]) == 0
        and not _common_word(norm[start + 1 : end], _FREQUENT_GIVEN)
    ):
        return end
    return None


# A nickname names a person as well as a name does (外号叫刀疤强 / 大家都叫他胖哥 / 人称黑皮).
_NICKNAME = re.compile(
    r"(?:外号|绰号|诨号|诨名|小名|花名|江湖人称|人称|都(?:叫|喊)他|都(?:叫|喊)她)(?:叫做|叫|是|为)?(?:那个)?"
    r"(?P<nick>[\u4e00-\u9fff]{2,4}?)(?=[，,。.！!？?、…\s]|$)"
)


def _nicknames(norm: str) -> list[tuple[PiiKind, int, int]]:
    return [
        (PiiKind.NAME, m.start("nick"), m.end("nick"))
        for m in _NICKNAME.finditer(norm)
        if not m.group("nick").startswith(("什么", "这个", "那个", "一个")) and m.group("nick")[0] not in _NOT_GIVEN
    ]


# A name made of a surname and a numeral (刘老三, 黄四毛, 王二娃): what a man is called by in his village or his trade.
_NUMERAL_NAME = re.compile(
    r"(?:老[一二三四五六七八九十幺满]|[二三四五六七八九十满](?:毛|娃|狗|妹|伢子?|宝|牛|驴|虎))(?:子|儿|头)?"
)


def _numeral_name(norm: str, start: int) -> int | None:
    """The end of a surname and a numeral said as a name (刘老三，/ 王二娃天天…), or None."""
    surname = _surname_at(norm, start)
    m = _NUMERAL_NAME.match(norm, start + surname) if surname else None
    if m and (m.end() == len(norm) or not _is_cjk(norm[m.end()]) or norm[m.end()] in _GIVEN_RIGHT | {"天"}):
        return m.end()
    return None


def _triggered_names(norm: str, dialogue: bool = False) -> list[tuple[PiiKind, int, int]]:
    """Full names next to a kinship word, a job title, 叫 or 表扬 (我妈易桂芝, 护士刘芳, 有个叫张强的保安, 刘芳护士),
    after a pause or a first syllable said twice (包工头叫……马，马国富)."""
    found: list[tuple[PiiKind, int, int]] = []
    triggers = list(_TRIGGER_BEFORE.finditer(norm))
    if "牌" in norm or "胸卡" in norm:
        triggers += _BADGE_READ.finditer(norm)
    for m in triggers:
        start = _after_hesitation(norm, m.end())
        end = _name_from(norm, start, famous=_CALLED.search(m.group()) is not None)
        if not end and _CALLED.search(m.group()):
            end = _name_of_a_word_surname(norm, start)
        if not end:
            end = _numeral_name(norm, start)
        if not end and dialogue and m.group().endswith(_ROLES):
            end = _known_person_after_job(norm, start)
        if end:
            found.append((PiiKind.NAME, start, end))
            if start > m.end() and (said := _STUTTER.match(norm, _HESITATION.match(norm, m.end()).end())):  # type: ignore[union-attr]
                found.append((PiiKind.NAME, said.start(), said.start() + 1))  # the syllable said first
    for m in _TRIGGER_AFTER.finditer(norm):
        for length in (3, 2, 4):
            start = m.start() - length
            if start < 0 or not _could_be_name(norm, start) or not _starts_word(norm, start, m.start()):
                continue
            if _name_from(norm, start) == m.start():
                found.append((PiiKind.NAME, start, m.start()))
                break
    return found


def _known_person_after_job(norm: str, start: int) -> int | None:
    """外卖小哥马超, in a call: after a job word, a two-character name the dictionary knows as a famous person's and
    seldom uses (not 顾问, 许可, 陈述, 钱财: tagged as names too, but common words), of a surname that is seldom a word
    (not 宁静, 关怀, 晋升), read as one word, running into no place (兰亭小区) and no wish (祝您)."""
    name = norm[start : start + 2]
    if len(name) < 2 or name[0] not in SURNAMES or name[0] in AMBIGUOUS_SURNAMES or name[0] == "祝":
        return None
    if not (_tag_of(name) or "").startswith("nr") or _word_frequency(name) >= _FAMOUS_AND_RARE:
        return None
    if _tags(norm[start : start + 6].split("\n", 1)[0])[0][0] != name or _runs_into_place(norm, start, start + 2):
        return None
    return start + 2


_FAMOUS_AND_RARE = 300  # 马超 170, 陈云 293; 钱财 337, 张飞 420, 许可 623


# Characters that may stand right before a name or a surname with a title without joining it into a word.
_NAME_LEFT = frozenset("的是叫找和跟给让对问喊等带陪说啊呀呢嘛吧哦嗯喂了们个位跟向被把与及好谢请我你他她这那")
# ... and right after a given name said alone (建华他不在家, 秦雨，你愿意).
_GIVEN_RIGHT = frozenset("他她我你是的在说呢啊呀吧也就还不没跟和今现一已特很又都才把被给让要会")


def _starts_word(norm: str, start: int, end: int) -> bool:
    """Whether a word starts at ``start`` (and does not run past ``end``): 好的|周先生 yes, 保安|师傅 no."""
    if start == 0 or not _is_cjk(norm[start - 1]):
        return True
    window_start = max(0, start - 3)
    position = window_start
    for word in _word_splitter().lcut(norm[window_start:end], HMM=False):
        if position == start:
            return True
        if position > start:
            return False
        position += len(word)
    return position == start


def _word_splitter() -> jieba.Tokenizer:
    return _lexicon().segmenter


# 姓X, but not what is said of a surname (这个姓少 / 这个姓很少见 / 这姓不多)
_DIALOGUE_SURNAME = re.compile(
    r"(?<![百贵同])姓(?!名|氏)(?!(?:少|多|很|挺|蛮|不|比较|稀|罕|太)(?:见|有|的)?(?:[，,。.！!？?\s]|$))"
)
_SURNAME_END = ("的", "叫", "名", "先生", "女士", "小姐", "就行", "就可以", "就好", "吧", "啊", "呀", "嘛", "，")
_ASKS_NAME = re.compile(
    r"坐席[:：][^\n]*(?:贵姓|怎么称呼|姓什么|叫什么|什么名字|您的名字|称呼您)[^\n]*\n市民[:：][ \t]*(?:嗯[，,]?|我|免贵|我是)?"
)
# 业务员小周, 找老王: 小/老 and a surname after a job title, a kinship word or a function word.
_FAMILIAR = re.compile(
    "(?:" + _TRIGGER_BEFORE.pattern + "|[的个找跟和叫问])[小老](?P<surname>[" + "".join(sorted(SURNAMES)) + "])"
    r"(?=[也都就他她说是还不没跟和讲呢啊呀人，。、！？,.!?\s]|$|(?P<verb>[每以已再又会来给帮在要上答]))"
)
# 老张头, 老王倌子: an old man called by his surname
_OLD_FELLOW = re.compile("老(?P<surname>[" + "".join(sorted(SURNAMES)) + "])(?:头子?|倌子?)")
_FAMILY_AFTER = r"(?=[也都的人里那就还，。、！？,.!?\s]|(?:说|为了|有个|有人|天天|把|跟|和|在|老|吵|欠|占|又|不|没)|$)"
_FAMILY = re.compile(r"(?<=[的壁居面上下是门])(?P<surname>[" + "".join(sorted(SURNAMES)) + r"])家" + _FAMILY_AFTER)
# A neighbour's family (隔壁向家, 对门游家, 楼上宁家): a surname that is mostly a word (向, 宁) needs the neighbour
_NEIGHBOUR = re.compile(r"(?:隔壁|对门|对面|楼上|楼下|邻居|旁边|后面|前面)的?$")
# How callers spell their surname: 弓长张, 耳东陈, 口天吴, 立早章, 木子李, 双木林, 古月胡, 言午许, 草头黄.
_SPELLINGS = {
    "弓长": "张",
    "耳东": "陈",
    "口天": "吴",
    "立早": "章",
    "木子": "李",
    "双木": "林",
    "古月": "胡",
    "言午": "许",
    "草头": "黄",
    "三横": "王",
    "禾口": "程",
    "人可": "何",
    "木易": "杨",
    "小月": "肖",
    "双口": "吕",
    "关耳": "郑",
    "走肖": "赵",
    "文刀": "刘",
    "卯金刀": "刘",
    "四维": "罗",
    "西早": "覃",
    "言身寸": "谢",
    "三划": "王",
    "木土": "杜",
    "日韦": "韩",
}
_SPELLING = re.compile(
    "(?:" + "|".join(_SPELLINGS) + ")(?:的)?(?P<surname>[" + "".join(set(_SPELLINGS.values())) + "])"
)


def _surname_said(norm: str, pos: int, anything: bool) -> int:
    """The length of the surname said at ``pos`` (姓X: any character in a dialogue), followed by a boundary."""
    length = _surname_at(norm, pos)
    if (
        not length
        and anything
        and pos < len(norm)
        and _is_cjk(norm[pos])
        and norm[pos] not in _NOT_GIVEN
        and norm[pos] not in "什啥名好对行嗯哦喂哎诶唉"
    ):
        length = 1
    if length and _boundary_at(norm, pos + length, _SURNAME_END):
        return length
    return 0


def _dialogue_names(norm: str) -> list[tuple[PiiKind, int, int]]:
    """Names as a call reveals them: 姓X anywhere (any character after it), the answer to 您贵姓, the operator's
    好的周先生, 隔壁的汪家, 弓长张."""
    found: list[tuple[PiiKind, int, int]] = []
    for m in _DIALOGUE_SURNAME.finditer(norm):
        length = _surname_said(norm, m.end(), True)
        if length:
            found.append((PiiKind.NAME, m.end(), m.end() + length))
    for m in _ASKS_NAME.finditer(norm):
        pos = m.end() + (1 if norm.startswith("姓", m.end()) else 0)
        called = re.compile(r"(?:的名字|名字)?(?:叫|是)").match(norm, pos)
        if called:
            pos = called.end()
        pos = _after_hesitation(norm, pos)
        end = _name_from(norm, pos) or (_name_of_a_word_surname(norm, pos) if called else None)
        if end:
            found.append((PiiKind.NAME, pos, end))
        elif length := _surname_said(norm, pos, True):
            found.append((PiiKind.NAME, pos, pos + length))
    found += _addressed_by_title(norm, ())
    found += [
        (PiiKind.NAME, m.start("surname"), m.end("surname"))
        for m in _FAMILY.finditer(norm)
        if m.group("surname") not in AMBIGUOUS_SURNAMES or _NEIGHBOUR.search(norm, max(0, m.start() - 4), m.start())
    ]
    found += [
        (PiiKind.NAME, m.start("surname"), m.end("surname"))
        for m in _FAMILIAR.finditer(norm)
        # 小车, 小高: a surname that is mostly a word, in a common word, is that word
        if not (
            (m.group("surname") in AMBIGUOUS_SURNAMES or m.group("verb"))
            and _common_word(norm[m.start("surname") - 1 : m.end("surname")])
        )
    ]
    found += [
        (PiiKind.NAME, m.start("surname"), m.end("surname"))
        for m in _OLD_FELLOW.finditer(norm)
        if _word_frequency(m.group()) == 0 and _word_frequency(m.group()[:3]) == 0
    ]
    found += [(PiiKind.NAME, m.start(), m.end()) for m in _SPELLING.finditer(norm)]
    found += _spelled_surnames(norm)
    return found


# A surname said, then spelled by a word that holds it (皮，皮鞋的皮 / 秋，秋天的秋 / 和，和平的和): any surname,
# those that are mostly words too, since the caller says what it is
_SAID_AND_SPELLED = re.compile(
    r"(?:(?<![\u4e00-\u9fff])|(?<=姓))(?P<surname>[\u4e00-\u9fff])[，,、 …]+(?:就是|是)?(?P<word>[\u4e00-\u9fff]{1,4})(?:的|那个)(?P=surname)"
    r"(?![\u4e00-\u9fff])"
)
# … or the answer to 您贵姓 that spells it only (马路的路)
_ANSWER_SPELLED = re.compile(
    r"(?:姓)?(?P<word>[\u4e00-\u9fff]{1,4})(?:的|那个)(?P<surname>[\u4e00-\u9fff])(?![\u4e00-\u9fff])"
)


def _spelled_by(surname: str, word: str) -> bool:
    """Whether the word spells the surname: it holds it, or it holds a character said as it is (纽扣的钮) when the
    surname is seldom an ordinary word (a surname that is mostly a word must be in the word: 皮鞋的皮)."""
    return surname in word or surname_tiers().get(surname, "word") != "word"


def _spelled_surnames(norm: str) -> list[tuple[PiiKind, int, int]]:
    found: list[tuple[PiiKind, int, int]] = []
    for m in _SAID_AND_SPELLED.finditer(norm):
        surname = m.group("surname")
        if surname in ALL_SURNAMES and m.group("word") != surname and _spelled_by(surname, m.group("word")):
            found.append((PiiKind.NAME, m.start("surname"), m.end("surname")))
            found.append((PiiKind.NAME, m.start("word"), m.end()))
    for asked in _ASKS_NAME.finditer(norm):
        m = _ANSWER_SPELLED.match(norm, asked.end())
        if m and m.group("surname") in ALL_SURNAMES and _spelled_by(m.group("surname"), m.group("word")):
            found.append((PiiKind.NAME, m.start("word"), m.end()))
    return found


_TITLE_AT = re.compile(_TITLE_PREFIX + "(?:" + "|".join(ADDRESS_TITLES) + f")|(?P<short>[{_SHORT_TITLES}])")


def _addressed_by_title(norm: str, surnames: Collection[str]) -> list[tuple[PiiKind, int, int]]:
    """A surname with a title (周先生, 王阿姨, 柳师傅, 欧阳女士, 黎副局长, 王总): the surname, when it starts a word."""
    found: list[tuple[PiiKind, int, int]] = []
    for m in _TITLE_AT.finditer(norm):
        short = m.group("short")
        if short and not (m.end() == len(norm) or not _is_cjk(norm[m.end()]) or norm[m.end()] in _SHORT_TITLE_RIGHT):
            continue  # 王总是…, 施工队: a title of one character must end a word
        for length in (2, 1):
            start = m.start() - length
            if start < 0:
                continue
            surname = norm[start : m.start()]
            known = surname in surnames
            if known or _surname_at(norm, start) == length:
                if norm[start : m.end()] in _PUBLIC_FIGURES or (short and _common_word(norm[start : m.end()], 1)):
                    break  # 毛主席; 施工, 邮局
                # 连老师都…: a surname that is more often a word needs a clear edge before it, and is no 连…都
                clear = start == 0 or not _is_cjk(norm[start - 1]) or norm[start - 1] in "的好"
                ambiguous = surname in AMBIGUOUS_SURNAMES and not known
                if ambiguous and (not clear or norm.startswith(("都", "也"), m.end())):
                    break
                # 叫我方大嫂: a surname the call has said may follow a pronoun it forms a word with (我方)
                if _starts_word(norm, start, m.end()) or (known and norm[start - 1] in _NAME_LEFT):
                    found.append((PiiKind.NAME, start, m.start()))
                break
    return found


# Job words by which a person the call has named is addressed with the surname (李队员, 周网格员, 严收费员).
_JOB_WORDS = _word_list(
    "队员 消防员 网格员 社工 民警 辅警 城管 保安 司机 楼长 管家 保洁 干部 客服 业务员 快递员 外卖员 馆员 教官 调解员 "
    "收费员 协管员 讲解员 乘务员 列车长 船长 机长 教员 营业员 安全员 巡逻员 护工 护理员 服务员 专员 站员 值班员 驾驶员 "
    "老板 老板娘 店长 老师"
)
# … after a word that may stand before a name, or a verb of passing word on (转告周网格员, 感谢李队员)
_JOB_LEFT = frozenset("的是叫找和跟给让对问喊等带陪说啊呀呢嘛吧哦嗯喂了们个位向被把与及好谢请我你他她这那告诉扬系")
_JOB_AT = re.compile("|".join(sorted(_JOB_WORDS, key=len, reverse=True)))


def _addressed_by_job(norm: str, surnames: Collection[str]) -> list[tuple[PiiKind, int, int]]:
    """A surname the call has named, with a job word after it (李振宇队员 … 李队员): the surname."""
    found: list[tuple[PiiKind, int, int]] = []
    for m in _JOB_AT.finditer(norm):
        for length in (2, 1):
            start = m.start() - length
            if (
                start >= 0
                and norm[start : m.start()] in surnames
                and (start == 0 or not _is_cjk(norm[start - 1]) or norm[start - 1] in _JOB_LEFT)
            ):
                found.append((PiiKind.NAME, start, m.start()))
                break
    return found


@dataclass(frozen=True)
class KnownNames:
    """The names found anywhere in a call, to be masked wherever else they occur."""

    full: frozenset[str] = frozenset()  # 周建华
    surnames: frozenset[str] = frozenset()  # 周
    given: frozenset[str] = frozenset()  # 建华 (two characters or more: one alone is too common a character)

    @classmethod
    def of(cls, spans: Iterable[PiiSpan]) -> KnownNames:
        full: set[str] = set()
        surnames: set[str] = set()
        given: set[str] = set()
        for span in spans:
            value = span.value
            if span.kind != PiiKind.NAME or not all(_is_cjk(ch) for ch in value) or "的" in value:
                continue
            if len(value) == 1 or value in COMPOUND_SURNAMES:
                surnames.add(value)
                continue
            length = 2 if value.startswith(COMPOUND_SURNAMES) and len(value) > 2 else 1
            full.add(value)
            if value[:length] not in ALL_SURNAMES:
                continue  # a nickname (刀疤强) is masked whole, its first character is no surname
            surnames.add(value[:length])
            if len(value) - length >= 2:
                given.add(value[length:])
        return cls(frozenset(full), frozenset(surnames), frozenset(given))

    def __bool__(self) -> bool:
        return bool(self.full or self.surnames)


def _full_name_said_alone(norm: str, start: int, surname: int) -> int | None:
    """The end of a known surname and one or two characters said as a clause of their own (，舒国庆，, 我叫全友林。),
    or None."""
    if start > 0 and _is_cjk(norm[start - 1]) and norm[start - 1] not in _NAME_LEFT:
        return None
    for given in (2, 1):
        end = start + surname + given
        if end <= len(norm) and (end == len(norm) or not _is_cjk(norm[end])):
            name = norm[start:end]
            return end if all(_is_cjk(ch) for ch in name) and _name_shaped(name, surname) else None
    return None


_SPELLED_OUT = re.compile(
    r"(?<![\u4e00-\u9fff])(?P<word>[\u4e00-\u9fff]{1,4})(?:[的滴]|那个)(?P<surname>[\u4e00-\u9fff]{1,2})(?![\u4e00-\u9fff])"
)
# A surname spelled by its parts: 三点水那个湛, 草字头的黄, 木字旁的杨, 耳东的陈 is in _SPELLINGS.
_SPELLED_BY_PARTS = re.compile(
    r"(?:三点水|两点水|草字头|竹字头|宝盖头|走之底?|[\u4e00-\u9fff](?:字旁|字头|字底|人旁|点水))"
    r"(?:的|那个|一个|加[个一]?[\u4e00-\u9fff]{1,2}的?)?(?P<surname>[\u4e00-\u9fff])(?![\u4e00-\u9fff])"
)
# A caller corrects a surname, theirs or the operator's: 我姓詹……不对，姓湛 / 不是詹，是湛 / 说错了，是章.
_BOUNDARY = r"(?=[,，。.…！!？?\s]|的|那个|$)"
_CORRECTION = re.compile(
    r"(?:不对|不是|错了|说错了|搞错了|讲错了|听错了|记错了|哦不|应该是)[,，。.…！! ]*(?:是|姓|应该是)?"
    r"(?P<first>[\u4e00-\u9fff])"
    + _BOUNDARY
    + r"(?:[,，… ]*(?:是|姓|应该是)(?P<second>[\u4e00-\u9fff])"
    + _BOUNDARY
    + ")?"
)


def _corrected_surnames(norm: str, known: KnownNames) -> list[tuple[PiiKind, int, int]]:
    """The surnames of a correction right after a surname was said (within a turn or two): a character the
    list of surnames knows (any tier but the ordinary words), said after 姓, or already known."""
    found: list[tuple[PiiKind, int, int]] = []
    for m in _CORRECTION.finditer(norm):
        before = norm[max(0, m.start() - 40) : m.start()]
        if not any(surname in before for surname in known.surnames):
            continue
        for group in ("first", "second"):
            surname = m.group(group)
            if not surname or surname in _NOT_GIVEN:
                continue
            said = norm[m.start(group) - 1] == "姓"
            if said or surname in known.surnames or surname_tiers().get(surname, "word") != "word":
                found.append((PiiKind.NAME, m.start(group), m.end(group)))
    return found


def _surname_alone(norm: str, start: int, end: int) -> bool:
    """A known surname said as a word of its own: a clause (侯，侯志刚), after 是/姓/叫/那个 (不是詹，是湛), or
    before 某 (张某: 某 stands for the given name and stays)."""
    edge_before = (
        start == 0
        or not _is_cjk(norm[start - 1])
        or norm[start - 1] in "是姓叫"
        or norm.endswith(("那个", "这个"), 0, start)
    )
    edge_after = end == len(norm) or norm[end] in ",，。.…！!？?\n" or norm.startswith("某", end)
    return edge_before and edge_after


def _known_names(norm: str, known: KnownNames) -> list[tuple[PiiKind, int, int]]:
    """Every other mention of a name found once: the full name, the surname with a title (周先生) or as 老周/小周,
    a full name the surname starts (我姓曾，曾小燕), the given name alone (建华他…), 周末的周."""
    found: list[tuple[PiiKind, int, int]] = []
    for name in known.full | known.given:
        is_given = name not in known.full
        start = norm.find(name)
        while start >= 0:
            end = start + len(name)
            if not is_given or (
                (
                    start == 0
                    or not _is_cjk(norm[start - 1])
                    or norm[start - 1] in _NAME_LEFT
                    or norm.endswith(_KINSHIP, 0, start)
                )
                and (end == len(norm) or not _is_cjk(norm[end]) or norm[end] in _GIVEN_RIGHT)
            ):
                found.append((PiiKind.NAME, start, end))
            start = norm.find(name, start + 1)
    found += _addressed_by_title(norm, known.surnames)
    found += _addressed_by_job(norm, known.surnames)
    if known.surnames:  # 游家的人还骂我: the family of a surname the call has named
        family = re.compile("(?P<surname>" + "|".join(map(re.escape, sorted(known.surnames))) + ")家" + _FAMILY_AFTER)
        found += [
            (PiiKind.NAME, m.start(), m.end("surname"))
            for m in family.finditer(norm)
            if m.start() == 0 or not _is_cjk(norm[m.start() - 1]) or norm[m.start() - 1] in "的壁居面上下是门跟和"
        ]
    for surname in known.surnames:
        start = norm.find(surname)
        while start >= 0:
            end = start + len(surname)
            if start > 0 and norm[start - 1] in "老小" and _word_frequency(norm[start : end + 1]) < _FREQUENT_WORD:
                found.append((PiiKind.NAME, start, end))  # 老周, 小周 (not 小周末)
            elif name_end := max(
                _name_from(norm, start, len(surname)) or 0, _full_name_said_alone(norm, start, len(surname)) or 0
            ):
                found.append((PiiKind.NAME, start, name_end))  # 我姓舒，舒国庆，今年… (the longer reading)
            elif _surname_alone(norm, start, end):
                found.append((PiiKind.NAME, start, end))  # 侯，侯志刚: the surname said alone
            start = norm.find(surname, start + 1)
    # 柏树的柏, 卢沟桥的卢, 司马光的司马: the word that spells the surname out, and the surname after it
    for m in _SPELLED_OUT.finditer(norm):
        surname = m.group("surname")
        if surname in known.surnames and surname in m.group("word"):
            found.append((PiiKind.NAME, m.start(), m.end()))
    found += [
        (PiiKind.NAME, m.start(), m.end())
        for m in _SPELLED_BY_PARTS.finditer(norm)
        if m.group("surname") in known.surnames
    ]
    found += _corrected_surnames(norm, known)
    return found


# What a wish is for (祝宝宝健康, 祝大家, 祝早日康复): 祝 is no surname there.
_WISHED = _word_list("宝宝 您 你 大家 孩子 早日 身体 生活 工作 全家 一切 新年 节日 生日 好 顺利 健康 平安")


# Given-name characters for a name the tagger finds with no cue: the common ones and a few more of older names.
_TAGGED_GIVEN = (GIVEN_NAME_CHARACTERS | frozenset("才长富发根财宝来喜旺娣芹枝贵菊福寿大翠花妹天娥")) - frozenset(
    "一二三四五六七八九"
)


# Given names that the dictionary knows as ordinary words.
_WORDS_GIVEN_AS_NAMES = frozenset(
    _word_list(
        "建国 建军 国庆 建华 建平 建设 红军 卫东 和平 胜利 光明 国强 春生 海燕 红梅 明亮 志强 国平 大海 海洋 平安"
    )
)


def _common_word(word: str, frequency: int = _FREQUENT_WORD) -> bool:
    """A word the dictionary knows well as something other than a name (现金, 权证, 呼吸)."""
    return (
        word not in _WORDS_GIVEN_AS_NAMES
        and _word_frequency(word) >= frequency
        and not (_tag_of(word) or "").startswith(("nr", "nz"))
    )


# What a caller says of a business right after its name (那个康寿源，搞养老的 / 是开超市的): no person is meant.
_BUSINESS = re.compile(r"[,，]?(?:是|就是)?(?:搞|做|开|卖|经营|办)[\u4e00-\u9fff]{1,4}的")


def _tagged_names(norm: str) -> list[tuple[PiiKind, int, int]]:
    """Names jieba's tagger finds anywhere in a call, with no cue next to them: a three-character name (汪国平,
    晏德才) or a surname followed by a given name it tags as a name (宋/桂花). The tagger also tags brands and
    places (桑塔纳, 林权证, 付现金), so the name must start a clause or follow a function word (隔壁组的晏德才), its
    given name must be made of common given-name characters and not be a common word itself, and a
    two-character name must be unknown to the dictionary (刘芳 and 晏德才 yes; 现金, 康寿源 no). The tagger reads
    a few characters from each such place only: tagging the whole call would cost ten times as much."""
    found: list[tuple[PiiKind, int, int]] = []
    for start, ch in enumerate(norm):
        if ch not in SURNAMES and not norm.startswith(COMPOUND_SURNAMES, start):
            continue
        if start > 0 and (_is_cjk(norm[start - 1]) and norm[start - 1] not in _NAME_LEFT):
            continue
        if norm.startswith(_WISHED, start + 1) and norm[start] == "祝":
            continue  # 祝宝宝健康, 祝您: a wish
        surname = _surname_at(norm, start)
        tokens = _tags(norm[start : start + 6].split("\n", 1)[0])
        word, flag = tokens[0]
        if flag in _NAME_FLAGS and len(word) > surname:
            name = word
        elif len(word) == surname and len(tokens) > 1 and flag in _NAME_FLAGS | {"n", "a", "v", "p"}:
            second, second_flag = tokens[1]
            if second_flag not in _NAME_FLAGS or len(second) != 2:
                continue
            name = word + second
        else:
            continue
        given = name[surname:]
        if len(given) == 1 and (
            _word_frequency(name) or norm[start] in AMBIGUOUS_SURNAMES or given not in GIVEN_NAME_CHARACTERS
        ):
            continue
        if not all(ch in _TAGGED_GIVEN for ch in given) or _common_word(given):
            continue
        end = start + len(name)
        if _name_shaped(name, surname) and not _runs_into_place(norm, start, end):
            found.append((PiiKind.NAME, start, start + len(name)))
    # a business the caller describes as one once (那个康寿源，搞养老的) is no person wherever it is named
    businesses = {norm[s:e] for _, s, e in found if _BUSINESS.match(norm, e)}
    return [(kind, s, e) for kind, s, e in found if norm[s:e] not in businesses]


# --- finding ----------------------------------------------------------------------------------------------
# When two candidates overlap, the kind listed first wins (then the longer one).
_PRIORITY = {
    PiiKind.EMAIL: 0,
    PiiKind.ID_CARD: 1,
    PiiKind.BANK_CARD: 2,
    PiiKind.MOBILE: 3,
    PiiKind.QQ: 4,
    PiiKind.WECHAT: 5,
    PiiKind.PASSPORT: 6,
    PiiKind.LANDLINE: 7,
    PiiKind.PLATE: 8,
    PiiKind.NAME: 9,
    PiiKind.BIRTH_DATE: 10,
    PiiKind.ROOM: 11,
}

# A date of birth: a year-month(-day) date right before 出生/生 (1967年5月出生, 1990-03-07生) or right after
# 出生于/生于/出生日期/生日 (出生日期：1990年3月7日). Other dates are left alone.
# Month and day may be spoken (一九六四年八月, 二零二四年十月三号: the year's digits are read by ``spoken_digits``).
_MONTH = r"(?:[0-9]{1,2}|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?:[0-9]{1,2}|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_DATE = rf"(?:19|20)[0-9]{{2}} ?(?:年 ?{_MONTH} ?月(?: ?{_DAY} ?[日号])?|[-/.][0-9]{{1,2}}(?:[-/.][0-9]{{1,2}})?)"
# A year alone (1965年出生) is not a date of birth: it stays, like an age.
_BIRTH_DATE_BEFORE_CUE = re.compile(rf"(?P<date>{_DATE}) ?(?:出生(?!率|人口|人数|数)|生人|生(?![效产活意日]))")
_BIRTH_DATE_AFTER_CUE = re.compile(rf"(?:出生于|生于|出生日期|出生年月|生日) ?(?:是|为)? ?[:：]? ?(?P<date>{_DATE})")


# In a call the date may come a few words after the cue: 出生年月对不上，身份证上是一九六九年五月.
_BIRTH_DATE_NEAR_CUE = re.compile(rf"(?:出生年月|出生日期|生日|出生)[^。！？!?\n]{{0,16}}?(?P<date>{_DATE})")


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
        # A wrong check digit is a misheard or mistyped ID, still someone's: a region code and a real birth
        # date are enough (an order or account number of 18 digits with a valid date in the middle is rare).
        if _id_shaped(m.group().replace(" ", "").upper()):
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


# After 身份证 an 18-character ID shape is someone's ID whatever its date or check digit (a slip or a misheard
# digit); after a card word (卡号, 银行卡, 账号 …) a card number is someone's card whatever its Luhn check.
_ID_CUE_NEAR = re.compile(r"身份证(?:号码|号)?[ \t]*(?:是|为)?[ \t]*:?[ \t]*")
_ID_SHAPE_ANY = re.compile(r"(?<![0-9A-Za-z])[1-9](?:[ -]?[0-9]){16}[ -]?[0-9Xx](?![0-9A-Za-z])(?![-.][0-9])")
_CARD_CUE = re.compile(
    r"(?:卡号|银行卡|账号|帐号|账户|帐户|信用卡|储蓄卡|借记卡|工资卡|存折)(?:号码|号)?[ \t]*(?:是|为)?[ \t]*:?[ \t]*$"
)
_CARD_WORD = re.compile(r"卡|账|帐|存折")
_CARD_SHAPE_ANY = re.compile(
    r"(?<![0-9A-Za-z])(?<![0-9][ .-])"
    r"(?:[0-9]{16,19}(?![0-9])(?![-.][0-9])"
    r"|[0-9]{4}(?P<sep>[ -])[0-9]{4}(?:(?P=sep)[0-9]{4}){1,2}(?:(?P=sep)[0-9]{1,4})?(?![0-9])(?!(?P=sep)[0-9]))"
)


def _cued_ids_and_cards(view: str) -> list[tuple[PiiKind, int, int]]:
    found: list[tuple[PiiKind, int, int]] = []
    if "身份证" in view:
        for cue in _ID_CUE_NEAR.finditer(view):
            m = _ID_SHAPE_ANY.match(view, cue.end())
            if m is not None:
                found.append((PiiKind.ID_CARD, m.start(), m.end()))
    if not _CARD_WORD.search(view):
        return found
    for m in _CARD_SHAPE_ANY.finditer(view):
        digits = re.sub(r"[ -]", "", m.group())
        if (
            16 <= len(digits) <= 19
            and _CARD_CUE.search(view, max(0, m.start() - 12), m.start())
            and not _unit_follows(view, m.end())
        ):
            found.append((PiiKind.BANK_CARD, m.start(), m.end()))
    return found


# A passport (E12345678, G12345678, EA1234567) is masked anywhere in that shape; after 护照 or 通行证 any one or two
# letters and seven or eight digits.
_PASSPORT = re.compile(r"(?<![0-9A-Za-z])(?:[EG][0-9]{8}|E[A-HJ-NP-Z][0-9]{7})(?![0-9A-Za-z])")
_PASSPORT_CUED = re.compile(
    r"(?:护照|通行证|passport)(?:号码|号|no\.?|number)?[ \t]*(?:是|为)?[ \t]*:?[ \t]*"
    r"(?P<value>[A-Za-z]{1,2}[0-9]{7,8})(?![0-9A-Za-z])",
    re.IGNORECASE,
)


def _passports(view: str) -> list[tuple[PiiKind, int, int]]:
    if not ("E" in view or "G" in view or "护照" in view or "通行证" in view or "assport" in view or "ASSPORT" in view):
        return []
    found = [
        (PiiKind.PASSPORT, m.start(), m.end())
        for m in _PASSPORT.finditer(view)
        if not _labelled_as_code(view, m.start())
    ]
    if "护照" in view or "通行证" in view or "assport" in view.lower():
        found += [(PiiKind.PASSPORT, m.start("value"), m.end("value")) for m in _PASSPORT_CUED.finditer(view)]
    return found


# WeChat ids (6–20 letters, digits, _ and -, starting with a letter; or wxid_…) after 微信/微信号/vx/wx, and QQ
# numbers (5–11 digits) after QQ/QQ号/扣扣. A phone number given as the WeChat id is masked as a phone number; 微信
# 公众号, 微信群 and QQ群 are no one's id.
_WECHAT = re.compile(
    r"(?:微信|薇信|(?<![A-Za-z])(?:weixin|wechat|vx|wx)|v信)(?:号码|号|id)?[ \t]*(?:是|为)?[ \t]*:?[ \t]*"
    r"(?P<value>wxid_[A-Za-z0-9_-]{4,30}|[A-Za-z][A-Za-z0-9_-]{5,19})(?![A-Za-z0-9_@-])",
    re.IGNORECASE,
)
_QQ = re.compile(
    r"(?:(?<![A-Za-z])qq|扣扣)(?:号码|号)?[ \t]*(?:是|为)?[ \t]*:?[ \t]*(?P<value>[1-9][0-9]{4,10})(?![0-9@])",
    re.IGNORECASE,
)


_MESSAGING_CUE = re.compile(r"微信|薇信|[vV]信|[qQ][qQ]|扣扣|[vVwW][xX]|[wW]ei[xX]in|[wW]e[cC]hat")


def _messaging_ids(view: str) -> list[tuple[PiiKind, int, int]]:
    if not _MESSAGING_CUE.search(view):
        return []
    found = [(PiiKind.WECHAT, m.start("value"), m.end("value")) for m in _WECHAT.finditer(view)]
    found += [
        (PiiKind.QQ, m.start("value"), m.end("value"))
        for m in _QQ.finditer(view)
        if not _unit_follows(view, m.end("value"))
    ]
    return found


# A room in a home address: the room number after a building (5栋, 3号楼, B座, 9幢) or a unit (2单元), or after 房号
# / 房间号. The room goes, the building and the unit stay, so the place of a problem (3号楼电梯坏了, 2单元门口)
# reads as before. A number followed by a unit of measure or time (8栋2023年交房, 5栋120平米), a route (1102路) or
# a public room (201会议室, 302教室) is no home.
_BUILDING_NUMBER = "0123456789一二三四五六七八九十ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz号"
_ROOM = re.compile(
    r"(?P<marker>栋|幢|座|单元|楼|房间号|房号|室号)[ \t]*[-:,，]?[ \t]*"
    r"(?P<room>[0-9]{3,4}(?:号房|室|房(?![产屋子东租价型])|号)?|[0-9]{2}室)(?![0-9])"
)
_NOT_A_HOME = re.compile(
    r"(?:路|国道|省道|号线|线|公交|次|届|期|级|多|余|m2|m²|m|商铺|铺面|门面|门店|会议室|教室|阅览室|办公室|活动室|实验室|机房"
    r"|诊室|病房|大厅|报告厅|接待室|值班室)",
    re.IGNORECASE,
)


def _rooms(view: str) -> list[tuple[PiiKind, int, int]]:
    found: list[tuple[PiiKind, int, int]] = []
    for m in _ROOM.finditer(view):
        start = m.start()
        # a building or a unit has its number right before it (5栋, 3号楼, B座, 二单元); 教学楼 and 大楼 have none
        if m.group("marker") in ("栋", "幢", "座", "单元", "楼") and (
            start == 0 or view[start - 1] not in _BUILDING_NUMBER
        ):
            continue
        if m.group("marker") == "楼" and view[start - 1].isalpha() and view[start - 1].isascii():
            continue  # A楼 is a building's name, not a floor
        end = m.end("room")
        if _unit_follows(view, end) or _NOT_A_HOME.match(view, end):
            continue
        found.append((PiiKind.ROOM, m.start("room"), end))
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
        cue = m.lastgroup or "weak"
        pos = _after_hesitation(norm, m.end()) if cue in ("introduced", "surname_only", "labelled", "role") else m.end()
        for start, end in _name_at(norm, pos, cue):
            found.append((PiiKind.NAME, start, end))
    found += _nicknames(norm)
    if "好" in norm or "同志" in norm:
        found += _addressed_names(norm)
    return found


def _candidates(norm: str, dialogue: bool, known: KnownNames | None) -> list[tuple[PiiKind, int, int]]:
    _lexicon()  # loaded by the first text masked (as jieba loads its dictionary), not by the first name found
    view = spoken_digits(norm)
    candidates: list[tuple[PiiKind, int, int]] = []
    candidates += _numbers(view)
    if dialogue or view is not norm:  # a number read aloud, or groups a call may spread over turns
        candidates += _spoken_numbers(norm, view, dialogue)
    if dialogue and "坐席" in view:
        candidates += _numbers_over_turns(view)
    if "@" in norm:
        candidates += [(PiiKind.EMAIL, m.start(), m.end()) for m in _EMAIL.finditer(norm)]
    plates = [
        (PiiKind.PLATE, m.start(), m.end())
        for m in _PLATE.finditer(view)
        if _plate_ok(re.sub(r"[ \t,，]", "", m.group("tail")))
    ]
    candidates += plates
    if _MAY_HOLD_A_PLATE.search(view):
        candidates += _spoken_plates(view, {start for _, start, _ in plates})
    candidates += _cued_ids_and_cards(view)
    candidates += _passports(view)
    candidates += _messaging_ids(view)
    candidates += _rooms(view)
    candidates += _names(norm)
    candidates += _triggered_names(norm, dialogue)
    if dialogue:
        candidates += _dialogue_names(norm)
    if known:
        candidates += _known_names(norm, known)
    if "生" in norm:
        candidates += _birth_dates(view)
        if dialogue:
            candidates += [
                (PiiKind.BIRTH_DATE, m.start("date"), m.end("date")) for m in _BIRTH_DATE_NEAR_CUE.finditer(view)
            ]
    return candidates


def _spans(text: str, candidates: list[tuple[PiiKind, int, int]]) -> list[PiiSpan]:
    """The candidates that win where they overlap, in order; offsets index ``text``."""
    candidates.sort(key=lambda c: (_PRIORITY[c[0]], c[1] - c[2], c[1]))
    taken: list[tuple[PiiKind, int, int]] = []
    for kind, start, end in candidates:
        if all(end <= s or start >= e for _, s, e in taken):
            taken.append((kind, start, end))
    taken.sort(key=lambda c: c[1])
    return [PiiSpan(kind.value, start, end, text[start:end]) for kind, start, end in taken]


def find_pii(text: str, *, dialogue: bool = False, known: KnownNames | None = None) -> list[PiiSpan]:
    """Every personal value in the text, in order, none overlapping another; offsets index ``text``.

    ``dialogue``: the text is (part of) a call transcript, where a name is said in more ways (姓X, 好的周先生)
    and a number read aloud may run over two turns. ``known``: names found elsewhere in the same call."""
    return _spans(text, _candidates(normalise(text), dialogue, known))


# Where a plate may be read aloud: a province and a letter a few characters apart, a cue word, the end of a plate.
_MAY_HOLD_A_PLATE = re.compile(
    rf"[{_PROVINCES}][^A-Za-z\n]{{0,6}}[A-Za-z]|车牌|牌照|车号|号牌|尾号|末尾|尾数|后[三四五两几]位|最后[三四五两几]位|最后几"
)


def _spoken_plates(view: str, written: Collection[int] = ()) -> list[tuple[PiiKind, int, int]]:
    """Plates read aloud (湘A，那个，德国的D，幺五七，八八二 / 湘A，T……T七二五九 / 车牌楚A·12345) and the end of a plate
    (车牌尾号三八七): five to seven characters with at least three digits, or three to six after 尾号."""
    found: list[tuple[PiiKind, int, int]] = []
    plates = view.translate(_NUMERALS_ALONE)
    patterns = [_SPOKEN_PLATE, _CUED_PLATE]
    # a province the list lacks, said after 车牌 once, starts the same plate read back elsewhere (越M·2U499)
    heads = {m.group("province") for m in _CUED_PLATE.finditer(plates)} - set(_PROVINCES)
    if heads:
        patterns.append(re.compile(f"[{''.join(sorted(heads))}]{_SPOKEN_PLATE_REST}"))
    for pattern in patterns:
        for m in pattern.finditer(plates):
            said = m.group("tail")
            start = m.start("province") if "province" in m.re.groupindex else m.start()
            if start in written:
                continue  # a plate written whole (苏E2G81C，三、…): the written pattern has it
            if any(_plate_tail_ok("".join(_PLATE_KEPT.findall(t))) for t in (said, _SAID_TWICE.sub("", said))):
                found.append((PiiKind.PLATE, start, m.end()))
    for m in _PLATE_END.finditer(view):
        if sum(ch.isdigit() for ch in m.group("tail")) >= 2:
            found.append((PiiKind.PLATE, m.start("tail"), m.end("tail")))
    return found


def _plate_tail_ok(tail: str) -> bool:
    """Five to seven characters after the letter, at least three of them digits, at most two letters in five."""
    letters = sum(ch.isascii() and ch.isalpha() for ch in tail)
    return 5 <= len(tail) <= 7 and sum(ch.isdigit() for ch in tail) >= 3 and letters <= (2 if len(tail) == 5 else 3)


def _plate_ok(tail: str) -> bool:
    """Five-character plates carry at most two letters; the new-energy and suffix forms are already specific."""
    if len(tail) == 5 and tail[-1].isascii():
        return sum(ch.isdigit() for ch in tail) >= 3
    return True


def mask_pii(text: str, *, dialogue: bool = False, known: KnownNames | None = None) -> MaskedText:
    """The text with every personal value replaced by its placeholder, and the spans that were replaced."""
    return _masked(text, find_pii(text, dialogue=dialogue, known=known))


def mask_with(
    text: str, *, values: Iterable[tuple[str, str]] = (), known: KnownNames | None = None, dialogue: bool = False
) -> MaskedText:
    """The text masked as ``mask_pii`` masks it, and also every occurrence of ``values``: personal values (kind,
    value) known to belong to the same case, such as the caller's name and phone and the values found in the
    appeal, which a note, a title or an edited field may repeat with no cue word next to them. A value shorter
    than two characters is left to the rules (a surname alone is masked through ``known`` where it stands as a
    name)."""
    if not text:
        return MaskedText(text, ())
    norm = normalise(text)
    candidates = _candidates(norm, dialogue, known)
    for kind, value in values:
        wanted = normalise(value).strip()
        if len(wanted) < 2:
            continue
        start = norm.find(wanted)
        while start != -1:
            candidates.append((PiiKind(kind), start, start + len(wanted)))
            start = norm.find(wanted, start + 1)
    return _masked(text, _spans(text, candidates))


def mask_dialogue(prepared: PreparedText) -> tuple[MaskedText, MaskedText]:
    """The whole text and the model text of a message or call, masked alike.

    In a call a name found anywhere (我姓周, 我叫周建华, the operator's 好的周先生, a name jieba's tagger finds)
    is masked everywhere else in both texts: the full name, the surname with a title or as 老周/小周, the given
    name alone. The model text is a part of the whole one, so what the whole call reveals is known to both."""
    if not prepared.is_transcript:
        masked = mask_pii(prepared.text)
        return masked, masked if prepared.model_text == prepared.text else mask_pii(prepared.model_text)
    text = prepared.text
    norm = normalise(text)
    tagged = _tagged_names(norm)
    known = KnownNames.of(_spans(text, _candidates(norm, True, None) + tagged))
    for _ in range(3):  # a name found through another (我姓曾，曾小燕) makes its given name known in turn
        spans = _spans(text, _candidates(norm, True, known) + tagged)
        found = KnownNames.of(spans)
        if found == known:
            break
        known = found
    return _masked(text, spans), mask_pii(prepared.model_text, dialogue=True, known=known)


def _masked(text: str, spans: list[PiiSpan]) -> MaskedText:
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
