"""The operator's form for a phone call taken at the desk."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hotline.validators import validate_phone


class PhoneCallForm(forms.Form):
    appeal = forms.CharField(
        label=_("Appeal"),
        max_length=settings.HOTLINE["MAX_APPEAL_CHARS"],
        widget=forms.Textarea(attrs={"rows": 10, "autofocus": True}),
        help_text=_("What the citizen asks for, in their words."),
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, help_text=_("Leave empty to let the analysis write one.")
    )
    caller_name = forms.CharField(label=_("Caller name"), max_length=64, required=False)
    caller_phone = forms.CharField(
        label=_("Caller phone"),
        max_length=32,
        required=False,
        validators=[validate_phone],
    )
    address = forms.CharField(label=_("Address"), max_length=255, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")  # labels stand above their fields
        super().__init__(*args, **kwargs)
        # the caller card (their earlier and open orders) follows the phone number as it is typed
        self.fields["caller_phone"].widget.attrs.update(
            {
                "hx-post": reverse("caller-card"),
                "hx-trigger": "input changed delay:400ms, change",
                "hx-params": "caller_phone",
                "hx-target": "#caller-card",
                "hx-swap": "outerHTML",
                "autocomplete": "off",
            }
        )
