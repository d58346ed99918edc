"""Filters of the reference lists (departments, categories, areas). ``parent`` is a number: an id that matches
nothing gives an empty list, as any other filter value does, not a 400."""

from __future__ import annotations

import django_filters

from workorders.models import Area, Category, Department


class _ByParent(django_filters.FilterSet):
    parent = django_filters.NumberFilter(field_name="parent_id", help_text="The id of the parent; its children.")


class DepartmentFilter(_ByParent):
    class Meta:
        model = Department
        fields = ["kind", "is_active", "parent"]


class CategoryFilter(_ByParent):
    class Meta:
        model = Category
        fields = ["level", "parent"]


class AreaFilter(_ByParent):
    class Meta:
        model = Area
        fields = ["kind", "parent"]
