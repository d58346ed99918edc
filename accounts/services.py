"""Writes of user accounts."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User


@transaction.atomic
def user_ensure(
    *, username: str, display_name: str, role: str, department: object = None, password: str | None = None
) -> tuple[User, bool]:
    """The account with this username, created when missing with the role (an officer with their department)
    and the password (none: it cannot log in, e.g. the demo's staff who only replay history). An existing
    account is left as it is. Returns it and whether it was created."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    user = User(username=username, first_name=display_name, role=role, department=department)
    user.full_clean(exclude=["password"])
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()  # administrators become staff and superusers in User.save
    return user, True
