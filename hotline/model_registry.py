"""The model registry: train a level-1 classifier, keep it with its metrics, promote it only if it does not do
worse than the active one, and load the active one.

Promotion is decided on the *gate*: a fixed tenth of the training messages (by a hash of their key) that no
model trains on. The candidate and the active model are both evaluated on the candidate's gate, so the
comparison is like for like even when the training data has grown. The call model inside a level-1 model
(trained on spoken appeals, read for calls only) is measured by cross-validation on those appeals and recorded
with the metrics; it has no part in the gate.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.models import ModelKind, ModelStatus, ModelVersion
from triage.classify import ALGORITHM, CALL_ALGORITHM, Level1Classifier, evaluate, evaluate_model
from triage.datasets import split_gate
from triage.types import Example
from workorders.choices import Action, Status
from workorders.models import WorkOrder

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainingOutcome:
    version: ModelVersion
    promoted: bool
    reason: str
    active_gate_macro_f1: float | None


def confirmed_order_examples() -> list[Example]:
    """Orders an operator dispatched (or re-dispatched): their final level-1 category is a confirmed label."""
    orders = (
        WorkOrder.objects.filter(category__isnull=False, events__action=Action.DISPATCH)
        .exclude(status__in=[Status.DRAFT, Status.CANCELLED, Status.MERGED])
        .select_related("category")
        .distinct()
    )
    examples = []
    for order in orders.iterator(chunk_size=2000):
        level1 = order.category.full_name.split(" / ")[0]
        text = order.text_for_models
        examples.append(Example(text, level1, key=f"order:{order.number}"))
    return examples


def _version_name(kind: str) -> str:
    base = f"{'l1' if kind == ModelKind.CATEGORY_LEVEL1 else kind}-{timezone.localtime():%Y%m%d-%H%M%S}"
    name, suffix = base, 1
    while ModelVersion.objects.filter(version=name).exists():
        suffix += 1
        name = f"{base}-{suffix}"
    return name


def _cross_validated(model: Level1Classifier, examples: Sequence[Example]) -> dict[str, Any]:
    """Out-of-fold figures over the raw-text training messages (what intake sees)."""
    raw = np.array([example.words is None for example in examples])
    labels = model.out_of_fold_labels_[raw]
    proba = model.out_of_fold_proba_[raw]
    if not len(labels):
        return {}
    predicted = model.stacker_.classes_[proba.argmax(axis=1)]
    return evaluate(list(labels), list(predicted), list(proba.max(axis=1))).as_dict()


def model_train_level1(
    *, examples: Sequence[Example], sources: dict[str, int], spoken: Sequence[Example] = (), force: bool = False
) -> TrainingOutcome:
    """Train on the examples (minus the gate), and the call model on ``spoken`` if given; register the model
    with its metrics, and promote it if it is not worse on the gate than the active model (or if ``force``)."""
    training, gate = split_gate(examples)
    if len({example.label for example in training}) < 2:
        raise ValueError("the training data needs at least two labels")
    model = Level1Classifier().fit(training, spoken=spoken)
    call_model = model.call_model
    gate_evaluation = evaluate_model(model, gate) if gate else None
    artifact = model.to_bytes()
    version = ModelVersion.objects.create(
        kind=ModelKind.CATEGORY_LEVEL1,
        version=_version_name(ModelKind.CATEGORY_LEVEL1),
        algorithm=ALGORITHM,
        artifact=artifact,
        sha256=hashlib.sha256(artifact).hexdigest(),
        size_bytes=len(artifact),
        training={
            "sources": sources,
            "examples": len(training),
            "gate_examples": len(gate),
            "labels": dict(Counter(example.label for example in training).most_common()),
            "call_model": {
                "algorithm": CALL_ALGORITHM,
                "examples": len(spoken),
                "labels": dict(Counter(example.label for example in spoken).most_common()),
            }
            if call_model is not None
            else None,
        },
        metrics={
            "gate": gate_evaluation.as_dict() if gate_evaluation else {},
            "cross_validated": _cross_validated(model, training),
            "call_model_cross_validated": _cross_validated(call_model, spoken) if call_model is not None else {},
        },
        gate_macro_f1=gate_evaluation.macro_f1 if gate_evaluation else None,
    )
    active = active_version(ModelKind.CATEGORY_LEVEL1)
    active_f1 = None
    if active is not None and gate:
        active_f1 = evaluate_model(load_level1(active), gate).macro_f1
    figures = {"new": version.gate_macro_f1, "active": active_f1, "version": active.version if active else ""}
    if active is None:
        promoted, reason = True, _("no model was active")
    elif force:
        promoted, reason = True, _("promoted on request (--force)")
    elif active_f1 is None or version.gate_macro_f1 is None:
        promoted, reason = False, _("no gate examples to compare on")
    elif version.gate_macro_f1 >= active_f1:
        promoted, reason = True, _("gate macro-F1 %(new).4f ≥ active %(version)s %(active).4f") % figures
    else:
        promoted, reason = False, _("gate macro-F1 %(new).4f < active %(version)s %(active).4f") % figures
    version.metrics["compared_with"] = {"version": active.version if active else None, "gate_macro_f1": active_f1}
    version.note = reason
    version.save(update_fields=["metrics", "note"])
    if promoted:
        model_activate(version=version)
    else:
        ModelVersion.objects.filter(pk=version.pk).update(status=ModelStatus.REJECTED)
        version.status = ModelStatus.REJECTED
    logger.info("trained %s: %s", version.version, reason)
    return TrainingOutcome(version, promoted, reason, active_f1)


@transaction.atomic
def model_activate(*, version: ModelVersion) -> None:
    """Make ``version`` the active model of its kind; the previous one is retired."""
    ModelVersion.objects.filter(kind=version.kind, status=ModelStatus.ACTIVE).exclude(pk=version.pk).update(
        status=ModelStatus.RETIRED
    )
    ModelVersion.objects.filter(pk=version.pk).update(status=ModelStatus.ACTIVE, activated_at=timezone.now())
    version.status = ModelStatus.ACTIVE


def active_version(kind: str) -> ModelVersion | None:
    return ModelVersion.objects.filter(kind=kind, status=ModelStatus.ACTIVE).first()


def active_version_id(kind: str) -> tuple[int, str] | None:
    """The active model's id and version name, without loading its artifact."""
    row = ModelVersion.objects.filter(kind=kind, status=ModelStatus.ACTIVE).values_list("pk", "version").first()
    return (row[0], row[1]) if row else None


_loaded: dict[tuple[int, str], Level1Classifier] = {}
_loading = threading.Lock()


def load_level1(version: ModelVersion | int) -> Level1Classifier:
    """The model of a version, loaded once per process. Kept by id and artifact hash: an id can come back for
    another model (a test database rolled back, a restored backup), its hash cannot."""
    if isinstance(version, ModelVersion):
        key = (version.pk, version.sha256)
    else:
        key = (version, ModelVersion.objects.values_list("sha256", flat=True).get(pk=version))
    with _loading:
        if key not in _loaded:
            artifact = (
                bytes(version.artifact)
                if isinstance(version, ModelVersion)
                else bytes(ModelVersion.objects.values_list("artifact", flat=True).get(pk=version))
            )
            _loaded.clear()  # keep one model in memory: the active one
            _loaded[key] = Level1Classifier.from_bytes(artifact)
        return _loaded[key]
