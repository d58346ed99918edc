"""Hotspots (热点): many citizens reporting the same problem in the same place within a time window."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class HotspotStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("hotspot", "Active")
    COOLING = "cooling", _("Cooling down")
    ARCHIVED = "archived", _("Archived")


class HotspotRun(models.Model):
    """One run of hotspot detection over a window of orders."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    orders = models.PositiveIntegerField(default=0)
    hotspots = models.PositiveIntegerField(default=0)
    emerging = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(null=True, blank=True)
    peak_memory_mb = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("hotspot run")
        verbose_name_plural = _("hotspot runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.window_start:%Y-%m-%d}–{self.window_end:%Y-%m-%d}: {self.hotspots}"


class Hotspot(models.Model):
    """A group of orders about one problem in one place; kept across runs while it goes on."""

    label = models.CharField(_("label"), max_length=120)
    problem = models.CharField(_("problem"), max_length=120, blank=True)
    place_name = models.CharField(_("place"), max_length=120, blank=True)
    area = models.ForeignKey(
        "workorders.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.ForeignKey(
        "workorders.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=16, choices=HotspotStatus.choices, default=HotspotStatus.ACTIVE)
    first_seen = models.DateTimeField(_("first report"))
    last_seen = models.DateTimeField(_("latest report"))
    order_count = models.PositiveIntegerField(_("orders"), default=0)
    distinct_callers = models.PositiveIntegerField(_("distinct callers"), default=0)
    growth = models.FloatField(
        _("growth"), default=0.0, help_text=_("Reports in this window against the previous one.")
    )
    heat = models.FloatField(_("heat index"), default=0.0, db_index=True)
    is_emerging = models.BooleanField(_("emerging"), default=False)
    terms = models.JSONField(_("shared words"), default=list, blank=True)
    timeline = models.JSONField(_("reports per day"), default=list, blank=True)
    departments = models.JSONField(_("departments involved"), default=list, blank=True)
    heat_parts = models.JSONField(_("heat index parts"), default=dict, blank=True)
    last_run = models.ForeignKey(HotspotRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hotspot")
        verbose_name_plural = _("hotspots")
        ordering = ["-heat", "-last_seen"]

    def __str__(self) -> str:
        return self.label


class HotspotMember(models.Model):
    hotspot = models.ForeignKey(Hotspot, on_delete=models.CASCADE, related_name="members")
    order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE, related_name="hotspot_memberships")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hotspot", "order"], name="hotspot_member_unique")]
        indexes = [models.Index(fields=["order"], name="hotspot_member_order_idx")]

    def __str__(self) -> str:
        return f"{self.hotspot_id}:{self.order_id}"


class HotspotAlert(models.Model):
    """An emerging hotspot: a spike against the area and category's usual level. Shown on the dashboard
    until acknowledged; the ``hotspot_emerged`` signal lets other code react."""

    hotspot = models.ForeignKey(Hotspot, on_delete=models.CASCADE, related_name="alerts")
    message = models.CharField(_("message"), max_length=255)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("hotspot alert")
        verbose_name_plural = _("hotspot alerts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message
