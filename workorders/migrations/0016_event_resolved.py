"""A callback event's "resolved" flag in the clear beside its encrypted changes, so the dashboards count solved
callbacks from the event log in SQL. Existing callback events take it from their (decrypted) changes."""

from django.db import migrations, models


def fill_resolved(apps, schema_editor):
    event_model = apps.get_model("workorders", "WorkOrderEvent")
    events = event_model.objects.using(schema_editor.connection.alias).filter(action="callback")
    for event in events.only("id", "changes").iterator(chunk_size=2000):
        resolved = bool((event.changes or {}).get("resolved", ["", False])[1])
        # update(), not save(): events are append-only, and their model's save() refuses a change.
        event_model.objects.using(schema_editor.connection.alias).filter(pk=event.pk).update(resolved=resolved)


class Migration(migrations.Migration):
    dependencies = [
        ("workorders", "0015_address_encrypted"),
    ]

    operations = [
        migrations.AddField(
            model_name="workorderevent",
            name="resolved",
            field=models.BooleanField(blank=True, null=True, verbose_name="resolved"),
        ),
        migrations.RunPython(fill_resolved, migrations.RunPython.noop),
    ]
