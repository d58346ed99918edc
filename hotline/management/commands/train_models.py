"""Train the level-1 category classifier, register it with its metrics, and promote it if it is not worse."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline import model_registry
from hotline.models import ModelKind
from triage.datasets import DatasetError, read_labelled_csv, spoken_examples, teddy_examples


class Command(BaseCommand):
    help = (
        "Train the level-1 category classifier from the shared data (default), a CSV with text,label (or "
        "title,detail,label) columns, and/or the system's own confirmed orders; promote it only if it does at "
        "least as well as the active model on the held-out gate. The call model is trained on the spoken appeals "
        "shipped with the system (triage/data/spoken_appeals.txt and spoken_appeals_styles.txt)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--csv", type=Path, action="append", default=[], help="A labelled CSV to train on (repeatable)."
        )
        parser.add_argument("--no-shared", action="store_true", help="Leave out the shared Teddy Cup data.")
        parser.add_argument("--include-confirmed", action="store_true", help="Add the orders operators dispatched.")
        parser.add_argument(
            "--no-spoken", action="store_true", help="Train no call model (calls then read the web-message model)."
        )
        parser.add_argument("--if-missing", action="store_true", help="Do nothing when a model is already active.")
        parser.add_argument("--force", action="store_true", help="Promote even if the new model is worse.")
        parser.add_argument(
            "--datasets", type=Path, default=settings.HOTLINE["DATASETS_DIR"], help="Folder holding teddy2020c/."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_missing"] and model_registry.active_version_id(ModelKind.CATEGORY_LEVEL1):
            self.stdout.write("A level-1 model is already active; nothing to do.")
            return
        started = time.monotonic()
        examples, sources = [], {}
        try:
            if not options["no_shared"]:
                training, _dev = teddy_examples(options["datasets"] / "teddy2020c")  # dev is never trained on
                examples += training
                sources["teddy2020c"] = len(training)
            for path in options["csv"]:
                rows = read_labelled_csv(path, key_prefix=f"{path.name}:")
                examples += rows
                sources[str(path)] = len(rows)
        except (DatasetError, FileNotFoundError) as error:
            raise CommandError(str(error)) from None
        spoken = []
        if not options["no_spoken"]:
            try:
                spoken = spoken_examples()
            except DatasetError as error:
                raise CommandError(str(error)) from None
        if options["include_confirmed"]:
            confirmed = model_registry.confirmed_order_examples()
            examples += confirmed
            sources["confirmed_orders"] = len(confirmed)
        if not examples:
            raise CommandError("nothing to train on: give --csv, --include-confirmed, or leave the shared data in")
        self.stdout.write(f"Training on {len(examples)} messages from {json.dumps(sources, ensure_ascii=False)} …")
        if spoken:
            self.stdout.write(
                f"Call model on {len(spoken)} examples made from the spoken appeals (triage/data/spoken_appeals*.txt) …"
            )
        try:
            outcome = model_registry.model_train_level1(
                examples=examples, sources=sources, spoken=spoken, force=options["force"]
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        version, gate = outcome.version, outcome.version.metrics.get("gate", {})
        self.stdout.write(
            f"Model {version.version} ({version.size_bytes / 1e6:.1f} MB) in {time.monotonic() - started:.0f} s"
        )
        if gate:
            self.stdout.write(
                f"  gate ({gate['size']} held-out messages): macro-F1 {gate['macro_f1']:.4f}, accuracy {gate['accuracy']:.4f}"
            )
        cross = version.metrics.get("cross_validated", {})
        if cross:
            self.stdout.write(f"  cross-validated ({cross['size']} messages): macro-F1 {cross['macro_f1']:.4f}")
        calls = version.metrics.get("call_model_cross_validated", {})
        if calls:
            self.stdout.write(
                f"  call model, cross-validated ({calls['size']} spoken appeals): macro-F1 {calls['macro_f1']:.4f}"
            )
        style = self.style.SUCCESS if outcome.promoted else self.style.WARNING
        self.stdout.write(style(("Promoted: " if outcome.promoted else "Not promoted: ") + outcome.reason))
