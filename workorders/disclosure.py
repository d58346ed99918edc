"""What of an order's personal data each user is shown, and the record of who saw it unmasked.

Whether a role sees personal data is decided in ``workorders.permissions`` (``sees_personal_data``: operators,
officers and administrators do; managers and connected systems do not). This module is the one masking policy
for every representation such a role gets of an order — its page, the lists, the desk, the API, the dashboards
and their exports, the drill-downs, the hotspots, and what it may search:

- the caller's name and phone shortened (张**, 138****8000), also in the field changes of the order's events;
- the appeal as the models read it (personal data masked at triage, ``WorkOrder.text_for_models``);
- every other text written about the order — title, summary, address, replies, return notes, reasons,
  comments, extension requests, the field changes of its events and the whole triage record (evidence words,
  related-order words, the LLM's suggestions) — masked by ``triage.privacy.mask_with``: whatever the masker
  finds, and the values known to be this order's wherever they come back, with or without a cue word: the
  caller's name and phone, the values found in the appeal, and the names and phones the order had before an
  edit (``OrderMask``).

The policy is applied where orders are read, not where they are shown: ``permissions.orders_visible_to`` hands
such a role a queryset whose orders arrive masked (``OrdersAsShown``), with the assignments, events, callbacks
and extension requests prefetched with them, so a page, a serializer or a new view cannot show what it did not
get. A masked order (and each masked row with it) refuses to be saved. Orders read another way for a page (the
drill-down's rows, the order page's merged orders) go through ``shown_orders``. Masked roles search masked text
only (``WorkOrder.masked_text``, kept by ``WorkOrder.save``); exact values (the caller's phone) are looked up for
the roles that see them.

Who saw personal data unmasked is recorded (``PersonalDataAccess``): the orders a role that sees personal data
reads through ``orders_visible_to`` (or ``shown_orders``) during a request are noted, and when the request
ends one row says who, when, where (page, API, export or admin), which orders and which fields the address
shows (``FIELDS_SHOWN``). Requests outside the web (tasks, commands) record nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.core.handlers.wsgi import get_path_info
from django.core.signals import request_finished, request_started
from django.db.models import Model, QuerySet
from django.db.models.query import FlatValuesListIterable, ModelIterable, ValuesIterable, ValuesListIterable
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import Resolver404, resolve

from triage.datasets import model_text
from triage.normalise import prepare
from triage.privacy import KnownNames, PiiKind, PiiSpan, mask_dialogue, mask_with, partial_name, partial_phone
from workorders.models import Assignment, Callback, ExtensionRequest, PersonalDataAccess, WorkOrder, WorkOrderEvent

_MASKED = "_shown_masked"  # set on every row masked for display: such a row is never saved


# --- one order's mask -------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _appeal_values(appeal: str) -> tuple[tuple[tuple[str, str], ...], tuple[PiiSpan, ...], str]:
    """The personal values the masker finds in an appeal (a call masked as a dialogue), as (kind, value), its name
    spans, and the appeal masked (``model_text``); cached, because a list shows the same orders again and again."""
    if not appeal:
        return (), (), ""
    full, _model = mask_dialogue(prepare(appeal))
    names = tuple(span for span in full.spans if span.kind == PiiKind.NAME)
    return tuple((span.kind, span.value) for span in full.spans), names, full.text


def _replace_values(text: str, values: tuple[tuple[str, str], ...]) -> str:
    """The known values in a text already masked by the rules, replaced by their placeholders."""
    for kind, value in values:
        if len(value.strip()) >= 2 and value in text:
            text = text.replace(value, PiiKind(kind).placeholder)
    return text


def _phone_kind(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return PiiKind.MOBILE.value if len(digits) == 11 and digits.startswith("1") else PiiKind.LANDLINE.value


@lru_cache(maxsize=16384)
def _masked_text(text: str, values: tuple[tuple[str, str], ...], known: KnownNames | None) -> str:
    return mask_with(text, values=values, known=known).text


@dataclass(frozen=True)
class OrderMask:
    """Masks what is written about one order for a role that does not see personal data."""

    values: tuple[tuple[str, str], ...] = ()  # (kind, value) known to be this order's
    known: KnownNames | None = None  # the names among them, to mask a surname with a title or a given name alone

    @classmethod
    def of(cls, order: WorkOrder, events: Iterable[WorkOrderEvent] = ()) -> OrderMask:
        names = {order.caller_name.strip()} if order.caller_name.strip() else set()
        phones = {order.caller_phone.strip()} if order.caller_phone.strip() else set()
        for event in events:  # the name and phone the order had before an operator's edit
            for before_after in (event.changes or {}).get("caller_name", ()) or ():
                if isinstance(before_after, str) and before_after.strip():
                    names.add(before_after.strip())
            for before_after in (event.changes or {}).get("caller_phone", ()) or ():
                if isinstance(before_after, str) and before_after.strip():
                    phones.add(before_after.strip())
        appeal_values, appeal_names, _masked_appeal = _appeal_values(order.appeal)
        values = {
            *appeal_values,
            *((PiiKind.NAME.value, name) for name in names),
            *((_phone_kind(phone), phone) for phone in phones),
        }
        spans = [*appeal_names, *(PiiSpan(PiiKind.NAME.value, 0, len(name), name) for name in names)]
        known = KnownNames.of(spans)
        # longest first, so a full name is masked whole before a part of it
        ordered = tuple(sorted(values, key=lambda kv: (-len(kv[1]), kv)))
        return cls(ordered, known if known else None)

    def text(self, value: str) -> str:
        return _masked_text(value, self.values, self.known) if value else value

    def appeal(self, value: str) -> str:
        """An appeal (or a former one, in an edit's changes): masked as the models read it, and the values known to
        be this order's replaced wherever they still stand."""
        return _replace_values(_appeal_values(value)[2], self.values) if value else value

    def masked_appeal(self, masked: str) -> str:
        """An appeal triage has masked already: the values known to be this order's replaced where they stand."""
        return _replace_values(masked, self.values)

    def value(self, value: Any) -> Any:
        """Every string in a JSON-like value masked (dicts keep their keys)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(item) for item in value]
        return value

    def changes(self, changes: dict[str, Any]) -> dict[str, Any]:
        """An event's field changes ({field: [before, after]}) as the fields themselves are shown."""
        shown: dict[str, Any] = {}
        for name, change in (changes or {}).items():
            shape = _CHANGED_FIELD.get(name)
            if shape is None:
                shown[name] = self.value(change)
            elif isinstance(change, list | tuple):
                shown[name] = [shape(self, item) if isinstance(item, str) else item for item in change]
            else:
                shown[name] = shape(self, change) if isinstance(change, str) else change
        return shown


_CHANGED_FIELD = {
    "caller_name": lambda mask, value: partial_name(value),
    "caller_phone": lambda mask, value: partial_phone(value),
    "appeal": lambda mask, value: mask.appeal(value),
}


def masked_search_text(order: WorkOrder) -> str:
    """What a role that does not see personal data may search of an order: its title, summary, address and
    appeal as they are shown to it (``WorkOrder.masked_text``). The appeal joins once triage has masked it: intake
    stores a call at once and leaves the masking to triage, seconds later."""
    parts = [part for part in (order.title, order.summary, order.address) if part]
    if not parts and not order.appeal_masked:
        return ""
    mask = OrderMask.of(order)
    shown = [mask.text(part) for part in parts]
    if order.appeal_masked:
        shown.append(mask.masked_appeal(order.appeal_masked))
    return "\n".join(shown)


# --- masking rows read for display ------------------------------------------------------------------------


def is_masked(row: Model) -> bool:
    return bool(getattr(row, _MASKED, False))


def mask_order(order: WorkOrder) -> WorkOrder:
    """The order (in memory, never saved) as a role that does not see personal data is shown it, with what was
    prefetched with it. Masking twice changes nothing."""
    if is_masked(order):
        return order
    prefetched = getattr(order, "_prefetched_objects_cache", {})
    events = list(prefetched["events"]) if "events" in prefetched else []
    mask = OrderMask.of(order, events)
    appeal = mask.masked_appeal(order.appeal_masked) if order.appeal_masked else mask.appeal(order.appeal)
    order.appeal = order.appeal_masked = appeal
    order.title = mask.text(order.title)
    order.summary = mask.text(order.summary)
    order.address = mask.text(order.address)
    order.caller_name = partial_name(order.caller_name)
    order.caller_phone = partial_phone(order.caller_phone)
    order.masked_text = ""
    order.triage = mask.value(order.triage)
    for name in ("assignments", "events", "callbacks", "extension_requests"):
        for row in prefetched.get(name, ()):
            _mask_row(row, mask)
    for name in ("active_assists", "returned_leads", "callback_list"):
        for row in getattr(order, name, ()):
            _mask_row(row, mask)
    setattr(order, _MASKED, True)
    return order


def _mask_row(row: Model, mask: OrderMask) -> None:
    if is_masked(row):
        return
    if isinstance(row, Assignment):
        row.reply = mask.text(row.reply)
        row.return_note = mask.text(row.return_note)
    elif isinstance(row, WorkOrderEvent):
        row.reason = mask.text(row.reason)
        row.changes = mask.changes(row.changes)
    elif isinstance(row, Callback):
        row.comment = mask.text(row.comment)
    elif isinstance(row, ExtensionRequest):
        row.reason = mask.text(row.reason)
        row.decision_note = mask.text(row.decision_note)
    setattr(row, _MASKED, True)


@receiver(pre_save, dispatch_uid="workorders.disclosure.masked_rows_are_never_saved")
def _masked_rows_are_never_saved(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    if is_masked(instance):
        raise RuntimeError(f"{sender.__name__} {instance.pk} was masked for display and cannot be saved")


# Fields of an order read as plain values (values(), values_list()) that are masked as the order shows them.
_VALUE_MASKS = {
    "appeal": lambda value: model_text(value),
    "title": lambda value: OrderMask().text(value),
    "summary": lambda value: OrderMask().text(value),
    "address": lambda value: OrderMask().text(value),
    "caller_name": partial_name,
    "caller_phone": partial_phone,
    "triage": lambda value: OrderMask().value(value),
    "masked_text": lambda value: "",
}


class OrdersAsShown(QuerySet):
    """Orders as one user is shown them: masked for a role that does not see personal data (``mask``), or noted
    as seen unmasked for the record of the request (``viewer``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._masks = False
        self._viewer: Any = None

    def _clone(self) -> OrdersAsShown:
        clone = super()._clone()
        clone._masks = self._masks
        clone._viewer = self._viewer
        return clone

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh:
            self._result_cache = self._shown(self._result_cache)

    def iterator(self, chunk_size: int | None = None) -> Iterator[Any]:
        rows = super().iterator(chunk_size=chunk_size)
        while batch := [row for _, row in zip(range(500), rows, strict=False)]:
            yield from self._shown(batch)

    def _shown(self, rows: list[Any]) -> list[Any]:
        iterable = self._iterable_class
        if issubclass(iterable, ModelIterable):
            if self._masks:
                return [mask_order(order) for order in rows]
            _note(self._viewer, rows)
            return rows
        if not self._masks:
            return rows
        if issubclass(iterable, ValuesIterable):
            return [{key: _VALUE_MASKS.get(key, _same)(value) for key, value in row.items()} for row in rows]
        names = list(self._fields or [f.attname for f in self.model._meta.concrete_fields])
        if issubclass(iterable, FlatValuesListIterable):
            return [_VALUE_MASKS.get(names[0], _same)(value) for value in rows]
        if issubclass(iterable, ValuesListIterable):
            return [
                tuple(_VALUE_MASKS.get(name, _same)(value) for name, value in zip(names, row, strict=False))
                for row in rows
            ]
        return rows  # named rows and dates: no free text


def _same(value: Any) -> Any:
    return value


def orders_as_shown(orders: QuerySet[WorkOrder], user: Any, *, masked: bool) -> QuerySet[WorkOrder]:
    """``orders`` as ``user`` is shown them (``permissions.orders_visible_to`` decides ``masked``)."""
    shown = OrdersAsShown(model=orders.model, query=orders.query.chain(), using=orders._db, hints=orders._hints)
    shown._masks = masked
    shown._viewer = None if masked else user
    return shown


def shown_orders(orders: Iterable[WorkOrder | None], user: Any, *, masked: bool) -> list[WorkOrder | None]:
    """Orders read some other way than ``orders_visible_to`` (the order of a drill-down row, an order's merged
    orders) as ``user`` is shown them: masked, or noted as seen."""
    rows = list(orders)
    present = [order for order in rows if order is not None]
    if masked:
        for order in present:
            mask_order(order)
    else:
        _note(user, present)
    return rows


def shown_rows(rows: Iterable[Model], user: Any, *, masked: bool) -> list[Model]:
    """Rows about orders read with their order (a desk's extension requests, a drill-down's assignments and
    events) as ``user`` is shown them: each row's text and its order masked, or the orders noted as seen."""
    rows = list(rows)
    orders = [row.order for row in rows if getattr(row, "order", None) is not None]
    if not masked:
        _note(user, orders)
        return rows
    masks: dict[int, OrderMask] = {}
    for order in orders:  # each order's mask from its values before the order itself is masked
        if order.pk not in masks and not is_masked(order):
            masks[order.pk] = OrderMask.of(order)
    for row in rows:
        order = getattr(row, "order", None)
        _mask_row(row, masks.get(order.pk, OrderMask()) if order is not None else OrderMask())
    for order in orders:
        mask_order(order)
    return rows


# --- the record of who saw personal data --------------------------------------------------------------------

# What of the orders each address shows (by URL name); an address not listed records every field of the order.
_DETAIL = ("appeal", "caller_name", "caller_phone", "title", "summary", "address", "events", "replies", "triage")
_ROW = ("title", "address")
FIELDS_SHOWN: dict[str, tuple[str, ...]] = {
    "order-detail": _DETAIL,
    "order-edit": _DETAIL,
    "order-reply-check": _DETAIL,
    "order-llm-suggestions": _DETAIL,
    "api:order-detail": _DETAIL,
    "api:order-list": _ROW,
    "order-list": _ROW,
    "inbox": ("title",),
    "desk": ("title", "caller_name", "caller_phone"),
    "caller-card": ("title", "caller_phone"),
    "order-claim": (),  # who holds the order; nothing of the order itself
    "dashboard": ("title",),
    "dashboard-department": ("title",),
    "dashboard-export": ("title",),
    "dashboard-department-export": ("title",),
    "dashboard-drill": ("title",),
    "hotspot-detail": ("title",),
    "knowledge-for-order": (),  # reads the order's (masked) title and summary to search; shows passages only
    "admin:workorders_workorder_change": (*_DETAIL, "caller_name", "caller_phone"),
}
_EXPORTS = frozenset({"dashboard-export", "dashboard-department-export"})


@dataclass
class _Request:
    method: str
    path: str
    seen: dict[int, tuple[Any, WorkOrder]] = field(default_factory=dict)  # order id -> (user, order)


_current: ContextVar[_Request | None] = ContextVar("personal_data_request", default=None)


def _note(user: Any, orders: Sequence[WorkOrder]) -> None:
    request = _current.get()
    if request is None or user is None or not getattr(user, "is_authenticated", False):
        return
    for order in orders:
        request.seen.setdefault(order.pk, (user, order))


def note_shown(user: Any, orders: Sequence[WorkOrder]) -> None:
    """Note orders shown unmasked through a way the querysets do not see (the admin site's order page)."""
    _note(user, orders)


@receiver(request_started, dispatch_uid="workorders.disclosure.request_started")
def _request_started(sender: Any, environ: dict[str, Any] | None = None, **kwargs: Any) -> None:
    environ = environ or {}
    if "PATH_INFO" not in environ:  # not a WSGI request (ASGI sends its scope): nothing to record against
        _current.set(None)
        return
    _current.set(_Request(str(environ.get("REQUEST_METHOD", "")), get_path_info(environ)))


@receiver(request_finished, dispatch_uid="workorders.disclosure.request_finished")
def _request_finished(sender: Any, **kwargs: Any) -> None:
    request = _current.get()
    _current.set(None)
    if request is None or not request.seen:
        return
    personal_data_access_record(method=request.method, path=request.path, seen=list(request.seen.values()))


def personal_data_access_record(*, method: str, path: str, seen: Sequence[tuple[Any, WorkOrder]]) -> None:
    """One row per user (there is one per request) for the orders shown to them unmasked at ``path``."""
    try:
        url_name = resolve(path).view_name
    except Resolver404:
        url_name = ""
    fields = FIELDS_SHOWN.get(url_name, _DETAIL)
    if not fields:
        return
    if url_name.startswith("admin:"):
        channel = PersonalDataAccess.Channel.ADMIN
    elif url_name in _EXPORTS:
        channel = PersonalDataAccess.Channel.EXPORT
    elif url_name.startswith("api:") or path.startswith("/api/"):
        channel = PersonalDataAccess.Channel.API
    else:
        channel = PersonalDataAccess.Channel.PAGE
    by_user: dict[int, tuple[Any, list[WorkOrder]]] = {}
    for user, order in seen:
        by_user.setdefault(user.pk, (user, []))[1].append(order)
    for user, orders in by_user.values():
        PersonalDataAccess.objects.create(
            user=user,
            role=getattr(user, "role", ""),
            channel=channel,
            method=method[:8],
            path=path[:255],
            order=orders[0] if len(orders) == 1 else None,
            order_numbers=" ".join(order.number for order in orders),
            order_count=len(orders),
            fields=list(fields),
        )
