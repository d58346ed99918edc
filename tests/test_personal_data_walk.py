"""A manager and a connected system walk every page, API endpoint and export of the URL conf (the walk is built from
the URL conf, so a new address is walked too) over a city whose orders carry personal data planted in every form it
takes (tests/privacy_walk.py), and find none of it; nor can they find an order by searching for it. An operator
walking the same addresses reads every planted value: the walk sees what it is looking for."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import City, Personas
from tests.privacy_walk import (
    NAME,
    NEW_PHONE,
    PHONE,
    PLANTED,
    SKIPPED_PREFIXES,
    PlantedCity,
    plant,
    requests_for,
    routes,
    search_terms,
    walk,
)

pytestmark = pytest.mark.django_db


# Planted values the masker (triage/privacy.py) is known to miss, with the limit its docstring states.
KNOWN_MISSES = {
    "name with no cue word in a web message": "privacy.py, known limits: a name with no cue word in a web message",
}


@pytest.fixture
def world(city: City, personas: Personas, tmp_path: Path) -> PlantedCity:
    return plant(city, personas, tmp_path)


# Every table a dashboard may offer for download (a department's has fewer: the others answer 404).
TABLE_KEYS = ("volume", "channels", "categories", "districts", "departments", "rates", "deadlines", "overdue",
              "overdue_orders", "due_soon_orders", "returns", "ai")  # fmt: skip


def test_the_walk_knows_how_to_fill_every_address_of_the_url_conf(world: PlantedCity, personas: Personas) -> None:
    requests, unknown = requests_for(world, TABLE_KEYS)

    assert unknown == [], "tell tests/privacy_walk.py how to fill these addresses"
    walked = {r.path.split("?")[0] for r in requests}
    assert len(walked) > 150
    named = [r for r in routes() if not any(r.name.startswith(p) for p in SKIPPED_PREFIXES)]
    assert len(named) > 60


@pytest.mark.parametrize("role", ["manager", "integration"])
def test_a_role_that_does_not_see_personal_data_finds_none_of_it_anywhere(
    client: Client, world: PlantedCity, personas: Personas, role: str
) -> None:
    client.force_login(getattr(personas, role))
    requests, _ = requests_for(world, TABLE_KEYS)

    result = walk(client, requests, [world.main.number, world.overdue.number, world.returned.number])

    leaks = [(where, what, context) for where, what, context in result.found if what not in KNOWN_MISSES]
    assert leaks == [], "\n".join(f"{where}: {what} in …{context}…" for where, what, context in leaks)
    # the masker's documented limits are still missed: when one is caught, take it off KNOWN_MISSES
    assert result.values() == set(KNOWN_MISSES)
    # hundreds of answers, of which the API's and the order pages' (a connected system may open no other page)
    assert result.answers > 400 and result.statuses.get(200, 0) > 80
    # the walk reached the orders: their numbers are in the answers (pages and API for a manager, the API for both)
    assert world.main.number in result.seen_orders and world.overdue.number in result.seen_orders


def test_an_operator_walking_the_same_addresses_reads_every_planted_value(
    client: Client, world: PlantedCity, personas: Personas
) -> None:
    client.force_login(personas.operator)
    requests, _ = requests_for(world, TABLE_KEYS)

    result = walk(client, requests, [world.main.number])

    assert result.values() == set(PLANTED)


def test_the_admin_site_sends_a_masked_role_to_its_login(client: Client, personas: Personas) -> None:
    client.force_login(personas.manager)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("role", ["manager", "integration"])
def test_a_masked_role_finds_no_order_by_a_planted_value_or_a_piece_of_it(
    client: Client, world: PlantedCity, personas: Personas, role: str
) -> None:
    client.force_login(getattr(personas, role))
    numbers = {world.main.number, world.overdue.number, world.returned.number}

    missed = {form for what in KNOWN_MISSES for form in PLANTED[what]}  # shown, so found too
    for term in search_terms():
        if term in missed:
            continue
        listed = client.get(reverse("api:order-list"), {"q": term}).json()["results"]
        assert not numbers & {row["number"] for row in listed}, term
    # what a masked role reads it finds: the masked text and the order number
    assert world.main.number in {
        r["number"] for r in client.get(reverse("api:order-list"), {"q": "搅拌站"}).json()["results"]
    }
    assert client.get(reverse("api:order-list"), {"q": world.main.number}).json()["count"] == 1


def test_an_operator_finds_the_order_by_the_callers_exact_phone_and_name(
    client: Client, world: PlantedCity, personas: Personas
) -> None:
    client.force_login(personas.operator)
    for term in (NEW_PHONE, NAME):
        listed = client.get(reverse("api:order-list"), {"q": term}).json()["results"]
        assert world.main.number in {row["number"] for row in listed}, term
    listed = client.get(reverse("api:order-list"), {"q": PHONE}).json()["results"]
    assert world.overdue.number in {row["number"] for row in listed}
