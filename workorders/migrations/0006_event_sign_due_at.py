"""The sign deadline of each handling round, on the event that starts the round.

The dashboards compute the response rate per round from the event log; until now only the order held a sign
deadline, the latest round's. Events written before this migration get theirs here, once:

- the latest round of each order: the order's ``sign_due_at``, the deadline that round actually ran with;
- earlier rounds (before a reopen or a re-dispatch): the round's start plus the sign hours of the order's
  request type, as ``workorders.deadlines.clock_deadline`` computes it at dispatch. Under a deadline policy
  changed since, an earlier round gets today's hours: the only approximation, and only for old rounds.

The events are otherwise append-only; this fills a new column of existing rows and changes nothing else.
Rounds whose request type has no policy any more keep no deadline and are left out of the response rate."""

from datetime import timedelta

from django.db import migrations, models
from django.db.models import Exists, F, OuterRef, Subquery
from django.db.models.functions import Coalesce

# As in workorders.choices.ROUND_START_ACTIONS when this migration was written.
ROUND_STARTS = ("dispatch", "auto_dispatch", "arbitrate_redispatch", "reopen")


def backfill(apps: object, schema_editor: object) -> None:
    event_model = apps.get_model("workorders", "WorkOrderEvent")
    order_model = apps.get_model("workorders", "WorkOrder")
    policy_model = apps.get_model("workorders", "DeadlinePolicy")
    starts = event_model.objects.filter(action__in=ROUND_STARTS, sign_due_at__isnull=True)
    later_start = event_model.objects.filter(
        order=OuterRef("order"), action__in=ROUND_STARTS, created_at__gt=OuterRef("created_at")
    )
    order_deadline = order_model.objects.filter(pk=OuterRef("order_id")).values("sign_due_at")[:1]
    starts.filter(~Exists(later_start)).update(sign_due_at=Coalesce(Subquery(order_deadline), F("sign_due_at")))
    for request_type, hours in policy_model.objects.values_list("request_type", "sign_hours"):
        starts.filter(order__request_type=request_type).update(sign_due_at=F("created_at") + timedelta(hours=hours))


class Migration(migrations.Migration):
    dependencies = [
        ("workorders", "0005_dashboard_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="workorderevent",
            name="sign_due_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="sign by"),
        ),
        migrations.AddIndex(
            model_name="workorderevent",
            index=models.Index(
                condition=models.Q(("sign_due_at__isnull", False)), fields=["sign_due_at"], name="event_sign_due_idx"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
