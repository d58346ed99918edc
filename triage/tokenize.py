"""Chinese word segmentation with jieba and a hotline domain dictionary.

One ``Tokenizer`` per process is enough: it owns its own jieba dictionary (so the domain words never
leak into other jieba users) and is safe to share between threads once initialised."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)

DATA = Path(__file__).resolve().parent / "data"
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_MASK = re.compile(r"\[[A-Z_]+\]")  # placeholders left by privacy masking, e.g. [PHONE]
# jieba's own blocks: it segments each run of these characters on its own and yields every other character singly,
# so a text's words are its blocks' words in order.
_BLOCK = jieba.re_han_default
BLOCK_CACHE_SIZE = 8192  # blocks segmented recently: a call's sentences are read by triage, then by duplicates


def _read_lines(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@cache
def stop_words() -> frozenset[str]:
    return frozenset(_read_lines("stop_words.txt"))


@cache
def domain_words() -> tuple[str, ...]:
    return tuple(_read_lines("domain_words.txt"))


class Tokenizer:
    def __init__(self, extra_words: Iterable[str] = ()) -> None:
        self._jieba = jieba.Tokenizer()
        self._words = [*domain_words(), *extra_words]
        self._ready = False
        self._added: set[str] = set()
        self._lock = threading.Lock()
        self._block_words = lru_cache(maxsize=BLOCK_CACHE_SIZE)(self._segment_block)

    def _initialise(self) -> None:
        with self._lock:
            if self._ready:
                return
            self._jieba.initialize()
            for word in self._words:
                if len(word) >= 2:
                    self._jieba.add_word(word, freq=2000)
                    self._added.add(word)
            self._ready = True

    def add_words(self, words: Iterable[str]) -> None:
        """Keep these words whole from now on (place and category names from the reference data)."""
        if not self._ready:
            self._initialise()
        with self._lock:
            for word in words:
                if len(word) >= 2 and word not in self._added:
                    self._jieba.add_word(word, freq=2000)
                    self._added.add(word)
            self._block_words.cache_clear()  # the dictionary changed: a block may now split otherwise

    def words(self, text: str) -> list[str]:
        """Every word of the text in order, punctuation and spaces dropped (stop words kept).

        What ``jieba.lcut(text, HMM=False)`` gives, block by block (``_BLOCK``), each block's words kept for the
        next texts: triage segments a call's text, then duplicate detection the same sentences with the title."""
        if not self._ready:
            self._initialise()
        found: list[str] = []
        for block in _BLOCK.split(_MASK.sub(" ", text)):
            if not block:
                continue
            if _BLOCK.match(block):
                found.extend(self._block_words(block))
            else:  # jieba yields each of these characters (and spaces) singly
                found.extend(char for char in block if _WORD.match(char))
        return found

    def _segment_block(self, block: str) -> tuple[str, ...]:
        return tuple(w for w in self._jieba.lcut(block, HMM=False) if _WORD.search(w))

    def content_words(self, text: str) -> list[str]:
        """The words that carry meaning: stop words and single characters other than digits dropped."""
        return self.content_of(self.words(text))

    @staticmethod
    def content_of(words: Iterable[str]) -> list[str]:
        stops = stop_words()
        return [w for w in words if w not in stops and (len(w) > 1 or w.isdigit())]


@cache
def default_tokenizer() -> Tokenizer:
    return Tokenizer()
