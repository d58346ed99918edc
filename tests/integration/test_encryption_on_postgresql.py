"""Encryption at rest on PostgreSQL: the columns (text and jsonb) hold ciphertext, and a key rotation rewrites them."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command
from django.db import connection

from hotline.services import IntakeRequest, submission_import
from workorders import selectors, services
from workorders.models import WorkOrder

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

NAME, PHONE, NEW_PHONE = "欧阳建国", "13912345678", "15887654321"
APPEAL = f"我叫{NAME}，电话{PHONE}，住在5栋302室，楼下烧烤店油烟太大。"


def _raw(order: WorkOrder) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT o.caller_name || o.caller_phone || o.appeal || o.address || s.caller_phone || s.raw_body || s.payload::text "
            "|| (SELECT string_agg(e.changes::text, ' ') FROM workorders_workorderevent e WHERE e.order_id = o.id) "
            "FROM workorders_workorder o JOIN hotline_submission s ON s.id = o.source_submission_id WHERE o.id = %s",
            [order.pk],
        )
        return cursor.fetchone()[0]


def test_postgresql_holds_ciphertext_and_a_rotation_rewrites_it(city, personas, settings) -> None:
    settings.SALT_KEY = ["key-a-of-the-city-0123456789-abcdefghijklmnop"]
    submission = submission_import(
        request=IntakeRequest(
            channel="phone",
            sender_id="PG-ENC-1",
            content=APPEAL,
            caller_name=NAME,
            caller_phone=PHONE,
            address="书院路12号5栋302室",
            raw_body=APPEAL,
        )
    ).submission
    order = services.workorder_update(order=submission.order, by=personas.operator, caller_phone=NEW_PHONE)
    before = _raw(order)
    assert not any(value in before for value in (NAME, PHONE, NEW_PHONE, "5栋302室", "油烟", "书院路"))

    settings.SALT_KEY = ["key-b-of-the-city-0123456789-abcdefghijklmnop", *settings.SALT_KEY]
    call_command("rotate_encryption_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.SALT_KEY = settings.SALT_KEY[:1]

    after = _raw(order)
    reread = WorkOrder.objects.get(pk=order.pk)
    assert after != before and NEW_PHONE not in after
    assert (reread.caller_name, reread.caller_phone, reread.appeal) == (NAME, NEW_PHONE, APPEAL)
    assert reread.address.startswith("书院路12号")
    assert reread.events.get(action="edit").changes["caller_phone"] == [PHONE, NEW_PHONE]
    assert [o.pk for o in selectors.orders_of_caller(NEW_PHONE, personas.operator)] == [order.pk]
