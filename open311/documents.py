"""The documents of Open311 GeoReport v2 as plain data, in the specification's field order, ready for
``open311.formats.render``. What an order publishes is decided here: no name, phone, e-mail, device or account of
the citizen ever; the appeal as masked for a connected system; the place as its area and rounded coordinates."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from open311.formats import DISCOVERY_FORMATS
from open311.selectors import CLOSED_STATUSES, Service
from workorders.choices import AssignmentRole, Status
from workorders.models import Category, WorkOrder

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this endpoint's interface last changed (discovery's changeset): bump it with the interface.
CHANGESET = "2026-12-07T00:00:00+08:00"
# Coordinates are published rounded to this many decimal places (0.001° ≈ 100 m): the street, not the door.
COORDINATE_PLACES = 3


def discovery(*, url: str, contact: str, key_service: str) -> dict[str, Any]:
    return {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": key_service,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": list(DISCOVERY_FORMATS),
            }
        ],
    }


def service_row(service: Service) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": service.full_name,
        "metadata": False,  # no category asks for extra fields (attributes) yet
        "type": "realtime",
        "keywords": ", ".join(service.keywords),
        "group": service.group,
    }


def service_definition(service: Service) -> dict[str, Any]:
    return {"service_code": service.code, "attributes": []}


def error_rows(status: int, messages: list[str]) -> list[dict[str, Any]]:
    return [{"code": status, "description": message} for message in messages]


def accepted_row(*, number: str, notice: str) -> dict[str, Any]:
    return {"service_request_id": number, "service_notice": notice, "account_id": None}


def _lead_reply(order: WorkOrder) -> str:
    replies = [
        assignment.reply
        for assignment in order.assignments.all()  # prefetched: the lead assignments, masked with the order
        if assignment.role == AssignmentRole.LEAD and assignment.reply.strip()
    ]
    return replies[-1].strip() if replies else ""


def status_notes(order: WorkOrder) -> str:
    department = order.lead_department.name if order.lead_department else ""
    reply = _lead_reply(order)
    if order.status == Status.DRAFT:
        return _("Received; the hotline is assigning it to a department.")
    if order.status == Status.DISPATCHED:
        return _("Sent to %(department)s, awaiting its acceptance.") % {"department": department}
    if order.status == Status.SIGNED:
        return _("%(department)s is handling it.") % {"department": department}
    if order.status == Status.RETURNED:
        return _("The department sent it back; the hotline is assigning it again.")
    if order.status in (Status.REPLIED, Status.CALLBACK):
        note = _("%(department)s has replied; the hotline will call the citizen back.") % {"department": department}
        return f"{note} {reply}".strip()
    if order.status == Status.CLOSED:
        return f"{_('Closed.')} {reply}".strip()
    if order.status == Status.MERGED:
        number = order.merged_into.number if order.merged_into else ""
        return _("Merged into request %(number)s about the same problem; follow that one.") % {"number": number}
    if order.status == Status.CANCELLED:
        return _("Cancelled by the hotline.")
    return ""


def _submitted(order: WorkOrder) -> dict[str, list[str]]:
    """What an Open311 client posted for this order (the form as stored at intake); {} for other channels."""
    submission = order.source_submission
    payload = submission.payload if submission is not None else None
    form = payload.get("open311") if isinstance(payload, dict) else None
    return form if isinstance(form, dict) else {}


def _first(form: dict[str, list[str]], name: str) -> str:
    values = form.get(name) or [""]
    return str(values[0]).strip()


def submitted_service_code(order: WorkOrder) -> str:
    return _first(_submitted(order), "service_code")


def _rounded(value: str) -> float | None:
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    return float(number.quantize(Decimal(1).scaleb(-COORDINATE_PLACES), rounding=ROUND_HALF_EVEN))


def _updated(order: WorkOrder) -> datetime:
    events = list(order.events.all())  # prefetched
    return max((event.created_at for event in events), default=order.updated_at)


def request_row(order: WorkOrder, categories: dict[str, Category]) -> dict[str, Any]:
    """One order as a service request. ``order`` arrives masked (``permissions.orders_for_the_public``);
    ``categories`` holds the services Open311 clients chose for orders triage has not categorised yet."""
    form = _submitted(order)
    category = order.category or categories.get(_first(form, "service_code"))
    lat, long = _rounded(_first(form, "lat")), _rounded(_first(form, "long"))
    row: dict[str, Any] = {
        "service_request_id": order.number,
        "status": "closed" if order.status in CLOSED_STATUSES else "open",
        "status_notes": status_notes(order),
        "service_name": category.name if category else "",
        "service_code": str(category.pk) if category else "",
        "description": order.appeal,  # masked: as a connected system reads it
        "agency_responsible": order.lead_department.name if order.lead_department else "",
        "service_notice": "",
        "requested_datetime": order.created_at,
        "updated_datetime": _updated(order),
        "expected_datetime": order.resolve_due_at,
        "address": order.area.full_name if order.area else "",
    }
    if lat is not None and long is not None:
        row["lat"], row["long"] = lat, long
    media_url = _first(form, "media_url")
    if media_url:
        row["media_url"] = media_url
    return row
