"""The three rates come from the event log, handling round by handling round: a reopen or a re-dispatch never
rewrites a past day's figures; the refresh every ten minutes and the full rebuild give the same rows; and
where nothing was reopened or re-dispatched the figures are those the order columns gave before."""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from analytics.dashboards.rollups import rollups_refresh
from analytics.models import DepartmentDaily
from tests.analytics.dashboards.conftest import moment
from tests.analytics.dashboards.pages import drill_rows, read
from tests.analytics.dashboards.test_rollups import snapshot
from tests.conftest import City, Personas
from tests.factories import make_order
from workorders import services
from workorders.choices import ROUND_START_ACTIONS, AssignmentStatus, ReturnReason, Satisfaction
from workorders.models import Assignment, Callback, DeadlinePolicy, Department, WorkOrder, WorkOrderEvent

pytestmark = pytest.mark.django_db

SIGN_HOURS = 2
RATE_COLUMNS = ("sign_due", "signed_on_time", "response_rate", "replied", "callbacks", "resolution_rate",
                "satisfied", "satisfaction_rate")  # fmt: skip


@pytest.fixture(autouse=True)
def policies(db: None) -> None:
    for request_type in ("complaint", "report", "help", "consult", "suggestion", "praise"):
        DeadlinePolicy.objects.update_or_create(
            request_type=request_type,
            defaults={"sign_hours": SIGN_HOURS, "first_contact_hours": 24, "resolve_working_days": 5},
        )


# --- a history played through the services, in time order ------------------------------------------------


@dataclass
class Story:
    """Actions through the services at chosen moments, played in time order; with ``refresh_every_evening``
    the periodic refresh runs at the end of every day, as the beat schedule would, seeing only what had
    happened by then."""

    city: City
    personas: Personas
    steps: list[tuple[datetime, Callable[[datetime], object]]] = field(default_factory=list)
    orders: dict[str, WorkOrder] = field(default_factory=dict)

    def at(self, when: datetime, action: Callable[[datetime], object]) -> None:
        self.steps.append((when, action))

    def play(self, *, refresh_every_evening: bool = False) -> None:
        self.steps.sort(key=lambda step: step[0])
        first, today = timezone.localdate(self.steps[0][0]), timezone.localdate()
        pending = list(self.steps)
        for offset in range((today - first).days + 1):
            day = first + timedelta(days=offset)
            evening = timezone.make_aware(datetime.combine(day, time(23, 59)))
            while pending and pending[0][0] <= evening:
                when, action = pending.pop(0)
                action(when)
            if refresh_every_evening:
                rollups_refresh(days=3, now=min(evening, timezone.now()))

    # the actions

    def create(self, name: str, **fields: Any) -> None:
        self.at(fields.pop("at"), lambda at: self.orders.__setitem__(name, make_order(at=at, **fields)))

    def dispatch(self, name: str, when: datetime, lead: Department, *assisting: Department) -> None:
        self.at(
            when,
            lambda at: services.workorder_dispatch(
                order=self.orders[name], by=self.personas.operator, lead_department=lead,
                assisting_departments=list(assisting), at=at,
            ),
        )  # fmt: skip

    def sign(self, name: str, when: datetime, officer: Any) -> None:
        self.at(when, lambda at: services.assignment_sign(order=self.orders[name], by=officer, at=at))

    def reply(self, name: str, when: datetime, officer: Any) -> None:
        self.at(
            when, lambda at: services.assignment_reply(order=self.orders[name], by=officer, reply="已处理。", at=at)
        )

    def callback(self, name: str, when: datetime, satisfaction: str, *, resolved: bool) -> None:
        self.at(
            when,
            lambda at: services.callback_record(
                order=self.orders[name], by=self.personas.operator, satisfaction=satisfaction, resolved=resolved, at=at
            ),
        )

    def return_order(self, name: str, when: datetime, officer: Any) -> None:
        self.at(
            when,
            lambda at: services.assignment_return(
                order=self.orders[name], by=officer, reason_code=ReturnReason.NOT_OUR_FUNCTION, reason="不属于本单位职责。",
                at=at,
            ),
        )  # fmt: skip

    def arbitrate(self, name: str, when: datetime, lead: Department | None = None) -> None:
        """Accept the return and re-dispatch to ``lead``, or reject it (no ``lead``)."""
        self.at(
            when,
            lambda at: services.workorder_arbitrate(
                order=self.orders[name], by=self.personas.operator, accept=lead is not None, reason="仲裁。",
                lead_department=lead, at=at,
            ),
        )  # fmt: skip


def ordinary_fortnight(city: City, personas: Personas) -> Story:
    """Two weeks with no reopen and no re-dispatch: leads and assisting departments signing in time, late or
    not at all, replies, callbacks of every verdict but dissatisfied, a return still waiting for arbitration
    and one rejected (the department then signs), and an order dispatched an hour ago."""
    story = Story(city, personas)
    a, b, district, street = personas.officer_a, personas.officer_b, personas.officer_district, personas.officer_street
    story.create("lights", title="路灯不亮", at=moment(13, 8), category=city.street_lights, area=city.community_area)
    story.dispatch("lights", moment(13, 9), city.housing, city.environment)
    story.sign("lights", moment(13, 10), a)
    story.sign("lights", moment(13, 14), b)  # the assisting bureau, late
    story.reply("lights", moment(12, 15), b)
    story.reply("lights", moment(11, 16), a)
    story.callback("lights", moment(10, 10), Satisfaction.SATISFIED, resolved=True)

    story.create("noise", title="夜间施工噪声", at=moment(12, 21), category=city.pollution, area=city.street_area)
    story.dispatch("noise", moment(12, 22), city.environment, city.district)
    story.sign("noise", moment(12, 23, 30), b)  # the same evening, in time
    story.sign("noise", moment(10, 9), district)  # two days late
    story.reply("noise", moment(9, 11), b)
    story.callback("noise", moment(8, 10), Satisfaction.BASICALLY_SATISFIED, resolved=False)

    story.create("manhole", title="井盖缺失", at=moment(8, 7), category=city.street_lights, area=city.street_area)
    story.dispatch("manhole", moment(8, 8), city.district, city.street)
    story.sign("manhole", moment(7, 9), street)  # only the street office signs, late

    story.create("misrouted", title="噪声", at=moment(6, 9), category=city.pollution, area=city.street_area)
    story.dispatch("misrouted", moment(6, 10), city.housing)
    story.return_order("misrouted", moment(6, 11), a)  # waiting for arbitration ever since

    story.create("rejected", title="物业纠纷", at=moment(5, 9), category=city.construction, area=city.district_area)
    story.dispatch("rejected", moment(5, 10), city.housing)
    story.return_order("rejected", moment(5, 10, 30), a)
    story.arbitrate("rejected", moment(5, 15))  # rejected: back to housing, which signs the next day
    story.sign("rejected", moment(4, 9), a)
    story.reply("rejected", moment(2, 14), a)
    story.callback("rejected", moment(1, 10), Satisfaction.SATISFIED, resolved=True)

    story.create("recent", title="咨询", at=timezone.now() - timedelta(hours=2), category=city.construction)
    story.dispatch("recent", timezone.now() - timedelta(hours=1), city.housing)  # its sign deadline is still ahead
    return story


def reopened_and_redispatched(city: City, personas: Personas) -> Story:
    """The fortnight, plus an order reopened by a dissatisfied citizen and then returned and re-dispatched
    to another bureau, which the citizen finally accepts."""
    story = ordinary_fortnight(city, personas)
    a, b = personas.officer_a, personas.officer_b
    story.create("leak", title="管道漏水", at=moment(9, 8), category=city.construction, area=city.district_area)
    story.dispatch("leak", moment(9, 9), city.housing)
    story.sign("leak", moment(9, 10), a)
    story.reply("leak", moment(8, 16), a)
    story.callback("leak", moment(7, 10), Satisfaction.DISSATISFIED, resolved=False)  # reopened
    story.return_order("leak", moment(6, 9), a)  # the second round: housing returns it unsigned
    story.arbitrate("leak", moment(5, 9), city.environment)
    story.sign("leak", moment(5, 10), b)
    story.reply("leak", moment(4, 15), b)
    story.callback("leak", moment(3, 10), Satisfaction.SATISFIED, resolved=True)
    return story


# --- (a) the periodic refresh and the full rebuild -------------------------------------------------------


@pytest.mark.parametrize("history", [ordinary_fortnight, reopened_and_redispatched])
def test_the_evening_refreshes_leave_the_rows_the_full_rebuild_writes(
    city: City, personas: Personas, history: Callable[[City, Personas], Story]
) -> None:
    history(city, personas).play(refresh_every_evening=True)
    refreshed = snapshot()

    call_command("refresh_rollups", "--all", stdout=StringIO())

    assert snapshot() == refreshed
    assert refreshed["department_work"]  # something was counted


# --- (b) where nothing was reopened or re-dispatched: the figures the order columns gave ------------------


def column_based_department_work(now: datetime) -> dict[tuple[date, int], dict[str, int]]:
    """What the department rollup counted before it read the event log: the assignments' signing and reply
    columns, the order's current sign deadline and lead department, the callbacks table."""
    rows: dict[tuple[date, int], Counter] = {}

    def add(at: datetime, department_id: int, name: str) -> None:
        rows.setdefault((timezone.localdate(at), department_id), Counter())[name] += 1

    for a in Assignment.objects.select_related("order"):
        add(a.assigned_at, a.department_id, "dispatched")
        if a.signed_at:
            add(a.signed_at, a.department_id, "signed")
        if a.replied_at:
            add(a.replied_at, a.department_id, "replied")
        due = a.order.sign_due_at
        if a.status != AssignmentStatus.WITHDRAWN and due and (a.signed_at or due < now):
            add(due, a.department_id, "sign_due")
            if a.signed_at and a.signed_at <= due:
                add(due, a.department_id, "signed_on_time")
    for c in Callback.objects.select_related("order"):
        lead = c.order.lead_department_id
        add(c.created_at, lead, "callbacks")
        if c.resolved:
            add(c.created_at, lead, "resolved")
        if c.satisfaction in (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED):
            add(c.created_at, lead, "satisfied")
    return {key: dict(counts) for key, counts in rows.items()}


def department_work() -> dict[tuple[date, int], dict[str, int]]:
    names = ("dispatched", "sign_due", "signed_on_time", "signed", "replied", "callbacks", "resolved", "satisfied")
    return {
        (r.day, r.department_id): {name: getattr(r, name) for name in names if getattr(r, name)}
        for r in DepartmentDaily.objects.all()
    }


def test_without_reopens_or_redispatches_the_figures_are_those_of_the_order_columns(
    city: City, personas: Personas
) -> None:
    ordinary_fortnight(city, personas).play()
    now = timezone.now()

    rollups_refresh(days=None, now=now)

    assert department_work() == column_based_department_work(now)
    assert not WorkOrderEvent.objects.filter(action__in=["reopen", "arbitrate_redispatch"]).exists()


def test_the_rates_a_manager_reads_for_an_ordinary_fortnight(client: Client, city: City, personas: Personas) -> None:
    ordinary_fortnight(city, personas).play()
    rollups_refresh(days=None)

    rates = rates_table(client, personas.manager, moment(14, 0).date(), timezone.localdate())

    # Housing: the street lights in time, the rejected return signed the next day, the misrouted order
    # returned and never signed; the recent order is not due yet.
    assert rates[city.housing.name][:3] == ("3", "1", "33.3%")
    # The environment bureau: late as assistant on the street lights, in time as lead on the noise.
    assert rates[city.environment.name][:3] == ("2", "1", "50.0%")
    assert rates[city.environment.name][4:] == ("1", "0.0%", "1", "100.0%")  # the noise order's callback
    # The district with its street office: the district signed the noise order late and the manhole not at
    # all, the street office signed the manhole late.
    assert rates[city.district.name][:3] == ("3", "0", "0.0%")


# --- (c) a reopen or a re-dispatch leaves the past as it was ---------------------------------------------


def rates_table(client: Client, user: Any, first: date, last: date) -> dict[str, tuple[str, ...]]:
    """The league table a manager reads for the period: per department, the rate columns as shown."""
    client.force_login(user)
    page = read(client.get(reverse("dashboard"), {"date_from": first.isoformat(), "date_to": last.isoformat()}))
    assert page.status == 200
    table = page.tables["rates"]
    shown = {}
    for row in table.rows:
        cells = {cell.column: cell for cell in row}
        shown[cells["department"].text] = tuple(cells[name].text for name in RATE_COLUMNS)
    return shown


def test_a_reopen_leaves_the_rates_of_the_days_before_it_unchanged(
    client: Client, city: City, personas: Personas
) -> None:
    story = Story(city, personas)
    story.create("leak", title="管道漏水", at=moment(6, 8), category=city.construction, area=city.district_area)
    story.dispatch("leak", moment(6, 9), city.housing, city.environment)
    story.sign("leak", moment(6, 10), personas.officer_a)  # in time
    story.sign("leak", moment(6, 10, 30), personas.officer_b)  # in time
    story.reply("leak", moment(5, 15), personas.officer_a)
    story.play()
    rollups_refresh(days=None)
    first, last = moment(6, 0).date(), moment(5, 0).date()
    before = rates_table(client, personas.manager, first, last)
    assert before[city.housing.name][:3] == ("1", "1", "100.0%")

    # Two days later the citizen is not satisfied: the order is reopened, and this time housing is late.
    later = Story(city, personas, orders=story.orders)
    later.callback("leak", moment(3, 10), Satisfaction.DISSATISFIED, resolved=False)
    later.sign("leak", moment(2, 9), personas.officer_a)
    later.play()
    rollups_refresh(days=None)

    assert rates_table(client, personas.manager, first, last) == before
    whole = rates_table(client, personas.manager, first, timezone.localdate())
    assert whole[city.housing.name][:3] == ("2", "1", "50.0%")  # both rounds count, each on its own day
    assert whole[city.housing.name][4:] == ("1", "0.0%", "0", "0.0%")  # the dissatisfied callback


def test_a_redispatch_leaves_the_rates_of_the_days_before_it_unchanged(
    client: Client, city: City, personas: Personas
) -> None:
    story = Story(city, personas)
    story.create("leak", title="管道漏水", at=moment(8, 8), category=city.construction, area=city.district_area)
    story.dispatch("leak", moment(8, 9), city.housing)
    story.sign("leak", moment(8, 12), personas.officer_a)  # late
    story.reply("leak", moment(7, 15), personas.officer_a)
    story.callback("leak", moment(6, 10), Satisfaction.DISSATISFIED, resolved=False)  # reopened
    story.play()
    rollups_refresh(days=None)
    first, last = moment(8, 0).date(), moment(6, 0).date()
    before = rates_table(client, personas.manager, first, last)
    # Signed late in the first round; not signed in the second, whose deadline has passed; one reply; one
    # dissatisfied callback.
    assert before[city.housing.name] == ("2", "0", "0.0%", "1", "1", "0.0%", "0", "0.0%")

    # Then housing returns the reopened order and it goes to the environment bureau, which the citizen thanks.
    later = Story(city, personas, orders=story.orders)
    later.return_order("leak", moment(5, 9), personas.officer_a)
    later.arbitrate("leak", moment(4, 9), city.environment)
    later.sign("leak", moment(4, 10), personas.officer_b)
    later.reply("leak", moment(3, 15), personas.officer_b)
    later.callback("leak", moment(2, 10), Satisfaction.SATISFIED, resolved=True)
    later.play()
    rollups_refresh(days=None)

    assert rates_table(client, personas.manager, first, last) == before  # the first callback stays housing's
    after = rates_table(client, personas.manager, first, timezone.localdate())
    assert after[city.environment.name][:3] == ("1", "1", "100.0%")
    assert after[city.environment.name][4:] == ("1", "100.0%", "1", "100.0%")


def test_the_drill_down_lists_each_round_a_rate_counts(client: Client, city: City, personas: Personas) -> None:
    reopened_and_redispatched(city, personas).play()
    rollups_refresh(days=None)
    client.force_login(personas.manager)
    period = {"date_from": moment(14, 0).date().isoformat(), "date_to": timezone.localdate().isoformat()}
    page = read(client.get(reverse("dashboard"), period))

    for row in page.tables["rates"].rows:
        cells = {cell.column: cell for cell in row}
        for column in ("sign_due", "signed_on_time", "replied", "callbacks", "resolved", "satisfied"):
            listed = drill_rows(client, cells[column].href)
            assert len(listed) == int(cells[column].text), (cells["department"].text, column)


# --- the deadline of every round is in the log -----------------------------------------------------------


def test_every_round_records_its_sign_deadline_and_older_events_get_theirs_from_the_migration(
    city: City, personas: Personas
) -> None:
    reopened_and_redispatched(city, personas).play()
    starts = WorkOrderEvent.objects.filter(action__in=ROUND_START_ACTIONS)
    recorded = dict(starts.values_list("pk", "sign_due_at"))
    assert all(recorded[event.pk] == event.created_at + timedelta(hours=SIGN_HOURS) for event in starts)
    assert starts.filter(action="reopen").count() == 1

    starts.update(sign_due_at=None)  # as the events written before the column existed
    importlib.import_module("workorders.migrations.0006_event_sign_due_at").backfill(apps, None)

    assert dict(starts.values_list("pk", "sign_due_at")) == recorded
