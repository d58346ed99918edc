"""The search terms of a Chinese text: what the index stores and a query is matched by.

jieba (with the hotline's domain dictionary, ``triage.tokenize``) gives the words; stop words and
single characters are dropped. Two additions, both on the index's and on the query's side:

- the dictionary words inside a long word, as jieba's search mode does, so that 公积金 finds 住房公积金
  and 公安分局 meets 公安;
- a name jieba does not know (景蓉华苑, 洋湖) comes out as single characters, which would be lost, so each
  run of two or more single characters that are not stop words adds its character bigrams (景蓉, 蓉华, 华苑).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from functools import cache

from triage.tokenize import default_tokenizer, stop_words

_HAN = re.compile(r"[\u4e00-\u9fff]")
SUBWORD_MIN_FREQUENCY = 20  # jieba's dictionary has rare fragments (积金: 3) that would only add noise


@cache
def _dictionary() -> Mapping[str, int]:
    """jieba's word frequencies, with the hotline's domain words: those of the shared tokenizer, which has
    them loaded already (a second copy of the dictionary would cost some 50 MB and a second of start-up)."""
    tokenizer = default_tokenizer()
    tokenizer.words("")  # loads the dictionary
    jieba_tokenizer = getattr(tokenizer, "_jieba", None)
    if jieba_tokenizer is None:  # the tokenizer changed inside: load our own copy
        import jieba

        jieba_tokenizer = jieba.Tokenizer()
        jieba_tokenizer.initialize()
    return jieba_tokenizer.FREQ


@cache
def subwords(word: str) -> tuple[str, ...]:
    """The dictionary words of two and three characters inside a word of three or more (not the word)."""
    if len(word) < 3 or not _HAN.match(word):
        return ()
    frequency, stops = _dictionary(), stop_words()
    found = []
    for size in (2, 3):
        for start in range(len(word) - size + 1):
            part = word[start : start + size]
            if part != word and part not in stops and frequency.get(part, 0) >= SUBWORD_MIN_FREQUENCY:
                found.append(part)
    return tuple(found)


@cache
def _fold_char(char: str, lower: bool) -> str:
    folded = unicodedata.normalize("NFKC", char)
    if lower:
        folded = folded.lower()
    return folded if len(folded) == 1 else char


def fold(text: str, *, lower: bool = False) -> str:
    """Full-width letters, digits and punctuation as half-width (and lower case if asked), one character for
    one, so that positions in the folded text are positions in the original (highlighting relies on it)."""
    folded = text if text.isascii() else unicodedata.normalize("NFKC", text)
    if lower:
        folded = folded.lower()
    if len(folded) == len(text):
        return folded
    return "".join(_fold_char(c, lower) for c in text)


def _single_runs(words: list[str]) -> list[str]:
    """Bigrams of each run of single Chinese characters that are not stop words."""
    stops = stop_words()
    bigrams: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1 and _HAN.match(word) and word not in stops:
            run.append(word)
            continue
        bigrams.extend(run[i] + run[i + 1] for i in range(len(run) - 1))
        run = []
    return bigrams


# What jieba's corpus is taken to hold of a term its dictionary lacks (a name, a code, a latin word): a rare
# word's count, so that a term is domain-specific only when the knowledge base uses it often.
UNLISTED_FREQUENCY = 100


@cache
def _dictionary_total() -> int:
    return sum(_dictionary().values())


def general_information(term: str) -> float:
    """How much a term says in general Chinese: minus the log of its share of general text, its frequency in
    jieba's dictionary (counted over some 60 million words) over their total; a term the dictionary lacks
    counts UNLISTED_FREQUENCY. 的 says little, 路灯 and 笑话 much."""
    frequency = _dictionary().get(term, 0) or UNLISTED_FREQUENCY
    return math.log(_dictionary_total() / frequency)


def rare_word_information() -> float:
    """The information of a word general Chinese uses UNLISTED_FREQUENCY times (a rare one): about 13."""
    return math.log(_dictionary_total() / UNLISTED_FREQUENCY)


# Courtesies: thanks, greetings, good wishes. A caller or an operator says them to anyone, and the government's
# replies use them too (辛苦, 新年快乐), so they never make a question the knowledge base's subject.
COURTESIES = frozenset(
    ("谢谢", "感谢", "多谢", "辛苦", "辛苦了", "你好", "您好", "再见", "拜拜", "晚安", "早安", "早上好", "晚上好",
     "祝福", "恭喜", "恭喜发财", "新春", "吉祥", "万事如意", "身体健康", "工作顺利", "快乐", "愉快", "顺利",
     "如意", "安康")
)  # fmt: skip
_WISH_END = ("快乐", "愉快", "顺利", "如意", "安康")


def is_courtesy(term: str) -> bool:
    """Whether a term is a courtesy (``COURTESIES``, or a wish: 新年快乐, 节日愉快, 中秋安康)."""
    return term in COURTESIES or (len(term) > 2 and term.endswith(_WISH_END))


def search_terms(text: str) -> list[str]:
    """The terms of the text (repeats kept): content words, the words inside them, bigrams of unknown words."""
    tokenizer = default_tokenizer()
    words = tokenizer.words(fold(text))
    content = tokenizer.content_of(words)
    inside = [part for word in content for part in subwords(word)]
    return [w.lower() for w in (*content, *inside, *_single_runs(words))]
