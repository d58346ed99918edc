"""The work-order domain: reference data (areas, departments, categories, dispatch catalogue, deadline
policies, holidays) and the orders with their assignments, append-only events and callbacks."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triage.datasets import model_text
from workorders.choices import (
    OPEN_STATUSES,
    Action,
    AiField,
    AreaKind,
    AssignmentRole,
    AssignmentStatus,
    Channel,
    DeadlineStage,
    DepartmentKind,
    Emotion,
    ExtensionStatus,
    HolidayKind,
    RequestType,
    ReturnReason,
    Satisfaction,
    Status,
    Urgency,
)
from workorders.encryption import EncryptedCharField, EncryptedJSONField, EncryptedTextField, PhoneHashField
from workorders.triage_record import TriageRecord


class TreeNode(models.Model):
    """A node of a small hierarchy with a materialised path (``/3/17/42/``) for cheap subtree queries."""

    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    full_name = models.CharField(_("full name"), max_length=255, editable=False, default="")

    class Meta:
        abstract = True

    name: str

    def save(self, *args: object, **kwargs: object) -> None:
        old_path = self.path
        super().save(*args, **kwargs)
        parent = self.parent
        new_path = f"{parent.path if parent else '/'}{self.pk}/"
        new_full_name = f"{parent.full_name} / {self.name}" if parent else self.name
        if (new_path, new_full_name) != (old_path, self.full_name):
            type(self).objects.filter(pk=self.pk).update(path=new_path, full_name=new_full_name)
            if old_path and old_path != new_path:
                type(self).objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
                )
            self.path, self.full_name = new_path, new_full_name
            if old_path:
                for child in self.children.all():  # full names of descendants embed this node's name
                    child.save()

    def clean(self) -> None:
        super().clean()
        inside_itself = self.parent_id == self.pk or (self.parent and self.parent.path.startswith(self.path or "\0"))
        if self.pk and self.parent_id and inside_itself:
            raise ValidationError({"parent": _("A node cannot be placed under itself or its descendants.")})

    def subtree_q(self, field: str = "") -> Q:
        """A filter matching rows whose ``field`` is this node or one of its descendants."""
        prefix = f"{field}__" if field else ""
        return Q(**{f"{prefix}path__startswith": self.path})

    def ancestors_and_self_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


class Area(TreeNode):
    """The gazetteer: city → district/county → street/town → community/village."""

    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=AreaKind.choices)
    code = models.CharField(_("code"), max_length=32, unique=True)
    aliases = models.JSONField(
        _("aliases"), default=list, blank=True, help_text=_("Other names citizens use for this place.")
    )

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="area_unique_name_under_parent")]

    def __str__(self) -> str:
        return self.full_name or self.name


class Department(TreeNode):
    """A handling unit (承办单位). Officers of a department also see the orders of its sub-departments."""

    name = models.CharField(_("name"), max_length=128)
    code = models.CharField(_("code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=DepartmentKind.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("area of jurisdiction"), null=True, blank=True, on_delete=models.SET_NULL
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class Category(TreeNode):
    """The three-level appeal taxonomy (一级/二级/三级分类)."""

    name = models.CharField(_("name"), max_length=64)
    level = models.PositiveSmallIntegerField(_("level"))

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="category_unique_name_under_parent")]

    def __str__(self) -> str:
        return self.full_name or self.name

    def clean(self) -> None:
        super().clean()
        expected = (self.parent.level + 1) if self.parent else 1
        if self.level != expected:
            raise ValidationError({"level": _("Level must be %(level)s under this parent.") % {"level": expected}})


class DispatchRule(models.Model):
    """One line of the dispatch catalogue (派单目录): category (any level) [+ area] → departments.

    The most specific rule wins: a deeper category beats a shallower one, then a deeper area beats a
    shallower one, and a rule with an area beats one without."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="dispatch_rules"
    )
    area = models.ForeignKey(
        Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.CASCADE, related_name="dispatch_rules"
    )
    lead_department = models.ForeignKey(
        Department, verbose_name=_("lead department"), on_delete=models.PROTECT, related_name="lead_rules"
    )
    assisting_departments = models.ManyToManyField(
        Department, verbose_name=_("assisting departments"), blank=True, related_name="assisting_rules"
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("dispatch rule")
        verbose_name_plural = _("dispatch catalogue")
        constraints = [
            models.UniqueConstraint(fields=["category", "area"], name="dispatch_rule_unique_category_area"),
            models.UniqueConstraint(
                fields=["category"], condition=Q(area__isnull=True), name="dispatch_rule_unique_category_without_area"
            ),
        ]

    def __str__(self) -> str:
        where = f" @ {self.area}" if self.area_id else ""
        return f"{self.category}{where} → {self.lead_department}"


class DeadlinePolicy(models.Model):
    """Time limits for one request type: hours to sign, hours to first contact, working days to resolve."""

    request_type = models.CharField(_("request type"), max_length=16, choices=RequestType.choices, unique=True)
    sign_hours = models.PositiveIntegerField(_("hours to sign"))
    first_contact_hours = models.PositiveIntegerField(_("hours to first contact"))
    resolve_working_days = models.PositiveIntegerField(_("working days to resolve"))

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        ordering = ["request_type"]

    def __str__(self) -> str:
        return str(self.get_request_type_display())

    def clean(self) -> None:
        if self.resolve_working_days == 0 or self.sign_hours == 0:
            raise ValidationError(_("Deadlines must be at least one hour / one working day."))


class Holiday(models.Model):
    """A day that breaks the Monday–Friday pattern: a public holiday, or a make-up working day (调休)."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=HolidayKind.choices)
    name = models.CharField(_("name"), max_length=64)

    class Meta:
        verbose_name = _("holiday calendar day")
        verbose_name_plural = _("holiday calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name} ({self.get_kind_display()})"


class OrderNumberSequence(models.Model):
    """The last order number handed out per local day; rows are locked while a number is taken."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


# The fields ``WorkOrder.masked_text`` is made of.
MASKED_TEXT_SOURCES = frozenset(
    {"title", "summary", "address", "appeal", "appeal_masked", "caller_name", "caller_phone"}
)


# The dispatch desk's risk ranks, highest risk first: a life at risk (an emergency, or a caller at risk of self-harm),
# a caller flagged for priority handling (angry or distressed), an urgent appeal, the rest.
RISK_LIFE, RISK_PRIORITY, RISK_URGENT, RISK_NONE = range(4)


def risk_rank() -> Case:
    """An order's risk rank in SQL (``RISK_*``): the queue's first sort key, and its index's first column."""
    return Case(
        When(Q(urgency=Urgency.EMERGENCY) | Q(triage__safety__self_harm=True), then=Value(RISK_LIFE)),
        When(is_priority=True, then=Value(RISK_PRIORITY)),
        When(urgency=Urgency.URGENT, then=Value(RISK_URGENT)),
        default=Value(RISK_NONE),
        output_field=models.IntegerField(),
    )


class WorkOrder(models.Model):
    number = models.CharField(_("order number"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_(
            "Goes up with every change of the order's status or fields; a write based on an older one is refused."
        ),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.PHONE)
    title = models.CharField(_("title"), max_length=200, blank=True)
    # The caller's words, name and phone are personal data: encrypted at rest (``workorders.encryption``); the
    # phone is found again through its keyed hash, words through the masked text.
    appeal = EncryptedTextField(
        _("appeal"), help_text=_("What the citizen asks for, in their words or the transcript.")
    )
    appeal_masked = models.TextField(
        _("appeal with personal data masked"),
        blank=True,
        help_text=_("What the models, the logs and anything sent out of the system see."),
    )
    summary = models.TextField(_("summary"), blank=True)
    request_type = models.CharField(
        _("request type"), max_length=16, choices=RequestType.choices, default=RequestType.COMPLAINT
    )
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    emotion = models.CharField(_("caller's emotion"), max_length=16, choices=Emotion.choices, default=Emotion.CALM)
    is_priority = models.BooleanField(
        _("priority handling"), default=False, help_text=_("An angry or distressed caller, or an emergency.")
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    area = models.ForeignKey(
        Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    address = EncryptedCharField(_("address"), max_length=255, blank=True)  # may be a home, to the flat
    caller_name = EncryptedCharField(_("caller name"), max_length=64, blank=True)
    caller_phone = EncryptedCharField(_("caller phone"), max_length=32, blank=True)
    caller_phone_hash = PhoneHashField(_("caller phone (keyed hash)"), source="caller_phone")
    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("lead department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_orders",
    )
    source_submission = models.OneToOneField(
        "hotline.Submission",
        verbose_name=_("source submission"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="order",
    )
    triage = models.JSONField(_("triage result"), default=dict, blank=True)
    # What roles that do not see personal data search (title, summary, address and appeal, masked as they are shown
    # to them; ``workorders.disclosure``): kept up to date by ``save``, never shown.
    masked_text = models.TextField(_("searchable text with personal data masked"), blank=True, editable=False)
    # The draft policy: once an operator has opened the order, an LLM draft only waits beside the fields; and the
    # fields an operator has set or confirmed (saved, even unchanged) are never changed by triage or a draft.
    opened_at = models.DateTimeField(_("first opened by an operator"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_fields = models.JSONField(_("fields confirmed by an operator"), default=list, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_orders",
    )
    is_supervised = models.BooleanField(_("under supervision"), default=False)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    deadline_stage = models.CharField(
        _("deadline reminders"), max_length=16, choices=DeadlineStage.choices, default=DeadlineStage.ON_TIME
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    sign_due_at = models.DateTimeField(_("sign by"), null=True, blank=True)
    contact_due_at = models.DateTimeField(_("contact citizen by"), null=True, blank=True)
    resolve_due_at = models.DateTimeField(_("resolve by"), null=True, blank=True, db_index=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "resolve_due_at"], name="order_status_due_idx"),
            models.Index(fields=["lead_department", "status"], name="order_lead_status_idx"),
            models.Index(fields=["category", "created_at"], name="order_category_created_idx"),
            models.Index(fields=["area", "created_at"], name="order_area_created_idx"),
            # The open orders with their deadlines, read from the index alone (the inbox's sections at 1M orders).
            models.Index(
                fields=["status"],
                include=["id", "sign_due_at", "resolve_due_at"],
                condition=Q(status__in=[*OPEN_STATUSES, Status.REPLIED]),  # the inbox's (selectors._inbox_assignments)
                name="order_open_deadlines_idx",
            ),
            # A status with a district's areas, counted by an index-only scan (the list's count at 1M orders).
            models.Index(fields=["status", "area"], include=["id"], name="order_status_area_idx"),
            # The open orders by deadline, furthest overdue first (dashboards, reminders): without it the
            # planner walks the resolve deadlines of every closed order to find twenty open ones.
            models.Index(
                fields=["resolve_due_at"], condition=Q(status__in=OPEN_STATUSES), name="order_open_resolve_due_idx"
            ),
            # The days whose sign deadlines fell in a period (the response-rate rollup and its drill-down).
            models.Index(fields=["sign_due_at"], name="order_sign_due_idx"),
            # The dispatch desk's queue in its order (risk, then the longest waiting): a page of it is read from
            # the index without sorting, or reading the triage record of, every order awaiting dispatch.
            models.Index(
                risk_rank(),
                "created_at",
                "id",
                condition=Q(status=Status.DRAFT),
                name="order_desk_queue_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args: object, **kwargs: Any) -> None:
        """Saved with its masked search text brought up to date whenever a text it is made of is saved."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None or set(update_fields) & MASKED_TEXT_SOURCES:
            from workorders.disclosure import masked_search_text

            self.masked_text = masked_search_text(self)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "masked_text"}
        if update_fields is not None and "caller_phone" in update_fields:
            kwargs["update_fields"] = {*kwargs["update_fields"], "caller_phone_hash"}
        super().save(*args, **kwargs)

    def is_overdue_at(self, moment: datetime) -> bool:
        if self.status not in OPEN_STATUSES:
            return False
        if self.resolve_due_at and moment > self.resolve_due_at:
            return True
        return bool(self.status == Status.DISPATCHED and self.sign_due_at and moment > self.sign_due_at)

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_at(timezone.now())

    @property
    def triage_record(self) -> TriageRecord:
        """What triage stored on the order, typed (see ``workorders.triage_record``)."""
        return TriageRecord.from_json(self.triage)

    @triage_record.setter
    def triage_record(self, record: TriageRecord) -> None:
        self.triage = record.to_json()

    @property
    def life_at_risk(self) -> bool:
        """An emergency, or a caller at risk of self-harm: the desk's first risk rank (``risk_rank`` in SQL)."""
        return self.urgency == Urgency.EMERGENCY or self.triage_record.safety.self_harm

    @property
    def text_for_models(self) -> str:
        """The appeal as the models, the logs and anything sent out of the system see it: personal data masked
        (at triage; an order not analysed yet is masked now). Never the raw appeal."""
        return self.appeal_masked or model_text(self.appeal)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Assignment(models.Model):
    """One department's part in an order (主办 lead or 协办 assisting), with its own status."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=8, choices=AssignmentRole.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_contact_at = models.DateTimeField(_("first contact at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.CharField(_("return reason"), max_length=32, choices=ReturnReason.choices, blank=True)
    return_note = models.TextField(_("return explanation"), blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["role", "assigned_at", "id"]
        indexes = [
            # A department's assignments read from the index alone (the inbox joins them to the open orders).
            models.Index(fields=["department", "status"], include=["order", "id"], name="assignment_dept_status_idx"),
            # "Is this order assigned to the officer's subtree?" for each candidate order of a list, without reading
            # the assignment rows (an index-only probe per order).
            models.Index(fields=["order", "department"], include=["status"], name="assignment_order_dept_idx"),
            # The dashboards' rollups recompute recent days by when things happened.
            models.Index(fields=["assigned_at"], name="assignment_assigned_idx"),
            models.Index(fields=["signed_at"], name="assignment_signed_idx"),
            models.Index(fields=["replied_at"], name="assignment_replied_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(role=AssignmentRole.LEAD)
                & ~Q(status__in=[AssignmentStatus.WITHDRAWN, AssignmentStatus.RETURNED]),
                name="assignment_one_current_lead_per_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order.number} → {self.department} ({self.get_role_display()})"


class WorkOrderEvent(models.Model):
    """Append-only history of an order: who did what, when, the status before and after, and why."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    from_status = models.CharField(_("from status"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=16, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_role = models.CharField(_("role"), max_length=16, blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason_code = models.CharField(_("reason code"), max_length=32, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # An operator's edit of the caller's name or phone or of the appeal records the values before and after.
    changes = EncryptedJSONField(_("field changes"), default=dict, blank=True)
    # On a callback (回访): whether the citizen said the problem was solved. Also in ``changes``, but those are
    # encrypted; the dashboards count solved callbacks from the log in SQL, so the flag is kept here in the clear.
    resolved = models.BooleanField(_("resolved"), null=True, blank=True)
    # The order's version after this event: a write based on an older version is shown the events since.
    version = models.PositiveIntegerField(_("order version"), null=True, blank=True)
    # On the events that start a handling round (ROUND_START_ACTIONS): the round's sign deadline. The
    # dashboards' response rate is computed per round from the log; the order keeps only the latest deadline.
    sign_due_at = models.DateTimeField(_("sign by"), null=True, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["order", "action"], name="event_order_action_idx"),
            # The rollups recompute recent days of rounds by the day their sign deadline falls on.
            models.Index(fields=["sign_due_at"], name="event_sign_due_idx", condition=Q(sign_due_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.action} {self.from_status}→{self.to_status}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValidationError("Order events are append-only and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValidationError("Order events are append-only and cannot be deleted.")


class Callback(models.Model):
    """The citizen's verdict when called back (回访)."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="callbacks")
    satisfaction = models.CharField(_("satisfaction"), max_length=24, choices=Satisfaction.choices)
    resolved = models.BooleanField(_("resolved"))
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["created_at"], name="callback_created_idx")]  # the rates' rollup

    def __str__(self) -> str:
        return f"{self.order_id} {self.get_satisfaction_display()}"


class ExtensionRequest(models.Model):
    """A department's request for more working days (延期申请), decided by a manager."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="extension_requests")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    working_days = models.PositiveSmallIntegerField(_("extra working days"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=Q(status="pending"), name="extension_one_pending_per_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} +{self.working_days} ({self.get_status_display()})"


class OrderClaim(models.Model):
    """Who is working on an order now (认领): the operator who opened it from the queue, since when, and their
    last activity on it. Others see it taken and the queue's "next" passes it by; the claim lapses
    ``HOTLINE["CLAIM_MINUTES"]`` after the last activity and is released when its operator takes another order
    (after dispatch) or goes back to the queue. One row per order, written by ``workorders.services`` only; each
    new claim is also an event on the order (``Action.CLAIM``)."""

    order = models.OneToOneField(
        WorkOrder, verbose_name=_("order"), primary_key=True, on_delete=models.CASCADE, related_name="claim"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("claimed by"), on_delete=models.CASCADE, related_name="+"
    )
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    active_at = models.DateTimeField(_("last activity"), default=timezone.now)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        indexes = [models.Index(fields=["user"], name="claim_user_idx")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.user_id}"

    def held_at(self, moment: datetime) -> bool:
        """Whether the claim still holds at ``moment`` (it lapses after a spell without activity)."""
        return moment < self.active_at + timedelta(minutes=settings.HOTLINE["CLAIM_MINUTES"])


class AiFieldReview(models.Model):
    """What triage proposed for a field and what the order was dispatched with: the operator accepted it or
    corrected it. Feeds the acceptance report and, through the confirmed orders, the next model."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="ai_reviews")
    field = models.CharField(_("field"), max_length=32, choices=AiField.choices)
    predicted = models.CharField(_("proposed value"), max_length=255, blank=True)
    predicted_label = models.CharField(_("proposed"), max_length=255, blank=True)
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    final = models.CharField(_("dispatched value"), max_length=255, blank=True)
    final_label = models.CharField(_("dispatched"), max_length=255, blank=True)
    accepted = models.BooleanField(_("accepted"))
    automatic = models.BooleanField(_("dispatched automatically"), default=False)
    category_level1 = models.CharField(_("level-1 category"), max_length=64, blank=True, db_index=True)
    source = models.CharField(
        _("source"), max_length=64, blank=True, help_text=_("The model or rule version that proposed it.")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("AI field review")
        verbose_name_plural = _("AI field reviews")
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["field", "category_level1"], name="ai_review_field_category_idx")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.field}: {self.predicted_label} → {self.final_label}"


class PersonalDataAccess(models.Model):
    """Who saw orders' personal data unmasked, when, where, which orders and which fields: one row per page, API
    answer, export or admin page that showed it (``workorders.disclosure``). Append-only: rows are never changed
    or deleted, and administrators browse them read-only."""

    class Channel(models.TextChoices):
        PAGE = "page", _("page")
        API = "api", _("API")
        EXPORT = "export", _("export")
        ADMIN = "admin", _("admin site")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=16)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    method = models.CharField(_("method"), max_length=8, blank=True)
    path = models.CharField(_("address"), max_length=255)
    order = models.ForeignKey(
        WorkOrder,
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The order, when one order was shown."),
    )
    order_numbers = models.TextField(
        _("orders shown"), help_text=_("The numbers of every order shown, space-separated.")
    )
    order_count = models.PositiveIntegerField(_("number of orders"))
    fields = models.JSONField(_("fields shown"), default=list)

    class Meta:
        verbose_name = _("view of personal data")
        verbose_name_plural = _("views of personal data")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "at"], name="pd_access_user_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.path}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValidationError("Views of personal data are append-only and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValidationError("Views of personal data are append-only and cannot be deleted.")
