"""The rollup tables the dashboards read hold exactly what counting the orders, assignments, events, reviews
and submissions directly gives, after orders went through their lifecycle; refreshing again changes nothing;
the periodic refresh follows what happened since."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from analytics.dashboards.rollups import rollups_refresh
from analytics.models import (
    AiReviewDaily,
    DepartmentDaily,
    DepartmentVolumeDaily,
    OrderVolumeDaily,
    ReturnDaily,
    RollupRefresh,
    SubmissionDaily,
)
from hotline.models import Submission
from tests.analytics.dashboards.conftest import History, moment
from tests.conftest import City, Personas
from workorders import services
from workorders.choices import (
    ROUND_START_ACTIONS,
    VISIBLE_ASSIGNMENT_STATUSES,
    Action,
    AreaKind,
    AssignmentRole,
    ReturnReason,
    Satisfaction,
)
from workorders.models import AiFieldReview, Area, Assignment, Department, WorkOrder, WorkOrderEvent

pytestmark = pytest.mark.django_db

SIGNATURES = (Action.SIGN, Action.ASSIST_SIGN)
REPLIES = (Action.REPLY, Action.ASSIST_REPLY)


def day(at: datetime) -> date:
    return timezone.localdate(at)


def district_of(area: Area | None) -> int | None:
    if area is None:
        return None
    found = Area.objects.filter(pk__in=area.ancestors_and_self_ids(), kind=AreaKind.DISTRICT).first()
    return found.pk if found else None


# --- what counting directly gives ------------------------------------------------------------------------


def direct_volume() -> Counter:
    return Counter(
        (
            day(o.created_at),
            o.channel,
            o.category.ancestors_and_self_ids()[0] if o.category else None,
            district_of(o.area),
        )
        for o in WorkOrder.objects.select_related("category", "area")
    )


def direct_department_volume() -> Counter:
    counts: Counter = Counter()
    for order in WorkOrder.objects.select_related("category", "area"):
        holders = Department.objects.filter(
            assignments__order=order, assignments__status__in=VISIBLE_ASSIGNMENT_STATUSES
        ).distinct()
        in_scope = {pk for holder in holders for pk in holder.ancestors_and_self_ids()}
        level1 = order.category.ancestors_and_self_ids()[0] if order.category else None
        for department_id in in_scope:
            counts[(day(order.created_at), department_id, order.channel, level1, district_of(order.area))] += 1
    return counts


def direct_department_work(now: datetime) -> dict[tuple[date, int], dict[str, int]]:
    """The department rollup's definition restated in plain Python over the event log: handling rounds, the
    assignments each round is for, signatures within the round, callbacks credited to the lead of the moment."""
    rows: dict[tuple[date, int], Counter] = {}

    def add(at: datetime, department_id: int, name: str) -> None:
        rows.setdefault((day(at), department_id), Counter())[name] += 1

    assignments: dict[int, list[Assignment]] = {}
    for a in Assignment.objects.all():
        add(a.assigned_at, a.department_id, "dispatched")
        assignments.setdefault(a.order_id, []).append(a)
    events: dict[int, list[WorkOrderEvent]] = {}
    for event in WorkOrderEvent.objects.order_by("created_at", "id"):
        events.setdefault(event.order_id, []).append(event)
    for order_id, history in events.items():
        held = assignments.get(order_id, [])
        starts = [e for e in history if e.action in ROUND_START_ACTIONS]
        for number, start in enumerate(starts):
            ended = starts[number + 1].created_at if number + 1 < len(starts) else None
            since = max(a.assigned_at for a in held if a.assigned_at <= start.created_at)
            for a in (a for a in held if a.assigned_at == since):
                signed = min(
                    (
                        e.created_at
                        for e in history
                        if e.action in SIGNATURES
                        and e.department_id == a.department_id
                        and start.created_at <= e.created_at
                        and (ended is None or e.created_at < ended)
                    ),
                    default=None,
                )
                due = start.sign_due_at
                if signed or (due < now and (ended is None or ended > due)):
                    add(due, a.department_id, "sign_due")
                    if signed and signed <= due:
                        add(due, a.department_id, "signed_on_time")
        for e in history:
            if e.action in SIGNATURES:
                add(e.created_at, e.department_id, "signed")
            elif e.action in REPLIES:
                add(e.created_at, e.department_id, "replied")
            elif e.action == Action.CALLBACK:
                leads = [a for a in held if a.role == AssignmentRole.LEAD and a.assigned_at <= e.created_at]
                lead = max(leads, key=lambda a: a.assigned_at).department_id
                add(e.created_at, lead, "callbacks")
                if e.changes["resolved"][1]:
                    add(e.created_at, lead, "resolved")
                if e.reason_code in (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED):
                    add(e.created_at, lead, "satisfied")
    return {key: dict(counts) for key, counts in rows.items()}


def rollup_volume() -> Counter:
    return Counter({(r.day, r.channel, r.category_id, r.district_id): r.orders for r in OrderVolumeDaily.objects.all()})


def rollup_department_volume() -> Counter:
    return Counter(
        {
            (r.day, r.department_id, r.channel, r.category_id, r.district_id): r.orders
            for r in DepartmentVolumeDaily.objects.all()
        }
    )


def rollup_department_work() -> dict[tuple[date, int], dict[str, int]]:
    names = ("dispatched", "sign_due", "signed_on_time", "signed", "replied", "callbacks", "resolved", "satisfied")
    return {
        (r.day, r.department_id): {name: getattr(r, name) for name in names if getattr(r, name)}
        for r in DepartmentDaily.objects.all()
    }


def snapshot() -> dict[str, Any]:
    return {
        "volume": rollup_volume(),
        "department_volume": rollup_department_volume(),
        "department_work": rollup_department_work(),
        "submissions": Counter({(r.day, r.channel): r.submissions for r in SubmissionDaily.objects.all()}),
        "returns": Counter({(r.day, r.department_id, r.reason): r.returns for r in ReturnDaily.objects.all()}),
        "ai": {(r.day, r.field, r.category_level1): (r.reviewed, r.accepted) for r in AiReviewDaily.objects.all()},
    }


def direct(now: datetime) -> dict[str, Any]:
    reviews: dict[tuple[date, str, str], tuple[int, int]] = {}
    for review in AiFieldReview.objects.filter(automatic=False):
        key = (day(review.created_at), review.field, review.category_level1)
        reviewed, accepted = reviews.get(key, (0, 0))
        reviews[key] = (reviewed + 1, accepted + review.accepted)
    return {
        "volume": direct_volume(),
        "department_volume": direct_department_volume(),
        "department_work": direct_department_work(now),
        "submissions": Counter((day(s.received_at), s.channel) for s in Submission.objects.all()),
        "returns": Counter(
            (day(e.created_at), e.department_id, e.reason_code)
            for e in WorkOrderEvent.objects.filter(action=Action.RETURN)
        ),
        "ai": reviews,
    }


# --- the tests ------------------------------------------------------------------------------------------


def test_full_refresh_equals_counting_the_rows_directly(dashboard_history: History) -> None:
    rollups_refresh(days=None, now=dashboard_history.now)

    assert snapshot() == direct(dashboard_history.now)


def test_the_rollups_say_what_happened_in_the_departments(dashboard_history: History, city: City) -> None:
    """The figures a manager reads off the dashboard, checked against the story of the fixture."""
    rollups_refresh(days=None, now=dashboard_history.now)
    work = rollup_department_work()
    six_days_ago, four_days_ago = moment(6, 0).date(), moment(4, 0).date()

    # Housing signed the street-light order within two hours; the environment bureau, assisting, did not.
    assert work[(six_days_ago, city.housing.pk)]["sign_due"] == 1
    assert work[(six_days_ago, city.housing.pk)]["signed_on_time"] == 1
    assert work[(six_days_ago, city.environment.pk)]["sign_due"] == 1
    assert "signed_on_time" not in work[(six_days_ago, city.environment.pk)]
    # The satisfied callback counts for housing, the lead department, on the day it was recorded.
    assert work[(four_days_ago, city.housing.pk)] == {"callbacks": 1, "resolved": 1, "satisfied": 1}
    # The noise order's two callbacks (dissatisfied, then basically satisfied) both count for the environment bureau.
    environment_callbacks = sum(v.get("callbacks", 0) for (d, pk), v in work.items() if pk == city.environment.pk)
    environment_satisfied = sum(v.get("satisfied", 0) for (d, pk), v in work.items() if pk == city.environment.pk)
    assert (environment_callbacks, environment_satisfied) == (2, 1)
    # Housing's return, with its reason.
    assert ReturnDaily.objects.get().department_id == city.housing.pk
    assert ReturnDaily.objects.get().reason == ReturnReason.NOT_OUR_FUNCTION
    # Only the operator's dispatch was reviewed: six fields of one order, the category corrected.
    ai = {r.field: (r.reviewed, r.accepted) for r in AiReviewDaily.objects.all()}
    assert ai["category_level1"] == (1, 1)
    assert ai["category"] == (1, 0)
    # Orders per day: six orders, one of them without a category or district.
    assert sum(rollup_volume().values()) == 6
    assert OrderVolumeDaily.objects.get(category__isnull=True).district_id is None
    # The street office's scope holds the manhole order; the district's holds it too (the street is below it).
    in_scope = {(r.department_id, r.orders) for r in DepartmentVolumeDaily.objects.filter(day=moment(3, 0).date())}
    assert {(city.district.pk, 1), (city.street.pk, 1)} <= in_scope


def test_refreshing_twice_does_not_double_count(dashboard_history: History) -> None:
    rollups_refresh(days=None, now=dashboard_history.now)
    first = snapshot()

    rollups_refresh(days=None, now=dashboard_history.now)
    rollups_refresh(days=3, now=dashboard_history.now)

    assert snapshot() == first
    assert RollupRefresh.objects.count() == 3


def test_the_periodic_refresh_follows_what_happened_since(
    dashboard_history: History, city: City, personas: Personas
) -> None:
    rollups_refresh(days=None, now=dashboard_history.now)
    old = dashboard_history.old
    created = day(old.created_at)
    assert DepartmentVolumeDaily.objects.filter(day=created, department=city.housing).exists()

    # Today: housing returns the twenty-day-old order and it goes to the environment bureau instead.
    now = timezone.now()
    services.assignment_return(
        order=old, by=personas.officer_a, reason_code=ReturnReason.NOT_OUR_AREA, reason="不在本单位辖区。",
        at=now - timedelta(minutes=2),
    )  # fmt: skip
    services.workorder_arbitrate(
        order=old, by=personas.operator, accept=True, reason="改派。", lead_department=city.environment,
        at=now - timedelta(minutes=1),
    )  # fmt: skip
    rollups_refresh(days=3, now=now)

    # The order's creation day is recomputed: it is now in the environment bureau's scope, not housing's.
    holders = set(DepartmentVolumeDaily.objects.filter(day=created).values_list("department_id", flat=True))
    assert holders == {city.environment.pk}
    assert ReturnDaily.objects.filter(day=day(now), department=city.housing, reason=ReturnReason.NOT_OUR_AREA).exists()
    counted, expected = snapshot(), direct(now)
    for table in ("volume", "department_volume", "submissions", "returns", "ai"):
        assert counted[table] == expected[table], table
    # The department work of the last three days follows too; older days wait for the nightly refresh.
    recent = day(now) - timedelta(days=2)
    assert {k: v for k, v in counted["department_work"].items() if k[0] >= recent} == {
        k: v for k, v in expected["department_work"].items() if k[0] >= recent
    }


def test_the_management_command_rebuilds_everything(dashboard_history: History) -> None:
    call_command("refresh_rollups", "--all", stdout=StringIO())

    record = RollupRefresh.objects.get()
    assert record.first_day == moment(20, 0).date()
    assert record.last_day == timezone.localdate()
    assert sum(rollup_volume().values()) == WorkOrder.objects.count()
