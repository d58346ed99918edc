"""Personal data at rest: encrypted columns and keyed hashes to find a caller again.

The columns that hold a citizen's unmasked data — the order's caller name and phone and raw appeal, the
submission's name, phone, raw body and parsed payload, the field changes of an order's events — are stored
encrypted with Fernet (AES-128-CBC + HMAC-SHA256) by django-fernet-encrypted-fields. The library derives each
Fernet key from ``SECRET_KEY`` (and ``SECRET_KEY_FALLBACKS``) with each of ``FIELD_ENCRYPTION_KEYS`` (its
``SALT_KEY`` setting, PBKDF2-SHA256): the first key encrypts, every key decrypts, so a new key is put first and
``manage.py rotate_encryption_keys`` re-encrypts every value with it (docs/security.md).

What this module adds to the library's fields:

- an empty value stays empty (the library would store NULL in a NOT NULL column), so "no phone" needs no key;
- a value that looks encrypted and does not decrypt with any key stops the read with ``UndecryptableValue``
  naming the column (the library would hand the ciphertext on as if it were the value);
- a lookup on an encrypted column (``filter(caller_phone=...)``, ``icontains`` on the appeal, a JSON key) raises
  ``FieldError`` at once instead of silently matching nothing: the phone is found through its keyed hash
  (``PhoneHashField``), words through the masked text;
- the derived keys are computed once per process for the settings in force (the library derives them per field).

The phone is found again through ``caller_phone_hash``: an HMAC-SHA256, keyed by ``PERSONAL_DATA_HASH_KEY``
(not the encryption key), of the phone's digits (``normalise_phone``). Without the key the hashes of the few
billion possible phone numbers cannot be computed; with it, one number is looked up exactly and nothing else.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from encrypted_fields.fields import EncryptedFieldMixin

# Every Fernet token starts with its version byte and a timestamp whose high bytes are zero until 2106.
TOKEN_PREFIX = "gAAAAA"


class UndecryptableValue(ImproperlyConfigured):
    """A stored value is encrypted under a key that is not in FIELD_ENCRYPTION_KEYS (or SECRET_KEY changed)."""


def _key_settings() -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    salts = settings.SALT_KEY if isinstance(settings.SALT_KEY, list | tuple) else [settings.SALT_KEY]
    return settings.SECRET_KEY, tuple(getattr(settings, "SECRET_KEY_FALLBACKS", ())), tuple(salts)


@lru_cache(maxsize=8)
def _fernet_for(key_settings: tuple[str, tuple[str, ...], tuple[str, ...]]) -> Fernet | MultiFernet:
    """The library's keys for these settings (first encrypts, all decrypt), derived once per process."""
    keys = EncryptedFieldMixin.keys.func(_KeysOfTheSettings())
    return Fernet(keys[0]) if len(keys) == 1 else MultiFernet([Fernet(key) for key in keys])


class _KeysOfTheSettings:
    """Stands for a field when the library's key derivation reads the settings (it uses no field state)."""


def fernet() -> Fernet | MultiFernet:
    return _fernet_for(_key_settings())


def is_encrypted(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(TOKEN_PREFIX)


def _decrypt(token: str, where: str) -> str:
    try:
        return fernet().decrypt(token.encode("utf-8")).decode("utf-8")
    except InvalidToken:
        raise UndecryptableValue(
            f"{where} holds a value encrypted with a key that is not in FIELD_ENCRYPTION_KEYS (or SECRET_KEY and "
            "SECRET_KEY_FALLBACKS changed): put the old key back after the new one (docs/security.md)"
        ) from None


def encrypt_text(value: str) -> str:
    return fernet().encrypt(value.encode("utf-8")).decode("utf-8")


class _NoLookupOnCiphertext:
    """Any lookup but ``isnull`` (and ``exact`` with an empty value) on an encrypted column is a mistake: the
    ciphertext never equals or contains the value asked for."""

    def get_prep_lookup(self) -> Any:
        if self.lookup_name == "exact" and self.rhs == "":  # type: ignore[attr-defined]
            return ""
        field = self.lhs.output_field  # type: ignore[attr-defined]
        raise FieldError(
            f"{field.model.__name__}.{field.name} is encrypted and cannot be searched with '{self.lookup_name}': "  # type: ignore[attr-defined]
            "look a phone up by its keyed hash (caller_phone_hash), words in the masked text"
        )


def _guard_lookups(field_class: type[models.Field]) -> None:
    for name, lookup in models.Field.get_class_lookups().items():
        if name != "isnull":
            field_class.register_lookup(type(f"Encrypted{lookup.__name__}", (_NoLookupOnCiphertext, lookup), {}))


class _EncryptedText(EncryptedFieldMixin):
    """The library's field with the behaviour above (shared keys, empty stays empty, strict decryption)."""

    @property
    def f(self) -> Fernet | MultiFernet:  # type: ignore[override]
        return fernet()

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "":
            return value
        # A value being written is plain text whatever it looks like (a citizen may type "gAAAAA…"): it is never
        # read as a token here, only encrypted.
        return encrypt_text(str(value))

    def to_python(self, value: Any) -> Any:
        if is_encrypted(value) and not hasattr(self, "_already_decrypted"):
            value = _decrypt(value, f"{self.model.__name__}.{self.name}")  # type: ignore[attr-defined]
        return super(EncryptedFieldMixin, self).to_python(value)


class EncryptedCharField(_EncryptedText, models.CharField):
    """A CharField stored encrypted (a text column: the ciphertext is longer than ``max_length``, which still
    limits the value)."""


class EncryptedTextField(_EncryptedText, models.TextField):
    """A TextField stored encrypted."""


class EncryptedJSONField(EncryptedFieldMixin, models.JSONField):
    """A JSONField whose whole document is stored as one encrypted JSON string: keys, numbers and nesting come back
    exactly as written (the library's JSON field encrypts each value on its own and returns numbers as strings,
    and leaves the keys readable). An empty document ({} or []) is stored as it is."""

    @property
    def f(self) -> Fernet | MultiFernet:  # type: ignore[override]
        return fernet()

    def get_internal_type(self) -> str:
        return "JSONField"  # the column stays a JSON column (jsonb on PostgreSQL) holding one JSON string

    def get_db_prep_value(self, value: Any, connection: BaseDatabaseWrapper, prepared: bool = False) -> Any:
        if value is None:
            return None
        if hasattr(value, "as_sql"):
            return value
        stored = encrypt_text(json.dumps(value, cls=self.encoder, ensure_ascii=False)) if value else value
        return connection.ops.adapt_json_value(stored, self.encoder)

    def get_prep_value(self, value: Any) -> Any:
        return models.JSONField.get_prep_value(self, value)

    def from_db_value(self, value: Any, expression: Any, connection: BaseDatabaseWrapper) -> Any:
        document = models.JSONField.from_db_value(self, value, expression, connection)
        if is_encrypted(document):
            return json.loads(_decrypt(document, f"{self.model.__name__}.{self.name}"), cls=self.decoder)
        return document  # empty, or written before encryption (the migration encrypts those)

    def to_python(self, value: Any) -> Any:
        return models.JSONField.to_python(self, value)

    def get_transform(self, name: str) -> Any:
        raise FieldError(f"{self.model.__name__}.{self.name} is encrypted: its keys cannot be read in a query")


for _field_class in (EncryptedCharField, EncryptedTextField, EncryptedJSONField):
    _guard_lookups(_field_class)


# --- keyed hashes ------------------------------------------------------------------------------------------


def normalise_phone(phone: str) -> str:
    """The digits a phone number is known by: separators dropped, and the country code of a mainland number
    (+86 / 0086) left out, so 138-0013-8000, +86 138 0013 8000 and 13800138000 are one caller."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if digits.startswith("0086") and len(digits) > 11:
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def phone_hash(phone: str) -> str:
    """The keyed hash (HMAC-SHA256, hex) of a phone number's digits, or "" when it has none."""
    digits = normalise_phone(phone)
    if not digits:
        return ""
    return hmac.new(settings.PERSONAL_DATA_HASH_KEY.encode("utf-8"), digits.encode("ascii"), hashlib.sha256).hexdigest()


class PhoneHashField(models.CharField):
    """The keyed hash of another field's phone number, computed whenever the row is written (also by
    ``bulk_create``), indexed: the only way to find the orders of a phone number."""

    def __init__(self, *args: Any, source: str = "caller_phone", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance: Model, add: bool) -> str:
        value = phone_hash(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


# --- what is encrypted, for the rotation and the checks ----------------------------------------------------

ENCRYPTED_FIELD_TYPES = (EncryptedCharField, EncryptedTextField, EncryptedJSONField)


def encrypted_fields(model: type[Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if isinstance(field, ENCRYPTED_FIELD_TYPES)]


def hash_fields(model: type[Model]) -> list[PhoneHashField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, PhoneHashField)]


def models_with_personal_data(all_models: Iterable[type[Model]]) -> list[type[Model]]:
    return [model for model in all_models if encrypted_fields(model)]


def reencrypt(
    model: type[Model], *, batch_size: int = 500, using: str = "default", only: Iterable[str] | None = None
) -> int:
    """Write every row's encrypted values again under the first key, and its phone hashes under the hash key in
    force: what a key rotation (and the migration that encrypted the data written before) needs. Rows are read
    and written in batches by primary key; a value no key decrypts stops it with ``UndecryptableValue``.
    ``only``: these columns alone (a migration that encrypts one more column). Returns the rows written."""
    fields, hashes = encrypted_fields(model), hash_fields(model)
    if only is not None:
        fields = [field for field in fields if field.name in set(only)]
        hashes = [field for field in hashes if field.name in set(only)]
    names = [field.name for field in fields] + [field.name for field in hashes]
    if not names:
        return 0
    read = {field.attname for field in fields} | {field.source for field in hashes}
    rows_of = model._base_manager.using(using)
    done, last = 0, None
    while True:
        batch = rows_of.order_by("pk").only(*read)
        if last is not None:
            batch = batch.filter(pk__gt=last)
        rows = list(batch[:batch_size])
        if not rows:
            return done
        for row in rows:
            for field in hashes:
                setattr(row, field.attname, phone_hash(getattr(row, field.source)))
        rows_of.bulk_update(rows, names)
        done += len(rows)
        last = rows[-1].pk


def decrypt_in_place(model: type[Model], *, using: str = "default", only: Iterable[str] | None = None) -> int:
    """Write every encrypted value (``only`` these columns) back as plain text (undoing the migration that
    encrypted them)."""
    fields = [field for field in encrypted_fields(model) if only is None or field.name in set(only)]
    rows_of = model._base_manager.using(using)
    done = 0
    for row in rows_of.order_by("pk").only(*(field.attname for field in fields)).iterator(chunk_size=500):
        plain = {
            field.attname: models.Value(
                getattr(row, field.attname),
                output_field=models.JSONField() if isinstance(field, EncryptedJSONField) else models.TextField(),
            )
            for field in fields
        }
        rows_of.filter(pk=row.pk).update(**plain)
        done += 1
    return done
