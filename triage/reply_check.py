"""The reply check (答复意见评价): score a department's reply to a citizen before it goes out, with reasons.

``ReplyChecker.default().check(appeal, reply)`` returns a ``ReplyCheck``: three scores and an overall one, the
parts found, the phrases behind each part (for highlighting) and short Chinese advice the officer can act on.

Text first loses what is not content: privacy placeholders (``[MOBILE]``), masked values (``***``,
``0000-00000000``, ``0731-0000-00000000``), the data set's user ids (``UU008194``, ``A00045581``), ``[政府发文]``
and links. A reply with nothing left is empty: verdict ``poor``, one piece of advice, all scores 0.

Parts (``parts``; ``completeness`` = share of the five present). Rules with cue lexicons (``PART_CUES``):
    greeting  您好/你好, 尊敬的…, 亲爱的…, 网友/市民/来信人/同志…：  (in the first 80 characters)
    facts     what was found: 经查(实/明/证), 据查, 据了解, 据核实, 得知, 经…调查/核实/核查/了解/查看/勘查/检查/
              走访/复核/检测…, 组织/安排/派…调查/核实/查看, 现场/实地查看/勘查/核实…, 调查发现, 核实结果,
              (基本)属实/不实, 不存在
    action    what was or will be done: 责令, 责成, 督促, 督办, 约谈, 立案, 查处, 整改, 取缔, 已安排/协调/联系/
              通知/组织/派员/要求/启动/上报/开展/制定/沟通…, 已将…纳入/上报, 已对…进行/予以, 处以/予以…罚款/
              处罚/拆除, 下达…通知书/决定书, 开展…整治/检查/巡查, 将于…, 下一步/近期/今后…将/会, 将/会进一步/
              继续/加强/尽快/督促… (将及时反馈/回复 is a promise to write back, not an action). Forwarding
              (已转…调查处理, 已交…办理) is not an action either: it is all a reply that says nothing says.
    result    the outcome, or when it will come: 已解决/恢复/完成/完工/竣工/修复/整改到位/拆除/退还/发放/办结/
              开通/纳入/批复…, 现已…, 目前…已/正在…, 正在施工/实施/办理/整改…, 如期, 预计/计划/力争/将于…
              完成/完工/通车/解决/交付, 于…前完成/到位, 得到解决/妥善处理; for a consultation, the answer's
              conclusion: 可以/可/不予/不能/无法/(不)符合/不属于 + 申请/申领/领取/办理/受理/享受/报销…
    closing   感谢, 谢谢, 如有疑问/问题/异议, 如还有…疑问, 请拨打/致电/联系, 咨询电话, 联系电话, 特此回复/答复,
              此复, 欢迎监督, 敬请谅解/理解, 给您带来不便, 祝您

Relevance (``relevance``): how much of the appeal's distinctive content the reply takes up. The appeal's content
words (jieba, stop words and numbers dropped) weigh ``(1 + ln tf) * (min(idf, IDF_CAP) - IDF_FLOOR)``, doubled
(``LEAD_GAIN``) for words of its first sentence (the title, or where an operator's summary names the
problem). The IDF comes from ``data/reply_appeal_df.tsv``: document frequencies of words in 9,703 public
citizen messages, derived counts only; a word the table lacks counts as rare. Words in more than about one
message in five (严重, 政府 …) weigh nothing and common ones (小区, 解决, 投诉) little, stop words (问题, 反映) are
not counted at all, so boilerplate on either side neither helps nor hurts;
words rarer than about one in 400 all weigh the same, so a colourful idiom of the appeal (浓妆艳抹) does
not outweigh its topic. The ``KEY_WORDS`` heaviest are the appeal's key words. Each is taken up when the
reply contains it, or in part for words of three characters or more (the share of its character bigrams the
reply has, so 景蓉花苑 partly matches 景蓉华苑). A word found only in the reply's opening restatement
(…您反映的“…”问题已收悉，现答复如下：) counts ``RESTATEMENT_CREDIT`` (half), and the advice still names it:
echoing the appeal is not answering it. ``relevance = min(1, taken-up weight / key-word weight / SATURATION)``,
so a reply that takes up half of the appeal's weighted key words is fully on topic. Below ``RELEVANCE_LOW`` the
advice names the three heaviest key words the reply does not answer. The constants were chosen on appeals of
the training split of replies.csv; the figures below are on the held-out split.

Explains (``explains``): the probability that the reply explains its conclusion (a basis, reasons, the facts
behind it). Logistic regression on TF-IDF of the reply's character unigrams and bigrams plus rule features
(``RULE_FEATURES``: length, basis cues 根据/依据/按照/《…》/第X条/因此/由于/原因…, a policy citation, a bare
refusal, a forwarding note, the five parts), Platt-calibrated on out-of-fold scores, trained on the human
``explains_label_a`` judgements of teddy2020c ``replies.csv`` (a fixed 80 % split;
``bench/train_reply_check.py`` rebuilds ``data/reply_explains.json.gz``, 33k weights, 240 KB, gzip'd JSON, no
pickle). The advice threshold (0.65) maximised out-of-fold macro-F1. One rule on top: a reply of at most 200
characters that refuses (不予/无法/不能/暂不/不宜/不属于/不符合 …) without any reason, rule or finding is capped at
``REFUSAL_CAP``: a refusal must say why.

Measured (``python -m bench.bench_reply_check``, held-out rows never trained on): explains vs label_a
ROC-AUC 0.996, macro-F1 0.94 (majority class 0.47), accuracy 0.977 (majority 0.897); but the reply's length
alone already reaches ROC-AUC 0.990. Against the stricter label_b (100 replies, all label_a positives)
ROC-AUC is 0.81, below length alone (0.87), and at the label_a threshold nearly every reply passes.
Completeness vs completeness_label_b: ROC-AUC 0.65 (length alone 0.93). Relevance: the appeal's own reply
outscores a random other reply in 93 % of pairs (97 % where the own reply is substantive). One check of a
280-character reply takes about 1.4 ms.

Overall and verdict: ``overall = 0.35 relevance + 0.30 completeness + 0.35 explains``. ``good`` when overall is
at least ``GOOD`` and the reply is on topic, states a result and explains itself (missing facts, action,
greeting or closing get advice but do not block it: a consultation is answered without facts or action);
``poor`` when the reply is empty or overall is below ``POOR``; ``needs_work`` otherwise.

Known limits: cue lexicons miss unusual phrasing (a result stated as 路灯亮了) and can fire on a cue used in
passing; completeness counts cues, not how thorough the reply is, and agrees only loosely with human
judgements; relevance sees words, not meaning (修好 in the appeal is not matched by 修复 in the reply, 用电 not
by 农网改造) and drops numbers (bus route 406); the explains model learned mostly "substantive reply vs one-line
forwarding note", so a long reply that never says why can still score high (the refusal rule catches the
commonest short case).

Pure code: no Django. scikit-learn is needed only to train (``ExplainsModel.fit``).
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from triage.tokenize import default_tokenizer

DATA = Path(__file__).resolve().parent / "data"
APPEAL_DF_FILE = DATA / "reply_appeal_df.tsv"
EXPLAINS_FILE = DATA / "reply_explains.json.gz"

PARTS = ("greeting", "facts", "action", "result", "closing")

# Relevance (see the module docstring).
KEY_WORDS = 15
IDF_FLOOR = 2.5  # ln(N/df) + 1 below this, i.e. words in more than ~1 in 4.5 messages, weigh nothing
IDF_CAP = 7.0  # words in fewer than ~1 in 400 messages weigh the same: a rare idiom is not the topic
LEAD_GAIN = 2.0  # words of the first sentence (the title, when there is one) count double
SATURATION = 0.5
RESTATEMENT_CREDIT = 0.5
RELEVANCE_LOW = 0.25  # below this the reply gets the relevance advice
# Explains: a refusal with no basis cue is capped here (below any sensible threshold).
REFUSAL_CAP = 0.2
# Overall and verdict.
WEIGHTS = {"relevance": 0.35, "completeness": 0.30, "explains": 0.35}
GOOD = 0.75
POOR = 0.45
GREETING_WINDOW = 80

# --- cleaning --------------------------------------------------------------------------------------------------

_NOISE = re.compile(
    r"\[[A-Z][A-Z0-9_]*\]|\[政府发文\]|\*{2,}|https?://[\x21-\x7e]+"
    r"|(?<![\d.])(?:\d{2,4}-+)*(?:0{3,}-+0{3,}|0{6,})(?:-+0+)*(?!\d)"  # masked phone numbers
    r"|(?<![A-Za-z0-9])(?:UU|A)00\d+"  # the data set's user ids
)
_SPACE = re.compile(r"[\s\u3000]+")
_CONTENT = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_NUMBER = re.compile(r"^[\d.,%]+$")


def clean(text: str) -> str:
    """The text without placeholders, masked values, user ids and links; whitespace collapsed."""
    return _SPACE.sub(" ", _NOISE.sub(" ", text or "")).strip()


def has_content(text: str) -> bool:
    return bool(_CONTENT.search(clean(text)))


# --- parts -----------------------------------------------------------------------------------------------------

_STOP = r"[^。；;！!？?\n]"  # within one sentence
PART_CUES: dict[str, re.Pattern[str]] = {
    "greeting": re.compile(
        r"(?:您|你)们?好|尊敬的[^，,：:。！!\s]{0,12}|亲爱的[^，,：:。！!\s]{0,8}"
        r"|(?:网友|市民|来信人|群众|居民|先生|女士|同志|朋友)[^，,。！!：:]{0,10}[：:]"
    ),
    "facts": re.compile(
        r"经查(?:实|明|证)?|据查|据了解|据核实|据调查|得知"
        r"|经(?!营|济|费|常|理|销|历|典|期)[^，,。；;：:]{0,20}?(?:调查|核实|核查|查实|查证|查看|察看|了解|勘查|勘察|检查|排查|走访|调阅|查明|复核|检测|监测|测量|摸排)"
        r"|(?:组织|安排|派|派出|立即)[^，,。；;]{0,10}?(?:调查|核实|核查|查看|察看|走访|勘查|勘察|检查)"
        r"|(?:现场|实地)(?:查看|察看|勘查|勘察|核实|检查|调查|了解|走访|核查)"
        r"|(?:调查|核实|核查|检查)(?:发现|结果)|(?:情况|反映)(?:基本)?(?:属实|不实|失实)|不存在"
    ),
    "action": re.compile(
        r"责令|责成|督促|督办|约谈|立案|(?<!调)查处|整改|取缔"
        r"|已(?:经)?(?:安排|协调|联系|通知|组织|派员|派出|部署|要求|告知|约见|召开|处罚|开具|下达|启动|会同|上报|开展|制定|"
        rf"下发|印发|对接|沟通|协商|多次|将{_STOP}{{1,20}}?(?:纳入|列入|上报|报送|交由)|对{_STOP}{{1,20}}?(?:进行|作出|予以))"
        rf"|(?:处以|予以|给予){_STOP}{{0,8}}?(?:罚款|处罚|警告|拆除|查封|扣押)"
        rf"|(?:下达|发出|开具|送达){_STOP}{{0,10}}?(?:通知书|决定书|罚单|整改单)"
        rf"|(?:开展|组织){_STOP}{{0,10}}?(?:整治|检查|巡查|执法|清理|排查)"
        rf"|将于{_STOP}{{1,20}}|(?:下一步|近期|今后|随后){_STOP}{{0,6}}?(?:将|会)"
        r"|(?:将|会)(?:及时(?!反馈|回复|答复|告知)|进一步|继续|加大|加强|积极|尽快|督促|安排|组织|协调|责令|联合|启动|加快|对)"
    ),
    "result": re.compile(
        r"已(?:经|全部|基本|全面)?(?:解决|恢复|完成|完工|竣工|修复|修好|整改到位|整改完毕|清理完毕|清理干净|拆除|退还|退回|"
        r"发放|到位|办结|办理完毕|处理完毕|开通|通车|投入使用|正常|关停|停止|补发|结清|支付|落实|消除|疏通|安装|更换|"
        r"撤除|清运|清除|归还|签订|达成|纳入|列入|批复|调整|审批|办理)"
        rf"|(?:现已|目前{_STOP}{{0,15}}?(?:已经?|正在))[\u4e00-\u9fff]{{0,2}}|正在(?:施工|实施|建设|办理|推进|整改|处理|维修|修复|审批|调查)|如期"
        rf"|(?:预计|计划|力争|确保|将于){_STOP}{{0,20}}?(?:完成|完工|竣工|投入使用|通车|开通|解决|到位|交付|办结)"
        rf"|(?:于|在){_STOP}{{1,12}}?(?:前|内)(?:完成|完工|竣工|解决|到位|办结)"
        r"|得到(?:了)?(?:解决|妥善处理|有效解决|落实|恢复|处理)"
        r"|(?:可以|可|不予|不能|无法|不符合|不属于|符合)(?:申请|申领|领取|办理|受理|享受|批准|报销|补贴|纳入|认定|支持|发放|退还)"
    ),
    "closing": re.compile(
        r"感谢|谢谢|如有(?:疑问|问题|异议|需要|其他|不清楚|不明)|如(?:您)?(?:还有|仍有|对)[^。！!]{0,8}?(?:疑问|问题|异议)"
        r"|请(?:您)?(?:拨打|致电|联系|来电)|咨询电话|联系电话|特此(?:回复|答复|函复|告知)|此复|欢迎(?:监督|继续|来电)"
        r"|敬请(?:谅解|理解|关注)|给您带来(?:的)?不便|祝您"
    ),
}
BASIS_CUES = re.compile(
    r"根据|依据|按照|依照|遵照|《[^》]{2,40}》|第[一二三四五六七八九十百零\d]+条|规定|因此|由于|因为|所以|原因|鉴于|故|"
    r"属于|不属于|符合|不符合|为此|政策|标准"
)
REFUSAL_CUES = re.compile(
    r"不予(?:办理|受理|支持|批准|采纳|考虑)?|无法(?:办理|受理|解决|满足|支持)|不能(?:办理|受理|解决|满足|支持)|"
    r"暂不|不宜|不再(?:办理|受理)|不属于|不符合|难以"
)
_REFUSAL_BASIS = re.compile(
    r"根据|依据|按照|依照|遵照|《[^》]{2,40}》|第[一二三四五六七八九十百零\d]+条|规定|因|由于|所以|原因|鉴于|为此|"
    r"经查|据查|核实|调查|查看|条件|职权|管辖|职责|权限|政策|标准"
)
BARE_REFUSAL_LENGTH = 200  # a longer reply that refuses has room for its reasons, which the model judges
_RESTATEMENT_END = re.compile(r"(?:回复|答复|说明|告知|函复|报告)(?:如下|于下)[：:。，,]?")
_RESTATEMENT = re.compile(
    r"[^。！!？?]*(?:收悉|您反映|你反映|来信反映|留言反映|您咨询|你咨询|关于您|针对您|您所反映|你所反映|您在)[^。！!？?]*"
)


def find_parts(reply: str) -> dict[str, tuple[str, ...]]:
    """For each part, the phrases of the (cleaned) reply that show it (empty when the part is missing)."""
    text = clean(reply)
    found: dict[str, tuple[str, ...]] = {}
    for part, pattern in PART_CUES.items():
        where = text[:GREETING_WINDOW] if part == "greeting" else text
        found[part] = _distinct(m.group(0) for m in pattern.finditer(where))
    return found


def basis_phrases(reply: str) -> tuple[str, ...]:
    return _distinct(m.group(0) for m in BASIS_CUES.finditer(clean(reply)))


def refuses_without_basis(reply: str) -> bool:
    """A short reply that says no (不予/无法/暂不/不符合 …) and gives no reason, rule or finding at all."""
    text = clean(reply)
    return len(text) <= BARE_REFUSAL_LENGTH and bool(REFUSAL_CUES.search(text)) and not _REFUSAL_BASIS.search(text)


def _distinct(phrases: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.strip() for p in phrases if p.strip()))


# --- relevance -------------------------------------------------------------------------------------------------


class AppealWeights:
    """IDF of words in citizens' messages; a word the table does not know counts as rare."""

    def __init__(self, documents: int, frequency: Mapping[str, int]) -> None:
        self.documents = documents
        self.frequency = dict(frequency)
        self._unseen = self._idf(1)

    def _idf(self, df: int) -> float:
        return math.log((self.documents + 1) / (df + 1)) + 1.0

    def idf(self, word: str) -> float:
        df = self.frequency.get(word)
        return self._unseen if df is None else self._idf(df)

    @classmethod
    def read(cls, path: Path) -> AppealWeights:
        documents, frequency = 0, {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#"):
                continue
            word, count = line.split("\t")
            if word == "documents":
                documents = int(count)
            else:
                frequency[word] = int(count)
        if not documents:
            raise ValueError(f"{path}: no 'documents' line")
        return cls(documents, frequency)

    @classmethod
    def count(cls, texts: Iterable[str], *, min_df: int = 3) -> AppealWeights:
        """Document frequencies of the content words of ``texts`` (words in fewer than ``min_df`` dropped)."""
        frequency: Counter[str] = Counter()
        documents = 0
        for text in texts:
            documents += 1
            frequency.update(set(appeal_words(text)))
        return cls(documents, {w: n for w, n in frequency.items() if n >= min_df})

    def to_tsv(self, header: str) -> str:
        lines = [f"# {line}" for line in header.strip().splitlines()]
        lines.append(f"documents\t{self.documents}")
        lines.extend(f"{w}\t{n}" for w, n in sorted(self.frequency.items(), key=lambda item: (-item[1], item[0])))
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Relevance:
    score: float
    addressed: tuple[str, ...]  # key words the reply takes up (heaviest first)
    missing: tuple[str, ...]  # key words it does not (heaviest first)


def appeal_words(text: str) -> list[str]:
    """The content words of a text (jieba, stop words dropped), lower-cased, without numbers."""
    return [w.lower() for w in default_tokenizer().content_words(clean(text)) if not _NUMBER.match(w) and len(w) <= 12]


_FIRST_SENTENCE = re.compile(r"^[^。！!？?\n]{1,60}")


def key_words(appeal: str, weights: AppealWeights, *, limit: int = KEY_WORDS) -> list[tuple[str, float]]:
    """The appeal's heaviest content words with their weights (numbers and boilerplate left out)."""
    counts = Counter(appeal_words(appeal))
    lead = _FIRST_SENTENCE.match(clean(appeal))
    leading = set(appeal_words(lead.group(0))) if lead else set()
    weighted = []
    for word, tf in counts.items():
        idf = min(weights.idf(word), IDF_CAP)
        if idf > IDF_FLOOR:
            weight = (1.0 + math.log(tf)) * (idf - IDF_FLOOR) * (LEAD_GAIN if word in leading else 1.0)
            weighted.append((word, weight))
    weighted.sort(key=lambda item: (-item[1], item[0]))
    return weighted[:limit]


def _bigrams(text: str) -> set[str]:
    return {run[i : i + 2] for run in _HAN.findall(text) for i in range(len(run) - 1)}


def _restatement(text: str) -> str:
    """The reply's opening, where it echoes the appeal (…您反映的“…”问题已收悉，现答复如下：)."""
    end = _RESTATEMENT_END.search(text)
    if end and end.end() <= 0.6 * len(text):
        return text[: end.end()]
    first = _RESTATEMENT.match(text) or _RESTATEMENT.search(text[:200])
    return first.group(0) if first else ""


def _addressed(word: str, body: str, body_bigrams: set[str]) -> float:
    if word in body:
        return 1.0
    grams = _bigrams(word)
    if len(word) < 3 or not grams:
        return 0.0
    return len(grams & body_bigrams) / len(grams)


def relevance(appeal: str, reply: str, weights: AppealWeights) -> Relevance:
    keys = key_words(appeal, weights)
    text = clean(reply).lower()
    if not keys:
        # Nothing distinctive to take up: judge the reply by whether it has content at all.
        return Relevance(1.0 if has_content(reply) else 0.0, (), ())
    opening = _restatement(text)
    body = text.replace(opening, " ", 1) if opening else text
    body_bigrams, opening_bigrams = _bigrams(body), _bigrams(opening)
    total = sum(weight for _, weight in keys)
    got = 0.0
    addressed, missing = [], []
    for word, weight in keys:
        answered = _addressed(word, body, body_bigrams)
        echoed = _addressed(word, opening, opening_bigrams) if opening else 0.0
        got += weight * max(answered, RESTATEMENT_CREDIT * echoed)
        # A word only echoed in the opening is not answered: the advice still names it.
        (addressed if answered >= 0.5 else missing).append(word)
    return Relevance(min(1.0, got / total / SATURATION), tuple(addressed), tuple(missing))


# --- explains --------------------------------------------------------------------------------------------------

RULE_FEATURES = (
    "log_length",
    "basis_cues",
    "policy_citation",
    "refusal_without_basis",
    "forwarded_only",
    *(f"has_{part}" for part in PARTS),
)
_FORWARDED = re.compile(
    r"(?:已|现)?(?:转|转交|转至|转给|转办|移交|交由)[^。]{0,30}?(?:办理|处理|核处|核实|办复|答复|调查|反馈)"
)
_CITATION = re.compile(r"《[^》]{2,40}》|第[一二三四五六七八九十百零\d]+条")


def reply_terms(text: str) -> list[str]:
    """What the explains model reads: character unigrams and bigrams of the cleaned reply (digits as 0)."""
    text = re.sub(r"\d", "0", clean(text).lower())
    terms = [c for c in text if not c.isspace()]
    terms.extend(text[i : i + 2] for i in range(len(text) - 1) if not text[i].isspace() and not text[i + 1].isspace())
    return terms


def rule_features(reply: str, parts: Mapping[str, tuple[str, ...]] | None = None) -> np.ndarray:
    text = clean(reply)
    parts = find_parts(reply) if parts is None else parts
    return np.array(
        [
            math.log1p(len(text)),
            math.log1p(len(BASIS_CUES.findall(text))),
            float(bool(_CITATION.search(text))),
            float(refuses_without_basis(text)),
            float(bool(_FORWARDED.search(text)) and len(text) < 120),
            *(float(bool(parts[part])) for part in PARTS),
        ]
    )


@dataclass
class ExplainsModel:
    """TF-IDF (sublinear tf, l2) of ``reply_terms`` plus standardised ``rule_features`` -> logistic regression
    -> Platt scaling. Scoring is plain Python over the stored weights (no scikit-learn at run time)."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    coef_terms: np.ndarray
    rule_mean: np.ndarray
    rule_scale: np.ndarray
    coef_rules: np.ndarray
    intercept: float
    platt: tuple[float, float]  # p = 1 / (1 + exp(-(a * z + b))), z the regression's score
    threshold: float  # the calibrated probability below which the reply gets the explains advice
    info: dict[str, object] = field(default_factory=dict)

    # -- scoring
    def decision(self, reply: str, rules: np.ndarray | None = None) -> float:
        counts = Counter(reply_terms(reply))
        columns, values = [], []
        for term, tf in counts.items():
            column = self.vocabulary.get(term)
            if column is not None:
                columns.append(column)
                values.append((1.0 + math.log(tf)) * self.idf[column])
        z = self.intercept
        if columns:
            vector = np.asarray(values)
            z += float(vector @ self.coef_terms[columns]) / float(np.linalg.norm(vector))
        rules = rule_features(reply) if rules is None else rules
        z += float(((rules - self.rule_mean) / self.rule_scale) @ self.coef_rules)
        return z

    def calibrate(self, z: float | np.ndarray) -> float | np.ndarray:
        a, b = self.platt
        return 1.0 / (1.0 + np.exp(-(a * np.asarray(z) + b)))

    def probability(self, reply: str, rules: np.ndarray | None = None) -> float:
        return float(self.calibrate(self.decision(reply, rules)))

    def probabilities(self, replies: Sequence[str]) -> np.ndarray:
        return np.array([self.probability(reply) for reply in replies])

    # -- training (scikit-learn is imported here only)
    @classmethod
    def fit(
        cls,
        replies: Sequence[str],
        labels: Sequence[int],
        *,
        C: float = 16.0,
        min_df: int = 3,
        folds: int = 5,
        seed: int = 0,
    ) -> ExplainsModel:
        """Fit on ``replies`` (0/1 ``labels``); calibration and threshold come from out-of-fold scores."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import f1_score
        from sklearn.model_selection import StratifiedKFold

        y = np.asarray(labels, dtype=int)
        rules = np.vstack([rule_features(r) for r in replies])

        def train(index: np.ndarray) -> tuple[TfidfVectorizer, np.ndarray, np.ndarray, LogisticRegression]:
            vectorizer = TfidfVectorizer(analyzer=reply_terms, sublinear_tf=True, min_df=min_df, dtype=np.float64)
            X_terms = vectorizer.fit_transform([replies[i] for i in index])
            mean, scale = rules[index].mean(axis=0), rules[index].std(axis=0)
            scale[scale == 0] = 1.0
            X = _stack(X_terms, (rules[index] - mean) / scale)
            model = LogisticRegression(C=C, max_iter=5000, random_state=seed).fit(X, y[index])
            return vectorizer, mean, scale, model

        def score(parts: tuple, index: np.ndarray) -> np.ndarray:
            vectorizer, mean, scale, model = parts
            X = _stack(vectorizer.transform([replies[i] for i in index]), (rules[index] - mean) / scale)
            return model.decision_function(X)

        out_of_fold = np.zeros(len(y))
        for train_index, test_index in StratifiedKFold(folds, shuffle=True, random_state=seed).split(rules, y):
            out_of_fold[test_index] = score(train(train_index), test_index)
        platt = LogisticRegression(C=1e6, max_iter=1000).fit(out_of_fold.reshape(-1, 1), y)
        a, b = float(platt.coef_[0, 0]), float(platt.intercept_[0])
        calibrated = 1.0 / (1.0 + np.exp(-(a * out_of_fold + b)))
        candidates = np.round(np.arange(0.05, 0.96, 0.01), 2)
        f1 = [f1_score(y, calibrated >= t, average="macro") for t in candidates]
        threshold = float(candidates[int(np.argmax(f1))])

        vectorizer, mean, scale, model = train(np.arange(len(y)))
        width = len(vectorizer.vocabulary_)
        return cls(
            vocabulary={term: int(column) for term, column in vectorizer.vocabulary_.items()},
            idf=vectorizer.idf_.astype(np.float64),
            coef_terms=model.coef_[0, :width].astype(np.float64),
            rule_mean=mean,
            rule_scale=scale,
            coef_rules=model.coef_[0, width:].astype(np.float64),
            intercept=float(model.intercept_[0]),
            platt=(a, b),
            threshold=threshold,
            info={
                "C": C,
                "min_df": min_df,
                "training_rows": len(y),
                "training_positives": int(y.sum()),
                "out_of_fold_macro_f1_at_threshold": round(float(max(f1)), 4),
            },
        )

    # -- storage: gzip'd JSON (weights only; no pickle)
    def to_bytes(self) -> bytes:
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        order = [self.vocabulary[t] for t in terms]
        document = {
            "format": "reply-explains-v1",
            "terms": terms,
            "idf": _rounded(self.idf[order]),
            "coef_terms": _rounded(self.coef_terms[order]),
            "rule_features": list(RULE_FEATURES),
            "rule_mean": _rounded(self.rule_mean),
            "rule_scale": _rounded(self.rule_scale),
            "coef_rules": _rounded(self.coef_rules),
            "intercept": self.intercept,
            "platt": list(self.platt),
            "threshold": self.threshold,
            "info": self.info,
        }
        return gzip.compress(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), mtime=0)

    @classmethod
    def from_bytes(cls, data: bytes) -> ExplainsModel:
        document = json.loads(gzip.decompress(data).decode("utf-8"))
        if document.get("format") != "reply-explains-v1":
            raise ValueError("not a reply-explains-v1 model")
        if document["rule_features"] != list(RULE_FEATURES):
            raise ValueError(f"the model was trained on other rule features: {document['rule_features']}")
        return cls(
            vocabulary={term: i for i, term in enumerate(document["terms"])},
            idf=np.asarray(document["idf"], dtype=np.float64),
            coef_terms=np.asarray(document["coef_terms"], dtype=np.float64),
            rule_mean=np.asarray(document["rule_mean"], dtype=np.float64),
            rule_scale=np.asarray(document["rule_scale"], dtype=np.float64),
            coef_rules=np.asarray(document["coef_rules"], dtype=np.float64),
            intercept=float(document["intercept"]),
            platt=(float(document["platt"][0]), float(document["platt"][1])),
            threshold=float(document["threshold"]),
            info=document.get("info", {}),
        )


def _stack(X_terms: object, rules: np.ndarray) -> object:
    from scipy import sparse

    return sparse.hstack([X_terms, sparse.csr_matrix(rules)], format="csr")


def _rounded(values: np.ndarray) -> list[float]:
    return [float(f"{v:.5g}") for v in np.asarray(values, dtype=np.float64)]


# --- the check -------------------------------------------------------------------------------------------------

ADVICE = {
    "empty": "答复内容为空：请写明调查核实的情况、采取的措施和办理结果。",
    "result": "未说明办理结果：请写明问题是否已解决或何时解决。",
    "explains": "未说明结论的依据：请引用相关政策条款或调查事实。",
    "facts": "未说明调查核实的情况：请写明经查或现场核实了解到的事实（时间、地点、经过）。",
    "action": "未说明采取的措施：请写明已做了什么（如已责令整改、已安排维修、已约谈当事方）及下一步安排。",
    "greeting": "缺少称呼问候：请以“您好”开头。",
    "closing": "缺少结束语：请致谢，并留下咨询方式（如“如有疑问，请拨打……咨询”）。",
}


def relevance_advice(missing: Sequence[str]) -> str:
    words = "、".join(missing[:3])
    return (
        f"答复与诉求关联度低：诉求提到“{words}”，答复未回应。"
        if words
        else "答复与诉求关联度低：请针对诉求的具体内容答复。"
    )


@dataclass(frozen=True)
class ReplyCheck:
    relevance: float  # 0–1: does the reply address what the appeal asked about
    completeness: float  # 0–1: share of the parts present
    parts: dict[str, bool]  # greeting, facts, action, result, closing: which are present
    explains: float  # 0–1: probability that the reply explains its conclusion (basis, reasons)
    overall: float  # 0–1 combined
    verdict: str  # "good" | "needs_work" | "poor"
    reasons: tuple[str, ...]  # short, concrete advice, the most important first
    evidence: dict[str, tuple[str, ...]]  # phrases behind each part, plus "basis" and "addressed" (key words)


class ReplyChecker:
    def __init__(self, explains: ExplainsModel, weights: AppealWeights) -> None:
        self.explains_model = explains
        self.weights = weights

    @classmethod
    @cache
    def default(cls) -> ReplyChecker:
        """The shipped model: explains weights and the appeal-word table from triage/data/."""
        return cls(ExplainsModel.from_bytes(EXPLAINS_FILE.read_bytes()), AppealWeights.read(APPEAL_DF_FILE))

    @classmethod
    def fit(
        cls,
        replies: Sequence[str],
        labels: Sequence[int],
        *,
        weights: AppealWeights | None = None,
        C: float = 16.0,
        seed: int = 0,
    ) -> ReplyChecker:
        """A checker whose explains model is trained on ``replies`` with 0/1 ``labels``."""
        return cls(ExplainsModel.fit(replies, labels, C=C, seed=seed), weights or AppealWeights.read(APPEAL_DF_FILE))

    def save(self, path: Path) -> None:
        """Write the explains model (the appeal-word table is a separate TSV, see ``AppealWeights.to_tsv``)."""
        path.write_bytes(self.explains_model.to_bytes())

    @classmethod
    def load(cls, path: Path, *, weights: AppealWeights | None = None) -> ReplyChecker:
        return cls(ExplainsModel.from_bytes(path.read_bytes()), weights or AppealWeights.read(APPEAL_DF_FILE))

    def explains(self, reply: str, parts: Mapping[str, tuple[str, ...]] | None = None) -> float:
        """The calibrated explains probability, with a refusal that gives no basis capped at REFUSAL_CAP."""
        if not has_content(reply):
            return 0.0
        probability = self.explains_model.probability(reply, rule_features(reply, parts))
        return min(probability, REFUSAL_CAP) if refuses_without_basis(reply) else probability

    def check(self, appeal: str, reply: str) -> ReplyCheck:
        found = find_parts(reply)
        parts = {part: bool(found[part]) for part in PARTS}
        completeness = sum(parts.values()) / len(PARTS)
        explains = self.explains(reply, found)
        relevant = relevance(appeal, reply, self.weights)
        scores = {"relevance": relevant.score, "completeness": completeness, "explains": explains}
        overall = sum(WEIGHTS[name] * value for name, value in scores.items())

        reasons: list[str] = []
        if not has_content(reply):
            reasons.append(ADVICE["empty"])
            verdict = "poor"
        else:
            if relevant.score < RELEVANCE_LOW:
                reasons.append(relevance_advice(relevant.missing))
            if not parts["result"]:
                reasons.append(ADVICE["result"])
            if explains < self.explains_model.threshold:
                reasons.append(ADVICE["explains"])
            for name in ("facts", "action", "greeting", "closing"):
                if not parts[name]:
                    reasons.append(ADVICE[name])
            # Facts and action get advice but do not block "good": a consultation is answered without either.
            major = not parts["result"] or relevant.score < RELEVANCE_LOW or explains < self.explains_model.threshold
            verdict = "poor" if overall < POOR else "good" if overall >= GOOD and not major else "needs_work"
        evidence = {**found, "basis": basis_phrases(reply), "addressed": relevant.addressed}
        return ReplyCheck(
            relevance=round(relevant.score, 4),
            completeness=round(completeness, 4),
            parts=parts,
            explains=round(explains, 4),
            overall=round(overall, 4),
            verdict=verdict,
            reasons=tuple(reasons),
            evidence=evidence,
        )
