"""The Open311 GeoReport v2 endpoint (``/open311/v2/``): interfaces only — parse, call a selector or the intake
service, render the document in the format the address ends with (``.xml`` or ``.json``).

Reads are public, as cities publish their service requests; posting needs the ``api_key`` of a connected system.
Errors are the standard's errors document (``<errors><error><code>…``) in the format asked for."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from hotline.validators import validate_phone
from open311 import documents, selectors
from open311.auth import ApiKeyAuthentication, api_key_of
from open311.formats import CONTENT_TYPES, FORMATS, render
from open311.services import ServiceRequest, service_request_submit
from workorders import permissions
from workorders.errors import WorkOrderError

MAX_DAYS = 90  # the standard's span of a requests query
MAX_PAGE_SIZE = 1000  # the standard's default (and our largest) number of requests in one answer
MAX_DESCRIPTION = 4000  # the standard's limit of a request's description
MAX_IDS = 1000
MAX_ATTRIBUTES = 50


def respond(root: str, data: Any, fmt: str, status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    fmt = fmt if fmt in FORMATS else "xml"
    response = HttpResponse(render(root, data, fmt), status=status, content_type=CONTENT_TYPES[fmt])
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def errors(status: int, messages: list[str], fmt: str, headers: dict[str, str] | None = None) -> HttpResponse:
    return respond("errors", documents.error_rows(status, messages), fmt, status, headers)


def _messages(detail: Any, field: str = "") -> list[str]:
    """DRF's error detail flattened to one message per line, each naming its field."""
    if isinstance(detail, dict):
        return [
            line
            for name, item in detail.items()
            for line in _messages(item, "" if name == "non_field_errors" else name)
        ]
    if isinstance(detail, list | tuple):
        return [line for item in detail for line in _messages(item, field)]
    return [f"{field}: {detail}" if field else str(detail)]


class Open311View(APIView):
    # Described by its own standard (docs/open311.md, tests/open311/georeport_v2.xsd), not in /api/schema/: the
    # OpenAPI description and its schemathesis check cover the REST API under /api/v1/.
    schema = None
    authentication_classes = (ApiKeyAuthentication,)
    permission_classes = (AllowAny,)
    parser_classes = (FormParser, MultiPartParser)
    throttle_classes = (ScopedRateThrottle,)

    @property
    def throttle_scope(self) -> str:
        # a connected system's posts count with its other intake (API_INTAKE_RATE); reads per address
        return "intake" if self.request.method == "POST" else "open311"

    def format_of(self) -> str:
        fmt = str(self.kwargs.get("fmt", "xml")).lower()
        return fmt if fmt in FORMATS else "xml"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if request.method == "POST":
            # read before anything parses the body: the intake stores it as received
            self.raw_body = request._request.body.decode("utf-8", errors="replace")
        super().initial(request, *args, **kwargs)

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        return super().perform_content_negotiation(request, force=True)  # the address's suffix decides

    def handle_exception(self, exc: Exception) -> HttpResponse:
        fmt = self.format_of()
        if isinstance(exc, exceptions.Throttled):
            wait = max(1, math.ceil(exc.wait or 1))
            message = _("Too many requests; try again in %(seconds)s seconds.") % {"seconds": wait}
            return errors(429, [message], fmt, {"Retry-After": str(wait)})
        if isinstance(exc, exceptions.AuthenticationFailed | exceptions.NotAuthenticated | exceptions.PermissionDenied):
            return errors(403, [str(exc.detail)], fmt)
        if isinstance(exc, Http404 | exceptions.NotFound):
            return errors(404, [str(exc) or _("Not found.")], fmt)
        if isinstance(exc, exceptions.MethodNotAllowed):
            return errors(405, [str(exc.detail)], fmt, {"Allow": ", ".join(self.allowed_methods)})
        if isinstance(exc, exceptions.ValidationError | exceptions.ParseError | exceptions.UnsupportedMediaType):
            return errors(400, _messages(exc.detail), fmt)
        if isinstance(exc, WorkOrderError):
            return errors(409 if exc.__class__.__name__ == "Conflict" else 400, [exc.message], fmt)
        if isinstance(exc, RequestDataTooBig):
            return errors(
                413,
                [
                    _("The request body is larger than the %(limit)s bytes accepted.")
                    % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
                ],
                fmt,
            )
        return super().handle_exception(exc)


class DiscoveryView(Open311View):
    def get(self, request: Request, fmt: str) -> HttpResponse:
        url = request.build_absolute_uri(reverse("open311:root"))
        document = documents.discovery(
            url=url.rstrip("/"), contact=settings.OPEN311["CONTACT"], key_service=settings.OPEN311["KEY_SERVICE"]
        )
        return respond("discovery", document, fmt)


class ServiceListView(Open311View):
    def get(self, request: Request, fmt: str) -> HttpResponse:
        return respond("services", [documents.service_row(row) for row in selectors.services()], fmt)


class ServiceDefinitionView(Open311View):
    def get(self, request: Request, code: str, fmt: str) -> HttpResponse:
        service = selectors.service(code)
        if service is None:
            raise Http404(_("No service has the code %(code)s.") % {"code": code})
        return respond("service_definition", documents.service_definition(service), fmt)


class PostForm(serializers.Serializer):
    service_code = serializers.CharField(max_length=32)
    description = serializers.CharField(max_length=MAX_DESCRIPTION)
    lat = serializers.DecimalField(max_digits=12, decimal_places=9, min_value=-90, max_value=90, required=False)
    long = serializers.DecimalField(max_digits=13, decimal_places=9, min_value=-180, max_value=180, required=False)
    address_string = serializers.CharField(max_length=255, required=False, allow_blank=True)
    address_id = serializers.CharField(max_length=128, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    first_name = serializers.CharField(max_length=32, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=32, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, validators=[validate_phone])
    media_url = serializers.URLField(max_length=1000, required=False, allow_blank=True)
    device_id = serializers.CharField(max_length=128, required=False, allow_blank=True)
    account_id = serializers.CharField(max_length=128, required=False, allow_blank=True)

    def validate_service_code(self, value: str) -> Any:
        category = selectors.service_category(value.strip())
        if category is None:
            raise serializers.ValidationError(
                _("No service has the code %(code)s; the codes are listed at services.xml.") % {"code": value}
            )
        return category

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        has_lat, has_long = attrs.get("lat") is not None, attrs.get("long") is not None
        if has_lat != has_long:
            raise serializers.ValidationError({"long" if has_lat else "lat": [_("Give lat and long together.")]})
        if not has_lat and not attrs.get("address_string", "").strip() and not attrs.get("address_id", "").strip():
            raise serializers.ValidationError(
                {"lat": [_("Say where the problem is: lat and long, address_string or address_id.")]}
            )
        if not attrs["description"].strip():
            raise serializers.ValidationError({"description": [_("Describe the problem: the description is empty.")]})
        return attrs


def _attributes(form: dict[str, list[str]]) -> dict[str, list[str]]:
    """``attribute[CODE]`` and ``attribute[CODE][]`` fields as {code: values}."""
    found: dict[str, list[str]] = {}
    for key, values in form.items():
        if key.startswith("attribute[") and key.endswith("]"):
            code = key[len("attribute[") :].removesuffix("[]").removesuffix("]")
            found.setdefault(code, []).extend(values)
    if len(found) > MAX_ATTRIBUTES:
        raise exceptions.ValidationError({"attribute": [_("At most %(max)s attributes.") % {"max": MAX_ATTRIBUTES}]})
    if any(len(value) > 1000 for values in found.values() for value in values):
        raise exceptions.ValidationError({"attribute": [_("An attribute's value is longer than 1000 characters.")]})
    return found


class RequestListView(Open311View):
    def get(self, request: Request, fmt: str) -> HttpResponse:
        query = request_query(request)
        orders = list(selectors.requests(query))
        return respond("service_requests", _rows(orders), fmt)

    def post(self, request: Request, fmt: str) -> HttpResponse:
        if not api_key_of(request):
            raise exceptions.PermissionDenied(_("Posting a request needs the api_key of a connected system."))
        if not permissions.may_submit(request.user):
            raise exceptions.PermissionDenied(_("This api_key may not post requests: it is not a connected system's."))
        if request.FILES:
            raise exceptions.ValidationError(
                {"media": [_("Files are not accepted; give the picture's address as media_url.")]}
            )
        form = {key: [str(value) for value in request.data.getlist(key)] for key in request.data if key != "api_key"}
        serializer = PostForm(data={key: values[-1] for key, values in form.items()})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        service_request = ServiceRequest(
            category=data["service_code"],
            description=data["description"].strip(),
            lat=data.get("lat"),
            long=data.get("long"),
            address_string=data.get("address_string", "").strip(),
            address_id=data.get("address_id", "").strip(),
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            email=data.get("email", ""),
            phone=data.get("phone", "").strip(),
            media_url=data.get("media_url", ""),
            device_id=data.get("device_id", ""),
            account_id=data.get("account_id", ""),
            attributes=_attributes(form),
            form=form,
        )
        key = api_key_of(request)
        accepted = service_request_submit(
            request=service_request,
            raw_body=self.raw_body.replace(key, "***") if key else self.raw_body,  # the key is never stored
            content_type=request.content_type or "",
            by=request.user,
        )
        notice = _("Received by the 12345 hotline as request %(number)s; follow it at requests/%(number)s.") % {
            "number": accepted.number
        }
        return respond(
            "service_requests",
            [documents.accepted_row(number=accepted.number, notice=notice)],
            fmt,
            status=201 if accepted.created else 200,
        )


class RequestDetailView(Open311View):
    def get(self, request: Request, number: str, fmt: str) -> HttpResponse:
        order = selectors.request_by_number(number)
        if order is None:
            raise Http404(_("No request has the id %(id)s.") % {"id": number})
        return respond("service_requests", _rows([order]), fmt)


def _rows(orders: list[Any]) -> list[dict[str, Any]]:
    chosen = [documents.submitted_service_code(order) for order in orders if order.category_id is None]
    categories = selectors.categories_by_code(chosen)
    return [documents.request_row(order, categories) for order in orders]


class NotFoundView(Open311View):
    """Any other address under /open311/v2/: the standard's 404, in the format the address ends with."""

    def format_of(self) -> str:
        return "json" if str(self.kwargs.get("rest", "")).lower().endswith(".json") else "xml"

    def get(self, request: Request, rest: str = "") -> HttpResponse:
        raise Http404(_("No such address in the Open311 GeoReport v2 endpoint; see discovery.xml."))

    post = get


def _split(request: Request, name: str) -> list[str]:
    values = [part.strip() for raw in request.query_params.getlist(name) for part in raw.split(",")]
    return [value for value in values if value]


def _moment(request: Request, name: str) -> datetime | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    moment = parse_datetime(raw.replace(" ", "+")) if "T" in raw else None  # a '+' unescaped in a URL is a space
    if moment is None:
        raise exceptions.ValidationError(
            {name: [_("Not a date and time in W3C format, e.g. 2026-01-31T08:00:00+08:00.")]}
        )
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _positive(request: Request, name: str, default: int, maximum: int) -> int:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise exceptions.ValidationError({name: [_("A whole number from 1 to %(max)s.") % {"max": maximum}]})
    return int(raw)


def request_query(request: Request) -> selectors.RequestQuery:
    """The GET requests parameters, checked: the standard's defaults (the last 90 days, at most 1,000 requests) and
    the pagination extension (page, page_size)."""
    page = _positive(request, "page", 1, 1_000_000)
    page_size = _positive(request, "page_size", MAX_PAGE_SIZE, MAX_PAGE_SIZE)
    numbers = _split(request, "service_request_id")
    if numbers:
        if len(numbers) > MAX_IDS or any(len(number) > 32 for number in numbers):
            raise exceptions.ValidationError(
                {"service_request_id": [_("At most %(max)s ids, each a request id.") % {"max": MAX_IDS}]}
            )
        return selectors.RequestQuery(numbers=tuple(numbers), page=page, page_size=page_size)
    codes = _split(request, "service_code")
    if any(not code.isdigit() or len(code) > 18 for code in codes):
        raise exceptions.ValidationError({"service_code": [_("Service codes are numbers listed at services.xml.")]})
    statuses = _split(request, "status")
    if any(status not in ("open", "closed") for status in statuses):
        raise exceptions.ValidationError({"status": [_("The status is open or closed.")]})
    start, end = _moment(request, "start_date"), _moment(request, "end_date")
    span = timedelta(days=MAX_DAYS)
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - span
    elif end is None:
        end = start + span
    if end < start:
        raise exceptions.ValidationError({"end_date": [_("The end date is before the start date.")]})
    if end - start > span:
        raise exceptions.ValidationError({"end_date": [_("A query spans at most %(days)s days.") % {"days": MAX_DAYS}]})
    return selectors.RequestQuery(
        service_codes=tuple(int(code) for code in codes),
        statuses=tuple(statuses),
        start=start,
        end=end,
        page=page,
        page_size=page_size,
    )
