"""`manage.py seed_demo` builds the demo city from ../shared/datasets and can run again safely."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count

from accounts.models import Role, User
from hotline.models import Submission
from workorders.choices import Status
from workorders.models import Area, Category, Department, DispatchRule, WorkOrder, WorkOrderEvent

pytestmark = pytest.mark.django_db

DATASET = settings.HOTLINE["DATASETS_DIR"] / "teddy2020c"


@pytest.fixture(scope="module")
def dataset_present() -> None:
    if not (DATASET / "taxonomy.csv").is_file():
        pytest.skip(f"the shared data set is not at {DATASET}")


def seed(limit: int) -> str:
    out = StringIO()
    call_command("seed_demo", limit=limit, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Category, Area, Department, DispatchRule, User, Submission, WorkOrder, WorkOrderEvent)
    }


def test_seed_builds_the_city_and_its_history_and_is_idempotent(dataset_present: None) -> None:
    output = seed(limit=80)

    assert Category.objects.filter(level=1).count() == 15
    assert Category.objects.filter(level=2).count() == 118
    assert Category.objects.filter(level=3).count() == 517
    assert set(Area.objects.filter(kind="district").values_list("name", flat=True)) == {
        "A1区", "A2区", "A3区", "A4区", "A5区", "A6区", "A7县", "A8县", "A9市"
    }  # fmt: skip
    assert Area.objects.filter(kind="street").count() > 20
    assert 25 <= Department.objects.count() <= 60
    covered = {rule.category.path.split("/")[1] for rule in DispatchRule.objects.select_related("category")}
    assert covered >= {str(pk) for pk in Category.objects.filter(level=1).values_list("pk", flat=True)}
    for role in (Role.OPERATOR, Role.OFFICER, Role.MANAGER, Role.ADMIN):
        assert User.objects.filter(role=role, username__in=["operator", "officer", "manager", "admin"]).exists()
    assert User.objects.get(username="operator").check_password("hotline123")
    assert "operator" in output and "hotline123" in output

    assert WorkOrder.objects.count() == 80
    statuses = dict(WorkOrder.objects.values_list("status").annotate(n=Count("id")))
    assert statuses.get(Status.CLOSED, 0) > 40
    assert sum(statuses.values()) - statuses.get(Status.CLOSED, 0) > 0  # some still open
    for order in WorkOrder.objects.filter(status=Status.CLOSED).prefetch_related("events", "callbacks")[:20]:
        actions = [e.action for e in order.events.all()]
        assert actions[0] == "create" and actions[-1] == "close" and "reply" in actions
        assert order.callbacks.exists()
    assert WorkOrder.objects.filter(category__isnull=True).exclude(status=Status.DRAFT).count() == 0

    before = counts()
    seed(limit=80)
    assert counts() == before  # nothing twice

    seed(limit=100)  # a larger sample adds the missing orders only
    assert WorkOrder.objects.count() == 100
    assert Submission.objects.values("sender_id").annotate(n=Count("id")).filter(n__gt=1).count() == 0
