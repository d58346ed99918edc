"""Dashboard tables, and their export as CSV and Excel (.xlsx).

A ``Table`` is what a page shows and what the download holds: the same rows, so an export always matches
the screen. Cells carry the link to the orders behind them for the page; exports keep the values only."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

TEXT, COUNT, RATE, CHANGE, GROWTH = "text", "count", "rate", "change", "growth"


@dataclass(frozen=True)
class Column:
    label: str
    # text; count; rate (a share 0–1); change (a difference of rates, in percentage points);
    # growth (a relative change 0–1, e.g. orders against the previous period)
    kind: str = TEXT
    key: str = ""


@dataclass(frozen=True)
class Cell:
    value: Any
    href: str = ""


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""
    footer: list[Cell] | None = None  # a totals row, exported too
    downloads: list[tuple[str, str]] = field(default_factory=list)  # (format, address) for the page

    def add(self, *cells: Cell | Any) -> None:
        self.rows.append([cell if isinstance(cell, Cell) else Cell(cell) for cell in cells])

    def all_rows(self) -> list[list[Cell]]:
        return [*self.rows, self.footer] if self.footer else list(self.rows)

    def lines(self) -> list[list[Shown]]:
        """The body rows as the page shows them."""
        return [self._shown(row) for row in self.rows]

    def footer_line(self) -> list[Shown]:
        return self._shown(self.footer) if self.footer else []

    @property
    def html(self) -> SafeString:
        return table_html(self)

    def _shown(self, row: list[Cell]) -> list[Shown]:
        return [
            Shown(column.key, display(cell.value, column.kind), cell.href, css_class(cell.value, column.kind))
            for cell, column in zip(row, self.columns, strict=True)
        ]


@dataclass(frozen=True)
class Shown:
    """A cell ready for the page: its column, text, link and CSS classes (formatted once, in Python, because
    a dashboard shows thousands of cells)."""

    key: str
    text: str
    href: str
    css: str


def css_class(value: Any, kind: str) -> str:
    """Numbers right-aligned; changes coloured by their direction."""
    if kind == TEXT:
        return ""
    if kind in (CHANGE, GROWTH) and isinstance(value, int | float) and value:
        return "num up" if value > 0 else "num down"
    return "num"


def display(value: Any, kind: str) -> str:
    """A cell as the page shows it: counts with thousands separators, rates and growth as percentages with
    one decimal, changes of rates as signed percentage points, nothing as a dash."""
    if value is None:
        return "—"
    if value == "":
        return ""
    if kind == COUNT:
        return f"{value:,}"
    if kind == RATE:
        return f"{100 * value:.1f}%"
    if kind == GROWTH:
        return f"{100 * value:+.1f}%"
    if kind == CHANGE:
        return f"{value:+.1f}"
    value = _local(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def table_html(table: Table) -> SafeString:
    """The table as the page shows it, every number a link to its rows. Built here rather than in a
    template because a dashboard shows thousands of cells and template loops cost ~50 µs a cell."""
    parts = [f'<table class="grid compact dash-table" id="table-{escape(table.key)}">']
    parts.append(f'<caption class="visually-hidden">{escape(table.title)}</caption><thead><tr>')
    for column in table.columns:
        css = ' class="num"' if column.kind != TEXT else ""
        hint = {CHANGE: _change_hint, GROWTH: _growth_hint}.get(column.kind)
        title = f' title="{escape(hint())}"' if hint else ""
        parts.append(f"<th{css}{title}>{escape(column.label)}</th>")
    parts.append("</tr></thead><tbody>")
    for line in table.lines():
        parts.append(f"<tr>{''.join(_td(cell) for cell in line)}</tr>")
    if not table.rows:
        parts.append(
            f'<tr><td colspan="{len(table.columns)}" class="empty">{escape(gettext("Nothing in this period."))}</td></tr>'
        )
    parts.append("</tbody>")
    if table.footer:
        parts.append(f"<tfoot><tr>{''.join(_td(cell) for cell in table.footer_line())}</tr></tfoot>")
    parts.append("</table>")
    return mark_safe("".join(parts))  # every value above is escaped


def _change_hint() -> str:
    return gettext("Against the previous period of the same length, in percentage points")


def _growth_hint() -> str:
    return gettext("Against the previous period of the same length")


def _td(cell: Shown) -> str:
    text = escape(cell.text)
    body = f'<a href="{escape(cell.href)}">{text}</a>' if cell.href else text
    css = f' class="{cell.css}"' if cell.css else ""
    return f'<td data-col="{escape(cell.key)}"{css}>{body}</td>'


def _local(value: Any) -> Any:
    """Aware datetimes as local wall-clock time without a zone (spreadsheets have no time zones)."""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0) if timezone.is_aware(value) else value
    if isinstance(value, Promise):
        return str(value)
    return value


def _plain(value: Any, kind: str) -> Any:
    """A cell's value for CSV: rates and growth as percentages with one decimal, nothing as an empty cell."""
    if value is None:
        return ""
    if kind == RATE:
        return f"{100 * value:.1f}"
    if kind == GROWTH:
        return f"{100 * value:+.1f}"
    if kind == CHANGE:
        return f"{value:+.1f}"
    value = _local(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _header(column: Column) -> str:
    label = str(column.label)
    if column.kind in (RATE, GROWTH):
        return f"{label} (%)"
    if column.kind == CHANGE:
        return f"{label} (pp)"
    return label


# A spreadsheet program runs a cell that starts with one of these as a formula (=HYPERLINK(…), +cmd|…, @SUM(…)),
# or, for a tab or a carriage return, may shift it into one; a number with its sign is no formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?%?")


def neutralised(value: Any) -> Any:
    """A CSV cell that no spreadsheet program runs: text starting like a formula gets a leading apostrophe (the
    OWASP advice, shown by the program as the text itself); numbers and other text stay as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _SIGNED_NUMBER.fullmatch(value):
        return "'" + value
    return value


def table_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese text correctly; no cell runs as a
    formula (``neutralised``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralised(_header(column)) for column in table.columns])
    for row in table.all_rows():
        writer.writerow(
            [neutralised(_plain(cell.value, column.kind)) for cell, column in zip(row, table.columns, strict=True)]
        )
    return buffer.getvalue().encode("utf-8-sig")


def table_xlsx(table: Table, *, subtitle: str = "") -> bytes:
    """One worksheet: a title line, the filters it was made with, then the header and rows, with rates
    stored as numbers formatted as percentages."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(str(table.title))
    sheet.append([str(table.title)])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append([str(subtitle)])
    header_row = 3
    sheet.append([_header(column) for column in table.columns])
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF1F6")
    for row in table.all_rows():
        values = []
        for cell, column in zip(row, table.columns, strict=True):
            value = _local(cell.value)
            if column.kind == CHANGE and value is not None:
                value = round(value, 1)
            values.append(None if value == "" else value)  # an empty cell, not an empty string
        sheet.append(values)
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        if column.kind in (RATE, GROWTH):
            number_format = "0.0%" if column.kind == RATE else "+0.0%;-0.0%;0.0%"
            for (cell,) in sheet.iter_rows(min_row=header_row + 1, min_col=index, max_col=index):
                cell.number_format = number_format
        elif isinstance(_local(table.rows[0][index - 1].value) if table.rows else None, datetime):
            for (cell,) in sheet.iter_rows(min_row=header_row + 1, min_col=index, max_col=index):
                cell.number_format = "yyyy-mm-dd hh:mm"
        width = max([len(_header(column))] + [len(str(row[index - 1].value or "")) for row in table.all_rows()[:200]])
        sheet.column_dimensions[letter].width = min(60, 4 + 1.6 * width)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    _no_formulas(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _no_formulas(sheet: Any) -> None:
    """Every text cell stored as text: openpyxl stores a string starting with = as a formula, which Excel would run
    (a title =HYPERLINK("http://…"&A1,…) would send the sheet's cells away). An export holds values only."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def _sheet_title(title: str) -> str:
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\")
    return (cleaned or "Sheet")[:31]
