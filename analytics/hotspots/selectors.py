"""Reads of hotspots for the dashboards and the hotspot pages."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Exists, Max, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from analytics.dashboards.live import OrderByOrderExists
from analytics.hotspots.detection import MIN_REPORTS
from analytics.hotspots.monthly import monthly_candidates
from analytics.hotspots.types import DetectedHotspot
from analytics.models import Hotspot, HotspotAlert, HotspotMember, HotspotStatus
from workorders.choices import AreaKind
from workorders.models import Area
from workorders.permissions import assignments_visible_to, orders_visible_to, sees_all_orders


def hotspots_visible_to(user: User, *, include_archived: bool = False) -> QuerySet[Hotspot]:
    """Every hotspot for the centre; for an officer, those with at least one order of their department."""
    hotspots = Hotspot.objects.all() if include_archived else Hotspot.objects.exclude(status=HotspotStatus.ARCHIVED)
    if sees_all_orders(user):
        return hotspots
    # member by member through the order's assignments (few per hotspot), never the department's whole
    # history of orders
    visible = assignments_visible_to(user).filter(order=OuterRef("order_id"))
    mine = HotspotMember.objects.filter(OrderByOrderExists(visible), hotspot=OuterRef("pk"))
    return hotspots.filter(Exists(mine))


def hotspot_panel(user: User, *, limit: int = 5, alerts: int = 3) -> dict[str, Any]:
    """What the dashboard shows of hotspots: the newest open alerts of emerging ones (at the top of the page, so
    few) with how many are open, and the hottest hotspots."""
    visible = hotspots_visible_to(user)
    open_alerts = HotspotAlert.objects.filter(acknowledged_at__isnull=True, hotspot__in=visible)
    newest = list(open_alerts.select_related("hotspot").order_by("-created_at")[:alerts])
    return {
        "alerts": newest,
        "alert_count": open_alerts.count() if len(newest) == alerts else len(newest),
        "hotspots": list(visible.select_related("area", "category").order_by("-heat")[:limit]),
    }


def hotspot_orders(hotspot: Hotspot, user: User) -> QuerySet:
    """The hotspot's orders the user may see, newest first, with what a row shows."""
    return (
        orders_visible_to(user)
        .filter(hotspot_memberships__hotspot=hotspot)
        .select_related("category", "area", "lead_department")
        .order_by("-created_at")
    )


MONTHLY_TOPIC_HOTSPOTS = 500  # the hottest hotspots of the months looked at that are compared with each other


def hotspots_by_month(user: User, *, months: int = 6) -> dict[str, list[Hotspot]]:
    """Hotspots active in each of the last ``months`` calendar months up to the newest hotspot's (from their
    daily timelines), newest month first: the ``MONTHLY_TOPIC_HOTSPOTS`` hottest seen since the first of
    those months (matching them is quadratic; a city's recurring problems are among its hottest)."""
    visible = hotspots_visible_to(user, include_archived=True)
    newest = visible.aggregate(newest=Max("last_seen"))["newest"]
    if newest is None:
        return {}
    first = timezone.localtime(newest).date().replace(day=1)
    for _month in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    oldest = first.isoformat()[:7]
    recent = (
        visible.filter(last_seen__gte=_day_start(first))
        .select_related("category", "area")
        .order_by("-heat", "pk")[:MONTHLY_TOPIC_HOTSPOTS]
    )
    by_month: dict[str, list[Hotspot]] = {}
    for hotspot in recent:
        for month in sorted({day[:7] for day, _count in hotspot.timeline if day[:7] >= oldest}):
            by_month.setdefault(month, []).append(hotspot)
    return dict(sorted(by_month.items(), reverse=True))


def monthly_topics(user: User, *, months: int = 6) -> list[dict[str, Any]]:
    """每月一题 candidates: problems that were hotspots in two or more of the last months at the same place,
    or one large and persistent hotspot, ranked by months and heat (``analytics.hotspots.monthly``)."""
    stored: dict[int, Hotspot] = {}
    by_month: dict[str, list[DetectedHotspot]] = {}
    districts = set(Area.objects.filter(kind=AreaKind.DISTRICT).values_list("pk", flat=True))
    for month, hotspots in hotspots_by_month(user, months=months).items():
        for hotspot in hotspots:
            days = [(date.fromisoformat(day), count) for day, count in hotspot.timeline if day.startswith(month)]
            # a month counts when the hotspot had a hotspot's worth of reports in it, not one straggler
            if sum(count for _day, count in days) < MIN_REPORTS:
                continue
            in_district = (
                [pk for pk in hotspot.area.ancestors_and_self_ids() if pk in districts] if hotspot.area else []
            )
            detected = DetectedHotspot(
                member_ids=(hotspot.pk,),
                label=hotspot.label,
                place=hotspot.place_name,
                problem=hotspot.problem,
                terms=tuple(hotspot.terms),
                area_id=hotspot.area_id,
                category=hotspot.category.name if hotspot.category else "",
                first_seen=_day_start(days[0][0]),
                last_seen=_day_start(days[-1][0]),
                count=sum(count for _day, count in days),
                distinct_callers=hotspot.distinct_callers,
                previous_count=0,
                growth=hotspot.growth,
                urgency_share=0.0,
                likes=0,
                heat=hotspot.heat,
                heat_parts=hotspot.heat_parts,
                emerging=hotspot.is_emerging,
                timeline=tuple(days),
                departments=tuple((name, count) for name, count in hotspot.departments),
                district_id=in_district[0] if in_district else None,
            )
            stored[hotspot.pk] = hotspot
            by_month.setdefault(month, []).append(detected)
    topics = []
    for candidate in monthly_candidates(by_month):
        hotspots = list({stored[h.member_ids[0]].pk: stored[h.member_ids[0]] for h in candidate.hotspots}.values())
        if len(candidate.months) >= 2:
            reason = _("A hotspot in %(months)s months: %(reports)s reports, up to %(callers)s callers a month.") % {
                "months": len(candidate.months),
                "reports": candidate.reports,
                "callers": candidate.distinct_callers,
            }
        else:
            reason = _("Large and persistent: %(reports)s reports from %(callers)s callers.") % {
                "reports": candidate.reports,
                "callers": candidate.distinct_callers,
            }
        topics.append({"hotspots": hotspots, "months": candidate.months, "orders": candidate.reports, "reason": reason})
    return topics


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))
