"""Administrators maintain the reference data here: gazetteer, departments, taxonomy, dispatch catalogue,
deadline policies and the holiday calendar. Orders are shown read-only: they change only through services, and
every order page an administrator opens here is recorded like any view of personal data; that record is browsed
here, read-only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from workorders.disclosure import note_shown
from workorders.models import (
    AiFieldReview,
    Area,
    Category,
    DeadlinePolicy,
    Department,
    DispatchRule,
    Holiday,
    PersonalDataAccess,
    WorkOrder,
    WorkOrderEvent,
)


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("full_name", "kind", "code")
    list_filter = ("kind",)
    search_fields = ("name", "code", "full_name")
    autocomplete_fields = ("parent",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "parent", "area", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent", "area")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("full_name", "level")
    list_filter = ("level",)
    search_fields = ("name", "full_name")
    autocomplete_fields = ("parent",)


@admin.register(DispatchRule)
class DispatchRuleAdmin(admin.ModelAdmin):
    list_display = ("category", "area", "lead_department", "is_active")
    list_filter = ("is_active", "category__level")
    search_fields = ("category__full_name", "lead_department__name", "area__full_name")
    autocomplete_fields = ("category", "area", "lead_department", "assisting_departments")


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ("request_type", "sign_hours", "first_contact_hours", "resolve_working_days")


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"


class EventInline(admin.TabularInline):
    model = WorkOrderEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "action", "from_status", "to_status", "actor", "department", "reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "status", "category", "lead_department", "created_at")
    list_filter = ("status", "channel", "request_type", "urgency")
    search_fields = ("number", "title")
    inlines = [EventInline]
    list_select_related = ("category", "lead_department")

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [field.name for field in WorkOrder._meta.concrete_fields]

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> WorkOrder | None:
        order = super().get_object(request, object_id, from_field)
        if order is not None:
            note_shown(request.user, [order])  # the caller's name, phone and appeal, unmasked
        return order

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """Who saw personal data unmasked: browsed, never added, changed or deleted (the rows are append-only)."""

    list_display = ("at", "user", "role", "channel", "method", "path", "order_count", "shown_orders", "shown_fields")
    list_filter = ("channel", "role", "at")
    search_fields = ("user__username", "order_numbers", "path")
    date_hierarchy = "at"
    list_select_related = ("user",)

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [field.name for field in PersonalDataAccess._meta.concrete_fields]

    @admin.display(description=_("orders shown"))
    def shown_orders(self, access: PersonalDataAccess) -> str:
        numbers = access.order_numbers.split()
        return " ".join(numbers[:5]) + (" …" if len(numbers) > 5 else "")

    @admin.display(description=_("fields shown"))
    def shown_fields(self, access: PersonalDataAccess) -> str:
        return ", ".join(access.fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AiFieldReview)
class AiFieldReviewAdmin(admin.ModelAdmin):
    list_display = (
        "order",
        "field",
        "predicted_label",
        "final_label",
        "accepted",
        "automatic",
        "category_level1",
        "created_at",
    )
    list_filter = ("field", "accepted", "automatic", "category_level1")
    list_select_related = ("order",)

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [field.name for field in AiFieldReview._meta.concrete_fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
