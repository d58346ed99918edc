from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hotline.models import Submission
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
