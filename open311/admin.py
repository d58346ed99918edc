"""Administrators issue a connected system its Open311 api key (an API token, shown once) and revoke it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from knox.models import get_token_model

from accounts.models import Role, User
from open311.models import ApiKey


class ApiKeyForm(forms.ModelForm):
    days = forms.IntegerField(
        label=_("valid for (days)"),
        initial=365,
        min_value=1,
        max_value=3650,
        help_text=_("The key stops working after this many days; issue a new one before then."),
    )

    class Meta:
        model = ApiKey
        fields = ("user",)
        labels = {"user": _("connected system")}
        help_texts = {"user": _("A user with the role 'Connected system' (create it under Users first).")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(role=Role.INTEGRATION, is_active=True)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ("user", "token_key", "created", "expiry")
    list_filter = ("user",)
    search_fields = ("user__username",)
    ordering = ("-created",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiKey]:
        return super().get_queryset(request).filter(user__role=Role.INTEGRATION).select_related("user")

    def has_change_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        return False  # a key is issued or revoked (deleted), never edited

    def save_model(self, request: HttpRequest, obj: ApiKey, form: forms.ModelForm, change: bool) -> None:
        instance, token = get_token_model().objects.create(
            user=form.cleaned_data["user"], expiry=timedelta(days=form.cleaned_data["days"])
        )
        obj.pk, obj.digest, obj.token_key = instance.pk, instance.digest, instance.token_key
        obj.created, obj.expiry = instance.created, instance.expiry
        obj._state.adding = False
        messages.warning(
            request,
            _("The api_key of %(system)s, shown this once (only its hash is kept): %(key)s")
            % {"system": instance.user, "key": token},
        )
