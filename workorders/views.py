"""Pages of the work-order lifecycle. Views parse input with forms, call one selector or service, and render
or redirect; the state machine and every rule live in services and lifecycle."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import User
from triage.reply_check import ReplyChecker
from workorders import disclosure, dispatch_catalogue, holiday_calendar, permissions, selectors, services
from workorders.choices import (
    Action,
    AssignmentRole,
    AssignmentStatus,
    ExtensionStatus,
)
from workorders.errors import ActionNotPermitted, InvalidInput, InvalidTransition, StaleWrite
from workorders.filters import WorkOrderFilter
from workorders.forms import (
    ArbitrateForm,
    AttachForm,
    CallbackForm,
    ConfirmForm,
    DispatchForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    MergeForm,
    NoteForm,
    OrderEditForm,
    ReasonForm,
    ReplyForm,
    ReturnForm,
    SuggestionsForm,
    WorkspaceForm,
    rebase,
)
from workorders.lifecycle import RULES
from workorders.models import Assignment, OrderClaim, WorkOrder
from workorders.paging import CappedPaginator
from workorders.transcript import masked_in_words, transcript_lines

ORDERS_PER_PAGE = 50
DESK_ROWS = 100  # rows shown per desk section; the count above each section covers all of them
DESK_SECTION_ROWS = 20  # rows of the desk's other sections; the order list has them all, by status
DESK_QUEUE_PER_PAGE = 50  # the queue awaiting dispatch is paged: every order in it is reachable
# Rows of the inbox's sections to sign and in hand, and of those awaiting the callback: the counts cover all of them,
# the filter and "next order" reach every one, and the page stays quick however many the department holds.
INBOX_SECTION_ROWS = 50
INBOX_REPLIED_ROWS = 20
NOT_FOR_YOUR_ROLE = gettext_lazy("This page is not available to your role.")


# --- home, desk, inbox, list ----------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role starts where its work is."""
    return redirect(permissions.home_page(request.user))


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    """The dispatch operator's queues: orders awaiting dispatch (the queue: the highest risk first, every one
    reachable page by page, refreshed by htmx), returns to arbitrate, callbacks to make, orders to close.
    An htmx request gets only the queue."""
    permissions.require(permissions.may_use_desk(request.user), NOT_FOR_YOUR_ROLE)
    user = request.user
    context = _desk_queue_context(request)
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "workorders/_desk_queue.html", context)
        patch_vary_headers(response, ("HX-Request",))
        return response
    queues = {
        "returned": selectors.orders_awaiting_arbitration(user),
        "replied": selectors.orders_awaiting_callback(user),
        "called_back": selectors.orders_awaiting_close(user),
        "extensions": selectors.pending_extension_requests().order_by("requested_at"),
    }
    # Each of these shows its first rows (the rest on the order list, by status); the count beside its heading
    # covers all of them.
    for name, queryset in queues.items():
        context[name] = list(queryset[: DESK_ROWS if name == "extensions" else DESK_SECTION_ROWS])
        context[f"{name}_count"] = queryset.count()
    # the extension requests come with their orders: their reasons and orders shown as the role is shown orders
    disclosure.shown_rows(context["extensions"], user, masked=not permissions.sees_personal_data(user))
    response = render(request, "workorders/desk.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _desk_queue_context(request: HttpRequest) -> dict[str, Any]:
    """One page of the queue of orders awaiting dispatch, narrowed by what the operator typed (``q``)."""
    text = request.GET.get("q", "")[:100]
    queue = selectors.desk_queue(request.user, text=text)
    page = Paginator(queue, DESK_QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = selectors.queue_rows(list(page.object_list), now)
    suggestions = dispatch_catalogue.suggested_lead_departments(rows)
    for order in rows:
        order.suggested_lead = suggestions.get(order.pk)
    return {"now": timezone.now(), "queue_page": page, "queue_rows": rows, "queue_text": text}


@require_POST
@login_required
def desk_next(request: HttpRequest) -> HttpResponse:
    """The next order nobody holds, by the queue's order, claimed for the operator (下一单)."""
    permissions.require(permissions.may_claim(request.user), NOT_FOR_YOUR_ROLE)
    return _open_next_order(request)


def _open_next_order(request: HttpRequest) -> HttpResponse:
    following = services.workorder_claim_next(by=request.user)
    if following is None:
        messages.info(request, _("No other order is waiting for dispatch."))
        return redirect("desk")
    return redirect("order-detail", pk=following.pk)


@require_POST
@login_required
def order_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """The order page's claim line, asked again every minute: it keeps the operator's claim while they work on
    the order (``active``: they typed or clicked since), and says when someone else holds it."""
    user = request.user
    order = get_object_or_404(permissions.orders_visible_to(user), pk=pk)
    claim = selectors.claim_of(order)
    takes = permissions.may_claim_order(user, order)
    if request.POST.get("active") and takes:
        claim = services.workorder_claim(order=order, by=user)
    return render(request, "workorders/_claim_state.html", _claim_context(order, claim, user, watched=takes))


@require_POST
@login_required
def order_release(request: HttpRequest, pk: int) -> HttpResponse:
    """The operator leaves the order for others and goes back to the queue."""
    order = get_object_or_404(permissions.orders_visible_to(request.user), pk=pk)
    if services.workorder_release_claim(order=order, by=request.user):
        messages.info(request, _("Order %(number)s is free for others again.") % {"number": order.number})
    return redirect(permissions.home_page(request.user))


def _claim_context(order: WorkOrder, claim: OrderClaim | None, user: User, *, watched: bool) -> dict[str, Any]:
    now = timezone.now()
    held = claim is not None and claim.held_at(now)
    return {
        "order": order,
        "claim": claim if held else None,
        "claim_mine": held and claim.user_id == user.pk,
        "claim_watched": watched,
        "now": now,
    }


@login_required
def caller_card(request: HttpRequest) -> HttpResponse:
    """The caller card for the phone number typed at intake (an htmx fragment; sent by POST, so the number
    stays out of addresses and logs)."""
    permissions.require(permissions.may_enter_calls(request.user), NOT_FOR_YOUR_ROLE)
    phone = (request.POST.get("caller_phone") or request.GET.get("caller_phone") or "")[:32]
    card = selectors.caller_card(phone, request.user)
    for other in card.open_orders:
        other.attachable = permissions.may_attach_as_reminder(request.user, None, other)
    return render(request, "workorders/_caller_card.html", {"card": card, "now": timezone.now(), "at_intake": True})


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """A department's assignments grouped by what it has to do next, with who of the department is working on
    each (认领); an htmx request (the refresh every 10 s) gets the sections only."""
    permissions.require(permissions.may_use_inbox(request.user), NOT_FOR_YOUR_ROLE)
    text = request.GET.get("q", "")[:100]
    sections = selectors.officer_inbox_sections(
        request.user, text=text, rows=INBOX_SECTION_ROWS, replied_rows=INBOX_REPLIED_ROWS
    )
    to_sign, handling, replied = (sections[name].rows for name in ("to_sign", "handling", "replied"))
    # the assignments come with their orders: recorded as seen (an officer sees personal data)
    disclosure.shown_rows(
        [*to_sign, *handling, *replied], request.user, masked=not permissions.sees_personal_data(request.user)
    )
    now = timezone.now()
    for assignment in [*to_sign, *handling]:
        assignment.holder = selectors.claim_holder(assignment.order, now)
    context = {
        "now": now,
        "to_sign": to_sign,
        "handling": handling,
        "replied": replied,
        "counts": {name: section.count for name, section in sections.items()},
        "inbox_text": text,
    }
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(request, "workorders/_inbox_body.html" if partial else "workorders/inbox.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_POST
@login_required
def inbox_next(request: HttpRequest) -> HttpResponse:
    """The next order of the department's inbox that nobody else holds (to sign first, soonest due), taken for
    the officer (下一单)."""
    permissions.require(permissions.may_use_inbox(request.user), NOT_FOR_YOUR_ROLE)
    following = services.workorder_claim_next_in_inbox(by=request.user)
    if following is None:
        messages.info(request, _("Nothing else in the inbox is free to take."))
        return redirect("inbox")
    return redirect("order-detail", pk=following.pk)


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    """All orders the user may see, filtered; an htmx request gets only the results."""
    filterset = WorkOrderFilter(request.GET, queryset=selectors.order_list(request.user), request=request)
    _label_empty_choices(filterset.form)
    page = CappedPaginator(filterset.qs, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "now": timezone.now(),
        "ordering_choices": [
            ("", _("Newest first")),
            ("created_at", _("Oldest first")),
            ("resolve_due_at", _("Resolve deadline, soonest first")),
            ("number", _("Order number")),
        ],
        "current_ordering": request.GET.get("ordering", ""),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "workorders/_order_results.html" if partial else "workorders/order_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
def order_filter_options(request: HttpRequest, field: str) -> HttpResponse:
    """The type-ahead of a list filter: the departments, categories or areas matching what was typed."""
    options = selectors.reference_options(field, request.GET.get(field) or request.GET.get("q") or "")
    if options is None:
        raise Http404
    return render(request, "workorders/_reference_options.html", {"options": options})


def _label_empty_choices(form: forms.Form) -> None:
    """Show "All" instead of dashes for a filter select left empty."""
    for field in form.fields.values():
        if getattr(field, "empty_label", None) is None:
            continue
        if isinstance(field, forms.ModelChoiceField):
            field.empty_label = _("All")
        else:  # django-filter adds the empty choice while listing; set the choices again to relabel it
            choices = [(value, label) for value, label in field.choices if value != ""]
            field.empty_label = _("All")
            field.choices = choices


# --- the order page ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderAction:
    """One button or form on the order page: the lifecycle actions behind it, how its input is parsed,
    the service call, and what the user is told when it worked."""

    lifecycle_actions: tuple[str, ...]
    form_class: type[forms.Form]
    perform: Callable[[WorkOrder, User, dict[str, Any]], object]
    success: Promise
    # Where the user goes when it worked (given the request and what the service returned): the order by default.
    then: Callable[[HttpRequest, Any], HttpResponse] | None = None


def _decide_extension(order: WorkOrder, user: User, data: dict[str, Any]) -> object:
    pending = selectors.pending_extension_requests().filter(order=order).first()
    if pending is None:
        raise InvalidTransition(_("No extension request is waiting for a decision."))
    approve = data["decision"] == ExtensionDecisionForm.APPROVE
    return services.extension_decide(
        based_on=data["version"], request=pending, by=user, approve=approve, note=data["note"]
    )


ORDER_ACTIONS: dict[str, OrderAction] = {
    "dispatch": OrderAction(
        (Action.DISPATCH,),
        DispatchForm,
        lambda order, user, data: services.workorder_dispatch(
            based_on=data["version"],
            order=order,
            by=user,
            lead_department=data["lead_department"],
            assisting_departments=list(data["assisting_departments"]),
            note=data["note"],
        ),
        gettext_lazy("The order was dispatched."),
        lambda request, order: _after_dispatch(request, order),
    ),
    "merge": OrderAction(
        (Action.MERGE,),
        MergeForm,
        lambda order, user, data: services.workorder_merge(
            based_on=data["version"], order=order, into=data["into"], by=user, reason=data["reason"]
        ),
        gettext_lazy("The order was merged."),
    ),
    "attach": OrderAction(
        (Action.MERGE,),
        AttachForm,
        lambda order, user, data: services.workorder_attach_as_reminder(
            based_on=data["version"], order=order, into=data["into"], by=user
        ),
        gettext_lazy("The call was attached to the open order as the citizen's reminder."),
        lambda request, reminded: redirect("order-detail", pk=reminded.pk),
    ),
    "unmerge": OrderAction(
        (Action.UNMERGE,),
        ConfirmForm,
        lambda order, user, data: services.workorder_unmerge(based_on=data["version"], order=order, by=user),
        gettext_lazy("The merge was undone: the order awaits dispatch again."),
    ),
    "cancel": OrderAction(
        (Action.CANCEL,),
        ReasonForm,
        lambda order, user, data: services.workorder_cancel(
            based_on=data["version"], order=order, by=user, reason=data["reason"]
        ),
        gettext_lazy("The order was cancelled."),
    ),
    "sign": OrderAction(
        (Action.SIGN, Action.ASSIST_SIGN),
        ConfirmForm,
        lambda order, user, data: services.assignment_sign(based_on=data["version"], order=order, by=user),
        gettext_lazy("Signed for the order."),
    ),
    "contact": OrderAction(
        (Action.CONTACT,),
        NoteForm,
        lambda order, user, data: services.assignment_record_contact(
            based_on=data["version"], order=order, by=user, note=data["note"]
        ),
        gettext_lazy("The contact with the citizen was recorded."),
    ),
    "reply": OrderAction(
        (Action.REPLY, Action.ASSIST_REPLY),
        ReplyForm,
        lambda order, user, data: services.assignment_reply(
            based_on=data["version"], order=order, by=user, reply=data["reply"]
        ),
        gettext_lazy("The reply was sent."),
    ),
    "return": OrderAction(
        (Action.RETURN,),
        ReturnForm,
        lambda order, user, data: services.assignment_return(
            based_on=data["version"], order=order, by=user, reason_code=data["reason_code"], reason=data["reason"]
        ),
        gettext_lazy("The order was returned; it waits for arbitration."),
    ),
    "arbitrate": OrderAction(
        (Action.ARBITRATE_REDISPATCH, Action.ARBITRATE_REJECT),
        ArbitrateForm,
        lambda order, user, data: services.workorder_arbitrate(
            based_on=data["version"],
            order=order,
            by=user,
            accept=data["decision"] == ArbitrateForm.REDISPATCH,
            reason=data["reason"],
            lead_department=data["lead_department"],
            assisting_departments=list(data["assisting_departments"]),
        ),
        gettext_lazy("The return was decided."),
    ),
    "request-extension": OrderAction(
        (Action.REQUEST_EXTENSION,),
        ExtensionRequestForm,
        lambda order, user, data: services.extension_request(
            based_on=data["version"], order=order, by=user, working_days=data["working_days"], reason=data["reason"]
        ),
        gettext_lazy("The extension request was sent for a decision."),
    ),
    "decide-extension": OrderAction(
        (Action.APPROVE_EXTENSION, Action.REJECT_EXTENSION),
        ExtensionDecisionForm,
        _decide_extension,
        gettext_lazy("The extension request was decided."),
    ),
    "supervise": OrderAction(
        (Action.SUPERVISE,),
        ReasonForm,
        lambda order, user, data: services.workorder_supervise(
            based_on=data["version"], order=order, by=user, reason=data["reason"]
        ),
        gettext_lazy("The order is under supervision."),
    ),
    "remind": OrderAction(
        (Action.REMIND,),
        ReasonForm,
        lambda order, user, data: services.workorder_remind(
            based_on=data["version"], order=order, by=user, reason=data["reason"]
        ),
        gettext_lazy("The reminder was recorded."),
    ),
    "callback": OrderAction(
        (Action.CALLBACK,),
        CallbackForm,
        lambda order, user, data: services.callback_record(
            based_on=data["version"],
            order=order,
            by=user,
            satisfaction=data["satisfaction"],
            resolved=data["resolved"],
            comment=data["comment"],
        ),
        gettext_lazy("The callback was recorded."),
    ),
    "close": OrderAction(
        (Action.CLOSE,),
        NoteForm,
        lambda order, user, data: services.workorder_close(
            based_on=data["version"], order=order, by=user, note=data["note"]
        ),
        gettext_lazy("The order was closed."),
    ),
}


def _after_dispatch(request: HttpRequest, order: WorkOrder) -> HttpResponse | None:
    """The operator goes on to the next order of the queue instead of staying on the one dispatched."""
    if not permissions.may_claim(request.user):
        return None
    services.workorder_release_claim(order=order, by=request.user)
    return _open_next_order(request)


def offered_actions(*, user: User, order: WorkOrder, assignment: Assignment | None) -> list[str]:
    """The ORDER_ACTIONS (and "edit") the user may take on the order now, in the order they are shown.

    The lifecycle says what the role may do from the status; an officer also needs an assignment of their
    department subtree, and only the lead department signs, contacts, returns and asks for extensions."""
    open_actions = set(permissions.actions_open_to(user, order.status))
    pending_extension = any(r.status == ExtensionStatus.PENDING for r in order.extension_requests.all())
    if permissions.is_department_officer(user):
        if assignment is None:
            return []
        if assignment.role == AssignmentRole.LEAD:
            candidates = [
                ("sign", assignment.status == AssignmentStatus.PENDING and Action.SIGN in open_actions),
                ("reply", Action.REPLY in open_actions),
                ("contact", Action.CONTACT in open_actions),
                ("request-extension", Action.REQUEST_EXTENSION in open_actions and not pending_extension),
                ("return", Action.RETURN in open_actions),
            ]
        else:  # an assisting department signs, then gives its opinion
            candidates = [
                ("sign", assignment.status == AssignmentStatus.PENDING and Action.ASSIST_SIGN in open_actions),
                ("reply", assignment.status == AssignmentStatus.SIGNED and Action.ASSIST_REPLY in open_actions),
            ]
    else:
        decide_extension = {Action.APPROVE_EXTENSION, Action.REJECT_EXTENSION} & open_actions
        candidates = [
            ("edit", Action.EDIT in open_actions),
            ("dispatch", Action.DISPATCH in open_actions),
            ("arbitrate", bool({Action.ARBITRATE_REDISPATCH, Action.ARBITRATE_REJECT} & open_actions)),
            ("decide-extension", pending_extension and bool(decide_extension)),
            ("callback", Action.CALLBACK in open_actions),
            ("close", Action.CLOSE in open_actions),
            ("supervise", Action.SUPERVISE in open_actions),
            ("remind", Action.REMIND in open_actions),
            ("merge", Action.MERGE in open_actions),
            ("unmerge", Action.UNMERGE in open_actions),
            ("cancel", Action.CANCEL in open_actions),
        ]
    return [slug for slug, allowed in candidates if allowed]


_SUGGESTED_FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "summary": gettext_lazy("Summary"),
    "request_type": gettext_lazy("Request type"),
    "category": gettext_lazy("Category"),
}


def _suggestion_rows(order: WorkOrder) -> list[dict[str, Any]]:
    """The LLM's suggestions waiting beside the fields: each field's label, its value now and the suggestion."""
    llm = order.triage_record.llm
    if llm is None or not llm.waiting:
        return []
    now = {
        "title": order.title,
        "summary": order.summary,
        "request_type": order.get_request_type_display(),
        "category": str(order.category or ""),
    }
    return [
        {
            "field": name,
            "label": _SUGGESTED_FIELD_LABELS.get(name, name),
            "now": now.get(name, ""),
            "shown": item["shown"],
        }
        for name, item in llm.suggested.items()
    ]


def _order_page(
    request: HttpRequest,
    pk: int,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    user = request.user
    order = get_object_or_404(selectors.order_detail(user), pk=pk)
    services.workorder_note_opened(order=order, by=user)  # from now on an LLM draft only waits beside the fields
    assignment = selectors.officer_assignment(order=order, user=user)
    offered = offered_actions(user=user, order=order, assignment=assignment)
    action_forms: dict[str, forms.Form] = {}
    suggested_lead = None
    for slug in offered:
        if slug == "edit":
            continue
        initial: dict[str, Any] = {}
        if slug == "dispatch":
            suggested_lead, assisting = dispatch_catalogue.suggested_departments(order)
            initial = {"lead_department": suggested_lead, "assisting_departments": assisting}
        initial["version"] = order.version
        action_forms[slug] = ORDER_ACTIONS[slug].form_class(initial=initial, action=slug, user=user)
    if "edit" in offered:  # the order workspace: the fields corrected in place, and the dispatch when offered
        action_forms["workspace"] = _workspace_form(order, user, suggested_lead=suggested_lead)
    for slug, form in (bound or {}).items():
        if slug in action_forms:
            action_forms[slug] = form
        else:  # the form is no longer offered (the order moved on): say what was wrong anyway
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
    assignments = sorted(order.assignments.all(), key=lambda a: (a.role != AssignmentRole.LEAD, a.assigned_at, a.pk))
    pending = next((r for r in order.extension_requests.all() if r.status == ExtensionStatus.PENDING), None)
    extension = holiday_calendar.extension_facts(pending) if pending and "decide-extension" in offered else None
    # whoever opens an order they work on takes it (an operator's awaiting dispatch, an officer's assignment), unless
    # someone else has it
    takes = permissions.may_claim_order(user, order)
    claim = services.workorder_claim(order=order, by=user) if takes else None
    if claim is None and order.status in RULES[Action.CLAIM].from_statuses:
        claim = selectors.claim_of(order)
    card = None
    if permissions.may_see_caller_history(user):
        card = selectors.caller_card(order, user)
        for other in card.open_orders:
            other.attachable = permissions.may_attach_as_reminder(user, order, other)
    triage_rows = selectors.triage_rows(order)
    shown = selectors.shown_personal_data(order, user)
    triage = order.triage_record
    context = {
        **_claim_context(order, claim, user, watched=takes),
        "caller": card,
        "order": order,
        "triage": order.triage_record,
        "suggestions": _suggestion_rows(order),
        "psych_aid_line": settings.HOTLINE["PSYCH_AID_LINE"],
        "now": timezone.now(),
        "assignment": assignment,
        "offered": offered,
        "suggested_lead": suggested_lead,
        # Template lookups cannot spell "request-extension": the forms are keyed with underscores there.
        "action_forms": {slug.replace("-", "_"): form for slug, form in action_forms.items()},
        "assignments": assignments,
        "shown": shown,
        "triage_rows": triage_rows,
        "ai_fields": {row.field: row for row in triage_rows},
        "field_sources": selectors.field_sources(order),
        "knowledge_query": order.title,  # the link before the panel loads; the panel asks knowledge itself
        "merged": list(selectors.merged_orders(order)),
        "events": list(order.events.all()),
        "extension": extension,  # the facts of the extension request a manager decides
        # the call turn by turn (a message line by line), as the user may see it, places and risk words marked
        "transcript": transcript_lines(
            shown["appeal"], places=[*triage.places, order.address], risk_words=triage.safety.triggers
        ),
    }
    if "workspace" in action_forms:
        context["picked"] = _workspace_picked(action_forms["workspace"])
    return render(request, "workorders/order_detail.html", {**context, **(extra or {})}, status=status)


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _order_page(request, pk)


def _workspace_form(order: WorkOrder, user: User, *, suggested_lead: Any) -> WorkspaceForm:
    lead, assisting = (
        (suggested_lead, dispatch_catalogue.suggested_departments(order)[1]) if suggested_lead else (None, [])
    )
    initial = {name: getattr(order, name) for name in WorkspaceForm.ORDER_FIELDS}
    initial.update({name: masked_in_words(initial[name]) for name in ("title", "summary", "address")})
    initial.update(
        category=order.category_id,
        area=order.area_id,
        lead_department=lead.pk if lead else None,
        assisting_departments=[d.pk for d in assisting],
        intent=WorkspaceForm.DISPATCH,
        version=order.version,
    )
    return WorkspaceForm(initial=initial, action="workspace", user=user)


def _workspace_picked(form: WorkspaceForm) -> dict[str, list[tuple[int, str]]]:
    """What the workspace's pickers hold now (the order's values, or what the operator sent back): ids and names."""
    picked = {}
    for name in ("category", "area", "lead_department", "assisting_departments"):
        if form.is_bound:
            raw = form.data.getlist(name) if hasattr(form.data, "getlist") else [form.data.get(name)]
        else:
            value = form.initial.get(name)
            raw = value if isinstance(value, list) else [value]
        ids = [int(v) for v in raw if str(v or "").isdigit()]
        picked[name] = selectors.picker_labels(name, ids)
    return picked


@require_POST
@login_required
def order_workspace(request: HttpRequest, pk: int) -> HttpResponse:
    """The order workspace's form: the operator's corrections, saved, or saved and dispatched in one step (then on
    to the next order of the queue)."""
    user = request.user
    dispatching = request.POST.get("intent", WorkspaceForm.DISPATCH) == WorkspaceForm.DISPATCH
    permissions.require(
        permissions.may_take(user, Action.EDIT) and (not dispatching or permissions.may_take(user, Action.DISPATCH)),
        _("Your role may not edit orders."),
    )
    order = get_object_or_404(permissions.orders_visible_to(user), pk=pk)
    form = WorkspaceForm(request.POST, action="workspace", user=user)
    if form.is_valid():
        data = form.cleaned_data
        dispatch = data["intent"] == WorkspaceForm.DISPATCH
        done = _run_service(
            request,
            order,
            form,
            lambda: services.workorder_correct_and_dispatch(
                order=order,
                by=user,
                values=form.order_values(),
                dispatch=dispatch,
                lead_department=data["lead_department"],
                assisting_departments=list(data["assisting_departments"]),
                note=data["note"],
                based_on=data["version"],
            ),
            _("The order was dispatched.") if dispatch else _("The order was saved."),
            _after_dispatch if dispatch else None,
        )
        if done is not None:
            return done
    return _order_page(
        request, order.pk, bound={"workspace": form}, status=409 if getattr(form, "stale", False) else 400
    )


@login_required
def picker_options(request: HttpRequest, kind: str) -> HttpResponse:
    """Every category, area or active department with its pinyin keys, for the workspace's type-ahead pickers
    (``static/js/pickers.js`` matches in the browser, so typing costs no request). Cached by the browser and
    revalidated by its ETag."""
    entries = selectors.picker_entries(kind)
    if entries is None:
        raise Http404
    body = json.dumps({"kind": kind, "entries": [entry.to_json() for entry in entries]}, ensure_ascii=False)
    etag = f'"{hashlib.sha256(body.encode()).hexdigest()[:32]}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def order_dispatch_suggestion(request: HttpRequest, pk: int) -> HttpResponse:
    """The dispatch catalogue's lead and assisting departments for the order with the category and area the operator
    picked (``?category=&area=`` ids), for the workspace to follow a corrected category."""
    order = get_object_or_404(permissions.orders_visible_to(request.user), pk=pk)
    form = WorkspaceForm(request.GET, action="workspace", user=request.user)
    form.is_valid()  # only the two pickers are read; each one invalid or missing keeps the order's own
    order.category = form.cleaned_data.get("category") or order.category
    order.area = form.cleaned_data.get("area") or order.area
    lead, assisting = dispatch_catalogue.suggested_departments(order)
    return JsonResponse(
        {
            "lead": {"id": lead.pk, "label": lead.full_name or lead.name} if lead else None,
            "assisting": [{"id": d.pk, "label": d.full_name or d.name} for d in assisting],
        }
    )


@require_POST
@login_required
def order_llm_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept the LLM's suggestions (all, or one field) into the order, or dismiss them."""
    user = request.user
    permissions.require(permissions.may_take(user, Action.EDIT), _("Your role may not edit orders."))
    order = get_object_or_404(permissions.orders_visible_to(user), pk=pk)
    form = SuggestionsForm(request.POST, action="suggestions", user=user)
    if form.is_valid():
        data = form.cleaned_data
        if data["decision"] == SuggestionsForm.DISMISS:
            call = partial(services.workorder_dismiss_llm_suggestions, order=order, by=user, based_on=data["version"])
            success = _("The suggestions were dismissed.")
        else:
            call = partial(
                services.workorder_accept_llm_suggestions,
                order=order,
                by=user,
                fields=[data["field"]] if data["field"] else None,
                based_on=data["version"],
            )
            success = _("The suggestions were taken into the order.")
        done = _run_service(request, order, form, call, success)
        if done is not None:
            return done
    for error in form.non_field_errors():
        messages.error(request, error)
    return _order_page(request, order.pk, status=409 if getattr(form, "stale", False) else 400)


@require_POST
@login_required
def order_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Run one action from the order page: parse the form, call the service, go back to the order."""
    spec = ORDER_ACTIONS[action]
    user = request.user
    permissions.require(
        permissions.may_take_any(user, spec.lifecycle_actions), _("Your role may not take this action.")
    )
    order = get_object_or_404(permissions.orders_visible_to(user), pk=pk)
    form = spec.form_class(request.POST, action=action, user=user)
    if form.is_valid():
        done = _run_service(
            request, order, form, lambda: spec.perform(order, user, form.cleaned_data), spec.success, spec.then
        )
        if done is not None:
            return done
    return _order_page(request, order.pk, bound={action: form}, status=409 if getattr(form, "stale", False) else 400)


def _run_service(
    request: HttpRequest,
    order: WorkOrder,
    form: forms.Form,
    call: Callable[[], object],
    success: Promise | str,
    then: Callable[[HttpRequest, Any], HttpResponse | None] | None = None,
) -> HttpResponse | None:
    """Call a service for a valid form and go back to the order page (or where ``then`` says, given what the
    service returned), or return None when the service refused the input (its message is then on the form's
    field, for the page to show again)."""
    try:
        result = call()
    except ActionNotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    except StaleWrite as exc:
        # Shown again with what the person typed, on the order as it is now, saying who changed what.
        form.add_error(None, exc.message)
        rebase(form, exc.current_version)
        form.stale = True
        return None
    except InvalidTransition as exc:
        messages.error(request, exc.message)
        return redirect("order-detail", pk=order.pk)
    except InvalidInput as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None
    messages.success(request, success)
    onward = then(request, result) if then is not None else None
    return onward or redirect("order-detail", pk=order.pk)


@login_required
def order_merge_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The two orders side by side before a merge (合并预览), each as the user may see it, with the confirmation
    that sends the merge; ``into`` names the order to merge into (its number or id)."""
    user = request.user
    permissions.require(permissions.may_take(user, Action.MERGE), _("Your role may not merge orders."))
    order = get_object_or_404(selectors.order_detail(user), pk=pk)
    into = selectors.order_by_number_or_id(user, request.GET.get("into", "")[:20])
    if order.status not in RULES[Action.MERGE].from_statuses:
        messages.error(request, _("Only an order awaiting dispatch can be merged."))
        return redirect("order-detail", pk=order.pk)
    if into is None or into.pk == order.pk:
        messages.error(request, _("Name another order to merge into."))
        return redirect("order-detail", pk=order.pk)
    into = get_object_or_404(selectors.order_detail(user), pk=into.pk)
    form = MergeForm(
        initial={"into": into.number, "version": order.version, "confirmed": True}, action="merge", user=user
    )
    form.fields["into"].widget = forms.HiddenInput()
    context = {
        "order": order,
        "into": into,
        "sides": [
            (order, selectors.shown_personal_data(order, user)),
            (into, selectors.shown_personal_data(into, user)),
        ],
        "mergeable": into.status not in services.CLOSED_TO_MERGING,
        "form": form,
    }
    return render(request, "workorders/merge_preview.html", context)


@login_required
def order_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an order before dispatch or while its return is arbitrated."""
    user = request.user
    permissions.require(permissions.may_take(user, Action.EDIT), _("Your role may not edit orders."))
    order = get_object_or_404(permissions.orders_visible_to(user), pk=pk)
    if order.status not in RULES[Action.EDIT].from_statuses:
        messages.error(request, _("This order can no longer be edited."))
        return redirect("order-detail", pk=order.pk)
    form = OrderEditForm(request.POST if request.method == "POST" else None, instance=order)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            done = _run_service(
                request,
                order,
                form,
                lambda: services.workorder_update(
                    order=order,
                    by=user,
                    based_on=form.cleaned_data["version"],
                    **{name: value for name, value in form.cleaned_data.items() if name != "version"},
                ),
                _("The order was saved."),
            )
            if done is not None:
                return done
        status = 409 if getattr(form, "stale", False) else 400
    return render(request, "workorders/order_edit.html", {"order": order, "form": form}, status=status)


@require_POST
@login_required
def order_reply_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Score a reply before it is sent (答复意见评价): an htmx fragment, or the order page without JavaScript."""
    order = get_object_or_404(selectors.order_detail(request.user), pk=pk)
    if selectors.officer_assignment(order=order, user=request.user) is None:
        raise PermissionDenied(_("Only the departments handling the order check its reply."))
    reply = request.POST.get("reply", "")[:10000]
    check = ReplyChecker.default().check(order.text_for_models, reply)
    if request.htmx:
        return render(request, "workorders/_reply_check.html", {"check": check})
    form = ReplyForm(request.POST, action="reply")
    return _order_page(request, order.pk, bound={"reply": form}, extra={"reply_check": check})
