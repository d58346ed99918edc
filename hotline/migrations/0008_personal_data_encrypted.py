"""The submissions' caller, raw body and payload encrypted at rest (``workorders.encryption``), and the public's
likes of a web message kept in a column of their own (the hotspots read them; the payload can no longer be read
in a query). Rows written before are encrypted here; going back writes them as plain text again."""

from django.db import migrations, models

import workorders.encryption


def _likes(payload):
    likes = payload.get("likes") if isinstance(payload, dict) else None
    return min(int(likes), 10**9) if str(likes or "").isdigit() else 0


def encrypt_existing(apps, schema_editor):
    Submission = apps.get_model("hotline", "Submission")
    alias = schema_editor.connection.alias
    for submission in Submission.objects.using(alias).only("pk", "payload").iterator(chunk_size=500):
        if likes := _likes(submission.payload):
            Submission.objects.using(alias).filter(pk=submission.pk).update(likes=likes)
    workorders.encryption.reencrypt(Submission, using=alias)


def decrypt_existing(apps, schema_editor):
    workorders.encryption.decrypt_in_place(apps.get_model("hotline", "Submission"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ('hotline', '0007_order_text_key'),
    ]

    operations = [
        migrations.AddField(
            model_name='submission',
            name='likes',
            field=models.PositiveIntegerField(default=0, verbose_name='likes'),
        ),
        migrations.AlterField(
            model_name='submission',
            name='caller_name',
            field=workorders.encryption.EncryptedCharField(blank=True, max_length=64, verbose_name='caller name'),
        ),
        migrations.AlterField(
            model_name='submission',
            name='caller_phone',
            field=workorders.encryption.EncryptedCharField(blank=True, max_length=32, verbose_name='caller phone'),
        ),
        migrations.AlterField(
            model_name='submission',
            name='payload',
            field=workorders.encryption.EncryptedJSONField(default=dict, verbose_name='parsed payload'),
        ),
        migrations.AlterField(
            model_name='submission',
            name='raw_body',
            field=workorders.encryption.EncryptedTextField(help_text='The request body exactly as received.', verbose_name='raw body'),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
