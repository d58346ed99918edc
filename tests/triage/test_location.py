"""Finding the place of an appeal in the gazetteer, and the free address."""

from __future__ import annotations

from triage.location import Gazetteer, find_address, place_words
from triage.types import PlaceRef

PLACES = [
    PlaceRef(1, "A市", "city", 1),
    PlaceRef(2, "A3区", "district", 2, parent_id=1),
    PlaceRef(3, "西湖街道", "street", 3, aliases=("西湖办",), parent_id=2),
    PlaceRef(4, "茶场村", "community", 4, parent_id=3),
    PlaceRef(5, "A7县", "district", 2, aliases=("A7市",), parent_id=1),
    PlaceRef(6, "黄花镇", "street", 3, parent_id=5),
    PlaceRef(7, "茶场村", "community", 4, parent_id=6),
]
GAZETTEER = Gazetteer(PLACES)


def test_the_deepest_place_named_wins_with_its_whole_path() -> None:
    location = GAZETTEER.locate("我住在A3区西湖街道茶场村，门口的路灯坏了")
    assert location.area.value == 4
    assert location.places == ("A市", "A3区", "西湖街道", "茶场村")


def test_a_village_name_that_exists_twice_is_resolved_by_the_places_named_around_it() -> None:
    assert GAZETTEER.locate("A7市黄花镇茶场村停水三天").area.value == 7
    assert GAZETTEER.locate("西湖办茶场村停水三天").area.value == 4  # through the street's alias
    ambiguous = GAZETTEER.locate("茶场村停水三天")
    assert {c.value for c in ambiguous.area.ranked} == {4, 7}


def test_aliases_count_and_nothing_found_is_none() -> None:
    assert GAZETTEER.locate("A7市人民医院").area.value == 5
    location = GAZETTEER.locate("楼下有人烧烤")
    assert location.area.value is None and location.places == ()


def test_places_missing_from_the_gazetteer_are_kept_as_free_text() -> None:
    location = GAZETTEER.locate("A3区桂花坪街道和马王堆街道都停电了")
    assert location.area.value == 2
    assert location.unmatched == ("桂花坪街道", "马王堆街道")
    assert place_words("我们村委会不管，新农村建设") == []


def test_free_addresses_are_found_without_their_lead_in_words() -> None:
    assert find_address("地址是枫林路12号门口") == "枫林路12号"
    assert find_address("我家在阳光小区3栋2单元楼下") == "阳光小区3栋2单元"
    assert find_address("没有地址的消息") == ""
