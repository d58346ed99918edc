"""Submissions: every call transcript or message exactly as it arrived, before anything else happens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workorders.choices import Channel
from workorders.encryption import EncryptedCharField, EncryptedJSONField, EncryptedTextField


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
    # Personal data, encrypted at rest (``workorders.encryption``): the caller, and the body as received.
    caller_name = EncryptedCharField(_("caller name"), max_length=64, blank=True)
    caller_phone = EncryptedCharField(_("caller phone"), max_length=32, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    raw_body = EncryptedTextField(_("raw body"), help_text=_("The request body exactly as received."))
    payload = EncryptedJSONField(_("parsed payload"), default=dict)
    # The public's likes of a web message (the hotspots' heat), kept apart from the encrypted payload.
    likes = models.PositiveIntegerField(_("likes"), default=0)
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


class ModelKind(models.TextChoices):
    CATEGORY_LEVEL1 = "category_level1", _("Level-1 category classifier")


class ModelStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CANDIDATE = "candidate", _("Candidate")
    RETIRED = "retired", _("Retired")
    REJECTED = "rejected", _("Rejected (worse than the active model)")


class ModelVersion(models.Model):
    """A trained model: the artifact itself, what it was trained on and how it did on held-out data.

    The artifact lives in the database so every web process and worker, on any machine, loads the same
    model without a shared file system."""

    kind = models.CharField(_("kind"), max_length=32, choices=ModelKind.choices)
    version = models.CharField(_("version"), max_length=64, unique=True)
    algorithm = models.CharField(_("algorithm"), max_length=64)
    status = models.CharField(_("status"), max_length=16, choices=ModelStatus.choices, default=ModelStatus.CANDIDATE)
    artifact = models.BinaryField(_("artifact"))
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveIntegerField(_("size in bytes"))
    training = models.JSONField(_("training data"), default=dict)
    metrics = models.JSONField(_("metrics"), default=dict)
    gate_macro_f1 = models.FloatField(_("macro-F1 on the gate set"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("trained at"), default=timezone.now)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("model version")
        verbose_name_plural = _("model versions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(status="active"), name="model_one_active_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} ({self.get_status_display()})"


class TriageSettings(models.Model):
    """How far the administrator lets triage act on its own. One row (pk=1)."""

    auto_dispatch = models.BooleanField(
        _("dispatch confident orders automatically"),
        default=False,
        help_text=_("Orders whose category and department confidence reach the thresholds skip the operator."),
    )
    min_category_confidence = models.FloatField(_("minimum category confidence"), default=0.95)
    min_department_confidence = models.FloatField(_("minimum department confidence"), default=0.95)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("triage settings")
        verbose_name_plural = _("triage settings")

    def __str__(self) -> str:
        return str(_("Triage settings"))

    @classmethod
    def current(cls) -> TriageSettings:
        return cls.objects.get_or_create(pk=1)[0]


class LlmPurpose(models.TextChoices):
    DRAFT = "draft", _("Order draft")
    ANSWER = "answer", _("Knowledge answer")


class LlmCall(models.Model):
    """One request sent to the LLM endpoint, from any process: the hour's budget is counted from these rows, and
    the health page's error rate, latency and tokens per day. Kept LLM_CALL_LOG_DAYS days. Never the text sent or
    received: only what it cost and how it went."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=16, choices=LlmPurpose.choices)
    # "ok", "invalid" (answered, not usable), "format_rejected" (the server refused the output format asked for),
    # or the failure's reason ("unavailable", "bad_response").
    status = models.CharField(_("status"), max_length=24)
    latency_ms = models.FloatField(_("latency (ms)"), default=0.0)
    prompt_tokens = models.PositiveIntegerField(_("prompt tokens"), default=0)
    completion_tokens = models.PositiveIntegerField(_("completion tokens"), default=0)
    model = models.CharField(_("model"), max_length=128, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("LLM call")
        verbose_name_plural = _("LLM calls")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.purpose} {self.status} {self.at:%Y-%m-%d %H:%M:%S}"

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class OrderTextKey(models.Model):
    """One rare term of an analysed order's masked text: the inverted index that finds the open orders about the
    same event as a new call without reading every open order (``hotline.selectors.related_candidates``).

    Written when an order is analysed (``triage.duplicates.index_keys``); rows older than the related-order
    window are deleted by the maintenance task, so the table holds about a month of orders whatever the history.
    ``created_at`` is the order's (it never changes), kept here so the window is read from this table alone."""

    order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE, related_name="+")
    key = models.BigIntegerField()
    weight = models.FloatField()  # the term's IDF: candidates are ranked by the summed weight of shared keys
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("related-order key")
        verbose_name_plural = _("related-order keys")
        # The candidates' postings are read from the index alone (PostgreSQL's index-only scan): the columns summed
        # and returned are carried in it (``include`` is ignored where the database has no covering indexes).
        indexes = [
            models.Index(fields=["key", "created_at"], include=["order", "weight"], name="order_text_key_covering_idx")
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.key}"


class WorkerHeartbeat(models.Model):
    """A Celery worker's last sign of life on one queue it consumes (``hotline.heartbeat``): /health/ and /metrics
    tell from these rows, without asking the broker, whether each queue has a live worker."""

    queue = models.CharField(_("queue"), max_length=128)
    worker = models.CharField(_("worker"), max_length=255)
    beat_at = models.DateTimeField(_("last heartbeat"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        constraints = [models.UniqueConstraint(fields=["queue", "worker"], name="heartbeat_unique_queue_worker")]

    def __str__(self) -> str:
        return f"{self.worker} on {self.queue} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
