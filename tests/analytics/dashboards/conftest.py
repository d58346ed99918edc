"""A week of the small city's work for the dashboard tests, played through the real services at chosen
moments: orders created, dispatched, signed on time and late, returned and re-dispatched, replied, called
back (one dissatisfied and reopened), an order nobody signs, a draft without a category, submissions, and
the operators' reviews of AI-filled fields.

``dashboard_history`` is requested by name only (no autouse), so other analytics tests are not affected."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from tests.conftest import City, Personas
from tests.factories import SubmissionFactory, make_order
from workorders import services
from workorders.choices import Channel, ReturnReason, Satisfaction
from workorders.models import DeadlinePolicy, WorkOrder


def moment(days_ago: int, hour: int, minute: int = 0) -> datetime:
    """A local time ``days_ago`` days before today."""
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@dataclass
class History:
    now: datetime
    street_lights: WorkOrder  # housing leads (signed on time), environment assists (signed late); satisfied
    returned: WorkOrder  # housing returns it; environment leads, signs late, is reopened, then on time
    unsigned: WorkOrder  # the district leads and the street assists; nobody signs in time
    draft: WorkOrder  # no category, no area
    old: WorkOrder  # dispatched to housing 20 days ago and never signed
    automatic: WorkOrder  # dispatched by triage itself: its AI reviews are not counted
    orders: list[WorkOrder] = field(default_factory=list)


def _triage(city: City, *, level1: int, category: int, department: int) -> dict[str, object]:
    """What triage proposed for an order, as it stores it (the ids of its best guesses and its versions)."""
    return {
        "versions": {"level1": "l1-test", "category": "lexicon-test", "rules": "rules-test"},
        "level1": {"value": level1, "confidence": 0.93},
        "category": {"value": category, "confidence": 0.61},
        "department": {"value": department, "confidence": 0.8},
        "request_type": {"value": "complaint", "confidence": 0.9},
        "urgency": {"value": "normal", "confidence": 0.95},
        "area": {"value": city.community_area.pk, "confidence": 0.7},
    }


@pytest.fixture
def dashboard_history(city: City, personas: Personas) -> History:
    for request_type in ("complaint", "report", "help", "consult", "suggestion", "praise"):
        DeadlinePolicy.objects.update_or_create(
            request_type=request_type,
            defaults={"sign_hours": 2, "first_contact_hours": 24, "resolve_working_days": 5},
        )
    operator = personas.operator

    SubmissionFactory(channel=Channel.PHONE, received_at=moment(6, 8, 55))
    SubmissionFactory(channel=Channel.WEB, received_at=moment(5, 7, 50))
    SubmissionFactory(channel=Channel.WEB, received_at=moment(1, 9))

    # Housing leads and signs on time; the environment bureau assists and signs late. The operator keeps
    # the AI's level-1 category and corrects its category (the order is filed under street lights).
    street_lights = make_order(
        title="路灯不亮", at=moment(6, 9), category=city.street_lights, area=city.community_area,
        triage=_triage(city, level1=city.construction.pk, category=city.pollution.pk, department=city.housing.pk),
    )  # fmt: skip
    street_lights = services.workorder_dispatch(
        order=street_lights, by=operator, lead_department=city.housing,
        assisting_departments=[city.environment], at=moment(6, 9, 30),
    )  # fmt: skip
    services.assignment_sign(order=street_lights, by=personas.officer_a, at=moment(6, 10))
    services.assignment_sign(order=street_lights, by=personas.officer_b, at=moment(6, 13))
    services.assignment_reply(order=street_lights, by=personas.officer_a, reply="已修复路灯。", at=moment(5, 15))
    services.callback_record(
        order=street_lights, by=operator, satisfaction=Satisfaction.SATISFIED, resolved=True, at=moment(4, 10)
    )
    services.workorder_close(order=street_lights, by=operator, at=moment(4, 11))

    # Sent to housing by mistake: returned, re-dispatched to the environment bureau, which signs late,
    # replies, is reopened by a dissatisfied citizen, signs on time and replies again.
    returned = make_order(
        title="夜间施工噪声", channel=Channel.WEB, at=moment(5, 8), category=city.pollution, area=city.street_area
    )
    returned = services.workorder_dispatch(
        order=returned, by=operator, lead_department=city.housing, at=moment(5, 8, 30)
    )
    services.assignment_return(
        order=returned, by=personas.officer_a, reason_code=ReturnReason.NOT_OUR_FUNCTION,
        reason="噪声污染不属于住建部门职责。", at=moment(5, 9),
    )  # fmt: skip
    services.workorder_arbitrate(
        order=returned, by=operator, accept=True, reason="改派生态环境局。",
        lead_department=city.environment, at=moment(4, 9),
    )  # fmt: skip
    services.assignment_sign(order=returned, by=personas.officer_b, at=moment(4, 12))
    services.assignment_reply(order=returned, by=personas.officer_b, reply="已责令停工。", at=moment(3, 10))
    services.callback_record(
        order=returned, by=operator, satisfaction=Satisfaction.DISSATISFIED, resolved=False, at=moment(2, 10)
    )
    services.assignment_sign(order=returned, by=personas.officer_b, at=moment(2, 11))
    services.assignment_reply(order=returned, by=personas.officer_b, reply="已复查，夜间不再施工。", at=moment(2, 15))
    services.callback_record(
        order=returned, by=operator, satisfaction=Satisfaction.BASICALLY_SATISFIED, resolved=True, at=moment(1, 9)
    )

    # The district leads, its street office assists; nobody signs within two hours. The street signs later.
    unsigned = make_order(
        title="井盖缺失", channel=Channel.APP, at=moment(3, 20), category=city.street_lights, area=city.street_area
    )
    unsigned = services.workorder_dispatch(
        order=unsigned, by=operator, lead_department=city.district,
        assisting_departments=[city.street], at=moment(3, 21),
    )  # fmt: skip
    services.assignment_sign(order=unsigned, by=personas.officer_street, at=moment(2, 9))

    draft = make_order(title="咨询", channel=Channel.API, at=moment(1, 10))

    old = make_order(title="旧工单", at=moment(20, 10), category=city.construction, area=city.district_area)
    old = services.workorder_dispatch(order=old, by=operator, lead_department=city.housing, at=moment(20, 11))

    automatic = make_order(
        title="自动派单", at=moment(2, 7), category=city.construction, area=city.district_area,
        triage=_triage(city, level1=city.construction.pk, category=city.construction.pk, department=city.housing.pk),
    )  # fmt: skip
    automatic = services.workorder_dispatch(order=automatic, by=None, lead_department=city.housing, at=moment(2, 7, 5))

    orders = [street_lights, returned, unsigned, draft, old, automatic]
    return History(timezone.now(), street_lights, returned, unsigned, draft, old, automatic, orders)
