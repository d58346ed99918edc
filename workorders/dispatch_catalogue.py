"""The dispatch catalogue (派单目录): which department handles an order, and how sure triage is of it.

The catalogue maps a category (any level) and optionally a place to a lead department and assisting ones.
For an order, the most specific active rule wins: the deepest category first, then the deepest place, and a
rule with a place before one without (``DispatchRule``'s docstring). The desk proposes that rule's
departments, dispatch uses them when the operator names none (``workorders.services.workorder_dispatch``),
and triage's department guess is the catalogue applied to the categories the classifier ranked, as likely as
the category level the rule was chosen on (``department_guess``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from triage.types import Candidate, FieldGuess
from workorders.models import Area, Category, Department, DispatchRule, WorkOrder

if TYPE_CHECKING:
    from triage.pipeline import TriageResult


def most_specific_rule(rules: Iterable[DispatchRule], *, category: Category, area: Area | None) -> DispatchRule | None:
    """Among ``rules`` (with their categories loaded), the one that applies and is most specific: the
    deepest category first, then the deepest area, and any area before none."""
    category_ids = set(category.ancestors_and_self_ids())
    area_depth = {
        area_id: depth for depth, area_id in enumerate(area.ancestors_and_self_ids() if area else [], start=1)
    }
    applicable = [
        rule
        for rule in rules
        if rule.category_id in category_ids and (rule.area_id is None or rule.area_id in area_depth)
    ]
    return max(applicable, key=lambda rule: (rule.category.level, area_depth.get(rule.area_id, 0)), default=None)


def dispatch_rule_for(*, category: Category | None, area: Area | None) -> DispatchRule | None:
    """The most specific active catalogue rule for a category and area (see DispatchRule)."""
    if category is None:
        return None
    rules = (
        DispatchRule.objects.filter(is_active=True, category_id__in=category.ancestors_and_self_ids())
        .filter(Q(area__isnull=True) | Q(area_id__in=area.ancestors_and_self_ids() if area else []))
        .select_related("category", "lead_department")
        .prefetch_related("assisting_departments")
    )
    return most_specific_rule(rules, category=category, area=area)


def dispatch_rules_for(*, categories: list[Category], area: Area | None) -> dict[int, DispatchRule]:
    """``dispatch_rule_for`` for several categories at once (two queries), by category id."""
    wanted = {pk for category in categories for pk in category.ancestors_and_self_ids()}
    area_ids = area.ancestors_and_self_ids() if area else []
    rules = list(
        DispatchRule.objects.filter(is_active=True, category_id__in=wanted)
        .filter(Q(area__isnull=True) | Q(area_id__in=area_ids))
        .select_related("category", "lead_department", "area")
        .prefetch_related("assisting_departments")
    )
    found = {}
    for category in categories:
        rule = most_specific_rule(rules, category=category, area=area)
        if rule is not None:
            found[category.pk] = rule
    return found


def suggested_departments(order: WorkOrder) -> tuple[Department | None, list[Department]]:
    """The dispatch catalogue's lead and assisting departments for the order's category and area."""
    rule = dispatch_rule_for(category=order.category, area=order.area)
    if rule is None:
        return None, []
    return rule.lead_department, list(rule.assisting_departments.all())


def suggested_lead_departments(orders: list[WorkOrder]) -> dict[int, Department]:
    """The catalogue's lead department for each of ``orders`` (by pk) in one query, as ``dispatch_rule_for``
    would choose it. Orders need ``category`` and ``area`` loaded; those without a rule are left out."""
    category_ids = {pk for order in orders if order.category for pk in order.category.ancestors_and_self_ids()}
    if not category_ids:
        return {}
    rules = list(
        DispatchRule.objects.filter(is_active=True, category_id__in=category_ids).select_related(
            "category", "lead_department"
        )
    )
    suggestions: dict[int, Department] = {}
    for order in orders:
        best = most_specific_rule(rules, category=order.category, area=order.area) if order.category else None
        if best is not None:
            suggestions[order.pk] = best.lead_department
    return suggestions


@dataclass(frozen=True)
class DepartmentGuess:
    guess: FieldGuess  # value: lead department id
    assisting: dict[int, list[int]]  # lead id -> assisting department ids of its rule


def department_guess(
    result: TriageResult,
    *,
    category: Category | None,
    area: Area | None,
    categories: Mapping[int, Category] | None = None,
    rules: Sequence[DispatchRule] | None = None,
) -> DepartmentGuess:
    """The dispatch catalogue applied to the chosen category (first) and to the other likely categories.

    A department is as likely as the category level its rule was chosen on: a rule on a level-1 category
    is right when the level-1 is (the classifier's calibrated confidence); a rule on a deeper category needs
    the deeper guess too; a rule for a particular area also needs the place to be right. ``categories`` and
    ``rules``: the taxonomy's rows by id and the catalogue's active rules (with categories, areas and assisting
    departments loaded) when the caller holds them (triage does), else they are read."""
    category_ids = list(
        dict.fromkeys(c.value for c in (*result.category.ranked, *result.level1.ranked) if c.value is not None)
    )
    confidence_of = {c.value: c.confidence for c in (*result.level1.ranked, *result.category.ranked)}
    if categories is None or any(i not in categories for i in category_ids):
        categories = {c.pk: c for c in Category.objects.filter(pk__in=category_ids)}
    likely = [categories[i] for i in category_ids if i in categories]
    if rules is None:
        found = dispatch_rules_for(categories=likely, area=area)
    else:
        found = {c.pk: rule for c in likely if (rule := most_specific_rule(rules, category=c, area=area)) is not None}
    candidates: list[Candidate] = []
    assisting: dict[int, list[int]] = {}
    for category_id in category_ids:
        rule = found.get(category_id)
        if rule is None:
            continue
        level1_id = categories[category_id].ancestors_and_self_ids()[0]
        confidence = confidence_of.get(level1_id if rule.category.level == 1 else category_id, 0.0)
        if rule.area_id is not None:
            confidence *= result.area.confidence
        lead = rule.lead_department_id
        assisting.setdefault(lead, [d.pk for d in rule.assisting_departments.all()])
        if all(c.value != lead for c in candidates):
            candidates.append(Candidate(lead, round(confidence, 4), (str(rule.category), str(rule.area or ""))))
    if not candidates:
        return DepartmentGuess(FieldGuess(None, 0.0), {})
    chosen, others = candidates[0], sorted(candidates[1:], key=lambda c: c.confidence, reverse=True)
    ranked = (chosen, *others[:2])
    return DepartmentGuess(FieldGuess(chosen.value, chosen.confidence, chosen.evidence, ranked), assisting)
