"""Reports of one problem at one place and of unrelated ones, for the hotspot tests: as detection items
(``plant_reports``) and as texts for stored orders (``MIXING_PLANT``, ``UNRELATED``, ``STREET_LIGHTS``); and
helpers to run detection month by month on the public data and find a labelled cluster among the hotspots."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from analytics.hotspots.detection import detect_hotspots
from analytics.hotspots.types import DetectedHotspot, HotspotItem
from workorders.models import WorkOrder

SHANGHAI = ZoneInfo("Asia/Shanghai")
END = datetime(2024, 6, 30, 23, 0, tzinfo=SHANGHAI)


# Gazetteer paths: city / district / street / community.
CUIHU = (1, 10, 102, 1002)
WANGJING = (1, 20, 201, 2001)
BASELINE_KEY = (CUIHU[-1], "环境保护")  # the plant's community (its hotspot's area) and category


PLANT_TEXTS = (
    "翠湖家园小区东侧搅拌站夜间施工噪音扰民\n翠湖家园小区东侧新建的混凝土搅拌站每天夜里施工到凌晨两点，"
    "运料车进进出出，噪音太大，孩子没法睡觉，请尽快处理。",
    "投诉翠湖家园旁边搅拌站噪音和粉尘\n翠湖家园旁边的搅拌站昼夜生产，机器轰鸣，粉尘很大，居民无法休息，要求关停搅拌站。",
    "翠湖家园附近搅拌站深夜作业\n住在翠湖家园，小区东边搅拌站深夜还在作业，搅拌机和罐车的噪音吵得整栋楼睡不着。",
    "关于翠湖家园搅拌站扰民的投诉\n翠湖家园小区东侧搅拌站噪音扰民，粉尘污染严重，多次反映没有结果，请环保部门查处。",
    "翠湖家园东侧搅拌站噪音粉尘问题\n翠湖家园东侧的混凝土搅拌站晚上不停工，噪音和粉尘影响居民休息，希望相关部门依法处理。",
    "翠湖家园搅拌站何时搬走\n翠湖家园旁边的搅拌站长期夜间生产，噪音严重扰民，灰尘落满阳台，请问何时能够搬迁。",
)


def plant_reports(
    *, first_id: int = 1, end: datetime = END, callers: Sequence[str] | None = None, urgency: str = "normal"
) -> list[HotspotItem]:
    """Six citizens reporting the mixing plant by 翠湖家园 over the window's last ten days."""
    callers = callers or [f"1390000000{i}" for i in range(len(PLANT_TEXTS))]
    return [
        HotspotItem(
            id=first_id + i,
            text=text,
            created_at=end - timedelta(days=10 - i, hours=3),
            area_path=CUIHU,
            category="环境保护",
            caller=callers[i],
            urgency=urgency,
            department="生态环境局" if i % 3 else "城管局",
        )
        for i, text in enumerate(PLANT_TEXTS)
    ]


def only(hotspots: list[DetectedHotspot]) -> DetectedHotspot:
    assert len(hotspots) == 1, [h.label for h in hotspots]
    return hotspots[0]


def month_window(
    items: Sequence[HotspotItem], year: int, month: int, extra: Sequence[HotspotItem] = ()
) -> list[DetectedHotspot]:
    """The calendar month's hotspots, the month before as ``previous`` (as the dashboard runs it)."""
    start = datetime(year, month, 1, tzinfo=SHANGHAI)
    end = (start + timedelta(days=32)).replace(day=1)
    days = (end - start).days
    window = [it for it in items if start < it.created_at <= end]
    before = [it for it in items if start - timedelta(days=days) < it.created_at <= start]
    return detect_hotspots([*window, *extra], window_end=end, window_days=days, previous=before)


def holding(hotspots: list[DetectedHotspot], members: set[int]) -> list[tuple[int, DetectedHotspot]]:
    """(members held, hotspot) of every hotspot holding some of ``members``, most first."""
    found = [(len(members & set(h.member_ids)), h) for h in hotspots]
    return sorted([item for item in found if item[0]], key=lambda item: -item[0])


def cluster(gold: dict[int, str], name: str) -> set[int]:
    return {i for i, c in gold.items() if c == name}


NOW = timezone.make_aware(datetime(2026, 6, 30, 17, 0))  # the stored orders' "now"

# One problem in one place, told by six different callers in their own words.
MIXING_PLANT = [
    ("丽发新城搅拌站噪音扰民", "丽发新城小区旁边的搅拌站每天晚上施工到凌晨，搅拌站噪音太大，居民无法休息。"),
    ("投诉丽发新城附近搅拌站", "丽发新城搅拌站粉尘和噪音严重，晚上搅拌机一直响，孩子睡不着觉，请求处理。"),
    ("丽发新城搅拌站夜间施工", "暮云街道丽发新城小区对面的搅拌站夜间作业，噪音扰民，希望相关部门查处搅拌站。"),
    ("丽发新城旁搅拌站污染", "丽发新城业主反映：搅拌站灰尘大，噪音大，搅拌车进出频繁，严重影响生活。"),
    ("请求关停丽发新城搅拌站", "丽发新城小区附近的搅拌站违规生产，夜里噪音扰民，请求关停搬迁搅拌站。"),
    ("丽发新城搅拌站扰民", "住在丽发新城，隔壁搅拌站天天半夜施工噪音很大，投诉多次没有结果。"),
]
UNRELATED = [
    ("公交站牌损坏", "西湖街道茶场村公交站的站牌被撞坏了，等车的人看不到线路。"),
    ("幼儿园收费过高", "星沙某民办幼儿园每学期收费上涨一千元，家长负担太重。"),
    ("小区停水三天", "恒大华府小区已经停水三天，物业没有任何通知。"),
    ("路灯不亮", "岳麓大道辅路的路灯坏了一个星期，晚上很黑，请尽快修理。"),
]
STREET_LIGHTS = [
    ("茶场村路灯不亮", "西湖街道茶场村主干道的路灯已经坏了两个星期，晚上漆黑一片，老人出行摔倒，请尽快修复路灯。"),
    ("茶场村路灯坏了", "茶场村路灯不亮快半个月，晚上村道漆黑，骑电动车很危险，希望修复茶场村路灯。"),
    ("茶场村晚上没有路灯", "西湖街道茶场村的路灯全部不亮，晚上出门看不见路，请相关部门修好茶场村路灯。"),
    ("茶场村路灯一直没修", "茶场村的路灯坏了很久，晚上黑灯瞎火，请尽快派人修复茶场村路灯。"),
]

PlantOrders = tuple[list[WorkOrder], list[WorkOrder]]  # the mixing plant's orders, and the unrelated ones
