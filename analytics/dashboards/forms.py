"""The dashboards' forms: the filter form (a period and a slice: channel, level-1 category, district,
department) and the parameters of a drill-down list."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from analytics.dashboards.drill import DRILL_KINDS, NONE, Drill
from analytics.dashboards.scope import DashboardFilters, districts, level1_categories
from workorders.choices import AiField, Channel, ReturnReason
from workorders.models import Area, Category, Department

DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366


def _indented(department: Department) -> str:
    """A department's name indented by its depth, so a select shows the tree."""
    return ("\u3000" * (department.path.count("/") - 2)) + department.name


class DashboardFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("All")), *Channel.choices])
    category = forms.ModelChoiceField(
        label=_("Category (level 1)"), required=False, queryset=level1_categories(), empty_label=_("All")
    )
    district = forms.ModelChoiceField(label=_("District"), required=False, queryset=districts(), empty_label=_("All"))
    department = forms.ModelChoiceField(
        label=_("Department"), required=False, queryset=Department.objects.none(), empty_label=_("Whole centre")
    )

    def __init__(
        self, *args: Any, departments: QuerySet[Department], today: date, centre: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        field = self.fields["department"]
        field.queryset = departments
        field.label_from_instance = _indented
        if not centre:  # an officer's dashboards are their department's: there is no "whole centre" to pick
            field.empty_label = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        last = data.get("date_to") or self.today
        first = data.get("date_from") or last - timedelta(days=DEFAULT_DAYS - 1)
        if first > last:
            self.add_error("date_from", _("The start of the period is after its end."))
        elif (last - first).days >= MAX_DAYS:
            self.add_error("date_from", _("Choose a period of at most three years."))
        data["date_from"], data["date_to"] = first, last
        return data

    def filters(self, *, department: Department | None) -> DashboardFilters:
        """The chosen slice for ``department`` (None: the centre); the defaults (the last 30 days, every
        channel, category and district) where the form is empty or wrong."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        last = data.get("date_to") or self.today
        first = data.get("date_from") or last - timedelta(days=DEFAULT_DAYS - 1)
        return DashboardFilters(
            first=first,
            last=last,
            channel=data.get("channel") or "",
            category=data.get("category"),
            district=data.get("district"),
            department=department,
        )


class _ChoiceOrNone(forms.CharField):
    """A level-1 category or district by id, or ``none`` for the orders without one."""

    def __init__(self, queryset: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)
        self.queryset = queryset

    def clean(self, value: Any) -> Category | Area | str | None:
        value = super().clean(value)
        if value in ("", None):
            return None
        if value == NONE:
            return NONE
        try:
            return self.queryset.get(pk=int(value))
        except (ValueError, self.queryset.model.DoesNotExist):
            raise forms.ValidationError(_("Unknown value.")) from None


class DrillForm(forms.Form):
    """What one dashboard number counts: the kind, the period and the slice (see analytics.dashboards.drill.Drill)."""

    kind = forms.ChoiceField(choices=[(kind, kind) for kind in DRILL_KINDS])
    date_from = forms.DateField()
    date_to = forms.DateField()
    department = forms.ModelChoiceField(queryset=Department.objects.all(), required=False)
    exact = forms.BooleanField(required=False)
    channel = forms.ChoiceField(choices=[("", ""), *Channel.choices], required=False)
    category = _ChoiceOrNone(level1_categories())
    district = _ChoiceOrNone(districts())
    reason = forms.ChoiceField(choices=[("", ""), *ReturnReason.choices], required=False)
    field = forms.ChoiceField(choices=[("", ""), *AiField.choices], required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and (first > last or (last - first).days >= MAX_DAYS):
            self.add_error("date_from", _("Choose a period of at most three years."))
        return data

    def drill(self) -> Drill:
        data = self.cleaned_data
        return Drill(
            kind=data["kind"],
            first=data["date_from"],
            last=data["date_to"],
            department=data.get("department"),
            exact=bool(data.get("exact")) and data.get("department") is not None,
            channel=data.get("channel") or "",
            category=data.get("category"),
            district=data.get("district"),
            reason=data.get("reason") or "",
            field=data.get("field") or "",
        )
