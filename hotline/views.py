"""The manual intake page: an operator types in a phone call and gets its draft order."""

from __future__ import annotations

from uuid import uuid4

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from hotline import model_registry
from hotline import selectors as hotline_selectors
from hotline.forms import PhoneCallForm
from hotline.llm_services import llm_health
from hotline.models import ModelKind, ModelVersion, TriageSettings
from hotline.services import IntakeRequest, submission_receive, triage_settings_update
from workorders import permissions
from workorders import selectors as workorder_selectors
from workorders import services as workorder_services
from workorders.choices import Action, Channel
from workorders.errors import ActionNotPermitted, InvalidInput, InvalidTransition
from workorders.lifecycle import RULES
from workorders.models import WorkOrder

MERGE_FROM = RULES[Action.MERGE].from_statuses


@login_required
def intake_new(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.may_enter_calls(request.user), _("Only operators enter calls."))
    # The body is read before the form parses it, so it can be stored exactly as it arrived.
    raw_body = request.body.decode("utf-8", errors="replace") if request.method == "POST" else ""
    form = PhoneCallForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        outcome = submission_receive(
            request=IntakeRequest(
                channel=Channel.PHONE,
                sender_id=f"desk-{uuid4().hex}",
                content=data["appeal"],
                title=data["title"],
                caller_name=data["caller_name"],
                caller_phone=data["caller_phone"],
                address=data["address"],
                raw_body=raw_body,
                content_type=request.content_type or "",
                payload=dict(data),
            ),
            by=request.user,
        )
        order = outcome.submission.order
        messages.success(request, _("The call was recorded as work order %(number)s.") % {"number": order.number})
        if request.POST.get("attach_to"):  # the caller card's button: the same matter as one of their open orders
            return _attach_call(request, order, request.POST["attach_to"])
        return redirect("order-detail", pk=order.pk)
    status = 400 if form.is_bound else 200
    card = None
    if form.is_bound and permissions.may_see_caller_history(request.user):
        card = workorder_selectors.caller_card(form.data.get("caller_phone", "")[:32], request.user)
        for other in card.open_orders:
            other.attachable = permissions.may_attach_as_reminder(request.user, None, other)
    return render(request, "hotline/intake_new.html", {"form": form, "card": card}, status=status)


def _attach_call(request: HttpRequest, order: WorkOrder, target: str) -> HttpResponse:
    """The call just recorded is a repeat call about an open order: attached to it as the citizen's reminder
    (催办). When that cannot be done the call stays an order of its own, and the operator is told why."""
    into = workorder_selectors.order_by_number_or_id(request.user, target)
    try:
        if into is None:
            raise InvalidInput(_("No order has the number %(number)s.") % {"number": target}, field="into")
        reminded = workorder_services.workorder_attach_as_reminder(order=order, into=into, by=request.user)
    except (InvalidInput, InvalidTransition, ActionNotPermitted) as exc:
        messages.error(request, exc.message)
        return redirect("order-detail", pk=order.pk)
    messages.success(request, _("The call was attached to the open order as the citizen's reminder."))
    return redirect("order-detail", pk=reminded.pk)


@login_required
def order_related(request: HttpRequest, pk: int) -> HttpResponse:
    """The "same event" panel of an order page (loaded after the page): the open orders about the same event,
    scored now, each with its title, status, time and the words both share, and a link to the merge preview."""
    order = get_object_or_404(permissions.orders_visible_to(request.user), pk=pk)
    rows = hotline_selectors.related_rows(order, request.user)
    context = {
        "order": order,
        "rows": rows,
        "may_merge": permissions.may_take(request.user, Action.MERGE) and order.status in MERGE_FROM,
    }
    return render(request, "hotline/_related_orders.html", context)


# --- the AI settings and reports -------------------------------------------------------------------------


class TriageSettingsForm(forms.ModelForm):
    class Meta:
        model = TriageSettings
        fields = ["auto_dispatch", "min_category_confidence", "min_department_confidence"]
        widgets = {
            "min_category_confidence": forms.NumberInput(attrs={"step": "0.01", "min": "0.5", "max": "1"}),
            "min_department_confidence": forms.NumberInput(attrs={"step": "0.01", "min": "0.5", "max": "1"}),
        }

    def clean(self) -> dict[str, object]:
        data = super().clean()
        for name in ("min_category_confidence", "min_department_confidence"):
            value = data.get(name)
            if value is not None and not 0.5 <= value <= 1.0:
                self.add_error(name, _("Give a confidence between 0.5 and 1."))
        return data


@login_required
def triage_settings(request: HttpRequest) -> HttpResponse:
    """Administrators decide whether confident orders are dispatched without an operator, with the expected
    precision and coverage of each threshold measured on held-out messages."""
    permissions.require(
        permissions.may_change_ai_settings(request.user), _("Only administrators change the AI settings.")
    )
    current = TriageSettings.current()
    form = TriageSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        triage_settings_update(settings=form.instance, by=request.user)
        messages.success(request, _("The AI settings were saved."))
        return redirect("triage-settings")
    active = model_registry.active_version(ModelKind.CATEGORY_LEVEL1)
    context = {
        "form": form,
        "active": active,
        "cross_validated": (active.metrics.get("cross_validated") or {}) if active else {},
        "gate": (active.metrics.get("gate") or {}) if active else {},
        "versions": ModelVersion.objects.defer("artifact").order_by("-created_at")[:10],
    }
    return render(request, "hotline/triage_settings.html", context, status=400 if form.errors else 200)


@login_required
def ai_acceptance(request: HttpRequest) -> HttpResponse:
    """How often operators accept each AI-filled field, per level-1 category."""
    permissions.require(permissions.may_read_ai_reports(request.user), _("This report is for the hotline centre."))
    rows = workorder_selectors.ai_acceptance()
    totals: dict[str, list[int]] = {}
    for row in rows:
        total = totals.setdefault(row.field_label, [0, 0])
        total[0] += row.reviewed
        total[1] += row.accepted
    summary = [
        (label, reviewed, accepted, accepted / reviewed if reviewed else 0.0)
        for label, (reviewed, accepted) in totals.items()
    ]
    return render(request, "hotline/ai_acceptance.html", {"rows": rows, "summary": summary})


@login_required
def llm_health_page(request: HttpRequest) -> HttpResponse:
    """The LLM endpoint's health: configured or not, this process's breaker, the calls of every process over the
    last hour and day (error rate, latency), tokens per day and the hour's budget."""
    permissions.require(permissions.may_see_llm_health(request.user), _("The LLM's health is for administrators."))
    return render(request, "hotline/llm_health.html", {"health": llm_health()})
