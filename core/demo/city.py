"""The demo city (the data set's pseudonymous A市): gazetteer, departments, dispatch catalogue and logins.

Idempotent: rows are found by their codes or usernames, and only what is missing is created."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from django.db import transaction

from accounts.models import Role
from accounts.services import user_ensure
from core.demo.dataset import Message
from workorders.choices import AreaKind, DepartmentKind
from workorders.models import Area, Category, Department
from workorders.reference import (
    area_ensure,
    department_ensure,
    dispatch_rule_ensure,
    read_taxonomy_csv,
    taxonomy_import,
)

DEMO_PASSWORD = "hotline123"
CITY = ("A", "A市")
DISTRICTS = [
    ("A1", "A1区"), ("A2", "A2区"), ("A3", "A3区"), ("A4", "A4区"), ("A5", "A5区"),
    ("A6", "A6区"), ("A7", "A7县"), ("A8", "A8县"), ("A9", "A9市"),
]  # fmt: skip

# code, name, kind, parent code
CITY_DEPARTMENTS: list[tuple[str, str, str, str | None]] = [
    ("ZFB", "A市人民政府办公室", DepartmentKind.CITY_OFFICE, None),
    ("ZJJ", "A市住房和城乡建设局", DepartmentKind.FUNCTIONAL_BUREAU, None),
    ("ZJJ-WY", "A市住房和城乡建设局物业监管科", DepartmentKind.FUNCTIONAL_BUREAU, "ZJJ"),
    ("CGJ", "A市城市管理和综合执法局", DepartmentKind.FUNCTIONAL_BUREAU, None),
    ("ZRZY", "A市自然资源和规划局", DepartmentKind.FUNCTIONAL_BUREAU, None),
    ("STHJ", "A市生态环境局", DepartmentKind.FUNCTIONAL_BUREAU, None),
    ("JTYS", "A市交通运输局", DepartmentKind.FUNCTIONAL_BUREAU, None),
    ("GAJ", "A市公安局", DepartmentKind.FUNCTIONAL_BUREAU, None),
    ("GAJ-JJ", "A市公安局交通警察支队", DepartmentKind.FUNCTIONAL_BUREAU, "GAJ"),
    ("JYJ", "A市教育局", DepartmentKind.FUNCTIONAL_BUREAU, None),
    ("WLJ", "A市文化旅游广电体育局", DepartmentKind.FUNCTIONAL_BUREAU, None),
    ("RSJ", "A市人力资源和社会保障局", DepartmentKind.FUNCTIONAL_BUREAU, None),
    ("WJW", "A市卫生健康委员会", DepartmentKind.FUNCTIONAL_BUREAU, None),
    ("SWJ", "A市商务局", DepartmentKind.FUNCTIONAL_BUREAU, None),
    ("SCJ", "A市市场监督管理局", DepartmentKind.FUNCTIONAL_BUREAU, None),
    ("MZJ", "A市民政局", DepartmentKind.FUNCTIONAL_BUREAU, None),
    ("NYJ", "A市农业农村局", DepartmentKind.FUNCTIONAL_BUREAU, None),
    ("SLJ", "A市水利局", DepartmentKind.FUNCTIONAL_BUREAU, None),
    ("KJJ", "A市科学技术局", DepartmentKind.FUNCTIONAL_BUREAU, None),
    ("FGW", "A市发展和改革委员会", DepartmentKind.FUNCTIONAL_BUREAU, None),
    ("SFJ", "A市司法局", DepartmentKind.FUNCTIONAL_BUREAU, None),
    ("JW", "A市纪委监委", DepartmentKind.FUNCTIONAL_BUREAU, None),
    ("GDGS", "国网A市供电公司", DepartmentKind.PUBLIC_SERVICE, None),
    ("SWJT", "A市水务集团", DepartmentKind.PUBLIC_SERVICE, None),
    ("RQGS", "A市燃气公司", DepartmentKind.PUBLIC_SERVICE, None),
]
# Street offices created under their district governments (the busiest places in the data).
STREET_OFFICES = {"A3": 2, "A7": 2, "A2": 1, "A1": 1}

# The city-wide catalogue: category path → lead department code, assisting codes.
CATALOGUE: list[tuple[tuple[str, ...], str, list[str]]] = [
    (("城乡建设",), "ZJJ", []),
    (("城乡建设", "城市建设和市政管理"), "CGJ", []),
    (("城乡建设", "城市建设和市政管理", "燃气供应"), "RQGS", ["ZJJ"]),
    (("城乡建设", "城市建设和市政管理", "电力供应"), "GDGS", []),
    (("城乡建设", "城市建设和市政管理", "自来水供应"), "SWJT", []),
    (("城乡建设", "城市建设和市政管理", "公共汽车"), "JTYS", []),
    (("城乡建设", "城市建设和市政管理", "小区管理"), "ZJJ-WY", []),
    (("城乡建设", "住房保障与房地产", "物业服务"), "ZJJ-WY", []),
    (("城乡建设", "城乡规划"), "ZRZY", ["CGJ"]),
    (("城乡建设", "安全生产"), "ZJJ", ["FGW"]),
    (("党务政务",), "ZFB", []),
    (("国土资源",), "ZRZY", []),
    (("环境保护",), "STHJ", []),
    (("环境保护", "环境污染", "噪音污染"), "STHJ", ["GAJ"]),
    (("纪检监察",), "JW", []),
    (("交通运输",), "JTYS", []),
    (("经济管理",), "FGW", []),
    (("经济管理", "金融财税"), "FGW", ["SCJ"]),
    (("科技与信息产业",), "KJJ", []),
    (("民政",), "MZJ", []),
    (("农村农业",), "NYJ", []),
    (("农村农业", "水利水电"), "SLJ", []),
    (("商贸旅游",), "SWJ", []),
    (("商贸旅游", "市场监管"), "SCJ", []),
    (("商贸旅游", "旅游管理"), "WLJ", []),
    (("卫生计生",), "WJW", []),
    (("卫生计生", "食品药品监管"), "SCJ", ["WJW"]),
    (("政法",), "GAJ", []),
    (("政法", "交通管理"), "GAJ-JJ", []),
    (("政法", "法律服务"), "SFJ", []),
    (("教育文体",), "JYJ", []),
    (("教育文体", "文化"), "WLJ", []),
    (("教育文体", "体育"), "WLJ", []),
    (("劳动和社会保障",), "RSJ", []),
]
# Local matters go to the district government where the appeal is, with the city bureau assisting.
DISTRICT_CATALOGUE: list[tuple[tuple[str, ...], list[str]]] = [
    (("城乡建设", "城市建设和市政管理", "城管执法"), ["CGJ"]),
    (("城乡建设", "城市建设和市政管理", "环境卫生"), []),
    (("城乡建设", "村镇建设"), ["ZJJ"]),
    (("民政", "基层选举和社区建设"), []),
    (("农村农业", "村务管理"), []),
]
# ... and to the street office where one exists for the street.
STREET_CATALOGUE: list[tuple[str, ...]] = [
    ("城乡建设", "城市建设和市政管理", "小区管理"),
    ("城乡建设", "城市建设和市政管理", "环境卫生"),
]

DEMO_USERS = [
    # username, display name, role, department code
    ("operator", "张敏（话务员）", Role.OPERATOR, None),
    ("officer", "王强（市住建局）", Role.OFFICER, "ZJJ"),
    ("officer_a3", "李娜（A3区政府）", Role.OFFICER, "A3GOV"),
    ("manager", "陈静（管理人员）", Role.MANAGER, None),
    ("admin", "系统管理员", Role.ADMIN, None),
    ("integration", "对接系统", Role.INTEGRATION, None),
]

_STREET = re.compile(r"(A\d)(?:区|县|市)([\u4e00-\u9fa5]{2,4}?(?:街道|镇|乡))")
_COMMUNITY = re.compile(r"([\u4e00-\u9fa5]{2,4}?(?:街道|镇|乡))([\u4e00-\u9fa5]{2,4}?(?:社区|村))")
_NOT_A_PLACE = ("住房", "城乡", "市", "和", "关于", "在", "的")


def places_from_messages(messages: list[Message]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Streets per district and communities per street, as citizens name them (seen at least 3 times)."""
    streets: Counter[tuple[str, str]] = Counter()
    communities: Counter[tuple[str, str]] = Counter()
    for message in messages:
        streets.update(_STREET.findall(message.text))
        communities.update(_COMMUNITY.findall(message.text))
    by_district: dict[str, list[str]] = {}
    owner: dict[str, str] = {}
    for (district, street), count in streets.most_common():
        if count < 3 or street.startswith(_NOT_A_PLACE) or any(word in street for word in ("城乡", "住房")):
            continue
        if street in owner:  # the same name under two districts: keep the more frequent
            continue
        owner[street] = district
        by_district.setdefault(district, []).append(street)
    by_street: dict[str, list[str]] = {}
    for (street, community), count in communities.most_common():
        stem = street[-5:]
        match = next((s for s in owner if stem.endswith(s) or s.endswith(stem)), None)
        if count < 3 or match is None or community.startswith(_NOT_A_PLACE):
            continue
        by_street.setdefault(match, []).append(community)
    return by_district, by_street


def ensure_areas(messages: list[Message]) -> int:
    created = 0

    def area(code: str, name: str, kind: str, parent: Area | None, aliases: list[str] | None = None) -> Area:
        nonlocal created
        obj, made = area_ensure(code=code, name=name, kind=kind, parent=parent, aliases=aliases)
        created += made
        return obj

    city = area(CITY[0], CITY[1], AreaKind.CITY, None)
    streets, communities = places_from_messages(messages)
    for code, name in DISTRICTS:
        # A county is also called a county-level city and the other way round (A7县 / A7市).
        aliases = (
            [name[:-1] + "县" if name.endswith("市") else name[:-1] + "市"] if name.endswith(("县", "市")) else None
        )
        district = area(code, name, AreaKind.DISTRICT, city, aliases)
        for index, street_name in enumerate(streets.get(code, []), start=1):
            street = area(f"{code}-S{index:02d}", street_name, AreaKind.STREET, district)
            for number, community_name in enumerate(communities.get(street_name, []), start=1):
                area(f"{street.code}-C{number:02d}", community_name, AreaKind.COMMUNITY, street)
    return created


def ensure_departments() -> int:
    created = 0

    def department(code: str, name: str, kind: str, parent: Department | None, area: Area | None = None) -> Department:
        nonlocal created
        obj, made = department_ensure(code=code, name=name, kind=kind, parent=parent, area=area)
        created += made
        return obj

    by_code: dict[str, Department] = {}
    for code, name, kind, parent_code in CITY_DEPARTMENTS:
        by_code[code] = department(code, name, kind, by_code.get(parent_code) if parent_code else None)
    for code, name in DISTRICTS:
        district_area = Area.objects.get(code=code)
        government = department(f"{code}GOV", f"{name}人民政府", DepartmentKind.DISTRICT_OFFICE, None, district_area)
        for street in district_area.children.order_by("code")[: STREET_OFFICES.get(code, 0)]:
            suffix = "办事处" if street.name.endswith("街道") else "人民政府"
            department(
                f"{street.code}-JD", f"{name}{street.name}{suffix}", DepartmentKind.STREET_OFFICE, government, street
            )
    return created


def _category(path: tuple[str, ...]) -> Category:
    node = None
    for name in path:
        node = Category.objects.get(parent=node, name=name)
    assert node is not None
    return node


def ensure_catalogue() -> int:
    created = 0

    def rule(category: Category, area: Area | None, lead: str, assisting: list[str]) -> None:
        nonlocal created
        _rule, made = dispatch_rule_ensure(
            category=category,
            area=area,
            lead=Department.objects.get(code=lead),
            assisting=Department.objects.filter(code__in=assisting),
        )
        created += made

    for path, lead, assisting in CATALOGUE:
        rule(_category(path), None, lead, assisting)
    for code, _name in DISTRICTS:
        district = Area.objects.get(code=code)
        for path, assisting in DISTRICT_CATALOGUE:
            rule(_category(path), district, f"{code}GOV", assisting)
    for office in Department.objects.filter(kind=DepartmentKind.STREET_OFFICE, area__isnull=False):
        for path in STREET_CATALOGUE:
            rule(_category(path), office.area, office.code, [])
    return created


def ensure_users() -> list[tuple[str, str, str]]:
    """The demo logins (one per role) and one staff account per department for replaying history."""
    logins = []
    for username, display_name, role, department_code in DEMO_USERS:
        department = Department.objects.get(code=department_code) if department_code else None
        user_ensure(
            username=username, display_name=display_name, role=role, department=department, password=DEMO_PASSWORD
        )
        logins.append((username, DEMO_PASSWORD, str(role.label)))
    for department in Department.objects.all():
        user_ensure(
            username=f"staff-{department.code.lower()}",
            display_name=f"{department.name}值班员",
            role=Role.OFFICER,
            department=department,
        )
    return logins


def ensure_reference_data(dataset_dir: Path, messages: list[Message]) -> dict[str, int]:
    with transaction.atomic():
        return {
            "categories": taxonomy_import(rows=read_taxonomy_csv(dataset_dir / "teddy2020c" / "taxonomy.csv")),
            "areas": ensure_areas(messages),
            "departments": ensure_departments(),
            "dispatch_rules": ensure_catalogue(),
        }
