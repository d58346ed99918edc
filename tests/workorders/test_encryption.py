"""Personal data at rest: what the database holds is ciphertext, a caller is found again by a keyed hash of the
phone, and a key rotation leaves everything readable under the new key alone."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from hotline.models import Submission
from tests.conftest import City, Personas
from workorders import selectors, services
from workorders.encryption import UndecryptableValue, encrypt_text, phone_hash
from workorders.models import WorkOrder, WorkOrderEvent

ROOT = Path(__file__).resolve().parents[2]
NAME, PHONE, NEW_NAME, NEW_PHONE = "欧阳建国", "13912345678", "司马秀英", "15887654321"
APPEAL = f"我叫{NAME}，电话{PHONE}，住在5栋302室，楼下烧烤店油烟太大，晚上没法开窗。"
ADDRESS = "书院路12号5栋302室"
KEY_A = "key-a-of-the-city-0123456789-abcdefghijklmnop"
KEY_B = "key-b-of-the-city-0123456789-abcdefghijklmnop"


def _submit(personas: Personas, sender: str = "ENC-1", phone: str = PHONE) -> WorkOrder:
    """A call from the phone platform, through the intake API (stored, then analysed in-process)."""
    client = APIClient()
    client.force_authenticate(personas.integration)
    body = {
        "channel": "phone",
        "sender_id": sender,
        "content": APPEAL,
        "caller_name": NAME,
        "caller_phone": phone,
        "address": ADDRESS,
    }
    answer = client.post("/api/v1/submissions/", body, format="json")
    assert answer.status_code == 201, answer.content
    return Submission.objects.get(sender_id=sender).order


def _raw(table: str, columns: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [pk])
        return " ".join(str(value) for value in cursor.fetchone())


def _raw_everything(order: WorkOrder) -> str:
    return "\n".join(
        [
            _raw("workorders_workorder", "caller_name, caller_phone, appeal, address", order.pk),
            _raw("hotline_submission", "caller_name, caller_phone, raw_body, payload", order.source_submission_id),
            *(_raw("workorders_workorderevent", "changes", event.pk) for event in order.events.all()),
        ]
    )


@pytest.mark.django_db
def test_the_database_holds_no_name_phone_or_appeal_in_plain_text(city: City, personas: Personas) -> None:
    order = _submit(personas)
    services.workorder_update(
        order=WorkOrder.objects.get(pk=order.pk),
        by=personas.operator,
        caller_name=NEW_NAME,
        caller_phone=NEW_PHONE,
        appeal=APPEAL + "补充：周末也一样。",
    )

    stored = _raw_everything(order)
    for planted in (NAME, PHONE, NEW_NAME, NEW_PHONE, "5栋302室", "烧烤店油烟", "书院路"):
        assert planted not in stored
    assert "gAAAAA" in stored  # Fernet tokens

    reread = WorkOrder.objects.get(pk=order.pk)
    assert (reread.caller_name, reread.caller_phone) == (NEW_NAME, NEW_PHONE)
    assert reread.appeal.startswith(APPEAL) and reread.address == ADDRESS
    edit = reread.events.get(action="edit")
    assert edit.changes["caller_phone"] == [PHONE, NEW_PHONE]
    assert [o.pk for o in selectors.orders_of_caller(NEW_PHONE, personas.operator)] == [order.pk]  # hash follows
    assert not selectors.orders_of_caller(PHONE, personas.operator).exists()
    submission = reread.source_submission
    assert json.loads(submission.raw_body)["caller_name"] == NAME
    assert submission.payload["caller_phone"] == PHONE


@pytest.mark.django_db
def test_the_operator_sees_the_caller_whole_and_the_manager_masked(city: City, personas: Personas) -> None:
    order = _submit(personas)
    operator, manager = APIClient(), APIClient()
    operator.force_authenticate(personas.operator)
    manager.force_authenticate(personas.manager)

    assert operator.get(f"/api/v1/orders/{order.pk}/").json()["caller_phone"] == PHONE
    shown = manager.get(f"/api/v1/orders/{order.pk}/").content.decode()
    assert PHONE not in shown and NAME not in shown


@pytest.mark.django_db
def test_a_callers_orders_are_found_by_the_phone_however_it_is_written(city: City, personas: Personas) -> None:
    first = _submit(personas, "ENC-1", phone="139-1234-5678")
    second = _submit(personas, "ENC-2", phone="+86 139 1234 5678")
    _submit(personas, "ENC-3", phone="13800000000")

    found = selectors.orders_of_caller(PHONE, personas.operator)
    assert {o.pk for o in found} == {first.pk, second.pk}
    assert [o.pk for o in selectors.orders_of_caller(second, personas.operator)] == [first.pk]
    assert WorkOrder.objects.get(pk=first.pk).caller_phone_hash == phone_hash(PHONE)
    assert PHONE not in WorkOrder.objects.get(pk=first.pk).caller_phone_hash


@pytest.mark.django_db
def test_the_operators_search_finds_a_phone_and_words_of_the_appeal(
    city: City, personas: Personas, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # analysed, as intake queues it: the appeal masked
        order = _submit(personas)
    operator = APIClient()
    operator.force_authenticate(personas.operator)

    by_phone = operator.get("/api/v1/orders/", {"q": "139 1234 5678"}).json()["results"]
    by_words = operator.get("/api/v1/orders/", {"q": "油烟"}).json()["results"]
    by_street = operator.get("/api/v1/orders/", {"q": "书院路"}).json()["results"]
    nothing = operator.get("/api/v1/orders/", {"q": "13912345670"}).json()["results"]

    assert [o["id"] for o in by_phone] == [order.pk]
    assert [o["id"] for o in by_words] == [o["id"] for o in by_street] == [order.pk]
    assert nothing == []


@pytest.mark.django_db
def test_a_query_on_an_encrypted_column_is_refused_instead_of_matching_nothing(city: City) -> None:
    with pytest.raises(FieldError, match="encrypted"):
        list(WorkOrder.objects.filter(caller_phone=PHONE))
    with pytest.raises(FieldError, match="encrypted"):
        list(WorkOrder.objects.filter(appeal__icontains="油烟"))
    with pytest.raises(FieldError, match="encrypted"):
        list(Submission.objects.filter(payload__likes=3))
    assert not WorkOrder.objects.filter(caller_phone="").exists()  # "no phone" stays a plain empty value


@pytest.mark.django_db
def test_rotation_re_encrypts_everything_under_the_new_key(city: City, personas: Personas, settings) -> None:
    settings.SALT_KEY = [KEY_A]
    order = _submit(personas)
    services.workorder_update(order=WorkOrder.objects.get(pk=order.pk), by=personas.operator, caller_phone=NEW_PHONE)
    under_a = _raw_everything(order)

    settings.SALT_KEY = [KEY_B, KEY_A]  # the new key first, the old one still decrypts
    assert WorkOrder.objects.get(pk=order.pk).caller_phone == NEW_PHONE
    call_command("rotate_encryption_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115
    under_b = _raw_everything(order)

    settings.SALT_KEY = [KEY_B]  # the old key removed
    reread = WorkOrder.objects.get(pk=order.pk)
    assert (reread.caller_name, reread.caller_phone, reread.appeal) == (NAME, NEW_PHONE, APPEAL)
    assert reread.events.get(action="edit").changes["caller_phone"] == [PHONE, NEW_PHONE]
    assert reread.source_submission.payload["caller_name"] == NAME
    assert under_a != under_b
    assert not set(under_a.split()) & {part for part in under_b.split() if part.startswith("gAAAAA")}


@pytest.mark.django_db
def test_a_new_hash_key_takes_effect_after_the_rotation(city: City, personas: Personas, settings) -> None:
    order = _submit(personas)
    settings.PERSONAL_DATA_HASH_KEY = "another-hash-key-of-the-city-0123456789"
    assert not selectors.orders_of_caller(PHONE, personas.operator).exists()  # stored under the old key

    call_command("rotate_encryption_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115

    assert [o.pk for o in selectors.orders_of_caller(PHONE, personas.operator)] == [order.pk]


@pytest.mark.django_db
def test_a_missing_key_stops_the_read_naming_the_column(city: City, personas: Personas, settings) -> None:
    settings.SALT_KEY = [KEY_A]
    order = _submit(personas)
    settings.SALT_KEY = [KEY_B]

    with pytest.raises(UndecryptableValue, match=r"WorkOrder\.(appeal|caller_name|caller_phone) holds a value"):
        WorkOrder.objects.get(pk=order.pk)
    with pytest.raises(Exception, match="FIELD_ENCRYPTION_KEYS"):
        call_command("rotate_encryption_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.mark.django_db
def test_the_migration_encrypts_rows_written_before_and_can_undo_it(city: City, personas: Personas) -> None:
    order = _submit(personas)
    event = order.events.first()
    plain = {"caller_name": NAME, "caller_phone": PHONE, "appeal": APPEAL}
    WorkOrder.objects.filter(pk=order.pk).update(caller_phone_hash="", **_plain_values(plain))
    with connection.cursor() as cursor:  # the rows as they were before encryption
        cursor.execute(
            "UPDATE workorders_workorderevent SET changes = %s WHERE id = %s",
            [json.dumps({"caller_phone": ["", PHONE]}), event.pk],
        )
        cursor.execute(
            "UPDATE hotline_submission SET caller_phone = %s, raw_body = %s, payload = %s WHERE id = %s",
            [PHONE, APPEAL, json.dumps({"likes": "7", "caller_phone": PHONE}), order.source_submission_id],
        )
    assert PHONE in _raw_everything(order)
    workorders_migration = importlib.import_module("workorders.migrations.0011_personal_data_encrypted")
    hotline_migration = importlib.import_module("hotline.migrations.0008_personal_data_encrypted")

    editor = SimpleNamespace(connection=connection)  # what the migration's functions read of the schema editor
    workorders_migration.encrypt_existing(apps, editor)
    hotline_migration.encrypt_existing(apps, editor)

    assert PHONE not in _raw_everything(order) and NAME not in _raw_everything(order)
    reread = WorkOrder.objects.get(pk=order.pk)
    assert (reread.caller_phone, reread.caller_phone_hash) == (PHONE, phone_hash(PHONE))
    assert WorkOrderEvent.objects.get(pk=event.pk).changes == {"caller_phone": ["", PHONE]}
    assert Submission.objects.get(pk=order.source_submission_id).likes == 7

    workorders_migration.decrypt_existing(apps, editor)
    hotline_migration.decrypt_existing(apps, editor)
    assert PHONE in _raw("workorders_workorder", "caller_phone", order.pk)
    assert PHONE in _raw("hotline_submission", "payload", order.source_submission_id)


def _plain_values(values: dict[str, str]) -> dict[str, object]:
    from django.db.models import TextField, Value

    return {name: Value(value, output_field=TextField()) for name, value in values.items()}


@pytest.mark.django_db
def test_a_text_that_looks_like_ciphertext_is_stored_and_read_as_written(city: City, personas: Personas) -> None:
    client = APIClient()
    client.force_authenticate(personas.integration)
    body = {"channel": "web", "sender_id": "ENC-LOOKALIKE", "content": "gAAAAAB路灯坏了", "caller_name": "gAAAAAB"}
    assert client.post("/api/v1/submissions/", body, format="json").status_code == 201

    order = Submission.objects.get(sender_id="ENC-LOOKALIKE").order
    assert (order.appeal, order.caller_name) == ("gAAAAAB路灯坏了", "gAAAAAB")


def test_encrypting_twice_gives_different_ciphertexts() -> None:
    assert encrypt_text(PHONE) != encrypt_text(PHONE)  # equal phones cannot be told apart in the columns


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE", "FIELD_ENCRYPTION_KEYS"}
        and k != "PERSONAL_DATA_HASH_KEY"
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "SECRET_KEY": "a-production-secret-key-of-the-city-0123456789-abcdefghijklmnop",
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_its_own_keys() -> None:
    done = _manage("check", HTTPS="true", ALLOWED_HOSTS="hotline.example.gov.cn")

    assert done.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in done.stderr and "PERSONAL_DATA_HASH_KEY" in done.stderr


def test_check_deploy_names_the_missing_keys_also_without_https() -> None:
    done = _manage("check", "--deploy", "--tag", "security")

    assert done.returncode != 0
    assert "core.E001" in done.stderr + done.stdout


def test_a_key_that_is_too_short_is_refused_naming_the_variable() -> None:
    done = _manage("check", FIELD_ENCRYPTION_KEYS="short")

    assert done.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in done.stderr
