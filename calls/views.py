"""The operator's side of a live call: the screen pop, the live view's data, and a field corrected mid-call."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calls import selectors
from calls.models import LiveCall
from calls.services import live_call_correct_field
from workorders import permissions
from workorders.errors import ActionNotPermitted, InvalidInput, InvalidTransition
from workorders.models import WorkOrder


def _follower(request: HttpRequest) -> None:
    permissions.require(selectors.may_follow(request.user), _("Only those who take calls follow them live."))


@login_required
def live_call_page(request: HttpRequest, call_id: str) -> HttpResponse:
    """Where the telephony sends the operator's browser when a call rings (screen pop): the call's order once its
    first words have made one, a page that waits for them until then."""
    _follower(request)
    call = get_object_or_404(LiveCall, call_id=call_id)
    if call.order_id is not None:
        get_object_or_404(permissions.orders_visible_to(request.user), pk=call.order_id)
        return redirect("order-detail", pk=call.order_id)
    return render(request, "calls/waiting.html", {"call": call})


def _since(request: HttpRequest) -> int | None:
    value = request.GET.get("since", "0")
    return int(value) if value.isdigit() and len(value) < 10 else None


@login_required
def live_call_state(request: HttpRequest, pk: int) -> JsonResponse:
    """The live view's data (``selectors.live_state``) for a screen that has seen revision ``since`` of the call
    and version ``version`` of its order: ``{"unchanged": true}`` in one read when neither moved."""
    if not selectors.may_follow(request.user):
        return JsonResponse({"detail": _("Only those who take calls follow them live.")}, status=403)
    since = _since(request)
    if since is None:
        return JsonResponse({"since": [_("Give the revision last seen, a whole number.")]}, status=400)
    marks = selectors.change_marks(pk)
    if marks is None:
        return JsonResponse({"detail": _("No such call.")}, status=404)
    version = request.GET.get("version", "")
    if since and marks.unchanged_for(since=since, version=version):
        return JsonResponse({"revision": since, "unchanged": True})
    # only the transcript or the risk moved (a partial hypothesis, several a second): the order is not read again
    same_order = bool(since) and not marks.settled and version == str(marks.order_version)
    calls = selectors.live_calls_visible_to(request.user)
    call = get_object_or_404(calls.select_related(None) if same_order else calls, pk=pk)
    state = selectors.live_state(call, since=since, with_fields=not same_order)
    body = state.to_json()
    if same_order:
        body["order_version"] = marks.order_version
    return JsonResponse(body)


class CorrectionForm(forms.Form):
    field = forms.ChoiceField(choices=[(name, name) for name in selectors.SHOWN_FIELDS])
    value = forms.CharField(required=False, max_length=5000)


@require_POST
@login_required
def live_call_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """The operator corrects one field of the call's order: from now on it is theirs, the live analysis leaves it.
    Answers the live view's data (fetch), or goes back to the order page."""
    _follower(request)
    call = get_object_or_404(selectors.live_calls_visible_to(request.user), pk=pk)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        return JsonResponse(form.errors, status=400)
    name = form.cleaned_data["field"]
    # the order's own form field for it: its choices, the rows it may name, its length
    field_form = forms.modelform_factory(WorkOrder, fields=[name])({name: form.cleaned_data["value"]})
    if not field_form.is_valid():
        return JsonResponse(field_form.errors, status=400)
    try:
        live_call_correct_field(call=call, by=request.user, field=name, value=field_form.cleaned_data[name])
    except ActionNotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    except (InvalidTransition, InvalidInput) as exc:
        return JsonResponse({"detail": exc.message}, status=409 if isinstance(exc, InvalidTransition) else 400)
    if request.headers.get("Accept", "").startswith("application/json"):
        call = get_object_or_404(selectors.live_calls_visible_to(request.user), pk=pk)
        return JsonResponse(selectors.live_state(call).to_json())
    return redirect("order-detail", pk=call.order_id)
