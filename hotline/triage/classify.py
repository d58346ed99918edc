"""The level-1 category classifier: two NB-weighted linear SVMs and a calibrating stacker.

Method (chosen by cross-validation on the training messages; see docs/triage.md for the figures):

- *Character view*: TF-IDF of character 1–2-grams of the text without spaces or privacy placeholders. It
  needs no segmentation, so it reads the raw messages and the data set's pre-segmented rows alike.
- *Word view*: TF-IDF of word 1–2-grams (jieba with the domain dictionary, stop words removed).
- Each view feeds a one-vs-rest linear SVM on naive-Bayes-weighted features (NBSVM, Wang & Manning 2012:
  each feature is scaled by its log-count ratio for the class), which beats a plain linear SVM on short texts.
- A multinomial logistic regression, trained on the two views' out-of-fold decision values (3-fold), turns
  them into one calibrated probability per class: among messages given 0.9, about nine in ten are right.

The words shown to the operator are the word-view features that pushed most towards the chosen class.
Pure: plain texts and labels in, numpy arrays and dataclasses out; serialised with joblib.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import joblib
import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from hotline.triage.tokenize import default_tokenizer
from hotline.triage.types import Candidate

ALGORITHM = "nbsvm-char12+word12-stacked-v1"
_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]|\*{3,}")
_SPACE = re.compile(r"\s+")


def char_view(text: str) -> str:
    """The text as the character view reads it: no spaces, no masked values."""
    return _SPACE.sub("", _PLACEHOLDER.sub("", text))


def word_view(text: str) -> list[str]:
    return default_tokenizer().content_words(_PLACEHOLDER.sub(" ", text))


@dataclass(frozen=True)
class Example:
    """One training or evaluation message. ``words`` is given for pre-segmented data (no raw text)."""

    text: str
    label: str
    words: tuple[str, ...] | None = None
    key: str = ""


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
            svm = LinearSVC(C=self.C).fit(X.multiply(ratio).tocsr(), positive.astype(int))
            ratios.append(ratio)
            coefs.append(svm.coef_.ravel())
            intercepts.append(svm.intercept_[0])
        # decision = (x * r) · w + b = x · (r * w) + b: fold the ratio into one weight matrix
        self.weights_ = (np.vstack(ratios) * np.vstack(coefs)).T.astype(np.float32)
        self.intercepts_ = np.asarray(intercepts, dtype=np.float32)
        return self

    def decision_function(self, X: sparse.csr_matrix) -> np.ndarray:
        return np.asarray(X @ self.weights_) + self.intercepts_

    def predict(self, X: sparse.csr_matrix) -> np.ndarray:
        return self.classes_[self.decision_function(X).argmax(axis=1)]


def _char_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, min_df=2, dtype=np.float32)


def word_ngrams(words: Sequence[str]) -> list[str]:
    """Words and adjacent word pairs (a module-level function, so the fitted vectorizer can be saved)."""
    return [*words, *(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))]


def _word_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True, min_df=2, dtype=np.float32)


def _words_of(examples: Sequence[Example]) -> list[Sequence[str]]:
    return [example.words if example.words is not None else word_view(example.text) for example in examples]


@dataclass
class Level1Classifier:
    C: float = 1.0
    folds: int = 3
    classes_: np.ndarray = field(default_factory=lambda: np.array([]))

    def fit(self, examples: Sequence[Example], *, seed: int = 0) -> Level1Classifier:
        labels = np.asarray([example.label for example in examples])
        chars = [char_view(example.text) if example.words is None else "".join(example.words) for example in examples]
        words = _words_of(examples)
        self.char_vectorizer_ = _char_vectorizer()
        self.word_vectorizer_ = _word_vectorizer()
        X_char = self.char_vectorizer_.fit_transform(chars)
        X_word = self.word_vectorizer_.fit_transform(words)
        self.classes_ = np.unique(labels)
        out_of_fold = np.zeros((len(labels), 2 * len(self.classes_)), dtype=np.float32)
        folds = StratifiedKFold(self.folds, shuffle=True, random_state=seed)
        for train, held_out in folds.split(X_char, labels):
            out_of_fold[held_out] = np.hstack(
                [
                    NBSVM(C=self.C).fit(X_char[train], labels[train]).decision_function(X_char[held_out]),
                    NBSVM(C=self.C).fit(X_word[train], labels[train]).decision_function(X_word[held_out]),
                ]
            )
        self.char_model_ = NBSVM(C=self.C).fit(X_char, labels)
        self.word_model_ = NBSVM(C=self.C).fit(X_word, labels)
        self.stacker_ = LogisticRegression(C=1.0, max_iter=2000).fit(out_of_fold, labels)
        # what the stacker saw: out-of-fold probabilities, for calibration and threshold reports
        self.out_of_fold_proba_ = self.stacker_.predict_proba(out_of_fold)
        self.out_of_fold_labels_ = labels
        return self

    def _views(self, texts: Sequence[str]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        X_char = self.char_vectorizer_.transform([char_view(text) for text in texts])
        X_word = self.word_vectorizer_.transform([word_view(text) for text in texts])
        return X_char, X_word

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        X_char, X_word = self._views(texts)
        return self._proba(X_char, X_word)

    def _proba(self, X_char: sparse.csr_matrix, X_word: sparse.csr_matrix) -> np.ndarray:
        decisions = np.hstack([self.char_model_.decision_function(X_char), self.word_model_.decision_function(X_word)])
        return self.stacker_.predict_proba(decisions)

    def predict(self, texts: Sequence[str]) -> list[str]:
        return list(self.stacker_.classes_[self.predict_proba(texts).argmax(axis=1)])

    def rank(self, text: str, *, keep: int = 3, evidence: int = 5) -> list[Candidate]:
        """The ``keep`` most likely level-1 labels for one text, each with the words that argue for it."""
        X_char, X_word = self._views([text])
        proba = self._proba(X_char, X_word)[0]
        order = np.argsort(proba)[::-1][:keep]
        row = X_word.tocsr()
        names = self.word_vectorizer_.get_feature_names_out()
        candidates = []
        for index in order:
            label = self.stacker_.classes_[index]
            column = int(np.searchsorted(self.word_model_.classes_, label))
            contributions = row.data * self.word_model_.weights_[row.indices, column]
            best = [names[row.indices[i]] for i in np.argsort(contributions)[::-1][:evidence] if contributions[i] > 0]
            candidates.append(Candidate(str(label), float(proba[index]), tuple(best)))
        return candidates

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
