"""Undoing a merge is an action of its own in the event log (撤销合并); New Year's Day 2027 (元旦, 1 January, a
public holiday by law every year) joins the holiday calendar. The rest of 2027 waits for the State Council's
notice: until it is loaded the calendar's coverage ends on 2026-12-31 and administrators are warned."""

from datetime import date

from django.db import migrations, models

NEW_YEAR_2027 = date(2027, 1, 1)


def add_new_year_2027(apps, schema_editor):
    Holiday = apps.get_model("workorders", "Holiday")
    Holiday.objects.update_or_create(date=NEW_YEAR_2027, defaults={"kind": "holiday", "name": "元旦"})


def remove_new_year_2027(apps, schema_editor):
    apps.get_model("workorders", "Holiday").objects.filter(date=NEW_YEAR_2027, name="元旦").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workorders", "0011_personal_data_encrypted"),
    ]

    operations = [
        migrations.AlterField(
            model_name="workorderevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "Created"),
                    ("triage", "Analysed"),
                    ("edit", "Edited"),
                    ("dispatch", "Dispatched"),
                    ("sign", "Signed"),
                    ("assist_sign", "Signed (assisting)"),
                    ("contact", "Contacted citizen"),
                    ("reply", "Replied"),
                    ("assist_reply", "Assisting opinion"),
                    ("return", "Returned"),
                    ("arbitrate_redispatch", "Return accepted, re-dispatched"),
                    ("arbitrate_reject", "Return rejected"),
                    ("request_extension", "Extension requested"),
                    ("approve_extension", "Extension approved"),
                    ("reject_extension", "Extension rejected"),
                    ("supervise", "Put under supervision"),
                    ("remind", "Reminder"),
                    ("mark_overdue", "Overdue"),
                    ("callback", "Callback recorded"),
                    ("reopen", "Reopened"),
                    ("close", "Closed"),
                    ("cancel", "Cancelled"),
                    ("merge", "Merged into another order"),
                    ("unmerge", "Merge undone"),
                    ("auto_dispatch", "Dispatched automatically"),
                    ("claim", "Claimed"),
                ],
                max_length=32,
                verbose_name="action",
            ),
        ),
        migrations.RunPython(add_new_year_2027, remove_new_year_2027),
    ]
