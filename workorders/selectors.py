"""Reads of the work-order domain. Each returns a queryset with the joins its callers need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Length, RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from triage.privacy import partial_phone
from workorders import disclosure, permissions
from workorders.choices import (
    ACTIVE_ASSIGNMENT_STATUSES,
    OPEN_STATUSES,
    AiField,
    AssignmentRole,
    AssignmentStatus,
    Emotion,
    ExtensionStatus,
    HolidayKind,
    RequestType,
    Status,
    Urgency,
)
from workorders.deadlines import WorkCalendar
from workorders.encryption import normalise_phone, phone_hash
from workorders.models import (
    RISK_LIFE,
    RISK_NONE,
    RISK_PRIORITY,
    RISK_URGENT,
    AiFieldReview,
    Area,
    Assignment,
    Callback,
    Category,
    Department,
    ExtensionRequest,
    Holiday,
    OrderClaim,
    WorkOrder,
    WorkOrderEvent,
    risk_rank,
)
from workorders.pickers import PickerEntry, picker_entry
from workorders.triage_record import TriageRecord, candidates_of, source_in_words


def overdue_q(now: datetime) -> Q:
    """Orders past a deadline while a department holds them: not signed in time, or not resolved in time."""
    return Q(status__in=OPEN_STATUSES) & (Q(resolve_due_at__lt=now) | Q(status=Status.DISPATCHED, sign_due_at__lt=now))


def due_soon_q(now: datetime, hours: int) -> Q:
    return Q(status__in=OPEN_STATUSES, resolve_due_at__gte=now, resolve_due_at__lt=now + timedelta(hours=hours))


def order_list(user: User) -> QuerySet[WorkOrder]:
    """Orders for list pages and the list endpoint, with what a row shows."""
    return (
        permissions.orders_visible_to(user)
        .select_related("category", "area", "lead_department")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(
                    role=AssignmentRole.ASSIST, status__in=ACTIVE_ASSIGNMENT_STATUSES
                ).select_related("department"),
                to_attr="active_assists",
            )
        )
    )


def order_detail(user: User) -> QuerySet[WorkOrder]:
    """Orders for the order page and the detail endpoint, with assignments, events and callbacks."""
    return (
        permissions.orders_visible_to(user)
        .select_related("category", "area", "lead_department", "source_submission")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("department", "signed_by")),
            Prefetch("events", queryset=WorkOrderEvent.objects.select_related("actor", "department")),
            "callbacks__recorded_by",
            Prefetch(
                "extension_requests",
                queryset=ExtensionRequest.objects.select_related("department", "requested_by", "decided_by"),
            ),
        )
    )


def officer_assignments_on(*, order: WorkOrder, user: User) -> list[Assignment]:
    """The order's active assignments that the officer acts for (their department subtree's)."""
    if not permissions.is_department_officer(user):
        return []
    assignments = order.assignments.filter(status__in=ACTIVE_ASSIGNMENT_STATUSES).select_related("department")
    return [a for a in assignments if permissions.acts_for(user, a)]


def assignment_for_officer(*, order: WorkOrder, user: User, role: str) -> Assignment | None:
    """The order's active assignment in the given role within the officer's department subtree, or None."""
    return next((a for a in officer_assignments_on(order=order, user=user) if a.role == role), None)


def officer_assignment(*, order: WorkOrder, user: User) -> Assignment | None:
    """The assignment an officer acts through: the lead one if their subtree leads, else an assisting one."""
    mine = officer_assignments_on(order=order, user=user)
    return next((a for a in mine if a.role == AssignmentRole.LEAD), None) or next(iter(mine), None)


def officer_inbox(user: User, *, text: str = "") -> QuerySet[Assignment]:
    """Assignments of the officer's department subtree that still need work or a callback, soonest due first, as
    an inbox row shows them (``inbox_rows``). ``text`` narrows it to an order number or words of the title."""
    return inbox_rows(_inbox_assignments(user, text)).order_by("order__resolve_due_at", "order_id")


def _inbox_assignments(user: User, text: str) -> QuerySet[Assignment]:
    assignments = permissions.officer_assignments(user, ACTIVE_ASSIGNMENT_STATUSES).filter(
        order__status__in=[*OPEN_STATUSES, Status.REPLIED]
    )
    text = text.strip()
    if text:
        assignments = assignments.filter(Q(order__number__icontains=text) | Q(order__title__icontains=text))
    return assignments


def inbox_rows(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Assignments with what an inbox row shows: the order with its category, area and who holds it
    (``order.claim``), and the working days of an extension the assignment's department asked for that awaits a
    manager's decision (``pending_extension_days``, None without one)."""
    pending = ExtensionRequest.objects.filter(
        order_id=OuterRef("order_id"), department_id=OuterRef("department_id"), status=ExtensionStatus.PENDING
    )
    return (
        assignments.annotate(pending_extension_days=Subquery(pending.values("working_days")[:1]))
        .select_related("order", "order__category", "order__area", "department", "order__claim__user")
        .defer(*_NOT_IN_INBOX_ROWS)
    )


# What an inbox row does not show, left unread (the personal data among them is encrypted: not decrypted either).
_NOT_IN_INBOX_ROWS = (
    *(f"order__{name}" for name in ("address", "caller_name", "caller_phone", "summary", "triage", "masked_text")),
    "order__confirmed_fields",
    "reply",
    "return_note",
)


@dataclass(frozen=True)
class InboxSection:
    """One section of the inbox: its first rows (soonest due first) and how many it holds in all."""

    rows: list[Assignment]
    count: int


def officer_inbox_sections(user: User, *, text: str = "", rows: int, replied_rows: int) -> dict[str, InboxSection]:
    """The officer's inbox by what comes next (``officer_inbox``): ``to_sign`` by sign deadline, ``handling`` by
    resolve deadline (their first ``rows``) and ``replied``, awaiting the callback (the first ``replied_rows``),
    each with its count. Two queries however many the department holds: each section's first rows and counts,
    numbered in SQL by a window over the inbox (a LIMIT per section had the planner walk the whole resolve-deadline
    index for the few replied ones), then those rows, by id."""
    sections = {
        "to_sign": AssignmentStatus.PENDING,
        "handling": AssignmentStatus.SIGNED,
        "replied": AssignmentStatus.REPLIED,
    }
    deadline = Case(
        When(status=AssignmentStatus.PENDING, then=F("order__sign_due_at")), default=F("order__resolve_due_at")
    )
    ranked = (
        _inbox_assignments(user, text)
        .annotate(
            place=Window(
                RowNumber(), partition_by=F("status"), order_by=[deadline.asc(nulls_last=True), F("order_id").asc()]
            ),
            in_section=Window(Count("pk"), partition_by=F("status")),
        )
        .filter(place__lte=Case(When(status=AssignmentStatus.REPLIED, then=Value(replied_rows)), default=Value(rows)))
        .order_by()
        .values_list("pk", "status", "place", "in_section")
    )
    shown: dict[str, list[tuple[int, int]]] = {status: [] for status in sections.values()}
    counts: dict[str, int] = {}
    for pk, status, place, in_section in ranked:
        shown[status].append((place, pk))
        counts[status] = in_section
    wanted = [pk for entries in shown.values() for _place, pk in entries]
    fetched = {row.pk: row for row in inbox_rows(Assignment.objects.filter(pk__in=wanted))} if wanted else {}
    return {
        name: InboxSection(
            [fetched[pk] for _place, pk in sorted(shown[status]) if pk in fetched], counts.get(status, 0)
        )
        for name, status in sections.items()
    }


def inbox_next_candidates(user: User, now: datetime) -> QuerySet[WorkOrder]:
    """What an officer's "next order" may take, in the inbox's order: the orders to sign by their sign deadline,
    then those being handled by their resolve deadline; only where the officer's subtree leads (an assisting
    department gives its opinion without taking the order) and nobody else holds the order at ``now``."""
    leads = permissions.officer_assignments(user, (AssignmentStatus.PENDING, AssignmentStatus.SIGNED)).filter(
        role=AssignmentRole.LEAD
    )
    to_sign = Q(status=Status.DISPATCHED)
    return (
        WorkOrder.objects.filter(pk__in=leads.values("order_id"), status__in=[Status.DISPATCHED, Status.SIGNED])
        .filter(claimable_q(user, now))
        .annotate(
            inbox_rank=Case(When(to_sign, then=Value(0)), default=Value(1), output_field=IntegerField()),
            inbox_due=Case(When(to_sign, then=F("sign_due_at")), default=F("resolve_due_at")),
        )
        .order_by("inbox_rank", F("inbox_due").asc(nulls_last=True), "id")
    )


def pending_extension_requests() -> QuerySet[ExtensionRequest]:
    return ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING).select_related(
        "order", "department", "requested_by"
    )


def work_calendar() -> WorkCalendar:
    rows = list(Holiday.objects.values_list("date", "kind"))
    return WorkCalendar(
        holidays=frozenset(day for day, kind in rows if kind == HolidayKind.HOLIDAY),
        makeup_workdays=frozenset(day for day, kind in rows if kind == HolidayKind.WORKDAY),
    )


def active_departments() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).order_by("path")


# --- pages: the dispatch desk and the order page ------------------------------------------------------


def orders_awaiting_dispatch(user: User) -> QuerySet[WorkOrder]:
    """Drafts for the dispatch desk, newest first, with what a desk row shows (incl. whether triage ran)."""
    return (
        permissions.orders_visible_to(user)
        .filter(status=Status.DRAFT)
        .select_related("category", "area", "source_submission")
        .order_by("-created_at", "-id")
    )


RISK_LABELS = {
    RISK_LIFE: _("Life at risk"),
    RISK_PRIORITY: _("Priority caller"),
    RISK_URGENT: _("Urgent"),
    RISK_NONE: _("Normal"),
}


def desk_queue(user: User, *, text: str = "") -> QuerySet[WorkOrder]:
    """The operator's queue (待派单): every order awaiting dispatch, the highest risk first (``risk_rank``: a life
    at risk, a priority caller, urgent, the rest), then the longest waiting first; with who has each one
    (``claim``) and what a queue row shows. ``text`` narrows it to an order number or words of the title."""
    orders = (
        permissions.orders_visible_to(user)
        .filter(status=Status.DRAFT)
        .annotate(risk_rank=risk_rank())
        .select_related("category", "area", "source_submission", "claim", "claim__user")
        .order_by("risk_rank", "created_at", "id")
    )
    text = text.strip()
    if text:
        orders = orders.filter(Q(number__icontains=text) | Q(title__icontains=text))
    return orders


def claimable_q(user: User, now: datetime) -> Q:
    """Orders nobody else holds at ``now``: unclaimed, claimed by ``user``, or with a lapsed claim."""
    lapsed = now - timedelta(minutes=settings.HOTLINE["CLAIM_MINUTES"])
    return Q(claim__isnull=True) | Q(claim__user=user) | Q(claim__active_at__lte=lapsed)


def claim_of(order: WorkOrder) -> OrderClaim | None:
    """Who holds the order (held or lapsed), or None."""
    return OrderClaim.objects.select_related("user").filter(order_id=order.pk).first()


def claim_holder(order: WorkOrder, now: datetime) -> User | None:
    """Who holds the order now (its claim read with it, ``desk_queue``), or None."""
    try:
        claim = order.claim
    except OrderClaim.DoesNotExist:
        return None
    return claim.user if claim.held_at(now) else None


def ai_confidence(record: TriageRecord) -> float | None:
    """How sure triage was of the order as a whole: the lower of its category's and department's confidences
    (the fields dispatch depends on); None before analysis."""
    values = [g.confidence for g in (record.category, record.department) if g.value not in (None, "")]
    return min(values) if values else None


def queue_rows(orders: list[WorkOrder], now: datetime) -> list[WorkOrder]:
    """The queue's rows with what each shows: its triage record (``record``), the risk in words (``risk_label``),
    the AI's confidence (``confidence``) and who holds it (``holder``)."""
    for order in orders:
        order.record = order.triage_record
        order.risk_label = RISK_LABELS[order.risk_rank]
        order.confidence = ai_confidence(order.record)
        order.holder = claim_holder(order, now)
    return orders


# --- the caller: their earlier and open orders ------------------------------------------------------------

CALLER_ORDERS_SHOWN = 10
CALLER_RECENT_DAYS = 30


def caller_phone_key(phone: str) -> str:
    """A phone number as the orders of one caller are matched by it: the keyed hash of its digits (the phone is
    encrypted at rest; ``workorders.encryption.phone_hash``), or "" for a blank or partial number (fewer than five
    digits), which is nobody in particular."""
    return phone_hash(phone) if len(normalise_phone(phone)) >= 5 else ""


def orders_of_caller(order_or_phone: WorkOrder | str, user: User) -> QuerySet[WorkOrder]:
    """The orders of the same caller that ``user`` may see, as they are shown to them, newest first: matched by
    the keyed hash of the phone number (``caller_phone_hash``), exactly. The ONE place orders are matched by
    caller.

    Given an order, its phone's hash is read from the database (an order masked for display carries a shortened
    phone); the order itself is left out. A blank phone matches nothing."""
    if isinstance(order_or_phone, WorkOrder):
        key = WorkOrder.objects.filter(pk=order_or_phone.pk).values_list("caller_phone_hash", flat=True).first() or ""
        exclude = order_or_phone.pk
    else:
        key, exclude = caller_phone_key(order_or_phone), None
    if not key:
        return permissions.orders_visible_to(user).none()
    orders = permissions.orders_visible_to(user).filter(caller_phone_hash=key)
    if exclude is not None:
        orders = orders.exclude(pk=exclude)
    return orders.select_related("lead_department", "category").order_by("-created_at", "-id")


@dataclass(frozen=True)
class CallerCard:
    """What the desk shows of a caller: their earlier orders (the latest ``CALLER_ORDERS_SHOWN``), how many times
    they called in the last ``CALLER_RECENT_DAYS`` days, and their orders still open (not closed, cancelled or
    merged), each as the user is shown it; ``phone`` as the user may see it."""

    phone: str
    earlier: list[WorkOrder]
    earlier_count: int
    recent_calls: int
    open_orders: list[WorkOrder]

    @property
    def known(self) -> bool:
        return self.earlier_count > 0


_CLOSED_FOR_CALLER = (Status.CLOSED, Status.CANCELLED, Status.MERGED)


def caller_card(order_or_phone: WorkOrder | str, user: User, *, now: datetime | None = None) -> CallerCard:
    """The caller card of an order (its caller's other orders) or of a phone number typed at intake."""
    moment = now or timezone.now()
    orders = orders_of_caller(order_or_phone, user)
    earlier = list(orders[:CALLER_ORDERS_SHOWN])
    earlier_count = len(earlier) if len(earlier) < CALLER_ORDERS_SHOWN else orders.count()
    recent = sum(1 for o in earlier if o.created_at >= moment - timedelta(days=CALLER_RECENT_DAYS))
    if len(earlier) == CALLER_ORDERS_SHOWN:
        recent = orders.filter(created_at__gte=moment - timedelta(days=CALLER_RECENT_DAYS)).count()
    open_orders = list(orders.exclude(status__in=_CLOSED_FOR_CALLER)[:CALLER_ORDERS_SHOWN])
    if isinstance(order_or_phone, WorkOrder):
        phone = order_or_phone.caller_phone  # as the user is shown it (shortened for a masked role)
        recent += 1  # this call too
    else:
        phone = order_or_phone if permissions.sees_personal_data(user) else partial_phone(order_or_phone)
    return CallerCard(phone, earlier, earlier_count, recent, open_orders)


def orders_awaiting_arbitration(user: User) -> QuerySet[WorkOrder]:
    """Returned orders, oldest return first; the returning lead assignment is in ``order.returned_leads``."""
    return (
        permissions.orders_visible_to(user)
        .filter(status=Status.RETURNED)
        .select_related("category", "area", "lead_department")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(role=AssignmentRole.LEAD, status=AssignmentStatus.RETURNED)
                .select_related("department")
                .order_by("-returned_at", "-id"),
                to_attr="returned_leads",
            )
        )
        .order_by("updated_at", "id")
    )


def orders_awaiting_callback(user: User) -> QuerySet[WorkOrder]:
    """Replied orders, the longest waiting first."""
    return (
        permissions.orders_visible_to(user)
        .filter(status=Status.REPLIED)
        .select_related("category", "area", "lead_department")
        .order_by("replied_at", "id")
    )


def orders_awaiting_close(user: User) -> QuerySet[WorkOrder]:
    """Called-back orders; their callbacks (latest last) are in ``order.callback_list``."""
    return (
        permissions.orders_visible_to(user)
        .filter(status=Status.CALLBACK)
        .select_related("category", "area", "lead_department")
        .prefetch_related(
            Prefetch("callbacks", queryset=Callback.objects.order_by("created_at", "id"), to_attr="callback_list")
        )
        .order_by("updated_at", "id")
    )


@dataclass(frozen=True)
class TriageRow:
    """One AI-filled field as the order page shows it: its candidates (best first) and where they came from."""

    field: str
    label: str
    candidates: list[tuple[str, float | None, list[str]]]  # display value, confidence, evidence words
    source: str
    values: tuple[Any, ...] = ()  # the candidates' stored values (ids of categories, areas, departments), same order

    def alternatives(self) -> list[dict[str, Any]]:
        """The candidates for a picker or a choice: value, label and confidence, best first."""
        return [
            {"value": value, "label": label, "confidence": confidence}
            for value, (label, confidence, _evidence) in zip(self.values, self.candidates, strict=False)
        ]


_TRIAGE_FIELDS = (
    ("level1", _("Category (level 1)"), "level1"),
    ("category", _("Category"), "category"),
    ("department", _("Lead department"), "catalogue"),
    ("request_type", _("Request type"), "rules"),
    ("urgency", _("Urgency"), "rules"),
    ("emotion", _("Caller's emotion"), "rules"),
    ("area", _("Area"), "gazetteer"),
)


def triage_rows(order: WorkOrder) -> list[TriageRow]:
    """The order's triage result with names for the ids it stores (three queries at most)."""
    record = order.triage_record
    ids: dict[str, set[int]] = {"level1": set(), "category": set(), "department": set(), "area": set()}
    for key in ids:
        ids[key].update(c.value for c in record.guess(key).ranked if isinstance(c.value, int))
    names = {
        "level1": dict(Category.objects.filter(pk__in=ids["level1"] | ids["category"]).values_list("pk", "full_name")),
        "department": dict(Department.objects.filter(pk__in=ids["department"]).values_list("pk", "name")),
        "area": dict(Area.objects.filter(pk__in=ids["area"]).values_list("pk", "full_name")),
    }
    names["category"] = names["level1"]
    choices = {
        "request_type": dict(RequestType.choices),
        "urgency": dict(Urgency.choices),
        "emotion": dict(Emotion.choices),
    }
    rows = []
    for key, label, source in _TRIAGE_FIELDS:
        guess = record.guess(key)
        if guess.value in (None, ""):
            continue
        lookup = names.get(key) or choices.get(key) or {}
        candidates = [(str(lookup.get(c.value, c.value)), c.confidence, list(c.evidence)) for c in candidates_of(guess)]
        shown_source = source_in_words(record.versions.get(source, source))
        if key == "department":  # the catalogue applied to the categories above
            shown_source = _("dispatch catalogue")
        values = tuple(c.value for c in candidates_of(guess))
        rows.append(TriageRow(key, str(label), candidates, str(shown_source), values))
    return rows


def orders_visible_to_for_merge(order: WorkOrder) -> QuerySet[WorkOrder]:
    """Orders another order may be merged into: open ones."""
    return WorkOrder.objects.exclude(pk=order.pk).exclude(status__in=[Status.CANCELLED, Status.MERGED, Status.CLOSED])


def order_by_number_or_id(user: User, value: str) -> WorkOrder | None:
    """The order the user may see with this number (GD…), or with this id; None when there is none."""
    value = value.strip()
    visible = permissions.orders_visible_to(user)
    return visible.filter(number=value).first() or (visible.filter(pk=int(value)).first() if value.isdigit() else None)


def merged_orders(order: WorkOrder) -> QuerySet[WorkOrder]:
    """The orders merged into this one (other callers reporting the same event), masked as the order is."""
    merged = order.merged_orders.order_by("created_at")
    return disclosure.orders_as_shown(merged, None, masked=True) if disclosure.is_masked(order) else merged


@dataclass(frozen=True)
class AcceptanceRow:
    field: str
    field_label: str
    category_level1: str
    reviewed: int
    accepted: int

    @property
    def rate(self) -> float:
        return self.accepted / self.reviewed if self.reviewed else 0.0


def ai_acceptance(*, since: datetime | None = None) -> list[AcceptanceRow]:
    """How often operators dispatched an order with the value triage proposed, per field and level-1
    category (orders dispatched automatically are left out: nobody reviewed them)."""
    reviews = AiFieldReview.objects.filter(automatic=False)
    if since is not None:
        reviews = reviews.filter(created_at__gte=since)
    rows = (
        reviews.values("field", "category_level1")
        .annotate(reviewed=Count("id"), accepted=Count("id", filter=Q(accepted=True)))
        .order_by("field", "-reviewed")
    )
    labels = dict(AiField.choices)
    return [
        AcceptanceRow(
            r["field"], str(labels.get(r["field"], r["field"])), r["category_level1"], r["reviewed"], r["accepted"]
        )
        for r in rows
    ]


def shown_personal_data(order: WorkOrder, user: User | None) -> dict[str, str]:
    """The appeal and the caller as this user may see them: whole for the roles that contact the caller,
    else the appeal with personal data masked and the name and phone shortened (张**, 138****8000), as
    ``workorders.disclosure`` masks the whole order (the order read through ``orders_visible_to`` is already)."""
    if not permissions.sees_personal_data(user):
        disclosure.mask_order(order)
    return {"appeal": order.appeal, "caller_name": order.caller_name, "caller_phone": order.caller_phone}


_SOURCE_FIELDS = (
    ("title", _("Title")),
    ("summary", _("Summary")),
    ("request_type", _("Request type")),
    ("category", _("Category")),
    ("department", _("Lead department")),
    ("urgency", _("Urgency")),
    ("emotion", _("Caller's emotion")),
    ("area", _("Area")),
)
_SOURCE_LABELS = {
    "llm": _("LLM"),
    "extractive": _("extractive summary"),
    "rules": _("rules"),
    "classifier": _("classifier"),
    "dispatch catalogue": _("dispatch catalogue"),
    "gazetteer": _("gazetteer"),
}


def field_sources(order: WorkOrder) -> list[tuple[str, str]]:
    """For each AI-filled field, where its value came from: the model or rules and their versions, or the
    LLM with its model, prompt version, time and tokens."""
    sources = order.triage_record.sources
    rows = []
    for field, label in _SOURCE_FIELDS:
        source = sources.get(field)
        if source is None:
            continue
        kind = str(_SOURCE_LABELS.get(source.source, source.source))
        if source.is_llm:
            detail = _("%(model)s, prompt %(prompt)s, %(seconds).1f s, %(tokens)s tokens") % {
                "model": source.model,
                "prompt": source.prompt,
                "seconds": source.latency_ms / 1000,
                "tokens": source.tokens,
            }
            rows.append((str(label), f"{kind} {detail}".strip()))
        else:  # the model, rules or gazetteer in words, not their version codes
            rows.append((str(label), source_in_words(source.version) if source.version else kind))
    return rows


# --- the type-ahead of the list filters ----------------------------------------------------------------------

REFERENCE_OPTIONS = 20
_REFERENCE_MODELS: dict[str, type[Department] | type[Category] | type[Area]] = {
    "department": Department,
    "category": Category,
    "area": Area,
}


def reference_options(kind: str, text: str, *, limit: int = REFERENCE_OPTIONS) -> list[str] | None:
    """The full names of the departments, categories or areas (``kind``) whose name contains ``text``, the
    shallowest first (a district before its streets), at most ``limit``; None for an unknown kind."""
    model = _REFERENCE_MODELS.get(kind)
    if model is None:
        return None
    found = model.objects.all()
    text = text.strip()
    if text:
        found = found.filter(Q(name__icontains=text) | Q(full_name__icontains=text))
    found = found.annotate(depth=Length("path")).order_by("depth", "full_name")
    return list(found.values_list("full_name", flat=True)[:limit])


# --- the type-ahead pickers of the order workspace ---------------------------------------------------------


PICKER_KINDS = ("category", "area", "department")


def picker_entries(kind: str) -> list[PickerEntry] | None:
    """Every category, area or active department as a picker choice with its pinyin keys, in tree order; None for
    an unknown kind. The keys of a name are computed once per process (``pickers.picker_entry`` is memoised)."""
    if kind not in PICKER_KINDS:
        return None
    model = _REFERENCE_MODELS[kind]
    rows = model.objects.filter(is_active=True) if kind == "department" else model.objects.all()
    return [
        _picker_entry(pk, full_name, name)
        for pk, full_name, name in rows.order_by("path").values_list("pk", "full_name", "name")
    ]


@lru_cache(maxsize=20_000)
def _picker_entry(pk: int, full_name: str, name: str) -> PickerEntry:
    return picker_entry(pk, full_name, name)


def picker_labels(field: str, ids: list[int]) -> list[tuple[int, str]]:
    """The full names of the categories, areas or departments a workspace field (``category``, ``area``,
    ``lead_department``, ``assisting_departments``) holds, in the order given."""
    model = {"category": Category, "area": Area}.get(field, Department)
    names = dict(model.objects.filter(pk__in=ids).values_list("pk", "full_name"))
    return [(pk, names[pk]) for pk in ids if pk in names]
