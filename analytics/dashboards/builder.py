"""The dashboards as their pages show them: tiles, charts and tables for one scope (the whole centre, or one
department with its sub-departments) over a period.

Read-only assembly: the figures come from analytics.dashboards.rollup_reads (the rollups) and
analytics.dashboards.live (what must be current), the charts from analytics.figures, the tables from
analytics.dashboards.exports, so a download holds exactly the rows of the page. Every number carries the
address of the rows behind it (analytics.dashboards.links)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from accounts.models import User
from analytics import figures
from analytics.dashboards import live, rollup_reads, scope
from analytics.dashboards.drill import NONE
from analytics.dashboards.exports import CHANGE, COUNT, GROWTH, RATE, Cell, Column, Table
from analytics.dashboards.links import DashboardLinks
from analytics.dashboards.rollup_reads import RateCounts
from analytics.dashboards.scope import DashboardFilters
from analytics.figures import Figure, Series, percent
from workorders.choices import OPEN_STATUSES, AiField, Channel, ReturnReason, Status
from workorders.models import Area, Category, Department, WorkOrder
from workorders.templatetags.workorders_tags import countdown

SPLITS = ("channel", "category", "district", "department")
RANKINGS = ("response", "resolution", "satisfaction")
ORDER_ROWS_SHOWN = 20  # orders listed on the page under "overdue" and "due soon"
ORDER_ROWS_EXPORTED = 10_000  # … and in their downloads
DEPARTMENT_SERIES = 8  # departments drawn over time when the volume is split by department
FORMATS = ("csv", "xlsx")


def _has_counts(counts: RateCounts) -> bool:
    return any(getattr(counts, name) for name in rollup_reads.RATE_COUNTS)


def _change(current: float | None, previous: float | None) -> float | None:
    """The change of a rate in percentage points, when both periods have one."""
    if current is None or previous is None:
        return None
    return round(100 * (current - previous), 1)


def _by(breakdown: dict[tuple[str, int | None, int | None], int], dimension: str) -> dict[Any, int]:
    """Orders per channel, category or district, summed from the (channel, category, district) groups."""
    position = ("channel", "category", "district").index(dimension)
    totals: dict[Any, int] = {}
    for key, count in breakdown.items():
        totals[key[position]] = totals.get(key[position], 0) + count
    return totals


def _growth(current: int, previous: int) -> float | None:
    return (current - previous) / previous if previous else None


@dataclass(frozen=True)
class Tile:
    """One headline figure: its value as shown, where its rows are listed, and its change."""

    key: str
    label: str
    value: str
    href: str
    change: str = ""
    tone: str = ""  # "good", "bad" or "" — how the change reads for the city
    note: str = ""
    detail: str = ""  # a line under the value: whose figure it is (a department's name)


@dataclass(frozen=True)
class Rate:
    key: str  # response, resolution, satisfaction
    label: str
    attribute: str  # the RateCounts property
    denominator: str  # the drill-down kind of its denominator, also the RateCounts count it divides by


def rate_definitions() -> list[Rate]:
    return [
        Rate("response", _("Response rate"), "response_rate", "sign_due"),
        Rate("resolution", _("Resolution rate"), "resolution_rate", "callbacks"),
        Rate("satisfaction", _("Satisfaction rate"), "satisfaction_rate", "callbacks"),
    ]


def league_minimum(rate: Rate) -> int:
    """The fewest cases in the period (the rate's denominator: assignments due to be signed, or callbacks) for a
    department to be ranked by ``rate``: one satisfied callback is not a "100 %" to put on top of the table."""
    return settings.DASHBOARDS["LEAGUE_MIN_SIGN_DUE" if rate.key == "response" else "LEAGUE_MIN_CALLBACKS"]


def _cases(rate: Rate, count: int) -> str:
    if rate.key == "response":
        return ngettext("%(count)s assignment due to be signed", "%(count)s assignments due to be signed", count) % {
            "count": count
        }
    return ngettext("%(count)s callback", "%(count)s callbacks", count) % {"count": count}


@dataclass(frozen=True)
class LeagueRow:
    """One line of the department league table: a department (with its sub-departments, or ``exact``: its own
    work only) and its counts in the period and the one before."""

    department: Department
    exact: bool
    now: RateCounts
    before: RateCounts
    returns: int

    def ranked(self, rate: Rate) -> bool:
        return getattr(self.now, rate.attribute) is not None and self.cases(rate) >= league_minimum(rate)

    def cases(self, rate: Rate) -> int:
        return getattr(self.now, rate.denominator)


@dataclass(frozen=True)
class League:
    """What the page says about the ranking: the minimum, and the departments left unranked with their count."""

    rule: str
    unranked: str


@dataclass
class Section:
    table: Table
    figures: dict[str, Figure]


class DashboardBuilder:
    """Builds one dashboard (``page``) or one of its tables (``table``) for a user, slice and moment."""

    def __init__(
        self,
        *,
        user: User,
        filters: DashboardFilters,
        now: datetime,
        split: str = "channel",
        rank_by: str = "satisfaction",
    ) -> None:
        self.user = user
        self.filters = filters
        self.previous = filters.previous()
        self.now = now
        self.scope = filters.department
        self.centre = filters.department is None
        self.split = split if split in self.splits else "channel"
        self.rank_by = rank_by if rank_by in RANKINGS else "satisfaction"
        self.links = DashboardLinks(filters, split=self.split, rank_by=self.rank_by)

    # --- what the scope holds ------------------------------------------------------------------------

    @cached_property
    def units(self) -> list[Department]:
        """The departments the scope is cut into: the top-level ones for the centre, else the sub-departments."""
        if self.centre:
            return list(scope.top_departments())
        return list(scope.child_departments(self.scope))

    @cached_property
    def splits(self) -> tuple[str, ...]:
        return SPLITS if self.units else SPLITS[:3]

    @cached_property
    def categories(self) -> dict[int, Category]:
        return {category.pk: category for category in scope.level1_categories()}

    @cached_property
    def districts(self) -> dict[int, Area]:
        return {district.pk: district for district in scope.districts()}

    @cached_property
    def table_keys(self) -> tuple[str, ...]:
        keys = ["volume", "channels", "categories", "districts", "departments", "rates", "deadlines", "overdue"]
        keys += ["overdue_orders", "due_soon_orders", "returns", "ai"]
        if not self.units:
            keys = [key for key in keys if key not in ("departments", "overdue")]
        if not self.centre:
            keys.remove("ai")
        return tuple(keys)

    def _finish(self, table: Table) -> Table:
        table.downloads = [(fmt, self.links.export(table.key, fmt)) for fmt in FORMATS]
        return table

    # --- periods ------------------------------------------------------------------------------------

    @cached_property
    def buckets(self) -> list[tuple[date, date, date]]:
        """(bucket start as the rollup queries return it, first day, last day) over the period, the ends
        clipped to the period; a day, a week from Monday or a month each."""
        first, last = self.filters.first, self.filters.last
        granularity = self.filters.granularity
        found = []
        if granularity == "day":
            start = first
        elif granularity == "week":
            start = first - timedelta(days=first.weekday())
        else:
            start = first.replace(day=1)
        while start <= last:
            if granularity == "day":
                end = start
            elif granularity == "week":
                end = start + timedelta(days=6)
            else:
                end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            found.append((start, max(start, first), min(end, last)))
            start = end + timedelta(days=1)
        return found

    def bucket_label(self, first: date, last: date) -> str:
        if self.filters.granularity == "month":
            return first.strftime("%Y-%m")
        if first == last:
            return first.isoformat()
        return f"{first.isoformat()} – {last.isoformat()}"

    def period_label(self, filters: DashboardFilters | None = None) -> str:
        chosen = filters or self.filters
        return f"{chosen.first.isoformat()} – {chosen.last.isoformat()}"

    def describe(self) -> str:
        """The slice in words, for the downloads' second line."""
        parts = [_("Period: %(period)s") % {"period": self.period_label()}]
        parts.append(_("Department: %(name)s") % {"name": self.scope.name} if self.scope else _("Whole centre"))
        if self.filters.channel:
            parts.append(_("Channel: %(name)s") % {"name": Channel(self.filters.channel).label})
        if self.filters.category:
            parts.append(_("Category: %(name)s") % {"name": self.filters.category.name})
        if self.filters.district:
            parts.append(_("District: %(name)s") % {"name": self.filters.district.name})
        return " · ".join(parts)

    # --- volume -------------------------------------------------------------------------------------

    def _split_value(self, split: str, key: Any) -> dict[str, Any]:
        """The slice override for one value of a split (None: orders without a category or district)."""
        if split == "channel":
            return {"channel": key}
        if split == "category":
            return {"category": self.categories.get(key, NONE) if key is not None else NONE}
        if split == "district":
            return {"district": self.districts.get(key, NONE) if key is not None else NONE}
        return {"department": key}

    def _split_name(self, split: str, key: Any) -> str:
        if split == "channel":
            return str(Channel(key).label) if key in Channel.values else str(key)
        if split == "category":
            return self.categories[key].name if key in self.categories else _("No category")
        if split == "district":
            return self.districts[key].name if key in self.districts else _("No district")
        return key.name

    def _split_series(self) -> tuple[list[tuple[Any, str]], dict[tuple[date, Any], int], dict[date, int]]:
        """The split's values (most orders first) with their names, orders per (bucket, value), and orders
        per bucket (summed from the split, except for departments, whose scopes overlap)."""
        values: dict[tuple[date, Any], int] = {}
        totals: dict[Any, int] = {}
        per_bucket: dict[date, int] = {}
        if self.split == "department":
            per_bucket = {bucket: count for bucket, _none, count in rollup_reads.orders_over_time(self.filters)}
            units = {unit.pk: unit for unit in self.units}
            for bucket, department_id, count in rollup_reads.orders_over_time_by_department(self.filters, self.units):
                unit = units[department_id]
                values[(bucket, unit)] = count
                totals[unit] = totals.get(unit, 0) + count
            chosen = sorted(totals, key=lambda unit: (-totals[unit], unit.path))[:DEPARTMENT_SERIES]
        else:
            for bucket, key, count in rollup_reads.orders_over_time(self.filters, split=self.split):
                values[(bucket, key)] = count
                totals[key] = totals.get(key, 0) + count
                per_bucket[bucket] = per_bucket.get(bucket, 0) + count
            chosen = sorted(totals, key=lambda key: (-totals[key], key is None, str(key)))
        return [(key, self._split_name(self.split, key)) for key in chosen], values, per_bucket

    def volume(self) -> Section:
        f = self.filters
        submissions = dict(rollup_reads.submissions_over_time(f)) if self.centre else {}
        names, split_values, totals = self._split_series()
        columns = [Column(_("Period"), key="period")]
        if self.centre:
            columns.append(Column(_("Submissions"), COUNT, "submissions"))
        columns.append(Column(_("Orders"), COUNT, "orders"))
        columns += [Column(name, COUNT, f"split-{index}") for index, (_key, name) in enumerate(names)]
        split_title = {
            "channel": _("Orders by channel"),
            "category": _("Orders by category"),
            "district": _("Orders by district"),
            "department": _("Orders by department"),
        }[self.split]
        table = Table("volume", _("Volume over time"), columns)
        if self.centre:
            table.note = _(
                "Submissions are the calls and messages as received; only the channel filter applies to them."
            )
        if self.split == "department" and names:
            table.note += " " + _("An order counts for every department that leads or assists on it.")
        for start, first, last in self.buckets:
            cells = [Cell(self.bucket_label(first, last))]
            if self.centre:
                cells.append(Cell(submissions.get(start, 0), self.links.drill("submitted", first, last)))
            cells.append(Cell(totals.get(start, 0), self.links.orders(first, last)))
            for key, _name in names:
                link = self.links.orders(first, last, **self._split_value(self.split, key))
                cells.append(Cell(split_values.get((start, key), 0), link))
            table.add(*cells)
        whole = (f.first, f.last)
        footer = [Cell(_("Total"))]
        if self.centre:
            footer.append(Cell(sum(submissions.values()), self.links.drill("submitted", *whole)))
        footer.append(Cell(sum(totals.values()), self.links.orders(*whole)))
        for key, _name in names:
            count = sum(n for (_bucket, value), n in split_values.items() if value == key)
            footer.append(Cell(count, self.links.orders(*whole, **self._split_value(self.split, key))))
        table.footer = footer
        x = [start.isoformat() for start, _first, _last in self.buckets]
        order_series = Series(
            _("Orders"),
            [totals.get(start, 0) for start, _first, _last in self.buckets],
            [self.links.orders(first, last) for _start, first, last in self.buckets],
        )
        series = [order_series]
        if self.centre:
            series.insert(
                0,
                Series(
                    _("Submissions"),
                    [submissions.get(start, 0) for start, _first, _last in self.buckets],
                    [self.links.drill("submitted", first, last) for _start, first, last in self.buckets],
                ),
            )
        split_series = [
            Series(
                name,
                [split_values.get((start, key), 0) for start, _first, _last in self.buckets],
                [
                    self.links.orders(first, last, **self._split_value(self.split, key))
                    for _s, first, last in self.buckets
                ],
            )
            for key, name in names
        ]
        title = _("Submissions and orders") if self.centre else _("Orders")
        return Section(
            self._finish(table),
            {
                "volume": figures.over_time(title, x, series),
                "volume_split": figures.over_time(
                    split_title,
                    x,
                    split_series,
                    kind="line" if self.split == "department" else "bar",
                    stacked=self.split != "department",
                ),
            },
        )

    def shares(self, dimension: str) -> Section:
        """Orders per channel, level-1 category, district or department: now, before, and the change."""
        f, p = self.filters, self.previous
        if dimension == "department":
            units = {unit.pk: unit for unit in self.units}
            current = {units[pk]: n for pk, n in rollup_reads.orders_by_department(f, self.units)}
            before = {units[pk]: n for pk, n in rollup_reads.orders_by_department(p, self.units)}
            total, total_before = self.order_total, self.order_total_before
        else:
            current, before = _by(self.breakdown, dimension), _by(self.breakdown_before, dimension)
            total, total_before = self.order_total, self.order_total_before
        key_name = {
            "channel": ("channels", _("Channel"), _("Orders by channel")),
            "category": ("categories", _("Category (level 1)"), _("Orders by category")),
            "district": ("districts", _("District"), _("Orders by district")),
            "department": ("departments", _("Department"), _("Orders by department")),
        }[dimension]
        key, label, title = key_name
        table = Table(
            key,
            title,
            [
                Column(label, key="name"),
                Column(_("Orders"), COUNT, "orders"),
                Column(_("Share"), RATE, "share"),
                Column(_("Previous period"), COUNT, "previous"),
                Column(pgettext("compared with the previous period", "Change"), GROWTH, "growth"),
            ],
        )
        ordered = sorted(
            set(current) | set(before),
            key=lambda k: (-current.get(k, 0), -before.get(k, 0), k is None, self._split_name(dimension, k)),
        )
        labels, values, links = [], [], []
        for value in ordered:
            name = self._split_name(dimension, value)
            scope = self._split_value(dimension, value)
            now_count, before_count = current.get(value, 0), before.get(value, 0)
            link = self.links.orders(f.first, f.last, **scope)
            name_cell = Cell(name, self.links.dashboard(value)) if dimension == "department" else Cell(name)
            table.add(
                name_cell,
                Cell(now_count, link),
                Cell(now_count / total if total else None, link),
                Cell(before_count, self.links.orders(p.first, p.last, **scope)),
                Cell(_growth(now_count, before_count), link),
            )
            if now_count:
                labels.append(name)
                values.append(now_count)
                links.append(link)
        if dimension == "department":
            table.note = _("An order counts for every department that leads or assists on it.")
        else:
            whole = self.links.orders(f.first, f.last)
            table.footer = [
                Cell(_("Total")),
                Cell(total, whole),
                Cell(1.0 if total else None, whole),
                Cell(total_before, self.links.orders(p.first, p.last)),
                Cell(_growth(total, total_before), whole),
            ]
        return Section(self._finish(table), {key: figures.bars(title, labels, values, links, x_title=_("Orders"))})

    @cached_property
    def breakdown(self) -> dict[tuple[str, int | None, int | None], int]:
        return rollup_reads.volume_breakdown(self.filters)

    @cached_property
    def breakdown_before(self) -> dict[tuple[str, int | None, int | None], int]:
        return rollup_reads.volume_breakdown(self.previous)

    @cached_property
    def order_total(self) -> int:
        return sum(self.breakdown.values())

    @cached_property
    def order_total_before(self) -> int:
        return sum(self.breakdown_before.values())

    # --- the three rates ------------------------------------------------------------------------------

    @cached_property
    def rate_totals(self) -> RateCounts:
        return rollup_reads.rate_totals(self.filters)

    @cached_property
    def rate_totals_before(self) -> RateCounts:
        return rollup_reads.rate_totals(self.previous)

    @cached_property
    def returns_by_reason(self) -> list[tuple[str, int]]:
        return rollup_reads.returns_by_reason(self.filters)

    def _rate_cells(
        self, department: Department | None, now: RateCounts, before: RateCounts, returns: int, *, exact: bool
    ) -> list[Cell]:
        f, p = self.filters, self.previous

        def drill(kind: str, filters: DashboardFilters = f) -> str:
            return self.links.drill(kind, filters.first, filters.last, department=department, exact=exact)

        return [
            Cell(now.dispatched, drill("dispatched")),
            Cell(now.sign_due, drill("sign_due")),
            Cell(now.signed_on_time, drill("signed_on_time")),
            Cell(now.response_rate, drill("sign_due")),
            Cell(_change(now.response_rate, before.response_rate), drill("sign_due", p)),
            Cell(now.replied, drill("replied")),
            Cell(now.callbacks, drill("callbacks")),
            Cell(now.resolved, drill("resolved")),
            Cell(now.resolution_rate, drill("callbacks")),
            Cell(_change(now.resolution_rate, before.resolution_rate), drill("callbacks", p)),
            Cell(now.satisfied, drill("satisfied")),
            Cell(now.satisfaction_rate, drill("callbacks")),
            Cell(_change(now.satisfaction_rate, before.satisfaction_rate), drill("callbacks", p)),
            Cell(returns, drill("returned")),
        ]

    @cached_property
    def league_rows(self) -> list[LeagueRow]:
        """The departments of the league table, in no particular order: each unit of the scope with any count,
        and on a department's page its own work (without the sub-departments) when it has any."""
        f, p = self.filters, self.previous
        rows: list[LeagueRow] = []
        if self.units:
            current = rollup_reads.rates_by_department(f, self.units)
            before = rollup_reads.rates_by_department(p, self.units)
            returns = rollup_reads.returns_by_department(f, self.units)
            if not self.centre:
                own = rollup_reads.own_rates(f, self.scope)
                own_before = rollup_reads.own_rates(p, self.scope)
                own_returns = rollup_reads.own_returns(f, self.scope)
                if _has_counts(own) or _has_counts(own_before) or own_returns:
                    rows.append(LeagueRow(self.scope, True, own, own_before, own_returns))
            for unit in self.units:
                now_counts, before_counts = current.get(unit.pk, RateCounts()), before.get(unit.pk, RateCounts())
                unit_returns = sum(returns.get(unit.pk, {}).values())
                if _has_counts(now_counts) or _has_counts(before_counts) or unit_returns:
                    rows.append(LeagueRow(unit, False, now_counts, before_counts, unit_returns))
        if not self.units and self.scope is not None:
            total_returns = sum(count for _reason, count in self.returns_by_reason)
            rows.append(LeagueRow(self.scope, False, self.rate_totals, self.rate_totals_before, total_returns))
        return rows

    @cached_property
    def ranking_rate(self) -> Rate:
        return next(rate for rate in rate_definitions() if rate.key == self.rank_by)

    def ranked_rows(self, rate: Rate) -> list[LeagueRow]:
        """The league table's rows in their order: the departments with enough cases best first, then the
        others (unranked) with the most cases first."""

        def rank_key(row: LeagueRow) -> tuple[Any, ...]:
            if row.ranked(rate):
                return (0, -getattr(row.now, rate.attribute), row.department.path, not row.exact)
            return (1, -row.cases(rate), row.department.path, not row.exact)

        return sorted(self.league_rows, key=rank_key)

    def league(self) -> League:
        rate = self.ranking_rate
        minimum = league_minimum(rate)
        if rate.key == "response":
            rule = ngettext(
                "Ranked only with at least %(count)s assignment due to be signed in the period.",
                "Ranked only with at least %(count)s assignments due to be signed in the period.",
                minimum,
            )
        else:
            rule = ngettext(
                "Ranked only with at least %(count)s callback in the period.",
                "Ranked only with at least %(count)s callbacks in the period.",
                minimum,
            )
        unranked = [
            _("%(name)s (%(cases)s)") % {"name": self._league_name(row), "cases": _cases(rate, row.cases(rate))}
            for row in self.ranked_rows(rate)
            if not row.ranked(rate)
        ]
        listed = pgettext("between the names of a list", ", ").join(unranked)
        return League(
            rule=rule % {"count": minimum},
            unranked=_("Not ranked: %(departments)s.") % {"departments": listed} if unranked else "",
        )

    @staticmethod
    def _league_name(row: LeagueRow) -> str:
        return _("%(name)s (own)") % {"name": row.department.name} if row.exact else row.department.name

    def rates(self) -> Section:
        f = self.filters
        total_returns = sum(count for _reason, count in self.returns_by_reason)
        rate = self.ranking_rate
        rows = self.ranked_rows(rate)
        columns = [
            Column(_("Rank"), COUNT, "rank"),
            Column(_("Department"), key="department"),
            Column(_("Assignments received"), COUNT, "dispatched"),
            Column(_("Due to be signed"), COUNT, "sign_due"),
            Column(_("Signed in time"), COUNT, "signed_on_time"),
            Column(_("Response rate"), RATE, "response_rate"),
            Column(pgettext("compared with the previous period", "Change"), CHANGE, "response_change"),
            Column(_("Replied"), COUNT, "replied"),
            Column(_("Callbacks"), COUNT, "callbacks"),
            Column(pgettext("callbacks", "Resolved"), COUNT, "resolved"),
            Column(_("Resolution rate"), RATE, "resolution_rate"),
            Column(pgettext("compared with the previous period", "Change"), CHANGE, "resolution_change"),
            Column(_("Satisfied"), COUNT, "satisfied"),
            Column(_("Satisfaction rate"), RATE, "satisfaction_rate"),
            Column(pgettext("compared with the previous period", "Change"), CHANGE, "satisfaction_change"),
            Column(_("Returns"), COUNT, "returns"),
        ]
        table = Table("rates", _("Department league table"), columns)
        labels, values, links = [], [], []
        rank = 0
        for row in rows:
            department, exact = row.department, row.exact
            ranked = row.ranked(rate)
            rank += ranked
            name = self._league_name(row)
            link = None if exact or department == self.scope else self.links.dashboard(department)
            table.add(
                Cell(rank if ranked else None),
                Cell(name, link or ""),
                *self._rate_cells(department, row.now, row.before, row.returns, exact=exact),
            )
            if ranked:
                labels.append(name)
                values.append(percent(*self._fraction(row.now, rate)))
                links.append(self.links.drill(rate.denominator, f.first, f.last, department=department, exact=exact))
        if self.units:
            table.footer = [
                Cell(""),
                Cell(_("Total")),
                *self._rate_cells(self.scope, self.rate_totals, self.rate_totals_before, total_returns, exact=False),
            ]
        table.note = _(
            "Ranked by %(rate)s. Each department includes its sub-departments. The rates are not cut by channel, "
            "category or district: those filters do not apply to them."
        ) % {"rate": rate.label}
        table.note += " " + _(
            "A department with fewer than %(count)s in the period is not ranked (—) and comes after the ranked ones."
        ) % {"count": _cases(rate, league_minimum(rate))}
        trend = rollup_reads.rates_over_time(f)
        by_bucket = dict(trend)
        x = [start.isoformat() for start, _first, _last in self.buckets]
        trend_series = []
        for definition in rate_definitions():
            trend_series.append(
                Series(
                    definition.label,
                    [
                        percent(*self._fraction(by_bucket.get(start, RateCounts()), definition))
                        for start, _first, _last in self.buckets
                    ],
                    [self.links.drill(definition.denominator, first, last) for _s, first, last in self.buckets],
                )
            )
        return Section(
            self._finish(table),
            {
                "league": figures.bars(
                    _("%(rate)s by department") % {"rate": rate.label}, labels, values, links, percent=True
                ),
                "rates_trend": figures.over_time(
                    _("The three rates over time"), x, trend_series, percent=True, y_title="%"
                ),
            },
        )

    @staticmethod
    def _fraction(counts: RateCounts, rate: Rate) -> tuple[int, int]:
        if rate.key == "response":
            return counts.signed_on_time, counts.sign_due
        if rate.key == "resolution":
            return counts.resolved, counts.callbacks
        return counts.satisfied, counts.callbacks

    # --- deadlines (live) ---------------------------------------------------------------------------

    @cached_property
    def deadline_counts(self) -> dict[str, int]:
        return live.deadline_counts(self.user, self.filters, self.now)

    def deadlines(self) -> Section:
        counts = self.deadline_counts
        hours = live.due_soon_hours()
        f = self.filters
        table = Table(
            "deadlines",
            _("Deadlines now"),
            [Column(_("Open orders"), key="measure"), Column(_("Orders"), COUNT, "orders")],
        )
        table.add(_("Held by a department"), Cell(counts["open"], self.links.open_orders(status=list(OPEN_STATUSES))))
        table.add(_("Overdue"), Cell(counts["overdue"], self.links.open_orders(overdue="true")))
        table.add(
            _("of which not signed in time"),
            Cell(counts["sign_overdue"], self.links.open_orders(overdue="true", status=Status.DISPATCHED)),
        )
        table.add(
            _("of which under supervision"),
            Cell(counts["supervised"], self.links.open_orders(overdue="true", supervised="true")),
        )
        table.add(
            _("Due within %(hours)s hours") % {"hours": hours},
            Cell(counts["due_soon"], self.links.drill("due_soon", f.first, f.last)),
        )
        table.note = _("Live: as of this page's time. The period does not apply; the other filters do.")
        return Section(self._finish(table), {})

    @cached_property
    def overdue_by_unit(self) -> list[tuple[int, int]]:
        """(department id, overdue orders) of the scope's units, the most overdue first."""
        return live.overdue_by_department(self.user, self.filters, self.units, self.now)

    def overdue(self) -> Section:
        units = {unit.pk: unit for unit in self.units}
        found = self.overdue_by_unit
        table = Table(
            "overdue",
            _("Overdue orders by department"),
            [Column(_("Department"), key="department"), Column(_("Overdue"), COUNT, "overdue")],
        )
        labels, values, links = [], [], []
        for department_id, count in found:
            unit = units[department_id]
            link = self.links.open_orders(overdue="true", department=unit.pk)
            table.add(Cell(unit.name, self.links.dashboard(unit)), Cell(count, link))
            labels.append(unit.name)
            values.append(count)
            links.append(link)
        table.footer = [Cell(_("Total")), Cell(self.deadline_counts["overdue"], self.links.open_orders(overdue="true"))]
        table.note = _("An order counts for every department that leads or assists on it.")
        return Section(
            self._finish(table),
            {"overdue": figures.bars(_("Overdue orders by department"), labels, values, links, colour="#c62828")},
        )

    def order_rows(self, key: str, *, limit: int) -> Section:
        """The overdue orders (furthest past the resolve deadline first) or those due soon (soonest first)."""
        if key == "overdue_orders":
            orders = live.worst_overdue(self.user, self.filters, self.now, limit=limit)
            title, deadline = _("Most overdue orders"), _("Overdue by / time left")
        else:
            orders = live.due_soon(self.user, self.filters, self.now, limit=limit)
            title, deadline = _("Orders due soon"), _("Time left")
        table = Table(
            key,
            title,
            [
                Column(_("Number"), key="number"),
                Column(_("Title"), key="title"),
                Column(_("Status"), key="status"),
                Column(_("Lead department"), key="department"),
                Column(_("Sign by"), key="sign_due_at"),
                Column(_("Resolve by"), key="resolve_due_at"),
                Column(deadline, key="countdown"),
            ],
        )
        for order in orders:
            table.add(*self._order_cells(order))
        return Section(self._finish(table), {})

    def _order_cells(self, order: WorkOrder) -> list[Cell]:
        link = reverse("order-detail", args=[order.pk])
        due = order.resolve_due_at
        resolve_passed = due is not None and due < self.now
        if (
            not resolve_passed
            and order.status == Status.DISPATCHED
            and order.sign_due_at
            and order.sign_due_at < self.now
        ):
            due = order.sign_due_at  # overdue for not being signed in time
        return [
            Cell(order.number, link),
            Cell(order.title or order.appeal_masked[:40], link),
            Cell(str(order.get_status_display())),
            Cell(order.lead_department.name if order.lead_department else ""),
            Cell(order.sign_due_at),
            Cell(order.resolve_due_at),
            Cell(countdown(due, self.now)),
        ]

    # --- returns and AI ---------------------------------------------------------------------------------

    def returns(self) -> Section:
        f, p = self.filters, self.previous
        current = dict(self.returns_by_reason)
        before = dict(rollup_reads.returns_by_reason(p))
        total, total_before = sum(current.values()), sum(before.values())
        table = Table(
            "returns",
            _("Returns by reason"),
            [
                Column(_("Return reason"), key="reason"),
                Column(_("Returns"), COUNT, "returns"),
                Column(_("Share"), RATE, "share"),
                Column(_("Previous period"), COUNT, "previous"),
            ],
        )
        labels, values, links = [], [], []
        for reason in sorted(set(current) | set(before), key=lambda r: (-current.get(r, 0), -before.get(r, 0), r)):
            label = str(ReturnReason(reason).label) if reason in ReturnReason.values else reason
            link = self.links.drill("returned", f.first, f.last, reason=reason)
            count = current.get(reason, 0)
            table.add(
                label,
                Cell(count, link),
                Cell(count / total if total else None, link),
                Cell(before.get(reason, 0), self.links.drill("returned", p.first, p.last, reason=reason)),
            )
            if count:
                labels.append(label)
                values.append(count)
                links.append(link)
        whole = self.links.drill("returned", f.first, f.last)
        table.footer = [
            Cell(_("Total")),
            Cell(total, whole),
            Cell(1.0 if total else None, whole),
            Cell(total_before, self.links.drill("returned", p.first, p.last)),
        ]
        table.note = _("Returns (退单) made in the period by the departments in scope, with the reason they gave.")
        return Section(self._finish(table), {"returns": figures.bars(_("Returns by reason"), labels, values, links)})

    def ai(self) -> Section:
        f, p = self.filters, self.previous
        current = {field: (reviewed, accepted) for field, reviewed, accepted in rollup_reads.ai_reviews_by_field(f)}
        before = {field: (reviewed, accepted) for field, reviewed, accepted in rollup_reads.ai_reviews_by_field(p)}
        table = Table(
            "ai",
            _("AI acceptance by field"),
            [
                Column(_("Field"), key="field"),
                Column(_("Reviewed"), COUNT, "reviewed"),
                Column(_("Accepted"), COUNT, "accepted"),
                Column(_("Corrected"), COUNT, "corrected"),
                Column(_("Acceptance rate"), RATE, "rate"),
                Column(pgettext("compared with the previous period", "Change"), CHANGE, "change"),
            ],
        )
        labels, values, links = [], [], []
        for field in AiField.values:
            if field not in current and field not in before:
                continue
            reviewed, accepted = current.get(field, (0, 0))
            before_reviewed, before_accepted = before.get(field, (0, 0))
            rate = accepted / reviewed if reviewed else None
            rate_before = before_accepted / before_reviewed if before_reviewed else None
            label = str(AiField(field).label)
            link = self.links.drill("ai_reviewed", f.first, f.last, field=field, department=None)
            table.add(
                label,
                Cell(reviewed, link),
                Cell(accepted, self.links.drill("ai_accepted", f.first, f.last, field=field, department=None)),
                Cell(
                    reviewed - accepted, self.links.drill("ai_corrected", f.first, f.last, field=field, department=None)
                ),
                Cell(rate, link),
                Cell(
                    _change(rate, rate_before),
                    self.links.drill("ai_reviewed", p.first, p.last, field=field, department=None),
                ),
            )
            if reviewed:
                labels.append(label)
                values.append(percent(accepted, reviewed))
                links.append(link)
        table.note = _(
            "Orders an operator dispatched in the period: a field counts as accepted when the order was dispatched "
            "with the value the AI proposed. Orders dispatched automatically are not counted. The filters other "
            "than the period do not apply."
        )
        return Section(
            self._finish(table),
            {"ai": figures.bars(_("AI acceptance by field"), labels, values, links, percent=True, colour="#0f8a87")},
        )

    # --- assembly -----------------------------------------------------------------------------------------

    def section(self, key: str, *, export: bool = False) -> Section:
        if key not in self.table_keys:
            raise KeyError(key)
        if key == "volume":
            return self.volume()
        if key in ("channels", "categories", "districts", "departments"):
            return self.shares({"channels": "channel", "categories": "category"}.get(key, key[:-1]))
        if key in ("overdue_orders", "due_soon_orders"):
            return self.order_rows(key, limit=ORDER_ROWS_EXPORTED if export else ORDER_ROWS_SHOWN)
        return getattr(self, key)()

    def table(self, key: str) -> Table:
        """One table as its download holds it (order lists in full, up to ORDER_ROWS_EXPORTED)."""
        return self.section(key, export=True).table

    def action_tiles(self) -> list[Tile]:
        """Where action is needed, shown first: overdue orders (those under supervision and those nobody signed
        in time among them), orders due soon, the department with the most overdue orders and the one whose
        citizens are least satisfied (among those with enough callbacks to be ranked)."""
        f = self.filters
        counts = self.deadline_counts
        tiles = [
            Tile(
                "overdue",
                _("Overdue now"),
                f"{counts['overdue']:,}",
                self.links.open_orders(overdue="true"),
                tone="bad" if counts["overdue"] else "",
            ),
            Tile(
                "supervised",
                _("Overdue under supervision (督办)"),
                f"{counts['supervised']:,}",
                self.links.open_orders(overdue="true", supervised="true"),
                tone="bad" if counts["supervised"] else "",
            ),
            Tile(
                "sign_overdue",
                _("Overdue, never signed"),
                f"{counts['sign_overdue']:,}",
                self.links.open_orders(overdue="true", status=Status.DISPATCHED),
                tone="bad" if counts["sign_overdue"] else "",
            ),
            Tile(
                "due_soon",
                _("Due within %(hours)s hours") % {"hours": live.due_soon_hours()},
                f"{counts['due_soon']:,}",
                self.links.drill("due_soon", f.first, f.last),
            ),
        ]
        if self.overdue_by_unit:
            department_id, count = self.overdue_by_unit[0]
            unit = next(unit for unit in self.units if unit.pk == department_id)
            tiles.append(
                Tile(
                    "most_overdue",
                    _("Department with the most overdue orders"),
                    f"{count:,}",
                    self.links.open_orders(overdue="true", department=unit.pk),
                    tone="bad",
                    detail=unit.name,
                )
            )
        satisfaction = next(rate for rate in rate_definitions() if rate.key == "satisfaction")
        ranked = [row for row in self.league_rows if not row.exact and row.ranked(satisfaction)]
        if self.units and ranked:
            worst = min(ranked, key=lambda row: (row.now.satisfaction_rate, row.department.path))
            tiles.append(
                Tile(
                    "least_satisfied",
                    _("Lowest satisfaction rate"),
                    f"{100 * worst.now.satisfaction_rate:.1f}%",
                    self.links.drill("callbacks", f.first, f.last, department=worst.department),
                    detail=worst.department.name,
                    note=_cases(satisfaction, worst.now.callbacks),
                )
            )
        return tiles

    def tiles(self) -> list[Tile]:
        """The headline figures of the period: volume, the three rates and returns, with their changes."""
        f = self.filters
        tiles = []
        if self.centre:
            submissions = sum(count for _bucket, count in rollup_reads.submissions_over_time(f))
            tiles.append(
                Tile(
                    "submissions", _("Submissions"), f"{submissions:,}", self.links.drill("submitted", f.first, f.last)
                )
            )
        growth = _growth(self.order_total, self.order_total_before)
        tiles.append(
            Tile(
                "orders",
                _("Orders"),
                f"{self.order_total:,}",
                self.links.orders(f.first, f.last),
                change=f"{100 * growth:+.1f}%" if growth is not None else "",
                note=_("against the previous period"),
            )
        )
        for rate in rate_definitions():
            value = getattr(self.rate_totals, rate.attribute)
            change = _change(value, getattr(self.rate_totals_before, rate.attribute))
            tiles.append(
                Tile(
                    rate.key,
                    rate.label,
                    f"{100 * value:.1f}%" if value is not None else "—",
                    self.links.drill(rate.denominator, f.first, f.last),
                    change=f"{change:+.1f}" if change is not None else "",
                    tone="" if not change else ("good" if change > 0 else "bad"),
                    note=_("percentage points against the previous period"),
                )
            )
        returns = sum(count for _reason, count in self.returns_by_reason)
        tiles.append(Tile("returns", _("Returns"), f"{returns:,}", self.links.drill("returned", f.first, f.last)))
        return tiles

    def page(self) -> dict[str, Any]:
        """Everything the dashboard template shows."""
        tables: dict[str, Table] = {}
        charts: dict[str, Figure] = {}
        for key in self.table_keys:
            section = self.section(key)
            tables[key] = section.table
            charts.update(section.figures)
        charts["_empty"] = _("Nothing to draw in this period.")  # what dashboard.js writes for an empty chart
        return {
            "action_tiles": self.action_tiles(),
            "tiles": self.tiles(),
            "league": self.league(),
            "tables": tables,
            "figures": charts,
            "split": self.split,
            "splits": [(split, self._split_label(split)) for split in self.splits],
            "rank_by": self.rank_by,
            "rankings": [(rate.key, rate.label) for rate in rate_definitions()],
            "period": self.period_label(),
            "previous_period": self.period_label(self.previous),
            "granularity": self.filters.granularity,
            "due_soon_hours": live.due_soon_hours(),
            "all_overdue_link": self.links.open_orders(overdue="true"),
            "all_due_soon_link": self.links.drill("due_soon", self.filters.first, self.filters.last),
            "overdue_count": self.deadline_counts["overdue"],
            "due_soon_count": self.deadline_counts["due_soon"],
        }

    @staticmethod
    def _split_label(split: str) -> str:
        return {
            "channel": _("By channel"),
            "category": _("By category"),
            "district": _("By district"),
            "department": _("By department"),
        }[split]
