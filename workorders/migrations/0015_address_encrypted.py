"""The order's address encrypted at rest too: it can be a home, down to the flat (5栋302室). Rows written before are
encrypted here; going back writes them as plain text again. Searches read the masked text (a street, not a flat)."""

from django.db import migrations

import workorders.encryption


def encrypt_existing(apps, schema_editor):
    workorders.encryption.reencrypt(
        apps.get_model("workorders", "WorkOrder"), using=schema_editor.connection.alias, only=["address"]
    )


def decrypt_existing(apps, schema_editor):
    workorders.encryption.decrypt_in_place(
        apps.get_model("workorders", "WorkOrder"), using=schema_editor.connection.alias, only=["address"]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("workorders", "0014_desk_queue_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="workorder",
            name="address",
            field=workorders.encryption.EncryptedCharField(blank=True, max_length=255, verbose_name="address"),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
