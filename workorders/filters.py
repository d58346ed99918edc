"""The one FilterSet for order lists: the HTML list, its htmx partial and the API endpoint share it."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workorders.choices import VISIBLE_ASSIGNMENT_STATUSES, Channel, RequestType, Status, Urgency
from workorders.models import Area, Assignment, Category, Department, WorkOrder
from workorders.permissions import department_scope_q, sees_personal_data
from workorders.selectors import overdue_q


class WorkOrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("Status"))
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), method="filter_department", label=_("Department")
    )
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(), method="filter_subtree", label=_("Category")
    )
    area = django_filters.ModelChoiceFilter(queryset=Area.objects.all(), method="filter_subtree", label=_("Area"))
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

    def filter_text(self, queryset: QuerySet[WorkOrder], name: str, value: str) -> QuerySet[WorkOrder]:
        """The order number; words of the title, summary, address or appeal; the caller's exact phone number. A
        role that does not see personal data searches the text as it is shown to it (masked), and no phone."""
        text = value.strip()
        if not text:
            return queryset
        if not sees_personal_data(getattr(self.request, "user", None)):
            return queryset.filter(Q(number__iexact=text) | Q(masked_text__icontains=text))
        return queryset.filter(
            Q(number__iexact=text)
            | Q(title__icontains=text)
            | Q(summary__icontains=text)
            | Q(appeal__icontains=text)
            | Q(address__icontains=text)
            | Q(caller_phone=text)
        )

    def filter_department(self, queryset: QuerySet[WorkOrder], name: str, value: Department) -> QuerySet[WorkOrder]:
        """Orders the department (or a sub-department) leads or assists on."""
        involved = Assignment.objects.filter(
            department_scope_q(value, "department"), order=OuterRef("pk"), status__in=VISIBLE_ASSIGNMENT_STATUSES
        )
        return queryset.filter(Exists(involved))

    def filter_subtree(self, queryset: QuerySet[WorkOrder], name: str, value: Category | Area) -> QuerySet[WorkOrder]:
        return queryset.filter(value.subtree_q(name))

    def filter_overdue(self, queryset: QuerySet[WorkOrder], name: str, value: bool | None) -> QuerySet[WorkOrder]:
        if value is None:
            return queryset
        condition = overdue_q(timezone.now())
        return queryset.filter(condition) if value else queryset.exclude(condition)
