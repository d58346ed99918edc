"""Rollups: per-day counts the dashboards read instead of the order tables.

Each table is derived data: ``analytics.dashboards.rollups`` deletes the rows of the days it recomputes and inserts
them again from the orders, assignments, events, reviews and submissions in one set-based query per table,
inside one transaction. Days are local days (TIME_ZONE). Nothing else writes these tables."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workorders.choices import AiField, Channel, ReturnReason


class OrderVolumeDaily(models.Model):
    """Orders created per day × channel × level-1 category × district: the centre's volume."""

    day = models.DateField(_("day"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    category = models.ForeignKey(
        "workorders.Category",
        verbose_name=_("level-1 category"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    district = models.ForeignKey(
        "workorders.Area", verbose_name=_("district"), null=True, on_delete=models.CASCADE, related_name="+"
    )
    orders = models.PositiveIntegerField(_("orders"))

    class Meta:
        verbose_name = _("daily order volume")
        verbose_name_plural = _("daily order volumes")
        indexes = [models.Index(fields=["day"], name="rollup_volume_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.channel} {self.category_id} {self.district_id}: {self.orders}"


class DepartmentVolumeDaily(models.Model):
    """Orders created per day × channel × level-1 category × district within a department's scope.

    A department's scope is what its officers see: orders with a current assignment of the department or
    of one of its sub-departments. So a parent department's row already includes its sub-departments', and
    an order counts once per department even when two of its units hold it."""

    day = models.DateField(_("day"))
    department = models.ForeignKey(
        "workorders.Department", verbose_name=_("department"), on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    category = models.ForeignKey(
        "workorders.Category",
        verbose_name=_("level-1 category"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    district = models.ForeignKey(
        "workorders.Area", verbose_name=_("district"), null=True, on_delete=models.CASCADE, related_name="+"
    )
    orders = models.PositiveIntegerField(_("orders"))

    class Meta:
        verbose_name = _("daily order volume of a department")
        verbose_name_plural = _("daily order volumes of departments")
        indexes = [
            models.Index(fields=["department", "day"], name="rollup_deptvol_dept_day_idx"),
            models.Index(fields=["day"], name="rollup_deptvol_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id}: {self.orders}"


class SubmissionDaily(models.Model):
    """Submissions (calls and messages as received) per day × channel."""

    day = models.DateField(_("day"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    submissions = models.PositiveIntegerField(_("submissions"))

    class Meta:
        verbose_name = _("daily submissions")
        verbose_name_plural = _("daily submissions")
        indexes = [models.Index(fields=["day"], name="rollup_submission_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.channel}: {self.submissions}"


class DepartmentDaily(models.Model):
    """One department's own work per day (sub-departments have their own rows), from the event log per
    handling round (analytics.dashboards.rounds). Each count is dated by the moment it is about: assignments
    when made, the sign cohort by its round's sign deadline, signatures and replies when made, callbacks when
    recorded (credited to the order's lead department at that moment)."""

    day = models.DateField(_("day"))
    department = models.ForeignKey(
        "workorders.Department", verbose_name=_("department"), on_delete=models.CASCADE, related_name="+"
    )
    dispatched = models.PositiveIntegerField(_("assignments dispatched"), default=0)
    sign_due = models.PositiveIntegerField(
        _("assignments due to be signed"),
        default=0,
        help_text=_(
            "Assignments of a handling round whose sign deadline fell on the day: signed in the round, or not "
            "signed when the deadline passed."
        ),
    )
    signed_on_time = models.PositiveIntegerField(_("signed within the deadline"), default=0)
    signed = models.PositiveIntegerField(_("assignments signed"), default=0)
    replied = models.PositiveIntegerField(_("assignments replied"), default=0)
    callbacks = models.PositiveIntegerField(_("callbacks"), default=0)
    resolved = models.PositiveIntegerField(_("callbacks resolved"), default=0)
    satisfied = models.PositiveIntegerField(_("callbacks satisfied or basically satisfied"), default=0)

    class Meta:
        verbose_name = _("daily department work")
        verbose_name_plural = _("daily department work")
        indexes = [
            models.Index(fields=["day"], name="rollup_dept_day_idx"),
            models.Index(fields=["department", "day"], name="rollup_dept_dept_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id}"


class ReturnDaily(models.Model):
    """Returns (退单) per day × returning department × reason, from the orders' event history."""

    day = models.DateField(_("day"))
    department = models.ForeignKey(
        "workorders.Department", verbose_name=_("department"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("return reason"), max_length=32, choices=ReturnReason.choices)
    returns = models.PositiveIntegerField(_("returns"))

    class Meta:
        verbose_name = _("daily returns")
        verbose_name_plural = _("daily returns")
        indexes = [models.Index(fields=["day"], name="rollup_return_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id} {self.reason}: {self.returns}"


class AiReviewDaily(models.Model):
    """Operators' reviews of AI-filled fields per day × field × level-1 category (automatic ones left out)."""

    day = models.DateField(_("day"))
    field = models.CharField(_("field"), max_length=32, choices=AiField.choices)
    category_level1 = models.CharField(_("level-1 category"), max_length=64, blank=True)
    reviewed = models.PositiveIntegerField(_("reviewed"))
    accepted = models.PositiveIntegerField(_("accepted"))

    class Meta:
        verbose_name = _("daily AI reviews")
        verbose_name_plural = _("daily AI reviews")
        indexes = [models.Index(fields=["day"], name="rollup_aireview_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.field} {self.category_level1}: {self.accepted}/{self.reviewed}"


class RollupRefresh(models.Model):
    """One refresh of the rollups: which days it recomputed, when it finished and how long it took."""

    finished_at = models.DateTimeField(_("finished at"), default=timezone.now, db_index=True)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    days = models.PositiveIntegerField(_("days recomputed"))
    seconds = models.FloatField(_("seconds"))
    rows = models.JSONField(_("rows written per table"), default=dict)

    class Meta:
        verbose_name = _("rollup refresh")
        verbose_name_plural = _("rollup refreshes")
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.first_day}–{self.last_day} at {self.finished_at:%Y-%m-%d %H:%M}"
