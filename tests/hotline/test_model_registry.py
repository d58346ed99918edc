"""Training, registering, promoting and evaluating the level-1 model from the command line."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from hotline.models import ModelStatus, ModelVersion
from tests.conftest import City, Personas
from tests.factories import make_order
from triage.classify import Level1Classifier
from workorders import services

pytestmark = pytest.mark.django_db

TRAIN = settings.HOTLINE["DATASETS_DIR"] / "teddy2020c" / "messages_train.csv"
DEV = settings.HOTLINE["DATASETS_DIR"] / "teddy2020c" / "messages_dev.csv"


@pytest.fixture(scope="module")
def labelled_rows() -> list[dict[str, str]]:
    if not TRAIN.is_file():
        pytest.skip(f"the shared data set is not at {TRAIN}")
    rows: dict[str, list[dict[str, str]]] = {}
    with TRAIN.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows.setdefault(row["label"], []).append(row)
    return [row for label_rows in rows.values() for row in label_rows[:60]]


def write_csv(path: Path, rows: list[dict[str, str]], *, shuffle_labels: bool = False) -> Path:
    labels = [row["label"] for row in rows]
    if shuffle_labels:  # a deliberately bad training set: every label moved to another message
        labels = labels[7:] + labels[:7]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row_idx", "text", "label"])
        for row, label in zip(rows, labels, strict=True):
            writer.writerow([row["row_idx"], row["text"], label])
    return path


def train(*args: str) -> str:
    out = StringIO()
    call_command("train_models", *args, stdout=out)
    return out.getvalue()


def test_the_first_model_is_trained_registered_with_its_metrics_and_activated(labelled_rows, tmp_path) -> None:
    output = train("--no-shared", "--csv", str(write_csv(tmp_path / "a.csv", labelled_rows)))
    version = ModelVersion.objects.get()
    assert version.status == ModelStatus.ACTIVE and "Promoted" in output and "macro-F1" in output
    gate = version.metrics["gate"]
    assert gate["size"] > 0 and set(gate) >= {"macro_f1", "per_class", "confusion", "thresholds"}
    assert len(gate["confusion"]) == len(gate["labels"])
    assert version.metrics["cross_validated"]["size"] > 100
    assert version.training["sources"] == {str(tmp_path / "a.csv"): len(labelled_rows)}
    model = Level1Classifier.from_bytes(bytes(version.artifact))
    assert set(model.classes_) == {row["label"] for row in labelled_rows}


def test_a_worse_model_is_kept_but_not_promoted_unless_forced(labelled_rows, tmp_path) -> None:
    train("--no-shared", "--csv", str(write_csv(tmp_path / "good.csv", labelled_rows)))
    bad = write_csv(tmp_path / "bad.csv", labelled_rows, shuffle_labels=True)
    output = train("--no-shared", "--csv", str(bad))
    assert "Not promoted" in output
    good, worse = ModelVersion.objects.order_by("created_at", "id")
    assert good.status == ModelStatus.ACTIVE and worse.status == ModelStatus.REJECTED
    assert worse.gate_macro_f1 < worse.metrics["compared_with"]["gate_macro_f1"]
    train("--no-shared", "--csv", str(bad), "--force")
    assert "--force" in ModelVersion.objects.filter(status=ModelStatus.ACTIVE).get().note
    assert ModelVersion.objects.get(pk=good.pk).status == ModelStatus.RETIRED


def test_if_missing_trains_nothing_when_a_model_is_active(active_model) -> None:
    assert "already active" in train("--if-missing")
    assert ModelVersion.objects.count() == 1


def test_confirmed_orders_are_training_data(city: City, personas: Personas, tmp_path, labelled_rows) -> None:
    for index in range(12):
        category = city.construction if index % 2 else city.pollution
        order = make_order(
            appeal=f"第{index}号诉求：" + ("小区物业乱收费" if index % 2 else "工厂排放废气污染"), category=category
        )
        services.workorder_dispatch(order=order, by=personas.operator, lead_department=city.housing)
    from hotline.model_registry import confirmed_order_examples

    examples = confirmed_order_examples()
    assert len(examples) == 12 and {e.label for e in examples} == {"城乡建设", "环境保护"}
    assert all(e.key.startswith("order:GD") for e in examples)
    output = train("--no-shared", "--include-confirmed", "--csv", str(write_csv(tmp_path / "a.csv", labelled_rows)))
    assert '"confirmed_orders": 12' in output


def test_bad_training_files_are_refused_with_the_reason(tmp_path) -> None:
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("content,category\n路灯坏了,城乡建设\n", encoding="utf-8")
    with pytest.raises(CommandError, match="needs a 'label' column"):
        train("--no-shared", "--csv", str(wrong))
    with pytest.raises(CommandError, match="no such file"):
        train("--no-shared", "--csv", str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError, match="nothing to train on"):
        train("--no-shared")


def test_evaluate_model_prints_macro_f1_accuracy_and_per_class_figures(active_model, tmp_path) -> None:
    if not DEV.is_file():
        pytest.skip("the shared data set is missing")
    out = StringIO()
    call_command("evaluate_model", str(DEV), stdout=out)
    text = out.getvalue()
    assert "macro-F1" in text and "accuracy" in text and "城乡建设" in text
    macro = float(text.split("macro-F1")[1].split()[0])
    assert 0.5 < macro <= 1.0
    split = tmp_path / "split.csv"
    split.write_text("title,detail,label\n路灯坏了,A3区西湖路路灯一周不亮,城乡建设\n", encoding="utf-8")
    call_command("evaluate_model", str(split), stdout=StringIO())  # title + detail columns work too


def test_evaluate_model_needs_an_active_model(db, tmp_path) -> None:
    with pytest.raises(CommandError, match="no level-1 model is active"):
        call_command("evaluate_model", str(tmp_path / "x.csv"))


def test_a_model_with_a_call_model_replaces_one_without_it_on_the_same_gate(labelled_rows, tmp_path) -> None:
    """An installation whose active model predates call models: the new model is trained on the same messages
    plus the spoken appeals, its web-message part scores the same on the gate, so it is promoted."""
    messages = str(write_csv(tmp_path / "a.csv", labelled_rows))
    train("--no-shared", "--no-spoken", "--csv", messages)
    before = ModelVersion.objects.get()
    assert (
        before.training["call_model"] is None and Level1Classifier.from_bytes(bytes(before.artifact)).call_model is None
    )
    output = train("--no-shared", "--csv", messages)
    assert "Call model on" in output and "Promoted" in output
    after = ModelVersion.objects.exclude(pk=before.pk).get()
    assert after.status == ModelStatus.ACTIVE and after.gate_macro_f1 >= before.gate_macro_f1
    call_model = after.training["call_model"]
    assert len(call_model["labels"]) == 15 and call_model["examples"] > 2000
    assert after.metrics["call_model_cross_validated"]["size"] == call_model["examples"]
    model = Level1Classifier.from_bytes(bytes(after.artifact))
    assert len(model.call_model.classes_) == 15
    assert set(model.classes_) == {row["label"] for row in labelled_rows}  # the web-message model is unchanged
