"""Generate many realistic work orders into a PostgreSQL database, fast, for the dashboard benchmarks.

    .venv/bin/python -m bench.generate_orders postgres://postgres@127.0.0.1:5432/hotline_bench --orders 1000000

Creates the database when it does not exist, migrates it, and loads the demo city's reference data
(`seed_demo --no-history`: taxonomy, areas, departments, dispatch catalogue, users) once. Then it ADDS
``--orders`` orders spread over the last ``--years`` years (run it again to grow the database), written
with COPY in chunks of ``--chunk`` orders, one transaction per chunk:

- submissions (one per order) and orders with their texts: the public Teddy Cup messages of
  ../shared/datasets/teddy2020c, reused (read at run time, never copied into the repository);
- volume growing about 15 % a year, fewer on weekends and holidays, a daytime peak and a summer bump;
  channels 60/25/10/5 (phone/web/app/API); level-1 categories as in the labelled data, then a skewed
  choice of leaf category; districts skewed towards the busy ones; the department from the dispatch
  catalogue (the same rule the dispatch desk applies), with its assisting departments;
- lifecycles by age against "now": drafts of the last hour, dispatch, sign (each department with its
  own punctuality), first contact, reply within or after the resolve deadline (working days with the
  holiday calendar), callback with satisfaction (per department), reopen after dissatisfaction, close;
  about 4 % mis-routed first: returned with a coded reason, then re-dispatched (or still waiting for
  arbitration when recent); late open orders are overdue, some under supervision;
- the operators' reviews of the AI fields (six per dispatched order, 8 % dispatched automatically);
- the events the dashboards' rollups read (analytics.dashboards.rounds): each handling round's start
  (dispatch, automatic dispatch, re-dispatch after a return, reopen) with its sign deadline, every signature
  and reply of the lead and assisting departments, the callbacks, and the returns (退单).

- what triage leaves for the searches: the masked appeal, the text a manager searches (``masked_text``), and the
  related-order index (``hotline.OrderTextKey``) of the open orders of the last 30 days (also of orders an
  older run added: ``--orders 0`` fills it in).

Other events (creation, triage, contact, reminders, closing) are not written, so an order's page shows only
part of its history. Extension requests are not generated."""

from __future__ import annotations

import argparse
import bisect
import json
import math
import os
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

HOUR = 3600.0
DAY = 24 * HOUR


def ensure_database(url: str) -> None:
    """CREATE DATABASE when the one named in the URL does not exist yet."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def setup_django(url: str) -> None:
    """Django on the bench database with the production settings, so the demo logins it creates are hashed as
    the real server checks them (the test settings' MD5 hasher is refused by ``manage.py serve``)."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


# --- COPY text format ----------------------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def text(value: str) -> str:
    return value.translate(_ESCAPES)


def stamp(seconds: float | None) -> str:
    """An epoch time as a timestamptz literal (UTC)."""
    if seconds is None:
        return NULL
    return datetime.fromtimestamp(seconds, UTC).isoformat()


def boolean(value: bool) -> str:
    return "t" if value else "f"


def encrypt_text(value: str) -> str:
    """A value as an encrypted column stores it (``workorders.encryption``: Fernet under FIELD_ENCRYPTION_KEYS)."""
    from workorders.encryption import encrypt_text as encrypt

    return encrypt(value) if value else value


def encrypted_json(value: Any) -> str:
    """A JSON document as an encrypted JSON column stores it: one JSON string holding the encrypted document."""
    return text(json.dumps(encrypt_text(json.dumps(value, ensure_ascii=False))))


def phone_hash(phone: str) -> str:
    from workorders.encryption import phone_hash as keyed_hash

    return keyed_hash(phone)


# --- reference data, read once ------------------------------------------------------------------------


@dataclass
class Reference:
    level1_weights: list[tuple[Any, float]]  # level-1 Category, weight
    leaves: dict[int, tuple[list[Any], list[float]]]  # level-1 id -> leaf categories, cumulative weights
    districts: list[tuple[Any, float]]
    streets: dict[int, list[Any]]
    communities: dict[int, list[Any]]
    rules: list[Any]
    bureaus: list[Any]
    fallback: Any
    staff: dict[int, int]  # department id -> staff user id
    operators: list[int]
    manager: int | None
    policies: dict[str, tuple[int, int, int]]  # request type -> sign h, contact h, resolve working days


def load_reference() -> Reference:
    from accounts.models import Role, User
    from workorders.choices import AreaKind, DepartmentKind
    from workorders.models import Area, Category, DeadlinePolicy, Department, DispatchRule

    categories = list(Category.objects.all())
    by_id = {c.pk: c for c in categories}
    children: dict[int, list[Any]] = {}
    for category in categories:
        if category.parent_id:
            children.setdefault(category.parent_id, []).append(category)
    # How often each level-1 category occurs: the labelled data's shares, the rest a little.
    labelled = {
        "城乡建设": 603, "劳动和社会保障": 597, "教育文体": 480, "商贸旅游": 360, "卫生计生": 275,
        "环境保护": 263, "交通运输": 188,
    }  # fmt: skip
    level1 = [c for c in categories if c.level == 1]
    level1_weights = [(c, float(labelled.get(c.name, 90))) for c in level1]
    rng = random.Random(7)
    leaves: dict[int, tuple[list[Any], list[float]]] = {}
    for root in level1:
        found = [c for c in categories if c.path.startswith(root.path) and c.pk not in children and c.level > 1]
        found = found or [root]
        rng.shuffle(found)
        weights = [1 / (rank + 1) ** 0.9 for rank in range(len(found))]  # a few leaves carry most orders
        leaves[root.pk] = (found, _cumulative(weights))
    district_share = {"A3": 22, "A7": 15, "A2": 12, "A1": 10, "A4": 10, "A5": 9, "A6": 8, "A8": 7, "A9": 7}
    districts = [(a, float(district_share.get(a.code, 5))) for a in Area.objects.filter(kind=AreaKind.DISTRICT)]
    streets: dict[int, list[Any]] = {}
    communities: dict[int, list[Any]] = {}
    for area in Area.objects.filter(kind__in=[AreaKind.STREET, AreaKind.COMMUNITY]):
        target = streets if area.kind == AreaKind.STREET else communities
        target.setdefault(area.parent_id, []).append(area)
    rules = list(
        DispatchRule.objects.filter(is_active=True).select_related("category").prefetch_related("assisting_departments")
    )
    staff = {u.department_id: u.pk for u in User.objects.filter(username__startswith="staff-")}
    operators = list(User.objects.filter(role=Role.OPERATOR).values_list("pk", flat=True))
    manager = User.objects.filter(role=Role.MANAGER).values_list("pk", flat=True).first()
    del by_id
    return Reference(
        level1_weights=level1_weights,
        leaves=leaves,
        districts=districts,
        streets=streets,
        communities=communities,
        rules=rules,
        bureaus=list(Department.objects.filter(kind=DepartmentKind.FUNCTIONAL_BUREAU, is_active=True)),
        fallback=Department.objects.filter(code="ZFB").first() or Department.objects.order_by("path").first(),
        staff=staff,
        operators=operators,
        manager=manager,
        policies={
            p.request_type: (p.sign_hours, p.first_contact_hours, p.resolve_working_days)
            for p in DeadlinePolicy.objects.all()
        },
    )


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def pick(rng: random.Random, items: list[Any], cumulative: list[float]) -> Any:
    return items[bisect.bisect_left(cumulative, rng.random() * cumulative[-1])]


# --- texts ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    title: str
    appeal: str  # as written: encrypted for each order (ciphertext needs no COPY escaping)
    masked: str  # COPY-escaped
    raw: str  # the submission body as written: encrypted for each order
    searchable: str  # COPY-escaped: what roles that see no personal data search (WorkOrder.masked_text)


def load_texts(folder: Path) -> tuple[dict[str, list[Text]], list[Text]]:
    """The data set's messages by level-1 label, and all of them (for categories without labelled text)."""
    from core.demo.dataset import read_messages
    from triage.datasets import model_text

    by_label: dict[str, list[Text]] = {}
    everything: list[Text] = []
    for message in read_messages(folder):
        appeal = (message.detail or message.text)[:4000]
        title = (message.title or appeal[:30]).replace("\n", " ")[:60]
        masked = model_text(appeal)
        # the title and the appeal masked as a manager is shown them (the callers' made-up names and phones are
        # in no text, so masking them changes nothing here)
        searchable = "\n".join(part for part in (model_text(title), masked) if part)
        item = Text(text(title), appeal, text(masked), message.text[:4000], text(searchable))
        everything.append(item)
        if message.label:
            by_label.setdefault(message.label, []).append(item)
    return by_label, everything


# --- when orders arrive ---------------------------------------------------------------------------------

_HOURLY = [1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 3, 6, 8.5, 9, 8.5, 6.5, 6, 7.5, 8, 7.5, 6.5, 5, 4.5, 4, 3.5, 2.8, 1.8]


def arrival_times(count: int, *, end: float, years: float, rng: random.Random, holidays: set[date]) -> list[float]:
    """``count`` epoch times over the ``years`` before ``end``, sorted, with a realistic rhythm."""
    tz = ZoneInfo("Asia/Shanghai")
    days = int(years * 365)
    first_day = datetime.fromtimestamp(end, tz).date() - timedelta(days=days - 1)
    weights = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        weight = 1.0 + 0.15 * years * offset / days  # growth
        weight *= 0.75 if day.weekday() >= 5 else 1.0
        weight *= 0.6 if day in holidays else 1.0
        weight *= 1.0 + 0.2 * math.exp(-(((day.timetuple().tm_yday - 200) / 40) ** 2))  # summer: heat, water, power
        weights.append(weight)
    day_cumulative = _cumulative(weights)
    hour_cumulative = _cumulative(_HOURLY)
    midnight = [
        datetime(d.year, d.month, d.day, tzinfo=tz).timestamp()
        for d in (first_day + timedelta(days=o) for o in range(days))
    ]
    times = []
    for _ in range(count):
        day = bisect.bisect_left(day_cumulative, rng.random() * day_cumulative[-1])
        hour = bisect.bisect_left(hour_cumulative, rng.random() * hour_cumulative[-1])
        moment = midnight[day] + hour * HOUR + rng.random() * HOUR
        times.append(min(moment, end - 60))
    times.sort()
    return times


# --- one order's life ---------------------------------------------------------------------------------


@dataclass
class Profile:
    """How a department works: punctuality in signing and replying, and how satisfied citizens are."""

    sign_on_time: float
    reply_late: float
    satisfied: float
    basically: float


_CHANNELS = (["phone", "web", "app", "api"], _cumulative([60, 25, 10, 5]))
_REQUEST_TYPES = (
    ["complaint", "help", "consult", "report", "suggestion", "praise"],
    _cumulative([45, 20, 15, 8, 10, 2]),
)
_URGENCY = (["normal", "urgent", "emergency"], _cumulative([93, 6, 1]))
_EMOTION = (["calm", "dissatisfied", "angry", "distressed"], _cumulative([80, 12, 6, 2]))
_RETURN_REASONS = (
    ["not_our_function", "not_our_area", "info_incomplete", "duplicate", "not_government_matter", "other"],
    _cumulative([55, 20, 10, 5, 5, 5]),
)
_RETURN_TEXT = {
    "not_our_function": "该事项不属于我单位职责范围，建议转相关主管部门办理。",
    "not_our_area": "诉求地点不在我单位辖区，请转属地处理。",
    "info_incomplete": "诉求人地址不详，无法核实，请补充信息。",
    "duplicate": "与已受理工单为同一事项，请合并处理。",
    "not_government_matter": "属民事纠纷，建议通过司法途径解决。",
    "other": "情况特殊，请中心协调。",
}
_REPLIES = [
    text("您好！您反映的问题已收悉。经现场核实，情况基本属实，我单位已安排工作人员处理，目前已整改到位。"),
    text("您好！收到工单后我们立即联系了相关责任单位，经调查核实后已责令限期整改，并将持续跟踪。"),
    text("您好！关于您反映的问题，工作人员已电话联系您进行了详细的政策解释，您表示理解。感谢您的来电。"),
]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
# Share of reviews in which operators kept the AI's value, per field.
_AI_FIELDS = [
    ("category_level1", 0.9),
    ("category", 0.68),
    ("department", 0.86),
    ("request_type", 0.88),
    ("urgency", 0.96),
    ("area", 0.8),
]


class Generator:
    def __init__(self, *, reference: Reference, texts: tuple[dict[str, list[Text]], list[Text]], now: float,
                 calendar: Any, seed: int) -> None:  # fmt: skip
        self.ref = reference
        self.by_label, self.all_texts = texts
        self.now = now
        self.calendar = calendar
        self.rng = random.Random(seed)
        self.tz = ZoneInfo("Asia/Shanghai")
        rng = random.Random(seed + 1)
        self.profiles: dict[int, Profile] = {}
        self.level1 = [c for c, _w in reference.level1_weights]
        self.level1_cumulative = _cumulative([w for _c, w in reference.level1_weights])
        self.district_list = [a for a, _w in reference.districts]
        self.district_cumulative = _cumulative([w for _a, w in reference.districts])
        self.rule_cache: dict[tuple[int, int | None], tuple[Any, list[Any]]] = {}
        self.resolve_cache: dict[tuple[date, int], float] = {}
        self._profile_rng = rng
        self.rows: defaultdict[str, list[str]] = defaultdict(list)
        self.next_id: dict[str, int] = {}
        self.sequences: dict[date, int] = {}
        self.counts: Counter[str] = Counter()
        # how often each text was used, and the district its first use went to (see place())
        self.text_uses: dict[int, tuple[int, int]] = {}

    # -- reference lookups --

    def profile(self, department_id: int) -> Profile:
        found = self.profiles.get(department_id)
        if found is None:
            rng = self._profile_rng
            satisfied = rng.uniform(0.55, 0.85)
            found = Profile(
                sign_on_time=rng.uniform(0.82, 0.995),
                reply_late=rng.uniform(0.02, 0.14),
                satisfied=satisfied,
                basically=rng.uniform(0.08, 0.95 - satisfied),
            )
            self.profiles[department_id] = found
        return found

    def departments_for(self, category: Any, area: Any) -> tuple[Any, list[Any]]:
        from workorders.dispatch_catalogue import most_specific_rule

        key = (category.pk, area.pk if area else None)
        found = self.rule_cache.get(key)
        if found is None:
            rule = most_specific_rule(self.ref.rules, category=category, area=area)
            if rule is None:
                found = (self.ref.fallback, [])
            else:
                found = (rule.lead_department, list(rule.assisting_departments.all()))
            self.rule_cache[key] = found
        return found

    def resolve_due(self, dispatched: float, working_days: int) -> float:
        local = datetime.fromtimestamp(dispatched, self.tz)
        key = (local.date(), working_days)
        found = self.resolve_cache.get(key)
        if found is None:
            found = self.calendar.resolve_deadline(local, working_days, self.tz).timestamp()
            self.resolve_cache[key] = found
        return found

    def new_id(self, table: str) -> int:
        self.next_id[table] += 1
        return self.next_id[table]

    def add(self, table: str, *values: object) -> None:
        self.rows[table].append("\t".join(v if isinstance(v, str) else str(v) for v in values))
        self.counts[table] += 1

    def number(self, created: float) -> str:
        day = datetime.fromtimestamp(created, self.tz).date()
        self.sequences[day] = self.sequences.get(day, 0) + 1
        return f"GD{day:%Y%m%d}{self.sequences[day]:04d}"

    # -- one order --

    def order(self, created: float) -> None:
        rng, now = self.rng, self.now
        order_id, submission_id = self.new_id("order"), self.new_id("submission")
        channel = pick(rng, *_CHANNELS)
        level1 = pick(rng, self.level1, self.level1_cumulative)
        category = pick(rng, *self.ref.leaves[level1.pk])
        texts = self.by_label.get(level1.name) or self.all_texts
        message = texts[rng.randrange(len(texts))]
        area = self.place(message)
        request_type = pick(rng, *_REQUEST_TYPES)
        urgency = pick(rng, *_URGENCY)
        emotion = pick(rng, *_EMOTION)
        phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
        caller = f"{rng.choice(_SURNAMES)}{rng.choice('先生女士')}"
        # the caller and the texts as the encrypted fields store them (workorders.encryption), the phone's keyed hash
        caller_stored, phone_stored = encrypt_text(caller), encrypt_text(phone)
        self.add(
            "submission", submission_id, channel, f"bench-{order_id}", stamp(created - 5), caller_stored, phone_stored,
            "application/json", encrypt_text(message.raw), encrypted_json({"source": "bench"}), NULL, "triaged", 1,
            "", NULL, stamp(created + 2), 0,
        )  # fmt: skip
        state = OrderState(created=created)
        wait = rng.expovariate(1 / (20 * 60)) + 60  # minutes at the dispatch desk
        if rng.random() < 0.005:
            state.status = "cancelled"
        elif created + wait < now:
            self.lifecycle(order_id, state, created + wait, category, area, level1, request_type, urgency, channel)
        self.add(
            "order", order_id, self.number(created), state.status, channel, message.title, encrypt_text(message.appeal),
            message.masked, "", request_type, urgency, emotion,
            boolean(emotion in ("angry", "distressed") or urgency == "emergency"), category.pk,
            area.pk if area else NULL, "", caller_stored, phone_stored, phone_hash(phone),
            state.lead if state.lead else NULL, submission_id, "{}",
            NULL, boolean(state.supervised), state.reopens, state.stage, stamp(created),
            stamp(max(state.touched, created)), stamp(state.dispatched), stamp(state.sign_due),
            stamp(state.contact_due), stamp(state.resolve_due), stamp(state.replied), stamp(state.closed),
            1, "[]", message.searchable,
        )  # fmt: skip
        self.counts["orders_" + state.status] += 1

    def place(self, message: Text) -> Any:
        """The order's area. A text's first use goes to a district drawn by the districts' weights, each
        later use to the next district in turn: the data set's ~12,000 texts come back about four times a
        month at a million orders, and copies of one letter from strangers in one district would be
        hotspots no city has (the hotspot bench relocates its reused texts the same way)."""
        rng = self.rng
        roll = rng.random()
        home, uses = self.text_uses.get(id(message), (-1, 0))
        if home < 0:
            home = self.district_list.index(pick(rng, self.district_list, self.district_cumulative))
        self.text_uses[id(message)] = (home, uses + 1)
        if roll < 0.05:
            return None
        district = self.district_list[(home + uses) % len(self.district_list)]
        streets = self.ref.streets.get(district.pk)
        if roll < 0.2 or not streets:
            return district
        street = streets[rng.randrange(len(streets))]
        communities = self.ref.communities.get(street.pk)
        if roll < 0.45 or not communities:
            return street
        return communities[rng.randrange(len(communities))]

    def lifecycle(self, order_id: int, state: OrderState, dispatched: float, category: Any, area: Any, level1: Any,
                  request_type: str, urgency: str, channel: str) -> None:  # fmt: skip
        rng, now = self.rng, self.now
        lead, assisting = self.departments_for(category, area)
        sign_hours, contact_hours, working_days = self.ref.policies.get(request_type, (2, 24, 7))
        operator = self.ref.operators[rng.randrange(len(self.ref.operators))] if self.ref.operators else NULL
        automatic = rng.random() < 0.08
        for field, accept in _AI_FIELDS:
            accepted = rng.random() < accept
            self.add(
                "review", self.new_id("review"), order_id, field, "", "AI", NULL if automatic else round(rng.uniform(0.5, 1), 3),
                "", "AI" if accepted else "人工", boolean(accepted or automatic), boolean(automatic), level1.name,
                "bench", NULL if automatic else operator, stamp(dispatched),
            )  # fmt: skip
        state.status = "dispatched"
        start = "auto_dispatch" if automatic else "dispatch"
        dispatcher = NULL if automatic else operator
        if rng.random() < 0.04:  # mis-routed first: the wrong bureau returns it
            wrong = self.ref.bureaus[rng.randrange(len(self.ref.bureaus))]
            if wrong.pk != lead.pk:
                assignment = self.new_id("assignment")
                returned = dispatched + rng.uniform(0.5, 6) * HOUR
                self.start_cycle(state, dispatched, sign_hours, contact_hours, working_days)
                self.round_started(order_id, start, state, dispatcher)
                if returned >= now:
                    self.assign(assignment, order_id, wrong.pk, "lead", "pending", dispatched)
                    state.lead = wrong.pk
                    return
                reason = pick(rng, *_RETURN_REASONS)
                arbitrated = returned + rng.uniform(1, 12) * HOUR * (1 if rng.random() < 0.9 else 8)
                self.event(order_id, "return", "dispatched", "returned", self.ref.staff.get(wrong.pk, NULL),
                           "officer", returned, department=wrong.pk, code=reason, reason=text(_RETURN_TEXT[reason]))  # fmt: skip
                if arbitrated >= now:
                    self.assign(assignment, order_id, wrong.pk, "lead", "returned", dispatched,
                                returned=returned, reason=reason)  # fmt: skip
                    state.status, state.lead, state.touched = "returned", wrong.pk, returned
                    return
                self.assign(assignment, order_id, wrong.pk, "lead", "withdrawn", dispatched,
                            returned=returned, reason=reason)  # fmt: skip
                dispatched, start, dispatcher = arbitrated, "arbitrate_redispatch", operator
        state.lead = lead.pk
        self.start_cycle(state, dispatched, sign_hours, contact_hours, working_days)
        self.round_started(order_id, start, state, dispatcher)
        departments = [(lead, "lead"), *((d, "assist") for d in assisting)]
        ids = [self.new_id("assignment") for _ in departments]
        self.handle(order_id, state, departments, ids, sign_hours, contact_hours, working_days, cycle=1)

    def round_started(self, order_id: int, action: str, state: OrderState, by: Any) -> None:
        """The event that starts a handling round, with the round's sign deadline."""
        before = {"dispatch": "draft", "auto_dispatch": "draft", "arbitrate_redispatch": "returned"}.get(
            action, "callback"
        )
        role = "system" if by == NULL else "operator"
        self.event(order_id, action, before, "dispatched", by, role, state.dispatched, sign_due=state.sign_due)

    def event(self, order_id: int, action: str, before: str, after: str, by: Any, role: str, at: float, *,
              department: int | None = None, code: str = "", reason: str = "", changes: str = "{}",
              sign_due: float | None = None, resolved: bool | None = None) -> None:  # fmt: skip
        # Written directly rather than through add(): orders have five events each, the most rows of any table.
        if changes != "{}":
            changes = encrypted_json(json.loads(changes))
        self.rows["event"].append(
            f"{self.new_id('event')}\t{order_id}\t{action}\t{before}\t{after}\t{by}\t{role}\t"
            f"{department or NULL}\t{code}\t{reason}\t{changes}\t{NULL if resolved is None else boolean(resolved)}\t"
            f"{stamp(at)}\t{stamp(sign_due)}"
        )
        self.counts["event"] += 1

    def start_cycle(self, state: OrderState, start: float, sign_hours: int, contact_hours: int, days: int) -> None:
        state.dispatched, state.touched = start, start
        state.sign_due = start + sign_hours * HOUR
        state.contact_due = start + contact_hours * HOUR
        state.resolve_due = self.resolve_due(start, days)
        state.replied = None

    def handle(self, order_id: int, state: OrderState, departments: list[tuple[Any, str]], ids: list[int],
               sign_hours: int, contact_hours: int, working_days: int, *, cycle: int,
               assigned: float | None = None) -> None:  # fmt: skip
        """Sign, contact, reply, callback, close — as far as 'now' allows; a dissatisfied callback reopens.
        ``assigned``: when the assignments were made (a reopen keeps them; the round starts later)."""
        rng, now = self.rng, self.now
        start = state.dispatched
        assigned = start if assigned is None else assigned
        lead_profile = self.profile(departments[0][0].pk)
        late_reply = rng.random() < lead_profile.reply_late
        lead_reply = None
        rows = []
        for (department, role), assignment_id in zip(departments, ids, strict=True):
            profile = lead_profile if role == "lead" else self.profile(department.pk)
            if rng.random() < profile.sign_on_time:
                signed = start + rng.uniform(0.03, 0.97) * sign_hours * HOUR
            else:
                signed = state.sign_due + rng.uniform(0.1, 2.0) * sign_hours * HOUR + rng.expovariate(1 / (3 * HOUR))
            if signed >= now:
                rows.append((assignment_id, department, role, "pending", None, None, None))
                continue
            contact = signed + rng.uniform(0.1, 0.8) * contact_hours * HOUR if role == "lead" else None
            if role == "lead":
                if late_reply:
                    reply = state.resolve_due + rng.uniform(0.2, 12) * DAY
                else:
                    reply = start + rng.uniform(0.05, 0.95) * max(state.resolve_due - start, HOUR)
                reply = max(reply, (contact or signed) + HOUR)
            else:
                reply = signed + rng.uniform(0.2, 0.9) * max(state.resolve_due - signed, HOUR)
            if reply >= now:
                rows.append(
                    (
                        assignment_id,
                        department,
                        role,
                        "signed",
                        signed,
                        contact if contact and contact < now else None,
                        None,
                    )
                )
                continue
            rows.append((assignment_id, department, role, "replied", signed, contact, reply))
            if role == "lead":
                lead_reply = reply
        for assignment_id, department, role, status, signed, contact, reply in rows:
            officer = self.ref.staff.get(department.pk)
            self.assign(assignment_id, order_id, department.pk, role, status, assigned, signed=signed,
                        contact=contact, replied=reply, by=officer)  # fmt: skip
            lead = role == "lead"
            if signed is not None:
                self.event(order_id, "sign" if lead else "assist_sign", "dispatched", "signed" if lead else "dispatched",
                           officer or NULL, "officer", signed, department=department.pk)  # fmt: skip
            if reply is not None:
                self.event(order_id, "reply" if lead else "assist_reply", "signed", "replied" if lead else "signed",
                           officer or NULL, "officer", reply, department=department.pk)  # fmt: skip
        lead_status = rows[0][3]
        if lead_status == "pending":
            state.status = "dispatched"
            if state.sign_due < now:
                state.stage = "sign_overdue"
            return
        if lead_reply is None:
            state.status, state.touched = "signed", rows[0][4]
            if state.resolve_due < now:
                state.stage = "overdue"
                state.supervised = self.ref.manager is not None and rng.random() < 0.3
            elif state.resolve_due - now < DAY:
                state.stage = "due_soon"
            return
        state.status, state.replied, state.touched = "replied", lead_reply, lead_reply
        callback = lead_reply + rng.uniform(2, 48) * HOUR
        if callback >= now:
            return
        roll = rng.random()
        if cycle > 1:  # a second round mostly ends the matter
            satisfaction = "satisfied" if roll < 0.5 else "basically_satisfied" if roll < 0.85 else "dissatisfied"
        else:
            satisfaction = (
                "satisfied" if roll < lead_profile.satisfied
                else "basically_satisfied" if roll < lead_profile.satisfied + lead_profile.basically
                else "dissatisfied"
            )  # fmt: skip
        resolved = rng.random() < {"satisfied": 0.97, "basically_satisfied": 0.85, "dissatisfied": 0.2}[satisfaction]
        operator = self.ref.operators[rng.randrange(len(self.ref.operators))] if self.ref.operators else NULL
        self.add(
            "callback",
            self.new_id("callback"),
            order_id,
            satisfaction,
            boolean(resolved),
            "",
            operator,
            stamp(callback),
        )
        verdict = json.dumps({"satisfaction": ["", satisfaction], "resolved": ["", resolved]})
        self.event(order_id, "callback", "replied", "callback", operator, "operator", callback, code=satisfaction,
                   changes=verdict, resolved=resolved)  # fmt: skip
        state.status, state.touched = "callback", callback
        if satisfaction == "dissatisfied" and cycle == 1:
            # Reopened (重办): the same assignments start again; the first round's rows are overwritten, its
            # events stay.
            for _table_row in range(len(rows)):
                self.rows["assignment"].pop()
                self.counts["assignment"] -= 1
            state.reopens = 1
            self.start_cycle(state, callback, sign_hours, contact_hours, working_days)
            self.round_started(order_id, "reopen", state, operator)
            self.handle(order_id, state, departments, ids, sign_hours, contact_hours, working_days, cycle=2,
                        assigned=assigned)  # fmt: skip
            return
        closed = callback + rng.uniform(1, 24) * HOUR
        if closed < now:
            state.status, state.closed, state.touched = "closed", closed, closed

    def assign(self, assignment_id: int, order_id: int, department_id: int, role: str, status: str, assigned: float,
               *, signed: float | None = None, contact: float | None = None, replied: float | None = None,
               returned: float | None = None, reason: str = "", by: int | None = None) -> None:  # fmt: skip
        self.add(
            "assignment", assignment_id, order_id, department_id, role, status, stamp(assigned), stamp(signed),
            by if signed and by else NULL, stamp(contact), stamp(replied),
            _REPLIES[assignment_id % len(_REPLIES)] if replied else "", stamp(returned), reason,
            text(_RETURN_TEXT[reason]) if reason else "",
        )  # fmt: skip


@dataclass
class OrderState:
    created: float
    status: str = "draft"
    lead: int | None = None
    dispatched: float | None = None
    sign_due: float | None = None
    contact_due: float | None = None
    resolve_due: float | None = None
    replied: float | None = None
    closed: float | None = None
    touched: float = 0.0
    supervised: bool = False
    reopens: int = 0
    stage: str = "on_time"


# Columns of each table, in the order Generator.add writes them.
COLUMNS = {
    "submission": (
        "hotline_submission",
        "id, channel, sender_id, received_at, caller_name, caller_phone, content_type, raw_body, payload, "
        "submitted_by_id, status, attempts, last_error, next_attempt_at, triaged_at, likes",
    ),
    "order": (
        "workorders_workorder",
        "id, number, status, channel, title, appeal, appeal_masked, summary, request_type, urgency, emotion, "
        "is_priority, category_id, area_id, address, caller_name, caller_phone, caller_phone_hash, lead_department_id, "
        "source_submission_id, triage, merged_into_id, is_supervised, reopen_count, deadline_stage, created_at, "
        "updated_at, dispatched_at, sign_due_at, contact_due_at, resolve_due_at, replied_at, closed_at, version, "
        "confirmed_fields, masked_text",
    ),
    "assignment": (
        "workorders_assignment",
        "id, order_id, department_id, role, status, assigned_at, signed_at, signed_by_id, first_contact_at, "
        "replied_at, reply, returned_at, return_reason, return_note",
    ),
    "callback": ("workorders_callback", "id, order_id, satisfaction, resolved, comment, recorded_by_id, created_at"),
    "event": (
        "workorders_workorderevent",
        "id, order_id, action, from_status, to_status, actor_id, actor_role, department_id, reason_code, reason, "
        "changes, resolved, created_at, sign_due_at",
    ),
    "review": (
        "workorders_aifieldreview",
        "id, order_id, field, predicted, predicted_label, confidence, final, final_label, accepted, automatic, "
        "category_level1, source, reviewed_by_id, created_at",
    ),
}


def demo_logins_rehashed() -> list[str]:
    """Give the demo logins of a database made with the test settings' MD5 hasher (before this script used the
    production settings) the demo password again, hashed with the current settings' hasher, so they log in
    on ``manage.py serve``. Returns the logins changed."""
    from django.contrib.auth.hashers import get_hasher, identify_hasher

    from accounts.models import User
    from core.demo.city import DEMO_PASSWORD, DEMO_USERS

    preferred = get_hasher().algorithm
    changed = []
    for user in User.objects.filter(username__in=[username for username, *_ in DEMO_USERS]):
        try:
            algorithm = identify_hasher(user.password).algorithm
        except ValueError:  # unusable or unknown: the demo login never worked here
            algorithm = ""
        if algorithm != preferred:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            changed.append(user.username)
    return changed


def index_recent_orders() -> int:
    """Index the rare terms of the open orders of the last 30 days that have none yet (``hotline.OrderTextKey``,
    what triage writes for the related-order search), with COPY. Returns the orders indexed."""
    from django.db import connection, transaction
    from django.utils import timezone

    from hotline.selectors import OPEN_FOR_MERGING, RELATED_WINDOW
    from hotline.services import duplicate_finder
    from triage.duplicates import index_keys

    weights = duplicate_finder().weights
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT o.id, o.title, o.appeal_masked, o.created_at FROM workorders_workorder o "
            "WHERE o.created_at >= %s AND o.status = ANY(%s) AND o.appeal_masked <> '' "
            "AND NOT EXISTS (SELECT 1 FROM hotline_ordertextkey k WHERE k.order_id = o.id)",
            [timezone.now() - RELATED_WINDOW, list(OPEN_FOR_MERGING)],
        )
        orders = cursor.fetchall()
    rows = [
        f"{pk}\t{key}\t{weight}\t{created.isoformat()}"
        for pk, title, masked, created in orders
        for key, weight in index_keys(f"{title}\n{masked}", weights).items()
    ]
    if rows:
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.cursor.copy("COPY hotline_ordertextkey (order_id, key, weight, created_at) FROM STDIN") as copy:
                copy.write("\n".join(rows) + "\n")
            cursor.execute("ANALYZE hotline_ordertextkey")
    return len(orders)


def copy_rows(cursor: Any, generator: Generator) -> None:
    for name, (table, columns) in COLUMNS.items():
        rows = generator.rows.get(name)
        if not rows:
            continue
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            copy.write("\n".join(rows) + "\n")
    generator.rows.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url", help="postgres://user@host:port/name (created if missing)")
    parser.add_argument("--orders", type=int, default=1_000_000, help="orders to add (default 1,000,000)")
    parser.add_argument("--years", type=float, default=2.0, help="spread over this many years before now")
    parser.add_argument("--chunk", type=int, default=20_000, help="orders per COPY transaction")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: from the orders present)")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("generate_orders writes with PostgreSQL's COPY: give a postgres:// URL")
    started = time.perf_counter()
    ensure_database(args.database_url)
    setup_django(args.database_url)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    from workorders.models import Department, OrderNumberSequence
    from workorders.selectors import work_calendar

    call_command("migrate", verbosity=0)
    if not Department.objects.exists():
        call_command("seed_demo", "--no-history", verbosity=0)
    rehashed = demo_logins_rehashed()
    if rehashed:
        print(f"demo logins rehashed for the production settings: {', '.join(rehashed)}")
    prepared = time.perf_counter()
    reference = load_reference()
    texts = load_texts(settings.HOTLINE["DATASETS_DIR"] / "teddy2020c")
    calendar = work_calendar()
    now = time.time()
    tables = {name: table for name, (table, _columns) in COLUMNS.items()}
    with connection.cursor() as cursor:
        start_ids = {}
        for name, table in tables.items():
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            start_ids[name] = cursor.fetchone()[0]
    seed = args.seed if args.seed is not None else start_ids["order"] + 1
    generator = Generator(reference=reference, texts=texts, now=now, calendar=calendar, seed=seed)
    generator.next_id = dict(start_ids)
    generator.sequences = dict(OrderNumberSequence.objects.values_list("day", "last"))
    holidays = set(calendar.holidays)
    times = arrival_times(args.orders, end=now, years=args.years, rng=random.Random(seed), holidays=holidays)
    # Later batches land on days that already hold orders: number them after the day's last number.
    print(f"reference data and texts ready in {time.perf_counter() - prepared:.1f} s; generating {args.orders} orders")
    generating = time.perf_counter()
    for start in range(0, len(times), args.chunk):
        for created in times[start : start + args.chunk]:
            generator.order(created)
        with transaction.atomic(), connection.cursor() as cursor:
            copy_rows(cursor.cursor, generator)
        done = min(start + args.chunk, len(times))
        rate = done / (time.perf_counter() - generating)
        print(f"  {done:>9,} orders  {rate:,.0f}/s", flush=True)
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables.values():
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))"
            )
        for day, last in generator.sequences.items():
            OrderNumberSequence.objects.update_or_create(day=day, defaults={"last": last})
    analyse = time.perf_counter()
    with connection.cursor() as cursor:
        for table in tables.values():
            cursor.execute(f"ANALYZE {table}")
    indexed = index_recent_orders()
    print(f"open orders of the last 30 days indexed for the related-order search: {indexed}")
    total = time.perf_counter() - started
    figures = {
        "orders_added": args.orders,
        "seconds_total": round(total, 1),
        "seconds_generating_and_copying": round(analyse - generating, 1),
        "seconds_analyze": round(time.perf_counter() - analyse, 1),
        "orders_per_second": round(args.orders / (analyse - generating)),
        "rows": {k: v for k, v in sorted(generator.counts.items()) if not k.startswith("orders_")},
        "statuses": {k[7:]: v for k, v in sorted(generator.counts.items()) if k.startswith("orders_")},
    }
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
