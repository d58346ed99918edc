"""The dashboards as managers and department officers use them: the numbers they read, who may see which
dashboard, and that every number leads to exactly the rows it counts."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from analytics.dashboards.rollups import rollups_refresh
from analytics.models import Hotspot, HotspotAlert
from tests.analytics.dashboards.conftest import History, moment
from tests.analytics.dashboards.pages import drill_rows, number, order_list_numbers, query, read
from tests.conftest import City, Personas
from workorders.choices import Channel
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

WEEK = {"date_from": moment(7, 0).date().isoformat(), "date_to": timezone.localdate().isoformat()}


@pytest.fixture
def refreshed(dashboard_history: History) -> History:
    rollups_refresh(days=None, now=dashboard_history.now)
    return dashboard_history


def login(client: Client, user: object) -> Client:
    client.force_login(user)
    return client


def centre(client: Client, headers: dict[str, str] | None = None, **params: str) -> object:
    return client.get(reverse("dashboard"), {**WEEK, **params}, headers=headers)


def department_page(client: Client, unit: object, **params: str) -> object:
    return client.get(reverse("dashboard-department", args=[unit.pk]), {**WEEK, **params})


# --- what a manager reads -------------------------------------------------------------------------------


def test_manager_reads_the_week_off_the_centre_dashboard(
    client: Client, personas: Personas, refreshed: History
) -> None:
    page = read(centre(login(client, personas.manager)))

    assert page.status == 200
    assert number(page.tiles["orders"][0]) == 5  # six orders, one of them created 20 days ago
    assert number(page.tiles["submissions"][0]) == 3
    assert page.tiles["overdue"][0] == "3"  # the unsigned, the twenty-day-old and the automatic orders
    volume = page.tables["volume"].total()
    assert number(volume["orders"].text) == 5
    assert number(volume["submissions"].text) == 3
    channels = page.tables["channels"]
    assert number(channels.row(str(Channel.WEB.label))["orders"].text) == 1
    assert number(channels.total()["orders"].text) == 5


def test_the_league_table_shows_each_departments_rates(
    client: Client, personas: Personas, city: City, refreshed: History
) -> None:
    rates = read(centre(login(client, personas.manager))).tables["rates"]

    housing = rates.row(city.housing.name)
    # Housing: the street-light order signed in time; the noise order returned unsigned and re-dispatched
    # only after its sign deadline had passed; the automatic order never signed (the twenty-day-old one is
    # outside the week).
    assert (number(housing["sign_due"].text), number(housing["signed_on_time"].text)) == (3, 1)
    assert housing["response_rate"].text == "33.3%"
    assert housing["satisfaction_rate"].text == "100.0%"
    assert number(housing["returns"].text) == 1
    environment = rates.row(city.environment.name)
    # The environment bureau signed its assisting assignment late, the re-dispatched noise order late, and
    # the same order in time once it was reopened: each handling round counts.
    assert (number(environment["sign_due"].text), number(environment["signed_on_time"].text)) == (3, 1)
    assert (number(environment["callbacks"].text), number(environment["satisfied"].text)) == (2, 1)
    assert environment["satisfaction_rate"].text == "50.0%"
    assert environment["resolution_rate"].text == "50.0%"
    # The district with its street office: two assignments nobody signed in time.
    district = rates.row(city.district.name)
    assert (number(district["sign_due"].text), number(district["signed_on_time"].text)) == (2, 0)
    total = rates.total()
    assert (number(total["sign_due"].text), number(total["signed_on_time"].text)) == (8, 2)
    assert number(total["callbacks"].text) == 3


def league_bars(page: object) -> list[str]:
    """The departments drawn in the league chart, top first."""
    figures = json.loads(page.text.split('id="dashboard-figures" type="application/json">', 1)[1].split("</script>")[0])
    return figures["league"]["data"][0]["y"]


def test_a_department_with_too_few_callbacks_is_not_ranked_and_the_page_says_so(
    client: Client, personas: Personas, city: City, refreshed: History
) -> None:
    page = read(centre(login(client, personas.manager), rank="satisfaction"))

    rates = page.tables["rates"]
    # Housing has one callback (satisfied: "100 %"), environment two: neither reaches the default five.
    assert rates.row(city.housing.name)["rank"].text == "—"
    assert rates.row(city.environment.name)["rank"].text == "—"
    assert rates.row(city.housing.name)["satisfaction_rate"].text == "100.0%"  # the figures are still shown
    said = page.text.split('id="league-minimum"', 1)[1].split("</p>", 1)[0]
    assert "至少 5 次回访才排名" in said
    assert f"{city.environment.name}（2 次回访）" in said and f"{city.housing.name}（1 次回访）" in said
    assert league_bars(page) == []


def test_the_league_ranks_only_departments_with_the_minimum_of_callbacks(
    client: Client, personas: Personas, city: City, refreshed: History, settings: object
) -> None:
    settings.DASHBOARDS = {**settings.DASHBOARDS, "LEAGUE_MIN_CALLBACKS": 2}
    page = read(centre(login(client, personas.manager), rank="satisfaction"))

    rates = page.tables["rates"]
    # Environment: one of two callbacks satisfied (50 %), ranked first; housing's single satisfied callback
    # ("100 %") is not ranked above it: it comes after, unranked.
    assert rates.row(city.environment.name)["rank"].text == "1"
    assert rates.row(city.housing.name)["rank"].text == "—"
    names = [row[1].text for row in rates.rows]
    assert names.index(city.environment.name) < names.index(city.housing.name)
    assert league_bars(page) == [city.environment.name]
    said = page.text.split('id="league-minimum"', 1)[1].split("</p>", 1)[0]
    assert "至少 2 次回访才排名" in said and f"{city.housing.name}（1 次回访）" in said
    assert city.environment.name not in said


def test_the_response_rate_league_counts_assignments_due_to_be_signed(
    client: Client, personas: Personas, city: City, refreshed: History, settings: object
) -> None:
    settings.DASHBOARDS = {**settings.DASHBOARDS, "LEAGUE_MIN_SIGN_DUE": 3}
    page = read(centre(login(client, personas.manager), rank="response"))

    rates = page.tables["rates"]
    # Housing and environment each had three assignments due to be signed (one signed in time); the district two.
    assert {rates.row(city.housing.name)["rank"].text, rates.row(city.environment.name)["rank"].text} == {"1", "2"}
    assert rates.row(city.district.name)["rank"].text == "—"
    said = page.text.split('id="league-minimum"', 1)[1].split("</p>", 1)[0]
    assert "至少 3 件应签收派单才排名" in said and f"{city.district.name}（2 件应签收派单）" in said


def test_what_needs_action_comes_first_with_the_department_most_overdue(
    client: Client, personas: Personas, city: City, refreshed: History
) -> None:
    page = read(centre(login(client, personas.manager)))

    assert page.tiles["overdue"][0] == "3"
    assert page.tiles["supervised"][0] == "0"
    assert page.tiles["sign_overdue"][0] == "3"  # none of the three was ever signed
    most = page.tiles["most_overdue"]
    assert most[0] == "2"
    assert sorted(order_list_numbers(client, most[1])) == sorted([refreshed.old.number, refreshed.automatic.number])
    tile = page.text.split('id="tile-most_overdue"', 1)[1].split("</a>", 1)[0]
    assert city.housing.name in tile
    assert "least_satisfied" not in page.tiles  # no department has the callbacks to be ranked
    # the tiles saying where action is needed come before the headline figures and every chart
    text = page.text
    assert text.index('id="where-action-is-needed"') < text.index('id="tile-orders"') < text.index("data-figure=")


def test_the_least_satisfied_department_is_named_once_it_has_enough_callbacks(
    client: Client, personas: Personas, city: City, refreshed: History, settings: object
) -> None:
    settings.DASHBOARDS = {**settings.DASHBOARDS, "LEAGUE_MIN_CALLBACKS": 1}
    page = read(centre(login(client, personas.manager)))

    assert page.tiles["least_satisfied"][0] == "50.0%"
    tile = page.text.split('id="tile-least_satisfied"', 1)[1].split("</a>", 1)[0]
    assert city.environment.name in tile


def test_emerging_hotspot_alerts_are_at_the_top_of_the_dashboard(
    client: Client, personas: Personas, city: City, refreshed: History
) -> None:
    now = timezone.now()
    for number_of_reports in (5, 6, 7, 8):
        hotspot = Hotspot.objects.create(
            label=f"噪音 {number_of_reports}", first_seen=now, last_seen=now, order_count=number_of_reports
        )
        HotspotAlert.objects.create(hotspot=hotspot, message=f"新发热点：噪音 {number_of_reports} 件")
    page = read(centre(login(client, personas.manager)))

    alerts = page.text.split('id="alerts"', 1)[1].split("</section>", 1)[0]
    assert "噪音 8 件" in alerts and "噪音 6 件" in alerts and "噪音 5 件" not in alerts  # the newest three …
    assert "全部 4 条提醒" in alerts and reverse("hotspot-list") in alerts  # … and the way to all of them
    assert page.text.index('id="alerts"') < page.text.index('id="dashboard-filters"')
    listed = client.get(reverse("hotspot-list")).content.decode()
    assert all(f"噪音 {n} 件" in listed for n in (5, 6, 7, 8))


def test_the_rate_definitions_are_written_on_the_page(client: Client, personas: Personas, refreshed: History) -> None:
    page = read(centre(login(client, personas.manager)))

    definitions = page.text.split('id="rate-definitions"', 1)[1].split("</dl>", 1)[0]
    for term in ("响应率", "解决率", "满意率"):
        assert term in definitions
    assert definitions.count("÷") == 3  # each rate says what is divided by what


def test_the_page_says_when_the_counts_were_computed(client: Client, personas: Personas, refreshed: History) -> None:
    page = read(centre(login(client, personas.manager)))

    shown = timezone.localtime(refreshed.now).strftime("%Y-%m-%d")
    assert shown in page.text.split('id="rollup-refresh"', 1)[1].split("</p>", 1)[0]


def test_a_narrower_filter_changes_the_volume(
    client: Client, personas: Personas, city: City, refreshed: History
) -> None:
    environment_protection = city.pollution.ancestors_and_self_ids()[0]
    page = read(centre(login(client, personas.manager), category=str(environment_protection)))

    assert page.status == 200
    assert number(page.tables["volume"].total()["orders"].text) == 1
    assert number(page.tiles["orders"][0]) == 1


def test_the_pages_run_a_bounded_number_of_queries(
    client: Client, personas: Personas, city: City, refreshed: History, django_assert_max_num_queries: object
) -> None:
    """Counts come from the rollups in a fixed number of queries, whatever the number of orders or departments."""
    login(client, personas.manager)
    with django_assert_max_num_queries(45):
        assert centre(client, split="department").status_code == 200
    login(client, personas.officer_district)
    with django_assert_max_num_queries(45):
        assert department_page(client, city.district, split="department").status_code == 200


def test_the_filter_form_swaps_only_the_body_under_htmx(client: Client, personas: Personas, refreshed: History) -> None:
    response = centre(login(client, personas.manager), channel="web", headers={"HX-Request": "true"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content and 'id="dashboard-figures"' in content
    assert number(read(response).tiles["orders"][0]) == 1


# --- who sees what --------------------------------------------------------------------------------------


def test_an_officer_lands_on_their_own_department(
    client: Client, personas: Personas, city: City, refreshed: History
) -> None:
    response = login(client, personas.officer_a).get(reverse("dashboard"), WEEK)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("dashboard-department", args=[city.housing.pk]))
    page = read(client.get(response["Location"]))
    assert page.status == 200
    assert "submissions" not in page.tiles  # the centre's figures are not theirs
    assert "ai" not in page.tables
    assert number(page.tiles["orders"][0]) == 2  # the street-light order and the automatic one


def test_an_officer_gets_403_for_another_department_and_for_the_centres_figures(
    client: Client, personas: Personas, city: City, refreshed: History
) -> None:
    login(client, personas.officer_a)

    assert department_page(client, city.environment).status_code == 403
    assert department_page(client, city.district).status_code == 403
    assert client.get(reverse("dashboard-export", args=["ai", "csv"]), WEEK).status_code == 403
    assert client.get(reverse("dashboard-export", args=["rates", "xlsx"]), WEEK).status_code == 403
    export = reverse("dashboard-department-export", args=[city.environment.pk, "rates", "csv"])
    assert client.get(export, WEEK).status_code == 403
    drill = reverse("dashboard-drill")
    assert client.get(drill, {**WEEK, "kind": "callbacks"}).status_code == 403  # the whole centre
    assert client.get(drill, {**WEEK, "kind": "callbacks", "department": city.environment.pk}).status_code == 403
    assert client.get(drill, {**WEEK, "kind": "submitted", "department": city.housing.pk}).status_code == 403
    assert client.get(drill, {**WEEK, "kind": "callbacks", "department": city.housing.pk}).status_code == 200


def test_a_district_officer_may_open_the_street_office_below_but_not_the_reverse(
    client: Client, personas: Personas, city: City, refreshed: History
) -> None:
    page = read(department_page(login(client, personas.officer_district), city.district))
    assert page.status == 200
    street_row = page.tables["rates"].row(city.street.name)
    assert number(street_row["sign_due"].text) == 1
    assert department_page(client, city.street).status_code == 200

    login(client, personas.officer_street)
    assert department_page(client, city.district).status_code == 403


def test_managers_open_any_department_and_pick_it_in_the_form(
    client: Client, personas: Personas, city: City, refreshed: History
) -> None:
    login(client, personas.manager)
    assert department_page(client, city.environment).status_code == 200

    response = centre(client, department=str(city.environment.pk), channel="web")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("dashboard-department", args=[city.environment.pk]))
    assert "channel=web" in response["Location"]
    response = department_page(client, city.environment, department="")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("dashboard"))


@pytest.mark.parametrize("persona", ["integration"])
def test_roles_outside_the_hotline_get_403(
    client: Client, personas: Personas, persona: str, refreshed: History
) -> None:
    assert centre(login(client, getattr(personas, persona))).status_code == 403


def test_the_navigation_offers_the_dashboard_and_hotspots_to_staff_only(
    client: Client, personas: Personas, refreshed: History
) -> None:
    for persona in (personas.manager, personas.officer_a, personas.operator):
        links = read(login(client, persona).get(reverse("order-list"))).links
        assert reverse("dashboard") in links and reverse("hotspot-list") in links
    links = read(login(client, personas.integration).get(reverse("order-list"))).links
    assert reverse("dashboard") not in links


# --- drill-down: every number leads to the rows it counts ------------------------------------------------


def test_rate_numbers_drill_down_to_exactly_the_rows_they_count(
    client: Client, personas: Personas, city: City, refreshed: History
) -> None:
    rates = read(centre(login(client, personas.manager))).tables["rates"]
    environment = rates.row(city.environment.name)

    due = drill_rows(client, environment["sign_due"].href)
    assert len(due) == number(environment["sign_due"].text)
    assert sorted(n for n, _detail in due) == sorted(
        [refreshed.street_lights.number, refreshed.returned.number, refreshed.returned.number]
    )  # the noise order twice: its round after the re-dispatch and its round after the reopen
    on_time = drill_rows(client, environment["signed_on_time"].href)
    assert [n for n, _detail in on_time] == [refreshed.returned.number]
    callbacks = drill_rows(client, environment["callbacks"].href)
    assert [n for n, _detail in callbacks] == [refreshed.returned.number] * 2
    satisfied = drill_rows(client, environment["satisfied"].href)
    assert len(satisfied) == number(environment["satisfied"].text) == 1
    housing_returns = drill_rows(client, rates.row(city.housing.name)["returns"].href)
    assert [n for n, _detail in housing_returns] == [refreshed.returned.number]

    for cell in rates.total().values():
        if cell.href and cell.text.isdigit():
            assert len(drill_rows(client, cell.href)) == number(cell.text), cell.column


def test_volume_numbers_lead_to_the_order_list_with_the_same_orders(
    client: Client, personas: Personas, city: City, refreshed: History
) -> None:
    page = read(centre(login(client, personas.manager), split="district"))

    total = page.tables["volume"].total()["orders"]
    assert query(total.href)["created_after"] == [WEEK["date_from"]]
    listed = order_list_numbers(client, total.href)
    expected = WorkOrder.objects.filter(created_at__gte=moment(7, 0)).values_list("number", flat=True)
    assert sorted(listed) == sorted(expected)
    for row in page.tables["districts"].rows:
        cell = {c.column: c for c in row}["orders"]
        if "/orders/" in cell.href:
            assert len(order_list_numbers(client, cell.href)) == number(cell.text), row[0].text
        else:  # the orders without a district: the order list cannot ask for those, the drill-down page can
            assert [n for n, _d in drill_rows(client, cell.href)] == [refreshed.draft.number]


def test_overdue_numbers_lead_to_the_overdue_orders(
    client: Client, personas: Personas, city: City, refreshed: History
) -> None:
    page = read(centre(login(client, personas.manager)))

    overdue = page.tiles["overdue"]
    listed = order_list_numbers(client, overdue[1])
    assert sorted(listed) == sorted([refreshed.unsigned.number, refreshed.old.number, refreshed.automatic.number])
    most_overdue = [row[0].text for row in page.tables["overdue_orders"].rows]
    assert most_overdue[0] == refreshed.old.number  # the furthest past its deadline first
    by_department = page.tables["overdue"]
    assert by_department.row(city.housing.name)["overdue"].text == "2"
    # The district leads the manhole order and its street office assists: the district's subtree counts it once.
    district = by_department.row(city.district.name)["overdue"]
    assert district.text == "1"
    assert order_list_numbers(client, district.href) == [refreshed.unsigned.number]


def test_ai_acceptance_drills_down_to_the_reviews(client: Client, personas: Personas, refreshed: History) -> None:
    table = read(centre(login(client, personas.manager))).tables["ai"]

    category = next(row for row in table.rows if row[1].text == "1" and row[3].text == "1")
    corrected = drill_rows(client, category[3].href)
    assert [n for n, _detail in corrected] == [refreshed.street_lights.number]
    assert "→" in corrected[0][1]  # what the AI proposed, and what the operator chose


def test_a_drill_down_for_another_period_lists_nothing_counted_outside_it(
    client: Client, personas: Personas, city: City, refreshed: History
) -> None:
    login(client, personas.manager)
    yesterday = timezone.localdate() - timedelta(days=1)
    rows = drill_rows(
        client,
        reverse("dashboard-drill")
        + f"?kind=callbacks&date_from={yesterday}&date_to={yesterday}&department={city.environment.pk}",
    )
    assert [n for n, _d in rows] == [refreshed.returned.number]  # the second callback only


@pytest.mark.parametrize(("days", "rows"), [(100, 15), (400, 14)])
def test_long_periods_are_cut_into_weeks_or_months(
    client: Client, personas: Personas, refreshed: History, days: int, rows: int
) -> None:
    today = timezone.localdate()
    period = {"date_from": (today - timedelta(days=days - 1)).isoformat(), "date_to": today.isoformat()}
    page = read(login(client, personas.manager).get(reverse("dashboard"), period))

    volume = page.tables["volume"]
    assert len(volume.rows) in (rows, rows + 1)  # weeks from Monday / calendar months, the ends cut to the period
    per_row = [number({c.column: c for c in row}["orders"].text) for row in volume.rows]
    assert sum(per_row) == number(volume.total()["orders"].text) == 6  # every order falls in one of them
