from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hotline.models import ModelVersion, Submission, TriageSettings
from hotline.services import submission_retry_now


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("id", "channel", "sender_id", "received_at", "status", "attempts", "last_error")
    list_filter = ("status", "channel")
    search_fields = ("sender_id",)
    actions = ["retry_analysis"]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [field.name for field in Submission._meta.concrete_fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # accepted submissions are never lost

    @admin.action(description=_("Analyse again now"))
    def retry_analysis(self, request: HttpRequest, queryset: QuerySet[Submission]) -> None:
        count = 0
        for submission in queryset.exclude(status="triaged"):
            submission_retry_now(submission=submission)
            count += 1
        self.message_user(request, _("%(count)s submissions queued for analysis.") % {"count": count}, messages.SUCCESS)


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    """Trained models: their metrics and status. Training and promotion happen with `manage.py train_models`."""

    list_display = ("version", "kind", "status", "gate_macro_f1", "size_bytes", "created_at", "activated_at")
    list_filter = ("kind", "status")
    exclude = ("artifact",)
    readonly_fields = [
        "kind",
        "version",
        "algorithm",
        "status",
        "sha256",
        "size_bytes",
        "training",
        "metrics",
        "gate_macro_f1",
        "note",
        "created_at",
        "activated_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ModelVersion]:
        return super().get_queryset(request).defer("artifact")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(TriageSettings)
class TriageSettingsAdmin(admin.ModelAdmin):
    list_display = ("auto_dispatch", "min_category_confidence", "min_department_confidence", "updated_at", "updated_by")
    readonly_fields = ("updated_at", "updated_by")
