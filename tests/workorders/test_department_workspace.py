"""The department's workspace (the officer's inbox and the order's action forms): one reply check, on the reply to
the citizen only; the first-contact deadline and a pending extension request in the inbox; the inbox's filter and
refresh; the inbox's queries do not grow with its rows."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.conftest import Personas
from tests.workorders.conftest import signed_in
from workorders import services
from workorders.models import WorkOrder

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deadline_policies")]

CHECK_BUTTON = "检查答复质量"


def test_the_lead_officer_sees_one_reply_check_on_the_reply_form_only(
    personas: Personas, signed_order: WorkOrder
) -> None:
    page = signed_in(personas.officer_a).get(reverse("order-detail", args=[signed_order.pk])).content.decode()

    assert page.count(CHECK_BUTTON) == 1
    assert page.count('id="reply-check"') == 1
    for other in ("contact", "request-extension", "return"):  # the forms shown besides the reply
        card = re.search(rf'<details[^>]*id="action-{other}".*?</details>', page, re.S)
        assert card, f"the {other} form is on the page"
        assert CHECK_BUTTON not in card.group(0) and "reply-check" not in card.group(0)
    reply_card = re.search(r'<details[^>]*id="action-reply".*?</details>', page, re.S).group(0)
    assert CHECK_BUTTON in reply_card and 'id="reply-check"' in reply_card


def test_an_assisting_department_gives_its_opinion_without_a_reply_check(
    personas: Personas, signed_order: WorkOrder
) -> None:
    services.assignment_sign(order=signed_order, by=personas.officer_b)
    page = signed_in(personas.officer_b).get(reverse("order-detail", args=[signed_order.pk])).content.decode()

    assert 'id="action-reply"' in page  # the assisting opinion's form
    assert CHECK_BUTTON not in page and 'id="reply-check"' not in page
