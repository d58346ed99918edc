"""A service request posted to the Open311 endpoint goes through the same intake as every channel
(``hotline.services.submission_receive``): stored as received first, idempotent, analysed by triage, masked."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from accounts.models import User
from hotline.models import Submission
from hotline.services import IntakeRequest, submission_receive
from workorders.choices import Channel
from workorders.models import Category


@dataclass(frozen=True)
class ServiceRequest:
    """A POST requests form once validated (``open311.views``)."""

    category: Category
    description: str
    lat: Decimal | None = None
    long: Decimal | None = None
    address_string: str = ""
    address_id: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    media_url: str = ""
    device_id: str = ""
    account_id: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)
    form: dict[str, list[str]] = field(default_factory=dict)  # every field as posted, but the api_key

    def appeal(self) -> str:
        """The appeal as the operators and triage read it: the citizen's words, then the service they chose (its
        words help the classifier; the operator sees what the citizen picked)."""
        chosen = _("(Service chosen by the citizen: %(service)s)") % {
            "service": self.category.full_name or self.category.name
        }
        return f"{self.description}\n{chosen}"

    def address(self) -> str:
        if self.address_string:
            return self.address_string
        if self.lat is not None and self.long is not None:
            return _("Coordinates %(lat)s, %(long)s") % {"lat": self.lat, "long": self.long}
        return ""

    def caller_name(self) -> str:
        # Chinese order: family name first, no space (张 + 三 = 张三); a Latin name keeps its order and space
        first, last = self.first_name.strip(), self.last_name.strip()
        if first.isascii() and last.isascii():
            return " ".join(part for part in (first, last) if part)
        return f"{last}{first}"

    def sender_id(self, system: User) -> str:
        """The same form posted again by the same connected system (a retry) names the same submission; the intake
        is idempotent by it. The form's fields (not the api_key) in a canonical order, hashed."""
        canonical = json.dumps(sorted((key, sorted(values)) for key, values in self.form.items()), ensure_ascii=False)
        return f"open311-{system.pk}-{hashlib.sha256(canonical.encode('utf-8')).hexdigest()[:40]}"


@dataclass(frozen=True)
class Accepted:
    submission: Submission
    created: bool

    @property
    def number(self) -> str:
        return self.submission.order.number


def service_request_submit(*, request: ServiceRequest, raw_body: str, content_type: str, by: User) -> Accepted:
    """Hand a validated Open311 request to the intake: the draft order exists (and has its number) when this
    returns; triage runs in its task as for any call or message."""
    outcome = submission_receive(
        request=IntakeRequest(
            channel=Channel.OPEN311,
            sender_id=request.sender_id(by),
            content=request.appeal(),
            caller_name=request.caller_name()[:64],
            caller_phone=request.phone,
            address=request.address()[:255],
            raw_body=raw_body,
            content_type=content_type,
            payload={
                "content": request.appeal(),
                "caller_name": request.caller_name()[:64],
                "caller_phone": request.phone,
                "open311": request.form,
            },
        ),
        by=by,
    )
    return Accepted(outcome.submission, outcome.created)
