"""Finding the place of an appeal in the gazetteer, and the free address."""

from __future__ import annotations

import pytest

from triage.location import Gazetteer, find_address, place_words
from triage.normalise import prepare
from triage.pipeline import TriagePipeline
from triage.types import CategoryRef, PlaceRef

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


# --- calls: the place as a caller says it -------------------------------------------------------------------

CITY = [
    PlaceRef(1, "A市", "city", 1),
    PlaceRef(13, "茶场村", "community", 4, parent_id=5),
    PlaceRef(2, "A1区", "district", 2, parent_id=1),
    PlaceRef(3, "马坡岭街道", "street", 3, parent_id=2),
    PlaceRef(4, "A3区", "district", 2, parent_id=1),
    PlaceRef(5, "西湖街道", "street", 3, parent_id=4),
    PlaceRef(6, "A5区", "district", 2, parent_id=1),
    PlaceRef(7, "井湾子街道", "street", 3, parent_id=6),
    PlaceRef(8, "A7县", "district", 2, aliases=("A7市",), parent_id=1),
    PlaceRef(9, "星沙街道", "street", 3, parent_id=8),
    PlaceRef(10, "春华镇", "street", 3, parent_id=8),
    PlaceRef(11, "A9市", "district", 2, parent_id=1),
    PlaceRef(12, "北盛镇", "street", 3, parent_id=11),
]
CALLS = Gazetteer(CITY)


def place_of_call(transcript: str) -> tuple[str, str]:
    """The address and the area's path of a call, read as the pipeline reads it (the caller and the read-backs)."""
    location = CALLS.locate(prepare(transcript).model_text)
    return location.address, "/".join(location.places[1:])


def test_two_roads_and_a_junction_make_an_intersection() -> None:
    address, area = place_of_call(
        "坐席：您好，12345热线，请讲。\n"
        "市民：我看A1区五一大道和芙蓉中路那个路口，行人闯红灯的特别多\n"
        "坐席：好的，请问您贵姓？\n市民：免贵姓邬"
    )
    assert address == "A1区五一大道与芙蓉中路交叉口"
    assert area == "A1区"


def test_a_road_the_caller_corrects_is_replaced_by_the_right_one() -> None:
    address, _ = place_of_call(
        "市民：在A3区西湖街道万家丽中路跟那个，圭塘路，不是，是劳动东路，劳动东路口往北走一百来米，井盖没了"
    )
    assert address == "A3区西湖街道万家丽中路与劳动东路交叉口往北走100来米"


@pytest.mark.parametrize(
    ("said", "address"),
    [
        ("我要投诉A3区中心医院乱收费，清单上护理费收了三次", "A3区中心医院"),
        ("A7县星沙街道，县三中，就是A7县第三中学，初二年级乱收资料费", "A7县星沙街道第三中学"),
        ("我在A3区火车南站这边，出站口的电梯坏了好几天", "A3区火车南站"),
        ("A3区，红星农贸市场，就是那个，万家丽南路那个大市场，缺斤少两", "A3区红星农贸市场万家丽南路"),
        ("A5区井湾子街道那个步步高超市，卖的牛奶过期了", "A5区井湾子街道步步高超市"),
        ("就是A1区烈士公园北门那里，路灯一排全不亮", "A1区烈士公园北门"),
        ("A9市北盛镇老百姓大药房，卖假药", "A9市北盛镇老百姓大药房"),
        ("A5区井湾子街道，中意一路的，嗯，桂花苑，燃气表老了想换", "A5区井湾子街道中意一路桂花苑"),
        ("A9市北盛镇，新康路上的那个惠民生活超市，卖过期牛奶", "A9市北盛镇新康路惠民生活超市"),
        ("A9市北盛镇，新康路上的家电城，叫……万家福电器，冰箱不给退", "A9市北盛镇新康路家电城万家福电器"),
        ("A1区马坡岭，远大路，往东走，过了那个马坡岭加油站一点点，井盖没了", "A1区马坡岭街道远大路马坡岭加油站"),
        ("A5区井湾子街道，曲塘路，沃尔玛门口露天停车场，车里锁了个小孩", "A5区井湾子街道曲塘路沃尔玛门口露天停车场"),
        ("A7县星沙街道，开元东路，口味王饭店，液化气漏了", "A7县星沙街道开元东路口味王饭店"),
        ("A3区西湖街道，赤岭路小学，四年级乱收费", "A3区西湖街道赤岭路小学"),
        ("A7县星沙街道，星沙一小，东六路上的那个，食堂吃坏了肚子", "A7县星沙街道星沙一小东六路"),
        (
            "A3区西湖街道，麓云路跟旺龙路交叉口那个楼盘，叫什么麓谷新城，夜里施工",
            "A3区西湖街道麓云路与旺龙路交叉口麓谷新城",
        ),
    ],
)
def test_named_venues_are_the_address(said: str, address: str) -> None:
    assert place_of_call(f"坐席：请问具体位置在哪里？\n市民：{said}")[0] == address


@pytest.mark.parametrize(
    ("said", "address"),
    [
        ("A3区，西湖街道，滨江那个，银杉路的江山帝景，十二栋", "A3区西湖街道银杉路江山帝景12栋"),
        ("A1区马坡岭街道，嘉和城，十六栋，六楼，不是不是，七楼，七零三。", "A1区马坡岭街道嘉和城16栋7楼703"),
        ("A9市北盛镇，阳光小区三栋二单元幺二零三室", "A9市北盛镇阳光小区3栋2单元1203室"),
        ("A3区西湖街道枫林路十二号门口", "A3区西湖街道枫林路12号"),
        ("A9市北盛镇，仙人村，九组", "A9市北盛镇仙人村9组"),
    ],
)
def test_house_numbers_said_aloud_are_written_in_digits(said: str, address: str) -> None:
    assert place_of_call(f"市民：{said}")[0] == address


def test_a_village_or_community_named_alone_is_the_address() -> None:
    address, area = place_of_call("市民：我住西湖街道茶场村，村口那根电线断了在冒火花")
    assert (address, area) == ("A3区西湖街道茶场村", "A3区/西湖街道/茶场村")
    side, _ = place_of_call(
        "市民：前天晚上我们茶场村北门那里有人打架\n坐席：您是建议在A3区西湖街道茶场村北门装监控吗？"
    )
    assert side == "A3区西湖街道茶场村北门"
    street_only, _ = place_of_call("市民：A3区西湖街道那边停水了")
    assert street_only == ""  # a street says no more than the area


def test_a_village_said_in_its_own_turn_after_the_town_is_the_address() -> None:
    address, _ = place_of_call("市民：我是A7县春华镇的，村里的田流转了钱没给\n坐席：哪个村？\n市民：五福村。")
    assert address == "A7县春华镇五福村"
    along, _ = place_of_call("市民：A7县星沙街道，关山村，靠近开元路的那个山坡下面，在建搅拌站")
    assert along == "A7县星沙街道关山村开元路"
    company, _ = place_of_call("市民：A7县星沙街道临空产业园，一家电商公司，怀孕了就叫我走")
    assert company == "A7县星沙街道临空产业园电商公司"


def test_a_road_named_after_a_place_and_a_road_taken_back_later() -> None:
    assert place_of_call("市民：A1区马坡岭街道老屋园路十二号，水管爆了")[0] == "A1区马坡岭街道老屋园路12号"
    address, _ = place_of_call(
        "市民：A5区，万家丽路，往北走，靠近那个圭塘河那个桥过来一点，路塌了\n"
        "坐席：我复述一下，A5区万家丽南路靠近圭塘河桥北侧，路面塌陷，对吗？\n"
        "市民：不对不对，是万家丽中路，不是南路。就是过了圭塘河桥往北一两百米"
    )
    assert address.startswith("A5区万家丽") and "万家丽南路" not in address


def test_a_bus_route_is_no_road_and_a_read_back_the_caller_denies_is_not_kept() -> None:
    assert place_of_call("市民：我投诉三十八路公交车，下午从火车南站往洞井那个方向开的，空调不开")[0] == "火车南站"
    address, _ = place_of_call("市民：路灯坏了\n坐席：您是说A3区西湖街道枫林路吗？\n市民：不是不是，是枫林二路，二十号")
    assert address == "A3区西湖街道枫林二路20号"
    corrected, _ = place_of_call("市民：A1区马坡岭街道，解放西路那边的一个老小区，叫……书院小区？不对，是识字岭小区")
    assert corrected == "A1区马坡岭街道解放西路识字岭小区"


@pytest.mark.parametrize(
    ("said", "address"),
    [
        ("液化气漏了，地方是A1区，那个小巷子，太平街口子上，辣妹子米粉店", "A1区太平街辣妹子米粉店"),
        ("A9市北盛镇，滨江南路尽头，那个修车铺旁边，电线垂到地上了", "A9市北盛镇滨江南路尽头修车铺旁边"),
        ("北盛镇景区那个停车场，牌子上写十块，收了我三十", "A9市北盛镇景区停车场"),
        ("A7县星沙那边有个客户，叫恒通电子，欠我货款二十三万", "A7县星沙街道恒通电子"),
        ("A9市北盛镇，有个做塑料颗粒的厂，好像叫鑫达再生资源，晚上排废气", "A9市北盛镇鑫达再生资源"),
        ("A3区西湖街道沙湾路，靠近那个圭塘河风光带的那一段，路灯不亮", "A3区西湖街道沙湾路圭塘河风光带"),
        ("A1区马坡岭街道，车站北路那边，有个如家酒店，空调外机滴水", "A1区马坡岭街道车站北路如家酒店"),
        ("我爸在A9市北盛镇上班，那个厂，叫，嗯，金鑫食品厂，拖欠工资", "A9市北盛镇金鑫食品厂"),
        ("A1区马坡岭街道，八一路，八一路三巷，十五号，屋顶漏水", "A1区马坡岭街道八一路3巷15号"),
        ("A7县春华镇，春华大道上那座桥，叫浏阳河大桥，桥面有个大坑", "A7县春华镇春华大道浏阳河大桥"),
        ("A9市北盛镇，那个物流园，传化物流园，货车乱停", "A9市北盛镇传化物流园"),
        ("A7县春华镇，有个陵园，叫福寿园，每年收管理费", "A7县春华镇福寿园"),
        ("A3区西湖街道，枫林三路，嗯，还有那个，岳华路，两条路交汇的地方，没有斑马线", "A3区西湖街道枫林三路与岳华路"),
    ],
)
def test_small_places_callers_name(said: str, address: str) -> None:
    assert place_of_call(f"市民：{said}")[0] == address


def test_a_compound_said_short_is_written_as_named_in_full_and_the_citys_library_keeps_its_name() -> None:
    address, _ = place_of_call(
        "坐席：您反映的是保利天禧小区电梯频繁故障，是吧？\n市民：对，A1区马坡岭街道月塘路保利天禧，三栋。"
    )
    assert address == "A1区马坡岭街道月塘路保利天禧小区3栋"
    library, _ = place_of_call("市民：我想表扬图书馆的一个工作人员\n市民：A市图书馆，在A1区马坡岭街道那边")
    assert library == "A1区马坡岭街道A市图书馆"


def test_two_places_of_a_kind_in_a_list_stay_two() -> None:
    address, _ = place_of_call("市民：A7县星沙街道，山水湾小区与保利香槟国际小区之间那条路，路灯不亮")
    assert "山水湾小区" in address and "保利香槟国际小区" in address


def test_a_kind_of_place_asked_about_is_no_address() -> None:
    assert place_of_call("市民：我想给人大代表提个意见\n市民：月湖街道有联络站吗？")[0] == ""
    assert place_of_call("市民：我想问一下，五月二十号那天，婚姻登记处要不要预约？")[0] == ""
    assert place_of_call("市民：我们沙田乡的班车少了，老人去县医院看病都赶不上")[0] == ""


def test_a_street_office_missing_from_the_gazetteer_is_kept_but_is_no_spot() -> None:
    address, _ = place_of_call("市民：A1区赤岭路街道，赤岭路小学，四年级乱收费")
    assert address == "A1区赤岭路街道赤岭路小学"
    assert place_of_call("市民：A1区赤岭路街道有没有办低保的窗口")[0] == ""


def test_our_compound_and_over_here_are_the_place_named_earlier_never_the_address() -> None:
    address, area = place_of_call(
        "市民：我住在A3区西湖街道阳光小区，三栋\n"
        "坐席：您请说。\n"
        "市民：我们小区门口那个路灯坏了半个月，我们这边晚上黑得很，门口还有个坑"
    )
    assert address == "A3区西湖街道阳光小区3栋"
    assert area == "A3区/西湖街道"
    nothing_named, _ = place_of_call("市民：我们小区门口那个路灯坏了，我们这边晚上好黑，那个路口也没灯")
    assert nothing_named == ""


def test_a_place_somebody_goes_to_is_not_where_the_problem_is_unless_nothing_else_is_said() -> None:
    address, _ = place_of_call(
        "市民：我从A1区五一广场那边过来，要到人民广场去，走到芙蓉中路上看到一个井盖没有了，黑漆漆的"
    )
    assert address == "A1区芙蓉中路"  # the district the caller named on the way
    only_going, _ = place_of_call("市民：我明天要到A1区人民广场去，想问一下那边有没有停车场")
    assert only_going == "A1区人民广场"


def test_the_operators_read_back_states_the_place_when_the_caller_only_hints_at_it() -> None:
    address, area = place_of_call(
        "坐席：您好，12345热线，请讲。\n"
        "市民：那个井盖，就在我们这边那个路口，晚上好吓人\n"
        "坐席：请问具体位置在哪里？\n"
        "市民：就是书院路跟那个劳动路那里\n"
        "坐席：您是说A3区书院路和劳动路交叉口那个井盖没了是吧？\n"
        "市民：对对对"
    )
    assert address == "A3区书院路与劳动路交叉口"
    assert area == "A3区"


def test_a_district_said_once_early_and_a_street_said_without_its_suffix_are_found() -> None:
    _, area = place_of_call(
        "市民：A5区的，我想反映一下\n坐席：您请说。\n市民：就在井湾子那个中意一路上面，二楼，那个养老机构关门了"
    )
    assert area == "A5区/井湾子街道"
    _, two_characters = place_of_call("市民：A7县星沙，开元路，金色年华KTV门口有人打架")
    assert two_characters == "A7县/星沙街道"


def test_a_town_the_caller_takes_back_at_once_does_not_count() -> None:
    address, area = place_of_call(
        "市民：A9市北盛镇，不是，我们是A7县春华镇的，春华山村，村里的账目不公开\n"
        "坐席：我复述一下，A7县春华镇春华山村村务不公开，对吗？"
    )
    assert area == "A7县/春华镇"
    assert address == "A7县春华镇春华山村"


def test_a_web_message_still_gets_its_address_without_the_words_around_it() -> None:
    location = CALLS.locate("A3区中心医院附近噪音扰民 位于A市A3区联丰路米兰春天G2栋320的一家影楼通宵装修")
    assert location.address == "A3区联丰路米兰春天G2栋320"
    assert location.area.value == 4


def test_a_calls_order_and_summary_give_the_address_found_never_our_compound() -> None:
    categories = [
        CategoryRef(10, 1, "城乡建设"),
        CategoryRef(11, 2, "城市建设和市政管理", "城乡建设"),
        CategoryRef(12, 3, "路灯管理", "城市建设和市政管理"),
    ]
    pipeline = TriagePipeline(places=CITY, categories=categories)
    result = pipeline.run(
        "坐席：您好，12345热线，请讲。\n"
        "市民：我们小区门口的路登坏了半个月了，我们这边晚上黑得很\n"
        "坐席：请问是哪个小区？\n"
        "市民：A3区西湖街道，阳光小区，三栋那里\n"
        "坐席：好的，您是说A3区西湖街道阳光小区3栋门口路灯不亮是吧？\n"
        "市民：对"
    )
    assert result.address == "A3区西湖街道阳光小区3栋"
    assert result.summary_parts["location"] == "A3区西湖街道阳光小区3栋"
    assert "诉求地点：A3区西湖街道阳光小区3栋" in result.summary
