"""The admin site of the hotline: its own reference data and models first (work orders, intake and models,
knowledge, dashboards, accounts), then the machinery (periodic tasks, login records, tokens), with the API's
documentation linked from its index page (templates/admin/index.html) rather than from every role's menu."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

# The hotline's own apps, in the order an administrator needs them; every other app follows by name.
APP_ORDER = ("workorders", "hotline", "knowledge", "analytics", "accounts")


class HotlineAdminSite(admin.AdminSite):
    site_header = _("12345 Hotline administration")
    site_title = _("12345 Hotline")
    index_title = _("Reference data, models and accounts")

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
        apps = super().get_app_list(request, app_label)
        rank = {label: position for position, label in enumerate(APP_ORDER)}
        return sorted(apps, key=lambda app: (rank.get(app["app_label"], len(rank)), str(app["name"])))


class HotlineAdminConfig(AdminConfig):
    default_site = "core.admin_site.HotlineAdminSite"
