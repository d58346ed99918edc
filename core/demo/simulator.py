"""A year of history: each public message replayed as an order whose whole lifecycle goes through the services.

Triage as at intake, the operator's correction where the data set's label says the category was wrong,
dispatch, handling, callback, each with ``at`` set to its historical moment, so the event histories look like
the real thing. Idempotent by the submission's sender id."""

from __future__ import annotations

import bisect
import hashlib
import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from core.demo.dataset import Message
from hotline import services as intake
from hotline.selectors import current_pipeline, sender_ids_received
from triage.pipeline import TriagePipeline
from workorders import dispatch_catalogue, services
from workorders.choices import Channel, ReturnReason, Satisfaction
from workorders.models import Area, Category, Department, WorkOrder

logger = logging.getLogger(__name__)

RECENT_ORDERS = 150

_CHANNELS = [(Channel.PHONE, 0.6), (Channel.WEB, 0.25), (Channel.APP, 0.1), (Channel.API, 0.05)]
_GENERIC_REPLIES = [
    "您好！您反映的问题已收悉。经现场核实，情况基本属实，我单位已安排工作人员进行处理，目前问题已整改到位。感谢您对我们工作的监督和支持。",
    "您好！收到您的来电后，我们立即联系了相关责任单位，经调查核实后已责令其限期整改，并将持续跟踪。如有疑问请再次来电。",
    "您好！关于您反映的问题，经了解，该事项涉及相关政策规定，工作人员已电话联系您进行了详细解释，您表示理解。感谢您的来电。",
]


class Timeline:
    """Maps the data set's posting times (2010–2020, mostly 2018–2019) onto the last twelve months.

    The mapping is by rank, so the year is evenly filled while messages keep their order and reports
    of the same event stay close together. Messages without a time get a random one."""

    def __init__(self, source_times: list[datetime], target_start: datetime, target_end: datetime) -> None:
        self.source = sorted(source_times)
        self.target_start, self.span = target_start, target_end - target_start

    def __call__(self, moment: datetime | None, rng: random.Random) -> datetime:
        share = (
            rng.random()
            if moment is None or not self.source
            else bisect.bisect_left(self.source, moment) / len(self.source)
        )
        return self.target_start + self.span * share


class HistoryReplayer:
    """Creates one historical order per message and plays its lifecycle through the services: triage as at
    intake, the operator's correction where the data set's label says the category was wrong, dispatch,
    handling, callback."""

    def __init__(self, *, now: datetime, pipeline: TriagePipeline, timeline: Timeline) -> None:
        self.now = now
        self.pipeline = pipeline
        self.timeline = timeline
        self.categories = {c.pk: c for c in Category.objects.all()}
        self.areas = {a.pk: a for a in Area.objects.all()}
        self.level1 = {c.name: c for c in self.categories.values() if c.level == 1}
        self.staff = {u.department_id: u for u in User.objects.filter(username__startswith="staff-")}
        self.operators = list(User.objects.filter(role=Role.OPERATOR))
        self.manager = User.objects.filter(role=Role.MANAGER).first()
        self.fallback = Department.objects.get(code="ZFB")

    def replay(self, message: Message, *, recent: bool = False) -> WorkOrder:
        """One order; a ``recent`` one arrived in the last three days and is likely still being handled."""
        rng = random.Random(message.key)
        if recent:
            created = self.now - timedelta(hours=72 * rng.random())
        else:
            created = self.timeline(message.posted_at, rng)
        channel = rng.choices([c for c, _w in _CHANNELS], [w for _c, w in _CHANNELS])[0]
        phone = f"1990{int(hashlib.md5(message.user.encode()).hexdigest(), 16) % 10**7:07d}"  # synthetic, per user
        outcome = intake.submission_import(
            request=intake.IntakeRequest(
                channel=channel,
                sender_id=f"teddy-{message.key}",
                content=message.detail or message.text,
                title=message.title,
                caller_phone=phone,
                received_at=created,
                raw_body=message.text,
                content_type="text/csv",
                payload={"source": message.source, "key": message.key, "user": message.user, "likes": message.likes},
            ),
            pipeline=self.pipeline,
        )
        order = outcome.submission.order
        self._correct_category(order, message, rng, created)
        self._play_lifecycle(order, message, rng, created)
        return order

    def _correct_category(self, order: WorkOrder, message: Message, rng: random.Random, created: datetime) -> None:
        """Where the data set's label disagrees with triage, an operator corrects the category."""
        truth = self.level1.get(message.label)
        if truth is None or order.triage_record.level1.value == truth.pk or self.now - created < timedelta(hours=2):
            return
        words = self.pipeline.tokenizer.content_words(order.triage_record.text)
        within = self.pipeline.lexicon.rank_within(words, truth.name, keep=1)
        corrected = self.categories.get(within[0].value) if within else truth
        services.workorder_update(
            order=order, by=rng.choice(self.operators), category=corrected or truth, at=created + timedelta(minutes=20)
        )

    def _officer(self, department: Department) -> User:
        return self.staff[department.pk]

    def _play_lifecycle(self, order: WorkOrder, message: Message, rng: random.Random, created: datetime) -> None:
        age = self.now - created
        if age < timedelta(hours=36) and rng.random() < 0.45 or order.category is None:
            return  # still waiting for an operator
        step = _Clock(created, self.now, rng)
        lead, assisting = dispatch_catalogue.suggested_departments(order)
        lead = lead or self.fallback
        if rng.random() < (
            0.04 if age > timedelta(days=20) else 0.1
        ):  # mis-routed first: returned, arbitrated, re-dispatched
            wrong = Department.objects.exclude(pk=lead.pk).filter(kind="functional_bureau").order_by("?").first()
            order = services.workorder_dispatch(
                order=order, by=rng.choice(self.operators), lead_department=wrong, at=step(0.2, 1.5)
            )
            if not step.fits(6):
                return
            order = services.assignment_return(
                order=order, by=self._officer(wrong), reason_code=ReturnReason.NOT_OUR_FUNCTION,
                reason="该事项不属于我单位职责范围，建议转相关主管部门办理。", at=step(1, 6),
            )  # fmt: skip
            if not step.fits(12) or self.now - step.current < timedelta(days=4):
                return  # still waiting in the arbitration queue
            order = services.workorder_arbitrate(
                order=order, by=rng.choice(self.operators), accept=True, reason="经核实属实，改派主管部门。",
                lead_department=lead, assisting_departments=assisting, at=step(2, 12),
            )  # fmt: skip
        else:
            order = services.workorder_dispatch(
                order=order, by=rng.choice(self.operators), lead_department=lead, assisting_departments=assisting,
                at=step(0.1, 3),
            )  # fmt: skip
        real_delay = None
        if message.reply and message.replied_at and message.posted_at:
            real_delay = (message.replied_at - message.posted_at).total_seconds() / 3600
        self._handle(order, rng, step, lead, reply=message.reply, reply_delay_hours=real_delay)

    def _handle(
        self,
        order: WorkOrder,
        rng: random.Random,
        step: _Clock,
        lead: Department,
        *,
        reply: str = "",
        reply_delay_hours: float | None = None,
    ) -> None:
        """Sign, contact, reply, callback and close, as far as the order's age allows."""
        officer = self._officer(lead)
        late = rng.random() < 0.08  # some departments let orders run over
        if not step.fits(3 if not late else 30):
            return
        order = services.assignment_sign(order=order, by=officer, at=step(0.2, 3 if not late else 30))
        for assignment in order.assignments.filter(role="assist"):
            services.assignment_sign(order=order, by=self._officer(assignment.department), at=step(0.1, 2))
        if not step.fits(24):
            return
        order = services.assignment_record_contact(
            order=order, by=officer, note="已电话联系诉求人了解情况。", at=step(1, 24)
        )
        if rng.random() < 0.05 and step.fits(48) and self.now - step.current < timedelta(days=5):
            services.extension_request(
                order=order, by=officer, working_days=5, reason="需协调多个部门现场勘查，申请延期。"
            )
            return
        reply_hours = 24 * rng.uniform(1, 12 if not late else 30)
        if reply_delay_hours is not None:  # the government's real reply time for this message
            reply_hours = min(max(reply_delay_hours, 4.0), 24 * 40)
        if not step.fits(reply_hours):
            if order.is_overdue_at(self.now) and self.manager and rng.random() < 0.3:
                services.workorder_supervise(order=order, by=self.manager, reason="超期未办结，请加快办理并报送进展。")
            return
        order = services.assignment_reply(
            order=order,
            by=officer,
            reply=reply or rng.choice(_GENERIC_REPLIES),
            at=step(reply_hours * 0.8, reply_hours),
        )
        if not step.fits(48):
            return
        satisfaction = rng.choices(list(Satisfaction), [0.74, 0.16, 0.10])[0]
        services.callback_record(
            order=order, by=rng.choice(self.operators), satisfaction=satisfaction,
            resolved=satisfaction != Satisfaction.DISSATISFIED, at=step(4, 48),
        )  # fmt: skip
        if satisfaction == Satisfaction.DISSATISFIED:
            self._handle(WorkOrder.objects.get(pk=order.pk), rng, step, lead)
            return
        if step.fits(24):
            services.workorder_close(order=order, by=rng.choice(self.operators), at=step(1, 24))


class _Clock:
    """Moves forward through an order's history in random steps, never past 'now'."""

    def __init__(self, start: datetime, now: datetime, rng: random.Random) -> None:
        self.current, self.now, self.rng = start, now, rng

    def fits(self, hours: float) -> bool:
        return self.current + timedelta(hours=hours) < self.now

    def __call__(self, low_hours: float, high_hours: float) -> datetime:
        self.current = min(self.current + timedelta(hours=self.rng.uniform(low_hours, high_hours)), self.now)
        return self.current


def import_history(
    messages: list[Message],
    *,
    now: datetime | None = None,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Replay messages not imported yet as orders over the last twelve months; returns how many.

    With ``limit`` the demo holds at most that many historical orders, drawn as a fixed random sample
    of the whole data set (every file represented); a later run with a larger limit adds to it."""
    moment = now or timezone.now()
    sample = sorted(messages, key=lambda m: hashlib.sha1(m.key.encode()).hexdigest())
    known = sender_ids_received(prefix="teddy-")
    if limit is not None:
        sample = sample[:limit]
    todo = [m for m in sample if f"teddy-{m.key}" not in known]
    timeline = Timeline(
        [m.posted_at for m in messages if m.posted_at], moment - timedelta(days=365), moment - timedelta(hours=1)
    )
    replayer = HistoryReplayer(now=moment, pipeline=current_pipeline(), timeline=timeline)
    # The last few of the sample arrive in the last three days, so desks and inboxes have live work.
    recent = {m.key for m in sample[-RECENT_ORDERS:]} if len(sample) > 10 * RECENT_ORDERS else set()
    for start in range(0, len(todo), 200):
        with transaction.atomic():
            for message in todo[start : start + 200]:
                replayer.replay(message, recent=message.key in recent)
        if progress:
            progress(min(start + 200, len(todo)), len(todo))
    services.workorders_record_deadline_reminders(now=moment)
    return len(todo)
