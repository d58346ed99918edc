"""Reading the dashboard pages as a user does: the tables with their numbers and links, the tiles, the
drill-down lists and the order list behind a link."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from django.http import HttpResponse
from django.test import Client


@dataclass
class Cell:
    column: str
    text: str
    href: str = ""


@dataclass
class Table:
    rows: list[list[Cell]] = field(default_factory=list)
    footer: list[Cell] = field(default_factory=list)

    def row(self, first_text: str) -> dict[str, Cell]:
        """The row whose first text cell (after the rank, if any) is ``first_text``, by column."""
        for row in self.rows:
            if any(cell.text == first_text for cell in row[:2]):
                return {cell.column: cell for cell in row}
        raise KeyError(first_text)

    def total(self) -> dict[str, Cell]:
        return {cell.column: cell for cell in self.footer}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, Table] = {}
        self.tiles: dict[str, tuple[str, str]] = {}
        self.links: list[str] = []
        self.scripts: list[str] = []
        self._table: Table | None = None
        self._in_foot = False
        self._row: list[Cell] | None = None
        self._cell: Cell | None = None
        self._tile: str | None = None
        self._tile_href = ""
        self._tile_value: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.scripts.append(attributes["src"] or "")
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"] or "")
        if tag == "table" and (attributes.get("id") or "").startswith("table-"):
            self._table = self.tables.setdefault((attributes["id"] or "")[6:], Table())
        elif self._table is not None:
            if tag == "tfoot":
                self._in_foot = True
            elif tag == "tr":
                self._row = []
            elif tag == "td" and self._row is not None:
                self._cell = Cell(attributes.get("data-col") or "", "")
            elif tag == "a" and self._cell is not None:
                self._cell.href = attributes.get("href") or ""
        if tag == "a" and (attributes.get("id") or "").startswith("tile-"):
            self._tile, self._tile_href = (attributes["id"] or "")[5:], attributes.get("href") or ""
        if tag == "span" and self._tile and attributes.get("class") == "tile-value":
            self._tile_value = []

    def handle_endtag(self, tag: str) -> None:
        if self._table is not None:
            if tag == "td" and self._cell is not None and self._row is not None:
                self._cell.text = self._cell.text.strip()
                self._row.append(self._cell)
                self._cell = None
            elif tag == "tr" and self._row is not None:
                if self._in_foot:
                    self._table.footer = self._row
                elif self._row and self._row[0].column:
                    self._table.rows.append(self._row)
                self._row = None
            elif tag == "tfoot":
                self._in_foot = False
            elif tag == "table":
                self._table = None
        if tag == "span" and self._tile_value is not None and self._tile:
            self.tiles[self._tile] = ("".join(self._tile_value).strip(), self._tile_href)
            self._tile_value = None
        if tag == "a" and self._tile:
            self._tile = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.text += data
        if self._tile_value is not None:
            self._tile_value.append(data)


@dataclass
class Page:
    status: int
    tables: dict[str, Table]
    tiles: dict[str, tuple[str, str]]
    links: list[str]
    scripts: list[str]
    text: str


def read(response: HttpResponse) -> Page:
    content = response.content.decode()
    reader = _Reader()
    reader.feed(content)
    return Page(response.status_code, reader.tables, reader.tiles, reader.links, reader.scripts, content)


def number(text: str) -> int:
    return int(text.replace(",", ""))


def drill_rows(client: Client, href: str) -> list[tuple[str, str]]:
    """(order number, detail) of every row of a drill-down list (the tests' lists fit on one page)."""
    response = client.get(html.unescape(href))
    assert response.status_code == 200, response.status_code
    content = response.content.decode()
    assert 'class="pager"' not in content
    if 'id="drill-rows"' not in content:
        return []
    return _drill_lines(content.split('id="drill-rows"', 1)[1].split("</table>", 1)[0])


def _drill_lines(body: str) -> list[tuple[str, str]]:
    lines = []
    for row in body.split("<tr")[2:]:  # the header row first
        cells = [part.split("</td>", 1)[0] for part in row.split("<td")[1:]]
        number_text = _strip(cells[0])
        lines.append((number_text, _strip(cells[-1])))
    return lines


def _strip(fragment: str) -> str:
    text = fragment.split(">", 1)[1] if ">" in fragment else fragment
    while "<" in text:
        start = text.index("<")
        end = text.index(">", start)
        text = text[:start] + text[end + 1 :]
    return html.unescape(text).strip()


def order_list_numbers(client: Client, href: str) -> list[str]:
    """The order numbers the order list shows behind a link (its first page of 50 is enough here)."""
    response = client.get(html.unescape(href))
    assert response.status_code == 200
    content = response.content.decode()
    return [_strip(part.split("</a>", 1)[0]) for part in content.split('<td class="nowrap"><a href="/orders/')[1:]]


def query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(html.unescape(href)).query)
