"""Re-encrypt every encrypted value with the first of FIELD_ENCRYPTION_KEYS and recompute the phones' keyed hashes."""

from __future__ import annotations

import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser

from workorders.encryption import (
    UndecryptableValue,
    encrypted_fields,
    hash_fields,
    models_with_personal_data,
    reencrypt,
)


class Command(BaseCommand):
    help = (
        "Re-encrypt the personal data at rest with the first of FIELD_ENCRYPTION_KEYS (after a new key was put "
        "first, or SECRET_KEY changed with the old one in SECRET_KEY_FALLBACKS), and recompute the phones' keyed "
        "hashes with PERSONAL_DATA_HASH_KEY. Safe to run again; the old key can be removed once it has finished."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="rows written per statement (default 500)")

    def handle(self, *args: object, batch_size: int, **options: object) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        for model in models_with_personal_data(apps.get_models()):
            started = time.monotonic()
            try:
                rows = reencrypt(model, batch_size=batch_size)
            except UndecryptableValue as exc:
                raise CommandError(str(exc)) from None
            columns = [field.name for field in (*encrypted_fields(model), *hash_fields(model))]
            self.stdout.write(
                f"{model._meta.label}: {rows} rows re-written ({', '.join(columns)}) "
                f"in {time.monotonic() - started:.1f} s"
            )
        self.stdout.write(self.style.SUCCESS("Every encrypted value is now under the first key."))
