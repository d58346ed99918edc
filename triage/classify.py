"""The level-1 category classifier: two NB-weighted linear SVMs and a calibrating stacker.

Method (chosen by cross-validation on the training messages; see docs/triage.md for the figures):

- *Character view*: TF-IDF of character 1–2-grams of the text without spaces or privacy placeholders. It
  needs no segmentation, so it reads the raw messages and the data set's pre-segmented rows alike.
- *Word view*: TF-IDF of word 1–2-grams (jieba with the domain dictionary, stop words removed).
- Each view feeds a one-vs-rest linear SVM on naive-Bayes-weighted features (NBSVM, Wang & Manning 2012:
  each feature is scaled by its log-count ratio for the class); the character view also feeds a plain
  linear SVM, whose errors differ from the NBSVM's.
- A multinomial logistic regression, trained on the three models' out-of-fold decision values (3-fold),
  turns them into one calibrated probability per class: among messages given 0.9, about nine in ten are
  right. Stacking the third model raised the cross-validated macro-F1 on raw messages from 0.913 to 0.923
  and the gate's from 0.936 to 0.946 (docs/triage.md).

The words shown to the operator are the word-view features that pushed most towards the chosen class.

*Call model*: web messages are long and written; calls are short, spoken, full of places and objects, and
often belong to the level-1 categories that have no labelled messages. A second classifier of the same
recipe, trained on spoken appeals for all 15 level-1 categories (``triage/data/spoken_appeals*.txt``), is kept
inside the model (``call_model``) and read for calls only; the pipeline combines it with the category lexicon
(``TriagePipeline._level1``). It never changes what the web-message model learns or how it is gated.

Pure: plain texts and labels in, numpy arrays and dataclasses out; serialised with joblib.
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_limits

from triage.tokenize import default_tokenizer
from triage.types import Candidate, Example

ALGORITHM = "nbsvm-char12+nbsvm-word12+svm-char12-stacked-v2"
CALL_ALGORITHM = "calls: same recipe on spoken appeals (15 level-1)"
# An example whose key is another's followed by this mark and a suffix is a variant of it (the same appeal
# with call noise around it): variants stay in their original's fold, so out-of-fold scores are honest.
VARIANT_MARK = "~"
_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]|\*{3,}")
# How the corpus's tuning calls of each kind of emergency fall over the level-1 categories (derived by
# bench/derive_spoken_calls.py): a gas leak or a fallen wire is 城乡建设, violence and most fires 政法 …
EMERGENCY_LEVEL1 = Path(__file__).resolve().parent / "data" / "emergency_level1.tsv"
_SPACE = re.compile(r"\s+")


def char_view(text: str) -> str:
    """The text as the character view reads it: no spaces, no masked values."""
    return _SPACE.sub("", _PLACEHOLDER.sub("", text))


def word_view(text: str) -> list[str]:
    return default_tokenizer().content_words(_PLACEHOLDER.sub(" ", text))


def content_of(words: Sequence[str]) -> list[str]:
    """The content words of an already segmented text (as ``word_view`` would give)."""
    return default_tokenizer().content_of(words)


def emergency_level1_prior(
    level1_names: Iterable[str], path: Path = EMERGENCY_LEVEL1, *, smoothing: float = 1.0, leave_out: str = ""
) -> dict[str, dict[str, float]]:
    """Per kind of emergency, per level-1 category: log(P(level-1 | kind) / P(level-1)) with P(level-1) uniform
    and P(level-1 | kind) counted from ``path`` (kind, level1, part, calls), add-``smoothing`` over
    ``level1_names``. A level-1 category the kind's calls never fell in gets a small negative value, one they
    mostly fell in up to log(number of categories). ``leave_out``: a part of the corpus not to count (to measure
    on it). No file, no prior."""
    names = list(dict.fromkeys(level1_names))
    if not path.is_file() or not names:
        return {}
    counts: dict[str, Counter[str]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if number == 0 or not line.strip():
            continue  # the header
        kind, level1, part, calls = line.split("\t")
        if part != leave_out:
            counts.setdefault(kind, Counter())[level1] += int(calls)
    prior = {}
    for kind, by_level1 in counts.items():
        total = sum(by_level1[name] for name in names)
        prior[kind] = {
            name: math.log((by_level1[name] + smoothing) / (total + smoothing * len(names)) * len(names))
            for name in names
        }
    return prior


class NBSVM(BaseEstimator, ClassifierMixin):
    """One-vs-rest linear SVMs on naive-Bayes log-count-ratio weighted features."""

    def __init__(self, C: float = 1.0, alpha: float = 1.0) -> None:
        self.C = C
        self.alpha = alpha

    def fit(self, X: sparse.csr_matrix, y: np.ndarray) -> NBSVM:
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        present = (X > 0).astype(np.float64)
        ratios, coefs, intercepts = [], [], []
        for label in self.classes_:
            positive = y == label
            p = self.alpha + np.asarray(present[positive].sum(axis=0)).ravel()
            q = self.alpha + np.asarray(present[~positive].sum(axis=0)).ravel()
            ratio = np.log((p / p.sum()) / (q / q.sum()))
            svm = LinearSVC(C=self.C, random_state=0).fit(X.multiply(ratio).tocsr(), positive.astype(int))
            ratios.append(ratio)
            coefs.append(svm.coef_.ravel())
            intercepts.append(svm.intercept_[0])
        # decision = (x * r) · w + b = x · (r * w) + b: fold the ratio into one weight matrix, row-major so
        # a sparse row times it does not copy it
        self.weights_ = np.ascontiguousarray((np.vstack(ratios) * np.vstack(coefs)).T, dtype=np.float32)
        self.intercepts_ = np.asarray(intercepts, dtype=np.float32)
        return self

    def decision_function(self, X: sparse.csr_matrix) -> np.ndarray:
        return np.asarray(X @ self.weights_) + self.intercepts_

    def predict(self, X: sparse.csr_matrix) -> np.ndarray:
        return self.classes_[self.decision_function(X).argmax(axis=1)]


class PlainSVM(BaseEstimator, ClassifierMixin):
    """A one-vs-rest linear SVM whose weights are kept row-major for fast one-message scoring."""

    def __init__(self, C: float = 1.0) -> None:
        self.C = C

    def fit(self, X: sparse.csr_matrix, y: np.ndarray) -> PlainSVM:
        svm = LinearSVC(C=self.C, random_state=0).fit(X, y)
        self.classes_ = svm.classes_
        self.weights_ = np.ascontiguousarray(svm.coef_.T, dtype=np.float32)
        self.intercepts_ = svm.intercept_.astype(np.float32)
        return self

    def decision_function(self, X: sparse.csr_matrix) -> np.ndarray:
        return np.asarray(X @ self.weights_) + self.intercepts_


def _plain_svm(C: float) -> PlainSVM:
    return PlainSVM(C=C)


def _char_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, min_df=2, dtype=np.float32)


def word_ngrams(words: Sequence[str]) -> list[str]:
    """Words and adjacent word pairs (a module-level function, so the fitted vectorizer can be saved)."""
    return [*words, *(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))]


def _word_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True, min_df=2, dtype=np.float32)


class FastTfidf:
    """The transform of a fitted ``TfidfVectorizer`` (sublinear tf, l2 norm) for a few texts at a time,
    without scikit-learn's per-call validation: scoring one message is several times faster."""

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        self.vocabulary = vectorizer.vocabulary_
        self.idf = vectorizer.idf_.astype(np.float32)
        self.analyse = vectorizer.build_analyzer()
        self.width = len(self.idf)

    def transform(self, documents: Sequence[object]) -> sparse.csr_matrix:
        indptr, indices, values = [0], [], []
        for document in documents:
            counts: dict[int, int] = {}
            for term in self.analyse(document):
                column = self.vocabulary.get(term)
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
            columns = np.fromiter(counts.keys(), dtype=np.int32, count=len(counts))
            weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))) * self.idf[
                columns
            ]
            norm = float(np.sqrt((weights * weights).sum())) if len(weights) else 0.0
            indices.append(columns)
            values.append(weights / norm if norm else weights)
            indptr.append(indptr[-1] + len(columns))
        return sparse.csr_matrix(
            (
                np.concatenate(values) if values else np.zeros(0, np.float32),
                np.concatenate(indices) if indices else np.zeros(0, np.int32),
                indptr,
            ),
            shape=(len(documents), self.width),
        )


def _words_of(examples: Sequence[Example]) -> list[Sequence[str]]:
    return [example.words if example.words is not None else word_view(example.text) for example in examples]


@dataclass
class Level1Classifier:
    C: float = 1.0
    folds: int = 3
    classes_: np.ndarray = field(default_factory=lambda: np.array([]))

    def fit(self, examples: Sequence[Example], *, spoken: Sequence[Example] = (), seed: int = 0) -> Level1Classifier:
        """Train on the examples. A label with fewer examples than folds cannot be learned and calibrated:
        its examples are left out and the label listed in ``dropped_labels_``. ``spoken``: appeals as callers
        say them (``datasets.spoken_examples``), for a second model read for calls only (``call_model``).

        BLAS runs on one thread here: the models' matrices are small, and on a machine that is busy (a worker
        beside a web server, several engineers on two cores) more threads spent most of the stacker's time
        waiting for each other (its fit took seven times longer under load)."""
        with threadpool_limits(limits=1, user_api="blas"):
            self.call_model_ = self.train_call_model(spoken, seed=seed) if spoken else None
            return self._fit(examples, seed)

    def train_call_model(self, spoken: Sequence[Example], *, seed: int = 0) -> Level1Classifier:
        """A call model of this model's recipe trained on ``spoken`` alone (``fit`` keeps one inside the model;
        the benchmark trains others with a style of the appeals left out, to measure on it)."""
        with threadpool_limits(limits=1, user_api="blas"):
            return Level1Classifier(C=self.C, folds=self.folds)._fit(spoken, seed)

    def _fit(self, examples: Sequence[Example], seed: int) -> Level1Classifier:
        counts = Counter(example.label for example in examples)
        self.dropped_labels_ = sorted(label for label, count in counts.items() if count < self.folds)
        examples = [example for example in examples if counts[example.label] >= self.folds]
        if len({example.label for example in examples}) < 2:
            raise ValueError(f"at least two labels with {self.folds} or more examples each are needed")
        labels = np.asarray([example.label for example in examples])
        chars = [char_view(example.text) if example.words is None else "".join(example.words) for example in examples]
        words = _words_of(examples)
        self.char_vectorizer_ = _char_vectorizer()
        self.word_vectorizer_ = _word_vectorizer()
        X_char = self.char_vectorizer_.fit_transform(chars)
        X_word = self.word_vectorizer_.fit_transform(words)
        self.classes_ = np.unique(labels)
        out_of_fold = np.zeros((len(labels), 3 * len(self.classes_)), dtype=np.float32)
        groups = [example.key.partition(VARIANT_MARK)[0] or str(i) for i, example in enumerate(examples)]
        if len(set(groups)) < len(groups):
            splits = StratifiedGroupKFold(self.folds, shuffle=True, random_state=seed).split(X_char, labels, groups)
        else:
            splits = StratifiedKFold(self.folds, shuffle=True, random_state=seed).split(X_char, labels)
        for train, held_out in splits:
            out_of_fold[held_out] = np.hstack(
                [
                    NBSVM(C=self.C).fit(X_char[train], labels[train]).decision_function(X_char[held_out]),
                    NBSVM(C=self.C).fit(X_word[train], labels[train]).decision_function(X_word[held_out]),
                    _plain_svm(self.C).fit(X_char[train], labels[train]).decision_function(X_char[held_out]),
                ]
            )
        self.char_model_ = NBSVM(C=self.C).fit(X_char, labels)
        self.word_model_ = NBSVM(C=self.C).fit(X_word, labels)
        self.char_svm_ = _plain_svm(self.C).fit(X_char, labels)
        self.stacker_ = LogisticRegression(C=1.0, max_iter=2000).fit(out_of_fold, labels)
        # what the stacker saw: out-of-fold probabilities, for calibration and threshold reports
        self.out_of_fold_proba_ = self.stacker_.predict_proba(out_of_fold)
        self.out_of_fold_labels_ = labels
        return self

    @property
    def call_model(self) -> Level1Classifier | None:
        """The model read for calls, if one was trained (models saved before it existed have none)."""
        return self.__dict__.get("call_model_")

    def _views(
        self, texts: Sequence[str], words: Sequence[Sequence[str]] | None = None
    ) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        char_tfidf, word_tfidf = self._fast_vectorizers()
        X_char = char_tfidf.transform([char_view(text) for text in texts])
        content = [content_of(w) for w in words] if words is not None else [word_view(text) for text in texts]
        X_word = word_tfidf.transform(content)
        return X_char, X_word

    def _fast_vectorizers(self) -> tuple[FastTfidf, FastTfidf]:
        """Built once from the fitted vectorizers (not saved with the model)."""
        fast = self.__dict__.get("_fast_cache")
        if fast is None:
            fast = (FastTfidf(self.char_vectorizer_), FastTfidf(self.word_vectorizer_))
            self.__dict__["_fast_cache"] = fast
        return fast

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        X_char, X_word = self._views(texts)
        return self._proba(X_char, X_word)

    def _proba(self, X_char: sparse.csr_matrix, X_word: sparse.csr_matrix) -> np.ndarray:
        decisions = np.hstack(
            [
                self.char_model_.decision_function(X_char),
                self.word_model_.decision_function(X_word),
                self.char_svm_.decision_function(X_char),
            ]
        )
        # the stacker's multinomial softmax, without scikit-learn's per-call checks
        scores = decisions @ self.stacker_.coef_.T + self.stacker_.intercept_
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, texts: Sequence[str]) -> list[str]:
        return list(self.stacker_.classes_[self.predict_proba(texts).argmax(axis=1)])

    def rank(
        self, text: str, *, words: Sequence[str] | None = None, keep: int = 3, evidence: int = 5, explain: int = 3
    ) -> list[Candidate]:
        """The ``keep`` most likely level-1 labels for one text; the first ``explain`` of them with the words
        that argue for them. ``words``: the text already segmented by the tokenizer (saves doing it again)."""
        X_char, X_word = self._views([text], None if words is None else [words])
        proba = self._proba(X_char, X_word)[0]
        order = np.argsort(proba)[::-1][:keep]
        row = X_word.tocsr()
        names = self._word_names()
        candidates = []
        for position, index in enumerate(order):
            label = self.stacker_.classes_[index]
            if position >= explain:
                candidates.append(Candidate(str(label), float(proba[index])))
                continue
            column = int(np.searchsorted(self.word_model_.classes_, label))
            contributions = row.data * self.word_model_.weights_[row.indices, column]
            best = [names[row.indices[i]] for i in np.argsort(contributions)[::-1][:evidence] if contributions[i] > 0]
            candidates.append(Candidate(str(label), float(proba[index]), tuple(best)))
        return candidates

    def _word_names(self) -> np.ndarray:
        """The word view's feature names by column (built once; not saved with the model)."""
        names = self.__dict__.get("_word_names_cache")
        if names is None:
            names = self.word_vectorizer_.get_feature_names_out()
            self.__dict__["_word_names_cache"] = names
        return names

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.pop("_word_names_cache", None)
        state.pop("_fast_cache", None)
        return state

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        joblib.dump(self, buffer, compress=3)
        return buffer.getvalue()

    @staticmethod
    def from_bytes(data: bytes) -> Level1Classifier:
        model = joblib.load(io.BytesIO(data))
        if not isinstance(model, Level1Classifier):
            raise TypeError("the artifact is not a level-1 classifier")
        return model


# --- evaluation ------------------------------------------------------------------------------------------

THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99)


@dataclass(frozen=True)
class Evaluation:
    """How a model did on labelled messages it never trained on."""

    size: int
    accuracy: float
    macro_f1: float
    per_class: dict[str, dict[str, float]]
    labels: list[str]
    confusion: list[list[int]]
    # at each confidence threshold: how many messages reach it (coverage) and how many of those are right
    thresholds: list[dict[str, float]]
    reliability: list[dict[str, float]]

    def as_dict(self) -> dict[str, object]:
        return {
            "size": self.size,
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "per_class": self.per_class,
            "labels": self.labels,
            "confusion": self.confusion,
            "thresholds": self.thresholds,
            "reliability": self.reliability,
        }


def evaluate(truth: Sequence[str], predicted: Sequence[str], confidence: Sequence[float]) -> Evaluation:
    truth_a, predicted_a, confidence_a = np.asarray(truth), np.asarray(predicted), np.asarray(confidence, dtype=float)
    labels = sorted(set(truth_a) | set(predicted_a))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth_a, predicted_a, labels=labels, zero_division=0
    )
    correct = truth_a == predicted_a
    thresholds = []
    for threshold in THRESHOLDS:
        reached = confidence_a >= threshold
        thresholds.append(
            {
                "threshold": threshold,
                "coverage": round(float(reached.mean()), 4) if len(reached) else 0.0,
                "precision": round(float(correct[reached].mean()), 4) if reached.any() else 1.0,
            }
        )
    reliability = []
    for low, high in ((0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 0.97), (0.97, 1.01)):
        inside = (confidence_a >= low) & (confidence_a < high)
        reliability.append(
            {
                "from": low,
                "to": min(high, 1.0),
                "count": int(inside.sum()),
                "mean_confidence": round(float(confidence_a[inside].mean()), 4) if inside.any() else 0.0,
                "accuracy": round(float(correct[inside].mean()), 4) if inside.any() else 0.0,
            }
        )
    return Evaluation(
        size=len(truth_a),
        accuracy=round(float(correct.mean()), 4) if len(correct) else 0.0,
        macro_f1=round(float(f1_score(truth_a, predicted_a, labels=labels, average="macro", zero_division=0)), 4),
        per_class={
            label: {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "f1": round(float(f), 4),
                "support": int(s),
            }
            for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        },
        labels=labels,
        confusion=confusion_matrix(truth_a, predicted_a, labels=labels).tolist(),
        thresholds=thresholds,
        reliability=reliability,
    )


def evaluate_model(model: Level1Classifier, examples: Sequence[Example]) -> Evaluation:
    """Evaluate on raw texts (pre-segmented examples are read through their joined words)."""
    texts = [example.text if example.words is None else "".join(example.words) for example in examples]
    proba = model.predict_proba(texts) if texts else np.zeros((0, len(model.classes_)))
    predicted = model.stacker_.classes_[proba.argmax(axis=1)] if len(texts) else []
    return evaluate(
        [example.label for example in examples], list(predicted), list(proba.max(axis=1)) if len(texts) else []
    )
