"""Evaluate the active level-1 model on a labelled CSV: macro-F1, accuracy and a per-class report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline import model_registry
from hotline.models import ModelKind
from triage.classify import evaluate_model
from triage.datasets import DatasetError, read_labelled_csv


class Command(BaseCommand):
    help = "Print the macro-F1, accuracy and per-class report of the active model on FILE.csv (label + text or title,detail)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        active = model_registry.active_version(ModelKind.CATEGORY_LEVEL1)
        if active is None:
            raise CommandError("no level-1 model is active: run `manage.py train_models` first")
        try:
            examples = read_labelled_csv(file)
        except (DatasetError, FileNotFoundError) as error:
            raise CommandError(str(error)) from None
        model = model_registry.load_level1(active)
        result = evaluate_model(model, examples)
        unknown = sorted({e.label for e in examples} - set(model.classes_))
        self.stdout.write(f"Model {active.version} on {file} ({result.size} messages)")
        self.stdout.write(f"macro-F1  {result.macro_f1:.4f}")
        self.stdout.write(f"accuracy  {result.accuracy:.4f}")
        self.stdout.write(f"{'class':<16}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
        for label, row in result.per_class.items():
            self.stdout.write(
                f"{label:<16}{row['precision']:>10.4f}{row['recall']:>10.4f}{row['f1']:>10.4f}{row['support']:>10}"
            )
        if unknown:
            self.stdout.write(self.style.WARNING(f"labels the model was not trained on: {', '.join(unknown)}"))
