"""Writes of reference data: the category taxonomy and the holiday calendar from CSV files, and the places,
departments and dispatch rules an installation (or the demo city) starts with. Each ``*_ensure`` creates the
row only when none has its code (or category and place), so running a seed again adds nothing."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from django.db import transaction

from workorders.choices import HolidayKind
from workorders.errors import InvalidInput
from workorders.models import Area, Category, Department, DispatchRule, Holiday


def read_taxonomy_csv(path: Path) -> list[tuple[str, str, str]]:
    """Rows of ``level1,level2,level3`` (a header row is required; blank cells end a branch)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"level1", "level2", "level3"} - set(reader.fieldnames or [])
        if missing:
            raise InvalidInput(f"{path}: missing columns {', '.join(sorted(missing))}", field="file")
        return [(row["level1"].strip(), (row["level2"] or "").strip(), (row["level3"] or "").strip()) for row in reader]


@transaction.atomic
def taxonomy_import(*, rows: Iterable[tuple[str, str, str]]) -> int:
    """Create the categories named by the rows that do not exist yet; returns how many were created."""
    existing = {(c.parent_id, c.name): c for c in Category.objects.all()}
    created = 0

    def node(name: str, parent: Category | None) -> Category:
        nonlocal created
        key = (parent.pk if parent else None, name)
        if key not in existing:
            existing[key] = Category.objects.create(name=name, parent=parent, level=(parent.level + 1) if parent else 1)
            created += 1
        return existing[key]

    for level1, level2, level3 in rows:
        if not level1:
            continue
        parent = node(level1, None)
        if level2:
            parent = node(level2, parent)
            if level3:
                node(level3, parent)
    return created


def read_holiday_csv(path: Path) -> list[tuple[date, str, str]]:
    """Rows of ``date,kind,name`` (kind: holiday or workday); lines starting with # are comments."""
    with path.open(encoding="utf-8") as handle:
        reader = csv.DictReader(line for line in handle if not line.startswith("#"))
        rows = []
        for number, row in enumerate(reader, start=2):
            try:
                day = date.fromisoformat(row["date"].strip())
            except (KeyError, ValueError):
                raise InvalidInput(f"{path} line {number}: date must be YYYY-MM-DD", field="date") from None
            if row.get("kind") not in HolidayKind.values:
                raise InvalidInput(f"{path} line {number}: kind must be holiday or workday", field="kind")
            rows.append((day, row["kind"], (row.get("name") or "").strip()))
        return rows


@transaction.atomic
def holiday_calendar_import(*, rows: Iterable[tuple[date, str, str]]) -> int:
    count = 0
    for day, kind, name in rows:
        Holiday.objects.update_or_create(date=day, defaults={"kind": kind, "name": name})
        count += 1
    return count


@transaction.atomic
def area_ensure(
    *, code: str, name: str, kind: str, parent: Area | None, aliases: list[str] | None = None
) -> tuple[Area, bool]:
    """The gazetteer entry with this code, created when missing; ``aliases`` (other names citizens use) are
    set when given. Returns the area and whether it was created."""
    area, created = Area.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "parent": parent})
    if aliases is not None and area.aliases != aliases:
        area.aliases = aliases
        area.save(update_fields=["aliases"])
    return area, created


def department_ensure(
    *, code: str, name: str, kind: str, parent: Department | None = None, area: Area | None = None
) -> tuple[Department, bool]:
    """The department with this code, created when missing. Returns it and whether it was created."""
    return Department.objects.get_or_create(
        code=code, defaults={"name": name, "kind": kind, "parent": parent, "area": area}
    )


@transaction.atomic
def dispatch_rule_ensure(
    *, category: Category, area: Area | None, lead: Department, assisting: Iterable[Department] = ()
) -> tuple[DispatchRule, bool]:
    """The catalogue's rule for a category (and place), created with its departments when missing; an
    existing rule is left as an administrator may have changed it."""
    rule, created = DispatchRule.objects.get_or_create(category=category, area=area, defaults={"lead_department": lead})
    if created:
        rule.assisting_departments.set(list(assisting))
    return rule, created
