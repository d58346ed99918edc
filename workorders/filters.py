"""The one FilterSet for order lists: the HTML list, its htmx partial and the API endpoint share it."""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workorders.choices import VISIBLE_ASSIGNMENT_STATUSES, Channel, RequestType, Status, Urgency
from workorders.encryption import phone_hash
from workorders.models import Area, Assignment, Category, Department, WorkOrder
from workorders.permissions import sees_personal_data
from workorders.selectors import overdue_q


class ReferenceInput(forms.TextInput):
    """A text box for a department, category or area, completed as one types (``order_filter_options``) instead
    of a list of every choice: the taxonomy alone has 650 categories. An id (from a link) shows as its name."""

    input_type = "search"
    queryset: QuerySet[Any] | None = None

    def format_value(self, value: Any) -> str | None:
        text = super().format_value(value)
        if text and text.isdigit() and self.queryset is not None:
            found = self.queryset.filter(pk=int(text)).values_list("full_name", flat=True).first()
            return found or text
        return text


class ReferenceField(forms.ModelChoiceField):
    """A department, category or area given by its id (links, the API), its full name (城乡建设 / 城市建设和市政管理,
    what the type-ahead fills in) or its name when no other has the same one (typed on a page without
    JavaScript)."""

    widget = ReferenceInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.widget.queryset = self.queryset

    def to_python(self, value: Any) -> Model | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if text.isdigit():
            return super().to_python(text)
        found = self.queryset.filter(full_name=text).first()
        if found is None:
            same_name = list(self.queryset.filter(name=text)[:2])
            found = same_name[0] if len(same_name) == 1 else None
        if found is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": text})
        return found


class ReferenceFilter(django_filters.ModelChoiceFilter):
    field_class = ReferenceField


REFERENCE_FIELDS = ("department", "category", "area")
# A search that is a phone number (digits with spaces, dashes, brackets or a +86) is also looked up as the caller's.
PHONE_QUERY = re.compile(r"^\+?[0-9][0-9 ()\-]{5,30}$")


def _subtree_ids(node: Department | Category | Area) -> list[int]:
    return list(type(node).objects.filter(node.subtree_q()).values_list("pk", flat=True))


class WorkOrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    # A status is a column of the order: no join, so no DISTINCT (django-filter adds one by default, which made
    # PostgreSQL sort every matching row by every column).
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("Status"), distinct=False)
    department = ReferenceFilter(queryset=Department.objects.all(), method="filter_department", label=_("Department"))
    category = ReferenceFilter(queryset=Category.objects.all(), method="filter_subtree", label=_("Category"))
    area = ReferenceFilter(queryset=Area.objects.all(), method="filter_subtree", label=_("Area"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    request_type = django_filters.ChoiceFilter(choices=RequestType.choices, label=_("Request type"))
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices, label=_("Urgency"))
    created_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("Created from"))
    created_before = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("Created until")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    supervised = django_filters.BooleanFilter(field_name="is_supervised", label=_("Under supervision"))
    ordering = django_filters.OrderingFilter(
        fields=(("created_at", "created_at"), ("resolve_due_at", "resolve_due_at"), ("number", "number")),
        label=_("Order by"),
    )

    class Meta:
        model = WorkOrder
        fields: list[str] = []

    @property
    def form(self) -> forms.Form:
        """The filter form; each reference field asks for its options as one types (htmx, a ``<datalist>``)."""
        form = super().form
        for name in REFERENCE_FIELDS:
            form.fields[name].widget.attrs.update(
                {
                    "list": f"{name}-options",
                    "autocomplete": "off",
                    "placeholder": _("Type to search"),
                    "hx-get": reverse("order-filter-options", args=[name]),
                    "hx-trigger": "input changed delay:250ms, focus once",
                    "hx-target": f"#{name}-options",
                    "hx-sync": "this:replace",
                    "hx-push-url": "false",  # the form pushes the list's address; the options are no page
                }
            )
        return form

    def filter_text(self, queryset: QuerySet[WorkOrder], name: str, value: str) -> QuerySet[WorkOrder]:
        """The order number; words of the title, summary, address or appeal; the caller's exact phone number. A
        role that does not see personal data searches the text as it is shown to it (masked), and no phone.

        The appeal, the address and the phone are encrypted at rest: the words of the appeal and the address are
        searched in the masked text (what triage left of them, ``masked_text``: a street, not a flat), the phone
        through its keyed hash (``orders_of_caller``)."""
        text = value.strip()
        if not text:
            return queryset
        if not sees_personal_data(getattr(self.request, "user", None)):
            return queryset.filter(Q(number__iexact=text) | Q(masked_text__icontains=text))
        by_text = (
            Q(number__iexact=text)
            | Q(title__icontains=text)
            | Q(summary__icontains=text)
            | Q(masked_text__icontains=text)
        )
        phone = phone_hash(text) if PHONE_QUERY.match(text) else ""
        return queryset.filter(by_text | Q(caller_phone_hash=phone) if phone else by_text)

    def filter_department(self, queryset: QuerySet[WorkOrder], name: str, value: Department) -> QuerySet[WorkOrder]:
        """Orders the department (or a sub-department) leads or assists on."""
        involved = Assignment.objects.filter(
            department_id__in=_subtree_ids(value), order=OuterRef("pk"), status__in=VISIBLE_ASSIGNMENT_STATUSES
        )
        return queryset.filter(Exists(involved))

    def filter_subtree(self, queryset: QuerySet[WorkOrder], name: str, value: Category | Area) -> QuerySet[WorkOrder]:
        """Orders of the category or area or one below it: by the ids of the subtree, which the planner estimates
        from the column's statistics (a join on the paths it guessed at one row, and read every order of the
        subtree to sort them, instead of walking the newest orders until a page is full)."""
        return queryset.filter(**{f"{name}_id__in": _subtree_ids(value)})

    def filter_overdue(self, queryset: QuerySet[WorkOrder], name: str, value: bool | None) -> QuerySet[WorkOrder]:
        if value is None:
            return queryset
        condition = overdue_q(timezone.now())
        return queryset.filter(condition) if value else queryset.exclude(condition)
