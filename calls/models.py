"""Live calls: a phone call whose transcript arrives turn by turn from the ASR engine while the citizen is still
talking, and the draft order it fills in (``calls.services``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workorders.encryption import EncryptedCharField, EncryptedTextField


class CallStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    CLOSED = "closed", _("Ended")


class CloseReason(models.TextChoices):
    HUNG_UP = "hung_up", _("Hung up")
    SILENCE = "silence", _("Closed after silence")


class LiveCall(models.Model):
    """One phone call as the telephony platform streams it. ``revision`` goes up with everything the operator's
    live view shows (a turn, the fields, the risk, the end of the call), so a screen that reconnects asks for what
    changed since the revision it last saw and misses nothing."""

    call_id = models.CharField(
        _("call id"), max_length=128, unique=True, help_text=_("The telephony platform's id of the call.")
    )
    status = models.CharField(_("status"), max_length=8, choices=CallStatus.choices, default=CallStatus.OPEN)
    close_reason = models.CharField(_("why it ended"), max_length=16, choices=CloseReason.choices, blank=True)
    caller_phone = EncryptedCharField(_("caller phone"), max_length=32, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator taking the call"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The draft order, created with the first words of the call through the intake (``hotline.services``).
    order = models.OneToOneField(
        "workorders.WorkOrder",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="live_call",
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=0)
    # The analysis: turns_revision goes up with every turn that changes what triage or the risk check read;
    # analysed_revision is the turns_revision the fields and the risk were last computed from.
    turns_revision = models.PositiveIntegerField(default=0)
    analysed_revision = models.PositiveIntegerField(default=0)
    analysis_queued_at = models.DateTimeField(null=True, blank=True)
    analysed_at = models.DateTimeField(_("last analysed at"), null=True, blank=True)
    # How many final turns the order's fields were last computed from (what the live view says they are as of).
    analysed_finals = models.PositiveIntegerField(_("final turns analysed"), default=0)
    final_analysis_done = models.BooleanField(_("handed to intake triage"), default=False)
    # Per order field, when the live analysis last changed it (ISO times).
    field_changed_at = models.JSONField(_("fields changed at"), default=dict, blank=True)
    # The risk check of the conversation so far (``triage.safety``): kind, self_harm, triggers; and when it was
    # first raised.
    risk = models.JSONField(_("risk"), default=dict, blank=True)
    risk_raised_at = models.DateTimeField(_("risk raised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("live call")
        verbose_name_plural = _("live calls")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(
                fields=["last_activity_at"], condition=models.Q(status="open"), name="live_call_open_activity_idx"
            )
        ]

    def __str__(self) -> str:
        return self.call_id

    @property
    def is_open(self) -> bool:
        return self.status == CallStatus.OPEN


class Speaker(models.TextChoices):
    AGENT = "agent", _("Agent")
    CALLER = "caller", _("Caller")


class CallTurn(models.Model):
    """One utterance as the ASR engine numbered it (``seq``): partial hypotheses replace each other until the
    final one; a final turn sent again changes nothing. Turns are read in the order they were spoken (start
    time), whatever order they arrived in."""

    call = models.ForeignKey(LiveCall, on_delete=models.CASCADE, related_name="turns")
    seq = models.PositiveIntegerField(_("utterance number"))
    speaker = models.CharField(_("speaker"), max_length=8, choices=Speaker.choices)
    text = EncryptedTextField(_("text"), blank=True)  # what the citizen says is personal data
    start_ms = models.PositiveIntegerField(_("start (ms)"), null=True, blank=True)
    end_ms = models.PositiveIntegerField(_("end (ms)"), null=True, blank=True)
    is_final = models.BooleanField(_("final"), default=False)
    revision = models.PositiveIntegerField(default=0)  # the call's revision when this turn last changed
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("call turn")
        verbose_name_plural = _("call turns")
        constraints = [models.UniqueConstraint(fields=["call", "seq"], name="call_turn_unique_seq")]
        indexes = [models.Index(fields=["call", "revision"], name="call_turn_revision_idx")]

    def __str__(self) -> str:
        return f"{self.call_id}#{self.seq}"

    def sort_key(self) -> tuple[int, int]:
        return (self.start_ms if self.start_ms is not None else 10**12, self.seq)
