from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "role", "department", "is_active")
    list_filter = ("role", "is_active", "department")
    search_fields = ("username", "first_name", "last_name", "email")
    autocomplete_fields = ("department",)
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Hotline role"), {"fields": ("role", "department")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("Hotline role"), {"fields": ("role", "department")}))
