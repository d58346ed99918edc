"""Load China's official 2024–2026 holiday calendar and default deadline policies (both editable)."""

import csv
from datetime import date
from pathlib import Path

from django.db import migrations

HOLIDAYS_CSV = Path(__file__).resolve().parent.parent / "data" / "holidays_cn.csv"

# request type: (hours to sign, hours to first contact, working days to resolve)
DEFAULT_POLICIES = {
    "complaint": (2, 24, 7),
    "report": (2, 24, 15),
    "help": (1, 12, 5),
    "consult": (2, 24, 3),
    "suggestion": (4, 48, 15),
    "praise": (4, 48, 5),
}


def load(apps, schema_editor):
    Holiday = apps.get_model("workorders", "Holiday")
    DeadlinePolicy = apps.get_model("workorders", "DeadlinePolicy")
    with HOLIDAYS_CSV.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        for row in rows:
            Holiday.objects.update_or_create(
                date=date.fromisoformat(row["date"]), defaults={"kind": row["kind"], "name": row["name"]}
            )
    for request_type, (sign, contact, days) in DEFAULT_POLICIES.items():
        DeadlinePolicy.objects.get_or_create(
            request_type=request_type,
            defaults={"sign_hours": sign, "first_contact_hours": contact, "resolve_working_days": days},
        )


class Migration(migrations.Migration):
    dependencies = [("workorders", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
