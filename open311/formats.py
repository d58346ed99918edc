"""The two formats of Open311 GeoReport v2: XML (required by the standard) and JSON, from the same plain data.

Each document is plain data (dicts, lists, strings, numbers, booleans, None and datetimes) and a root element
name. JSON is the data as it is; XML follows the element names the specification gives: a list becomes its
element with one child per item, named by ``ITEM_ELEMENTS`` (``<services><service>``, ``<service_requests>
<request>``, ``<errors><error>``, ``<endpoints><endpoint>``, ``<formats><format>``, ``<attributes><attribute>``,
``<values><value>``). Built with ``xml.etree``, so every text is escaped and the declaration says UTF-8.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

from django.utils import timezone

FORMATS = ("xml", "json")
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
# The media types discovery lists (the specification's own spelling).
DISCOVERY_FORMATS = ("text/xml", "application/json")

ITEM_ELEMENTS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


def w3c(moment: datetime | None) -> str | None:
    """A datetime as the specification wants it: ISO 8601 with its offset, in the site's time zone."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return w3c(value) or ""
    return str(value)


def _fill(element: ElementTree.Element, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ElementTree.SubElement(element, key), item)
    elif isinstance(value, list | tuple):
        item_name = ITEM_ELEMENTS[element.tag]
        for item in value:
            _fill(ElementTree.SubElement(element, item_name), item)
    else:
        element.text = _text(value)


def to_xml(root: str, data: Any) -> bytes:
    element = ElementTree.Element(root)
    _fill(element, data)
    return ElementTree.tostring(element, encoding="utf-8", xml_declaration=True)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return w3c(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, default=_json_default).encode("utf-8")


def render(root: str, data: Any, fmt: str) -> bytes:
    """The document in ``fmt`` ("xml" or "json"); ``root`` names the XML root element (JSON has none)."""
    return to_xml(root, data) if fmt == "xml" else to_json(data)
