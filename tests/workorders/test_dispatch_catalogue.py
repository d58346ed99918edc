"""The dispatch catalogue (派单目录): the most specific rule for a category and place wins."""

from __future__ import annotations

import pytest

from tests.conftest import City
from tests.factories import DispatchRuleFactory, make_order
from workorders.dispatch_catalogue import dispatch_rule_for, suggested_departments

pytestmark = pytest.mark.django_db


def test_a_level_one_rule_covers_everything_below_it(city: City) -> None:
    rule = dispatch_rule_for(category=city.street_lights, area=None)
    assert rule.lead_department == city.housing  # only 城乡建设 matches without a place


def test_a_deeper_category_with_a_matching_area_beats_the_general_rule(city: City) -> None:
    assert dispatch_rule_for(category=city.street_lights, area=city.district_area).lead_department == city.district
    # a place inside the district matches the district's rule too
    assert dispatch_rule_for(category=city.street_lights, area=city.community_area).lead_department == city.district


def test_an_area_rule_only_applies_inside_its_area(city: City) -> None:
    from tests.factories import AreaFactory

    elsewhere = AreaFactory(name="A5区", code="A5")
    assert dispatch_rule_for(category=city.street_lights, area=elsewhere).lead_department == city.housing


def test_the_street_rule_beats_the_district_rule_for_the_same_category(city: City) -> None:
    DispatchRuleFactory(category=city.street_lights, area=city.street_area, lead_department=city.street)
    assert dispatch_rule_for(category=city.street_lights, area=city.community_area).lead_department == city.street
    assert dispatch_rule_for(category=city.street_lights, area=city.district_area).lead_department == city.district


def test_inactive_rules_are_ignored_and_no_category_means_no_suggestion(city: City) -> None:
    rule = dispatch_rule_for(category=city.street_lights, area=city.district_area)
    rule.is_active = False
    rule.save()
    assert dispatch_rule_for(category=city.street_lights, area=city.district_area).lead_department == city.housing
    assert dispatch_rule_for(category=None, area=city.district_area) is None


def test_suggested_departments_include_the_assisting_ones(city: City) -> None:
    order = make_order(category=city.pollution, area=city.street_area)
    assert suggested_departments(order) == (city.environment, [city.district])
    assert suggested_departments(make_order()) == (None, [])
