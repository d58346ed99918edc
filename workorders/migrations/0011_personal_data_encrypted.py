"""The caller's name and phone, the raw appeal and the events' field changes encrypted at rest, and the keyed hash
of the phone to find a caller's orders (``workorders.encryption``). Rows written before are encrypted here; going
back writes them as plain text again."""

from django.db import migrations

import workorders.encryption


def encrypt_existing(apps, schema_editor):
    for name in ("WorkOrder", "WorkOrderEvent"):
        workorders.encryption.reencrypt(apps.get_model("workorders", name), using=schema_editor.connection.alias)


def decrypt_existing(apps, schema_editor):
    for name in ("WorkOrder", "WorkOrderEvent"):
        workorders.encryption.decrypt_in_place(
            apps.get_model("workorders", name), using=schema_editor.connection.alias
        )


class Migration(migrations.Migration):

    dependencies = [
        ('workorders', '0010_order_claim'),
    ]

    operations = [
        migrations.AddField(
            model_name='workorder',
            name='caller_phone_hash',
            field=workorders.encryption.PhoneHashField(blank=True, db_index=True, editable=False, max_length=64, source='caller_phone', verbose_name='caller phone (keyed hash)'),
        ),
        migrations.AlterField(
            model_name='workorder',
            name='appeal',
            field=workorders.encryption.EncryptedTextField(help_text='What the citizen asks for, in their words or the transcript.', verbose_name='appeal'),
        ),
        migrations.AlterField(
            model_name='workorder',
            name='caller_name',
            field=workorders.encryption.EncryptedCharField(blank=True, max_length=64, verbose_name='caller name'),
        ),
        migrations.AlterField(
            model_name='workorder',
            name='caller_phone',
            field=workorders.encryption.EncryptedCharField(blank=True, max_length=32, verbose_name='caller phone'),
        ),
        migrations.AlterField(
            model_name='workorderevent',
            name='changes',
            field=workorders.encryption.EncryptedJSONField(blank=True, default=dict, verbose_name='field changes'),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
