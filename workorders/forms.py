"""Forms of the work-order pages: they parse what a user typed; the services decide whether it is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from workorders import selectors
from workorders.choices import ReturnReason, Satisfaction
from workorders.models import Area, Category, Department, WorkOrder
from workorders.services import EDITABLE_FIELDS, MAX_EXTENSION_DAYS
from workorders.transcript import masked_as_codes


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Department) -> str:
        return obj.full_name or obj.name


class DepartmentMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Department) -> str:
        return obj.full_name or obj.name


def _text(label: str, *, required: bool = True, rows: int = 2, max_length: int | None = None) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows})
    )


def version_field() -> forms.IntegerField:
    """The version of the order the page showed: a write based on an older one is refused (StaleWrite)."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": _("The page is out of date: reload the order and try again.")},
    )


def rebase(form: forms.Form, version: int) -> None:
    """Let the form, shown again after a refused write, be sent again on the order as it is now."""
    data = form.data.copy()
    data["version"] = str(version)
    form.data = data


class ActionForm(forms.Form):
    """Forms of one order page share field names, so each gets its own id prefix (``id_<action>_<field>``).
    ``user`` is who fills it in (what they may see limits the orders a field can name)."""

    def __init__(self, *args: Any, action: str = "", user: Any = None, **kwargs: Any) -> None:
        self.user = user
        if action:
            kwargs.setdefault("auto_id", f"id_{action}_%s")
        kwargs.setdefault("label_suffix", "")  # labels stand above their fields
        super().__init__(*args, **kwargs)
        self.fields["version"] = version_field()


class DispatchForm(ActionForm):
    # Left empty, the dispatch catalogue's department is used; the service says when there is none.
    lead_department = DepartmentChoiceField(
        queryset=Department.objects.none(), required=False, label=_("Lead department")
    )
    assisting_departments = DepartmentMultipleChoiceField(
        queryset=Department.objects.none(),
        required=False,
        label=_("Assisting departments"),
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    note = _text(_("Note"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = selectors.active_departments()
        self.fields["lead_department"].queryset = departments
        self.fields["assisting_departments"].queryset = departments


class ConfirmForm(ActionForm):
    """An action that takes no input: the button is the form."""


class ReasonForm(ActionForm):
    reason = _text(_("Reason"))


class NoteForm(ActionForm):
    note = _text(_("Note"), required=False)


class ReplyForm(ActionForm):
    reply = _text(_("Reply"), rows=5)


class ReturnForm(ActionForm):
    reason_code = forms.ChoiceField(label=_("Return reason"), choices=[("", "---------"), *ReturnReason.choices])
    reason = _text(_("Explanation"))


class ArbitrateForm(DispatchForm):
    REDISPATCH, REJECT = "redispatch", "reject"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(REDISPATCH, _("Accept the return and re-dispatch")), (REJECT, _("Reject the return"))],
        widget=forms.RadioSelect,
    )
    reason = _text(_("Reason"))
    field_order = ["decision", "lead_department", "assisting_departments", "reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["note"]


class ExtensionRequestForm(ActionForm):
    working_days = forms.IntegerField(
        label=_("Extra working days"), min_value=1, max_value=MAX_EXTENSION_DAYS, initial=3
    )
    reason = _text(_("Reason"))


class ExtensionDecisionForm(ActionForm):
    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(
        label=_("Decision"), choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))], widget=forms.RadioSelect
    )
    note = _text(_("Note"), required=False)


class CallbackForm(ActionForm):
    satisfaction = forms.ChoiceField(label=_("Satisfaction"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    resolved = forms.TypedChoiceField(
        label=_("Problem resolved"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = _text(_("Comment"), required=False, rows=3)


def one_kind_of_newline(value: Any) -> Any:
    """Browsers send a textarea's lines with CRLF; stored text keeps LF, so an untouched field compares equal to what
    is stored (and a save records no change of it)."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


class OrderEditForm(forms.ModelForm):
    """The fields an operator may correct before dispatch or during arbitration."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        return {name: one_kind_of_newline(value) for name, value in cleaned.items()}

    class Meta:
        model = WorkOrder
        fields = EDITABLE_FIELDS
        widgets = {
            "appeal": forms.Textarea(attrs={"rows": 8}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")  # labels stand above their fields
        super().__init__(*args, **kwargs)
        self.fields["version"] = version_field()
        self.fields["version"].initial = self.instance.version


class SuggestionsForm(ActionForm):
    """The LLM's suggestions for an order: take them all, take one field, or set them aside."""

    ACCEPT, DISMISS = "accept", "dismiss"

    decision = forms.ChoiceField(choices=[(ACCEPT, _("Accept")), (DISMISS, _("Dismiss"))])
    field = forms.CharField(required=False, max_length=32)


class MergeForm(ActionForm):
    """A merge is sent from its preview (both orders side by side), which sets ``confirmed``: a merge that has
    not been looked at is refused with a pointer to the preview."""

    into = forms.CharField(label=_("Merge into order number"), max_length=20)
    reason = _text(_("Reason"), required=False, rows=2)
    confirmed = forms.BooleanField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Compare the two orders in the merge preview, then confirm the merge.")},
    )

    def clean_into(self) -> WorkOrder:
        number = self.cleaned_data["into"].strip()
        order = selectors.order_by_number_or_id(self.user, number)
        if order is None:
            raise forms.ValidationError(_("No order has the number %(number)s.") % {"number": number})
        return order


class AttachForm(ActionForm):
    """A repeat call attached to the caller's open order as their reminder (催办): the order is named by the
    button on the caller card."""

    into = forms.CharField(widget=forms.HiddenInput, max_length=20)

    def clean_into(self) -> WorkOrder:
        value = self.cleaned_data["into"].strip()
        order = selectors.order_by_number_or_id(self.user, value)
        if order is None:
            raise forms.ValidationError(_("No order has the number %(number)s.") % {"number": value})
        return order


class PickerChoiceField(forms.ModelChoiceField):
    """A category, area or department chosen with the type-ahead picker: the form carries its id."""

    widget = forms.HiddenInput


class PickerMultipleChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.MultipleHiddenInput


class WorkspaceForm(ActionForm):
    """The order workspace (受理台): the order's fields as the AI filled them, corrected in place, and the dispatch in
    one form. ``intent`` says whether the operator saves or dispatches; only the fields that differ from the order
    are written (``services.workorder_correct_and_dispatch``)."""

    SAVE, DISPATCH = "save", "dispatch"
    ORDER_FIELDS = ("title", "request_type", "urgency", "category", "area", "address", "summary")

    title = forms.CharField(label=_("Title"), required=False, max_length=WorkOrder._meta.get_field("title").max_length)
    request_type = forms.ChoiceField(label=_("Request type"), choices=WorkOrder._meta.get_field("request_type").choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=WorkOrder._meta.get_field("urgency").choices)
    category = PickerChoiceField(queryset=Category.objects.all(), required=False, label=_("Category"))
    area = PickerChoiceField(queryset=Area.objects.all(), required=False, label=_("Area"))
    address = forms.CharField(
        label=_("Address"), required=False, max_length=WorkOrder._meta.get_field("address").max_length
    )
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    # Left empty, the dispatch catalogue's department for the order's (corrected) category and area is used.
    lead_department = PickerChoiceField(queryset=Department.objects.none(), required=False, label=_("Lead department"))
    assisting_departments = PickerMultipleChoiceField(
        queryset=Department.objects.none(), required=False, label=_("Assisting departments")
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
    intent = forms.ChoiceField(choices=[(SAVE, _("Save")), (DISPATCH, _("Dispatch"))], initial=DISPATCH)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = selectors.active_departments()
        self.fields["lead_department"].queryset = departments
        self.fields["assisting_departments"].queryset = departments

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # masked values are shown in words (〔姓名〕) and stored as codes ([NAME])
        return {name: masked_as_codes(one_kind_of_newline(value)) for name, value in cleaned.items()}

    def order_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.ORDER_FIELDS if name in self.cleaned_data}
