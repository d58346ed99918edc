"""Users and their roles. A department officer belongs to one department and sees its subtree."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR = "operator", _("Dispatch operator")
    OFFICER = "officer", _("Department officer")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Administrator")
    INTEGRATION = "integration", _("Connected system")


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.OPERATOR)
    department = models.ForeignKey(
        "workorders.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        help_text=_("Required for department officers: they see orders of this department and its sub-departments."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        if self.role == Role.OFFICER and self.department_id is None:
            raise ValidationError({"department": _("A department officer must belong to a department.")})

    def save(self, *args: object, **kwargs: object) -> None:
        if self.role == Role.ADMIN:  # administrators maintain all reference data and users in the admin site
            self.is_staff = self.is_superuser = True
        super().save(*args, **kwargs)
