"""Hotspot pages: the list, one hotspot with its orders and timeline, the monthly topic candidates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from analytics import figures
from analytics.hotspots import selectors
from analytics.hotspots.services import hotspot_alert_acknowledge
from analytics.models import HotspotAlert
from workorders import permissions

HOTSPOT_LIST_ALERTS = 50  # open alerts listed above the hotspots


def _reader(request: HttpRequest) -> None:
    permissions.require(permissions.may_view_dashboards(request.user), _("Hotspots are for the hotline's staff."))


@login_required
def hotspot_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    hotspots = selectors.hotspots_visible_to(request.user).select_related("area", "category")
    if request.GET.get("emerging"):
        hotspots = hotspots.filter(is_emerging=True)
    page = Paginator(hotspots.order_by("-heat", "-last_seen"), 50).get_page(request.GET.get("page"))
    # every open alert (the dashboard shows the newest few and links here for the rest)
    panel = selectors.hotspot_panel(request.user, alerts=HOTSPOT_LIST_ALERTS)
    return render(request, "analytics/hotspot_list.html", {"page": page, **panel})


@login_required
def hotspot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    hotspot = get_object_or_404(selectors.hotspots_visible_to(request.user, include_archived=True), pk=pk)
    timeline = hotspot.timeline or []
    figure = figures.reports_per_day(_("Reports"), [day for day, _n in timeline], [n for _day, n in timeline])
    parts = hotspot.heat_parts or {}
    context = {
        "hotspot": hotspot,
        "orders": selectors.hotspot_orders(hotspot, request.user)[:200],
        "timeline": timeline,
        "figures": {"timeline": figure},
        "heat_parts": [(label, parts[key]) for key, label in _heat_parts() if key in parts],
        "alerts": hotspot.alerts.all(),
    }
    return render(request, "analytics/hotspot_detail.html", context)


def _heat_parts() -> list[tuple[str, str]]:
    """The heat index's parts in the order the method adds them (``analytics.hotspots.heat``)."""
    return [
        ("reports", _("Reports")),
        ("callers", _("Distinct callers")),
        ("growth", _("Growth")),
        ("urgency", _("Urgency")),
        ("likes", _("Likes")),
    ]


@login_required
def monthly_topics(request: HttpRequest) -> HttpResponse:
    """每月一题: problems that recur month after month, the candidates for proactive governance."""
    _reader(request)
    return render(request, "analytics/hotspot_monthly.html", {"candidates": selectors.monthly_topics(request.user)})


@require_POST
@login_required
def acknowledge_alert(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require(
        permissions.may_acknowledge_hotspot_alerts(request.user), _("Managers acknowledge hotspot alerts.")
    )
    alert = get_object_or_404(HotspotAlert, pk=pk)
    hotspot_alert_acknowledge(alert=alert, by=request.user)
    messages.success(request, _("The alert was acknowledged."))
    return redirect("hotspot-detail", alert.hotspot_id)
