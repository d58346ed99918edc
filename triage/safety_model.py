"""A small learned second opinion for the safety detector: which kind of life risk (or none) a call reads like.

The rules of ``triage.safety`` find what they have words for; a caller in danger says it in ways no list
foresees (工地上的临时电线泡在水坑里，工人说腿麻). This model reads the same text as character 1–3-grams,
TF-IDF weighted (sublinear counts, each text's vector of unit length), and a multinomial logistic regression
gives the probability of "calm" and of each kind of risk. ``triage.safety`` uses it two ways: a call the
rules leave below their threshold is an emergency when the model is sure enough; a call the rules flag on
modest evidence, with no word of now, is not one when the model is sure it is calm.

It is trained (``train``, with scikit-learn) on the development cases written for the safety detector
(bench/data/safety_dev.md, their tuning part) and the tuning part of the call corpus, by
``python -m bench.train_safety_model``, which writes ``triage/data/safety_model.json``. Scoring a text needs
no scikit-learn: the weights are read from that file and a text's n-grams looked up in a dictionary
(about 0.1 ms for 240 characters).
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

MODEL_FILE = Path(__file__).resolve().parent / "data" / "safety_model.json.gz"
CALM = "calm"
NGRAMS = (1, 3)
MIN_DF = 2
MAX_FEATURES = 3000  # the most frequent n-grams: as good as all 5,000 on the validation cases, a smaller file
C = 3.0
_WHITE = re.compile(r"\s\s+")  # as scikit-learn's character analyser: runs of white space are one space


def _ngram_counts(text: str, vocabulary: dict[str, int]) -> Counter[int | None]:
    """How often each known character 1–3-gram occurs in a text, lowercased and with runs of white space made
    one space (as scikit-learn's "char" analyser does), by the n-gram's index (None: the unknown ones)."""
    text = _WHITE.sub(" ", text.lower())
    length = len(text)
    grams = [text[i : i + size] for size in range(NGRAMS[0], NGRAMS[1] + 1) for i in range(length - size + 1)]
    return Counter(map(vocabulary.get, grams))


_WORD = re.compile(r"^[\u4e00-\u9fff\w]{2,}$")


def _spans(text: str, grams: list[str], count: int) -> tuple[str, ...]:
    """The stretches of the text that the strongest n-grams (of two or three characters, no punctuation) cover,
    overlapping ones joined, strongest first: what the model read most, as it stands in the text."""
    covered: list[list[int]] = []  # [start, end, rank]
    for rank, gram in enumerate(g for g in grams if _WORD.match(g)):
        if len(covered) >= 3 * count:
            break
        start = text.find(gram)
        if start < 0:  # lowercased or its white space changed: not shown
            continue
        covered.append([start, start + len(gram), rank])
    covered.sort()
    merged: list[list[int]] = []
    for start, end, rank in covered:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2] = min(merged[-1][2], rank)
        else:
            merged.append([start, end, rank])
    merged.sort(key=lambda span: span[2])
    return tuple(dict.fromkeys(text[start:end] for start, end, _ in merged[:count]))


@dataclass(frozen=True)
class Reading:
    """What the model reads in a text: the probability of a life at risk (1 − calm), the likeliest kind of
    risk, and the n-grams that pushed most towards it (as they appear in the text)."""

    risk: float
    kind: str
    words: tuple[str, ...]
    kinds: tuple[str, ...] = ()  # every kind of risk, likeliest first


@dataclass(frozen=True)
class SafetyModel:
    classes: tuple[str, ...]
    intercepts: np.ndarray  # one per class
    grams: tuple[str, ...]
    idf: np.ndarray  # one per n-gram
    weights: np.ndarray  # n-grams × classes
    vocabulary: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "vocabulary", {gram: index for index, gram in enumerate(self.grams)})

    def read(self, text: str, *, explain: int = 0) -> Reading:
        counts = _ngram_counts(text, self.vocabulary)
        counts.pop(None, None)
        calm = self.classes.index(CALM)
        if not counts:
            scores = self.intercepts
            indices = values = None
        else:
            indices = np.fromiter(counts, dtype=np.intp, count=len(counts))
            tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
            values = tf * self.idf[indices]
            values /= math.sqrt(float(values @ values))
            scores = self.intercepts + values @ self.weights[indices]
        exps = np.exp(scores - scores.max())
        risk = 1.0 - float(exps[calm] / exps.sum())
        kinds = sorted((i for i in range(len(self.classes)) if i != calm), key=lambda i: -scores[i])
        kind_index = kinds[0]
        words: tuple[str, ...] = ()
        if explain and indices is not None and values is not None:
            pushes = values * (self.weights[indices, kind_index] - self.weights[indices, calm])
            words = _spans(text, [self.grams[indices[i]] for i in np.argsort(-pushes) if pushes[i] > 0], explain)
        return Reading(round(risk, 4), self.classes[kind_index], words, tuple(self.classes[i] for i in kinds))

    def to_json(self) -> dict[str, object]:
        return {
            "about": "triage.safety_model: char 1-3-gram TF-IDF, multinomial logistic regression",
            "classes": list(self.classes),
            "intercepts": [round(float(x), 5) for x in self.intercepts],
            # n-gram: [idf, one weight per class]
            "ngrams": {
                gram: [round(float(self.idf[i]), 4), *(round(float(w), 4) for w in self.weights[i])]
                for i, gram in enumerate(self.grams)
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> SafetyModel:
        ngrams: dict[str, list[float]] = data["ngrams"]  # type: ignore[assignment]
        rows = np.array(list(ngrams.values()), dtype=np.float64)
        return cls(
            classes=tuple(data["classes"]),  # type: ignore[arg-type]
            intercepts=np.array(data["intercepts"], dtype=np.float64),
            grams=tuple(ngrams),
            idf=rows[:, 0].copy(),
            weights=rows[:, 1:].copy(),
        )

    def save(self, path: Path = MODEL_FILE) -> None:
        # mtime=0: the same model gives the same bytes
        with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
            handle.write(json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


@cache
def model() -> SafetyModel | None:
    """The trained model, or None when its file is missing (the rules then decide alone)."""
    if not MODEL_FILE.exists():
        return None
    with gzip.open(MODEL_FILE, "rt", encoding="utf-8") as handle:
        return SafetyModel.from_json(json.load(handle))


def train(texts: list[str], labels: list[str]) -> SafetyModel:
    """Fit the model on texts labelled "calm" or with a kind of risk. The calm texts and the risky ones weigh
    half each, whatever their numbers; the kinds share the risky half by their numbers."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectoriser = TfidfVectorizer(
        analyzer="char", ngram_range=NGRAMS, sublinear_tf=True, min_df=MIN_DF, max_features=MAX_FEATURES
    )
    matrix = vectoriser.fit_transform(texts)
    calm_share = sum(label == CALM for label in labels) / len(labels)
    weights = [0.5 / calm_share if label == CALM else 0.5 / (1 - calm_share) for label in labels]
    classifier = LogisticRegression(C=C, max_iter=5000)
    classifier.fit(matrix, labels, sample_weight=weights)
    # rounded as they are stored, so that the model trained and the model loaded read alike
    return SafetyModel.from_json(
        SafetyModel(
            classes=tuple(str(c) for c in classifier.classes_),
            intercepts=classifier.intercept_,
            grams=tuple(str(gram) for gram in vectoriser.get_feature_names_out()),
            idf=vectoriser.idf_,
            weights=classifier.coef_.T,  # n-grams × classes
        ).to_json()
    )
