"""The holiday calendar's warning, shown to administrators (the admin index) and on the managers' dashboard
60 days before the loaded State Council notices run out (``workorders.holiday_calendar``)."""

from __future__ import annotations

from typing import Any

from django import template

from workorders import holiday_calendar, permissions

register = template.Library()


@register.inclusion_tag("workorders/_calendar_warning.html", takes_context=True)
def holiday_calendar_warning(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not (permissions.may_administer(user) or permissions.sees_centre_figures(user)):
        return {"status": None}
    status = holiday_calendar.holiday_calendar_status()
    return {"status": status if status.warn else None, "may_administer": permissions.may_administer(user)}
