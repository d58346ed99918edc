"""Submissions: every call transcript or message exactly as it arrived, before anything else happens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workorders.choices import Channel


class SubmissionStatus(models.TextChoices):
    RECEIVED = "received", _("Received, awaiting analysis")
    TRIAGED = "triaged", _("Analysed")
    FAILED = "failed", _("Analysis failed")


class Submission(models.Model):
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    sender_id = models.CharField(
        _("sender id"),
        max_length=128,
        help_text=_("The sending system's id for this call or message; unique per channel."),
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    caller_name = models.CharField(_("caller name"), max_length=64, blank=True)
    caller_phone = models.CharField(_("caller phone"), max_length=32, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    raw_body = models.TextField(_("raw body"), help_text=_("The request body exactly as received."))
    payload = models.JSONField(_("parsed payload"), default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.RECEIVED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("analysis attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    triaged_at = models.DateTimeField(_("analysed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "sender_id"], name="submission_unique_sender_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.sender_id}"
