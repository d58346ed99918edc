from django.contrib import admin

from calls.models import LiveCall


@admin.register(LiveCall)
class LiveCallAdmin(admin.ModelAdmin):
    list_display = ("call_id", "status", "operator", "order", "opened_at", "last_activity_at", "closed_at")
    list_filter = ("status", "close_reason")
    search_fields = ("call_id",)
    readonly_fields = [field.name for field in LiveCall._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
