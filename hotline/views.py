"""The manual intake page: an operator types in a phone call and gets its draft order."""

from __future__ import annotations

from uuid import uuid4

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import Role
from hotline.forms import PhoneCallForm
from hotline.services import IntakeRequest, submission_receive
from workorders.choices import Channel

INTAKE_ROLES = frozenset({Role.OPERATOR, Role.ADMIN})


@login_required
def intake_new(request: HttpRequest) -> HttpResponse:
    if request.user.role not in INTAKE_ROLES:
        raise PermissionDenied(_("Only operators enter calls."))
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
        return redirect("order-detail", pk=order.pk)
    status = 400 if form.is_bound else 200
    return render(request, "hotline/intake_new.html", {"form": form}, status=status)
