"""Validators shared by the intake endpoint and the intake page."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

validate_phone = RegexValidator(
    r"^[0-9+\-() ]{3,32}$", _("A phone number may contain only digits, spaces and + - ( ).")
)
validate_sender_id = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.:/@#\-]{0,127}$",
    _("Use letters, digits and _ . : / @ # - only, starting with a letter or digit."),
)
