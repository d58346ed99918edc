"""Demo data for a pseudonymous city (the data set's A市): gazetteer, departments, dispatch catalogue,
users, and the public Teddy Cup messages replayed as a year of historical orders.

Everything is idempotent: rows are found by their codes, usernames or sender ids, and only what is
missing is created. Historical orders go through the same services as live ones (with ``at`` set to
the historical time), so their event histories look like the real thing.
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import logging
import random
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from hotline import services as intake
from hotline.models import Submission, SubmissionStatus
from hotline.selectors import current_pipeline
from hotline.triage.pipeline import TriagePipeline, TriageResult
from workorders import selectors, services
from workorders.choices import AreaKind, Channel, DepartmentKind, ReturnReason, Satisfaction
from workorders.models import Area, Category, Department, DispatchRule, WorkOrder
from workorders.reference import read_taxonomy_csv, taxonomy_import

logger = logging.getLogger(__name__)

DEMO_PASSWORD = "hotline123"
RECENT_ORDERS = 150
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


@dataclass(frozen=True)
class Message:
    """One public message, whatever file it came from."""

    source: str
    key: str
    title: str
    detail: str
    posted_at: datetime | None
    user: str
    label: str = ""
    reply: str = ""
    replied_at: datetime | None = None
    likes: int = 0

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.detail}".strip() if self.title else self.detail.strip()


# --- reading the data set ------------------------------------------------------------------------------


def _parse_time(value: str) -> datetime | None:
    value = (value or "").strip()
    for pattern in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d"):
        try:
            return timezone.make_aware(datetime.strptime(value, pattern))
        except ValueError:
            continue
    return None


def _clean(text: str) -> str:
    return re.sub(r"[ \t\u3000]*\n[\s]*", "\n", (text or "").replace("[政府发文]", "")).strip()


def read_messages(dataset_dir: Path) -> list[Message]:
    """Every message of the data set once (re-posts and rows shared between files are dropped)."""
    messages: dict[str, Message] = {}
    seen_text: set[str] = set()

    def add(message: Message) -> None:
        fingerprint = hashlib.sha1(message.text.encode()).hexdigest()
        if message.key in messages or fingerprint in seen_text or len(message.text) < 10:
            return
        seen_text.add(fingerprint)
        messages[message.key] = message

    def rows(name: str) -> Iterator[dict[str, str]]:
        with (dataset_dir / name).open(encoding="utf-8", newline="") as handle:
            yield from csv.DictReader(handle)

    for name in ("messages_train.csv", "messages_dev.csv"):
        for row in rows(name):
            key = f"m{row['message_id']}" if row["message_id"] else f"r{row['row_idx']}"
            title, detail = _clean(row["title"]), _clean(row["detail"])
            if not detail:
                title, detail = "", _clean(row["text"])
            add(
                Message(
                    name, key, title, detail, _parse_time(row["posted_at"]), f"U{row['row_idx']}", label=row["label"]
                )
            )
    for row in rows("replies.csv"):
        add(
            Message(
                "replies.csv", f"m{row['message_id']}", _clean(row["title"]), _clean(row["detail"]),
                _parse_time(row["posted_at"]), row["user"], reply=_clean(row["reply"]),
                replied_at=_parse_time(row["replied_at"]),
            )
        )  # fmt: skip
    for row in rows("hotspot_messages.csv"):
        add(
            Message(
                "hotspot_messages.csv", f"m{row['message_id']}", _clean(row["title"]), _clean(row["detail"]),
                _parse_time(row["posted_at"]), row["user"], likes=int(row["likes"] or 0),
            )
        )  # fmt: skip
    for row in rows("messages_unlabelled.csv"):
        add(
            Message(
                "messages_unlabelled.csv", f"m{row['message_id']}", _clean(row["title"]), _clean(row["detail"]),
                _parse_time(row["posted_at"]), row["user"],
            )
        )  # fmt: skip
    return list(messages.values())


# --- reference data --------------------------------------------------------------------------------------


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

    def area(code: str, name: str, kind: str, parent: Area | None) -> Area:
        nonlocal created
        obj, made = Area.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "parent": parent})
        created += made
        return obj

    city = area(CITY[0], CITY[1], AreaKind.CITY, None)
    streets, communities = places_from_messages(messages)
    for code, name in DISTRICTS:
        district = area(code, name, AreaKind.DISTRICT, city)
        if name.endswith("县") or name.endswith("市"):
            aliases = [name[:-1] + "县" if name.endswith("市") else name[:-1] + "市"]
            if district.aliases != aliases:
                district.aliases = aliases
                district.save(update_fields=["aliases"])
        for index, street_name in enumerate(streets.get(code, []), start=1):
            street = area(f"{code}-S{index:02d}", street_name, AreaKind.STREET, district)
            for number, community_name in enumerate(communities.get(street_name, []), start=1):
                area(f"{street.code}-C{number:02d}", community_name, AreaKind.COMMUNITY, street)
    return created


def ensure_departments() -> int:
    created = 0

    def department(code: str, name: str, kind: str, parent: Department | None, area: Area | None = None) -> Department:
        nonlocal created
        obj, made = Department.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "parent": parent, "area": area}
        )
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
        obj, made = DispatchRule.objects.get_or_create(
            category=category, area=area, defaults={"lead_department": Department.objects.get(code=lead)}
        )
        if made:
            obj.assisting_departments.set(Department.objects.filter(code__in=assisting))
            created += 1

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
        user, made = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": display_name,
                "role": role,
                "department": department,
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
            },
        )
        if made:
            user.set_password(DEMO_PASSWORD)
            user.save()
        logins.append((username, DEMO_PASSWORD, str(role.label)))
    for department in Department.objects.all():
        user, made = User.objects.get_or_create(
            username=f"staff-{department.code.lower()}",
            defaults={"first_name": f"{department.name}值班员", "role": Role.OFFICER, "department": department},
        )
        if made:
            user.set_unusable_password()
            user.save()
    return logins


def ensure_reference_data(dataset_dir: Path, messages: list[Message]) -> dict[str, int]:
    with transaction.atomic():
        return {
            "categories": taxonomy_import(rows=read_taxonomy_csv(dataset_dir / "teddy2020c" / "taxonomy.csv")),
            "areas": ensure_areas(messages),
            "departments": ensure_departments(),
            "dispatch_rules": ensure_catalogue(),
        }


# --- historical orders -------------------------------------------------------------------------------------

_CHANNELS = [(Channel.PHONE, 0.6), (Channel.WEB, 0.25), (Channel.APP, 0.1), (Channel.API, 0.05)]
_GENERIC_REPLIES = [
    "您好！您反映的问题已收悉。经现场核实，情况基本属实，我单位已安排工作人员进行处理，目前问题已整改到位。感谢您对我们工作的监督和支持。",
    "您好！收到您的来电后，我们立即联系了相关责任单位，经调查核实后已责令其限期整改，并将持续跟踪。如有疑问请再次来电。",
    "您好！关于您反映的问题，经了解，该事项涉及相关政策规定，工作人员已电话联系您进行了详细解释，您表示理解。感谢您的来电。",
]


class Timeline:
    """Maps the data set's posting times (2010–2020, mostly 2018–2019) onto the last twelve months.

    The mapping is by rank, so the year is evenly filled while messages keep their order and reports
    of the same event stay close together. Messages without a time get a random one."""

    def __init__(self, source_times: list[datetime], target_start: datetime, target_end: datetime) -> None:
        self.source = sorted(source_times)
        self.target_start, self.span = target_start, target_end - target_start

    def __call__(self, moment: datetime | None, rng: random.Random) -> datetime:
        share = (
            rng.random()
            if moment is None or not self.source
            else bisect.bisect_left(self.source, moment) / len(self.source)
        )
        return self.target_start + self.span * share


class HistoryReplayer:
    """Creates one historical order per message and plays its lifecycle through the services: triage as at
    intake, the operator's correction where the data set's label says the category was wrong, dispatch,
    handling, callback."""

    def __init__(self, *, now: datetime, pipeline: TriagePipeline, timeline: Timeline) -> None:
        self.now = now
        self.pipeline = pipeline
        self.timeline = timeline
        self.categories = {c.pk: c for c in Category.objects.all()}
        self.areas = {a.pk: a for a in Area.objects.all()}
        self.level1 = {c.name: c for c in self.categories.values() if c.level == 1}
        self.staff = {u.department_id: u for u in User.objects.filter(username__startswith="staff-")}
        self.operators = list(User.objects.filter(role=Role.OPERATOR))
        self.manager = User.objects.filter(role=Role.MANAGER).first()
        self.fallback = Department.objects.get(code="ZFB")

    def replay(self, message: Message, *, recent: bool = False) -> WorkOrder:
        """One order; a ``recent`` one arrived in the last three days and is likely still being handled."""
        rng = random.Random(message.key)
        if recent:
            created = self.now - timedelta(hours=72 * rng.random())
        else:
            created = self.timeline(message.posted_at, rng)
        channel = rng.choices([c for c, _w in _CHANNELS], [w for _c, w in _CHANNELS])[0]
        phone = f"1990{int(hashlib.md5(message.user.encode()).hexdigest(), 16) % 10**7:07d}"  # synthetic, per user
        submission = Submission.objects.create(
            channel=channel,
            sender_id=f"teddy-{message.key}",
            received_at=created,
            caller_phone=phone,
            content_type="text/csv",
            raw_body=message.text,
            payload={"source": message.source, "key": message.key, "user": message.user, "likes": message.likes},
            status=SubmissionStatus.TRIAGED,
            attempts=1,
            triaged_at=created,
        )
        order = services.workorder_create_draft(
            appeal=message.detail or message.text, channel=channel, title=message.title,
            caller_phone=phone, submission=submission, at=created,
        )  # fmt: skip
        result = self.pipeline.run(order.appeal, title_hint=message.title)
        category = self.categories.get(result.category.value)
        area = self.areas.get(result.area.value)
        department = intake.department_guess(result, category=category, area=area)
        order = services.workorder_apply_triage(
            order=order,
            fields={
                "appeal_masked": result.masked_appeal, "title": result.title, "summary": result.summary,
                "request_type": result.request_type.value, "urgency": result.urgency.value,
                "emotion": result.emotion.value, "is_priority": result.priority, "category": category,
                "area": area, "address": result.address,
            },
            result={**result.as_dict(), "department": asdict(department.guess), "related": []},
            at=created,
        )  # fmt: skip
        self._correct_category(order, message, result, rng, created)
        self._play_lifecycle(order, message, rng, created)
        return order

    def _correct_category(
        self, order: WorkOrder, message: Message, result: TriageResult, rng: random.Random, created: datetime
    ) -> None:
        """Where the data set's label disagrees with triage, an operator corrects the category."""
        truth = self.level1.get(message.label)
        if truth is None or result.level1.value == truth.pk or self.now - created < timedelta(hours=2):
            return
        words = self.pipeline.tokenizer.content_words(result.text)
        within = self.pipeline.lexicon.rank_within(words, truth.name, keep=1)
        corrected = self.categories.get(within[0].value) if within else truth
        services.workorder_update(
            order=order, by=rng.choice(self.operators), category=corrected or truth, at=created + timedelta(minutes=20)
        )

    def _officer(self, department: Department) -> User:
        return self.staff[department.pk]

    def _play_lifecycle(self, order: WorkOrder, message: Message, rng: random.Random, created: datetime) -> None:
        age = self.now - created
        if age < timedelta(hours=36) and rng.random() < 0.45 or order.category is None:
            return  # still waiting for an operator
        step = _Clock(created, self.now, rng)
        lead, assisting = selectors.suggested_departments(order)
        lead = lead or self.fallback
        if rng.random() < (
            0.04 if age > timedelta(days=20) else 0.1
        ):  # mis-routed first: returned, arbitrated, re-dispatched
            wrong = Department.objects.exclude(pk=lead.pk).filter(kind="functional_bureau").order_by("?").first()
            order = services.workorder_dispatch(
                order=order, by=rng.choice(self.operators), lead_department=wrong, at=step(0.2, 1.5)
            )
            if not step.fits(6):
                return
            order = services.assignment_return(
                order=order, by=self._officer(wrong), reason_code=ReturnReason.NOT_OUR_FUNCTION,
                reason="该事项不属于我单位职责范围，建议转相关主管部门办理。", at=step(1, 6),
            )  # fmt: skip
            if not step.fits(12) or self.now - step.current < timedelta(days=4):
                return  # still waiting in the arbitration queue
            order = services.workorder_arbitrate(
                order=order, by=rng.choice(self.operators), accept=True, reason="经核实属实，改派主管部门。",
                lead_department=lead, assisting_departments=assisting, at=step(2, 12),
            )  # fmt: skip
        else:
            order = services.workorder_dispatch(
                order=order, by=rng.choice(self.operators), lead_department=lead, assisting_departments=assisting,
                at=step(0.1, 3),
            )  # fmt: skip
        real_delay = None
        if message.reply and message.replied_at and message.posted_at:
            real_delay = (message.replied_at - message.posted_at).total_seconds() / 3600
        self._handle(order, rng, step, lead, reply=message.reply, reply_delay_hours=real_delay)

    def _handle(
        self,
        order: WorkOrder,
        rng: random.Random,
        step: _Clock,
        lead: Department,
        *,
        reply: str = "",
        reply_delay_hours: float | None = None,
    ) -> None:
        """Sign, contact, reply, callback and close, as far as the order's age allows."""
        officer = self._officer(lead)
        late = rng.random() < 0.08  # some departments let orders run over
        if not step.fits(3 if not late else 30):
            return
        order = services.assignment_sign(order=order, by=officer, at=step(0.2, 3 if not late else 30))
        for assignment in order.assignments.filter(role="assist"):
            services.assignment_sign(order=order, by=self._officer(assignment.department), at=step(0.1, 2))
        if not step.fits(24):
            return
        order = services.assignment_record_contact(
            order=order, by=officer, note="已电话联系诉求人了解情况。", at=step(1, 24)
        )
        if rng.random() < 0.05 and step.fits(48) and self.now - step.current < timedelta(days=5):
            services.extension_request(
                order=order, by=officer, working_days=5, reason="需协调多个部门现场勘查，申请延期。"
            )
            return
        reply_hours = 24 * rng.uniform(1, 12 if not late else 30)
        if reply_delay_hours is not None:  # the government's real reply time for this message
            reply_hours = min(max(reply_delay_hours, 4.0), 24 * 40)
        if not step.fits(reply_hours):
            if order.is_overdue_at(self.now) and self.manager and rng.random() < 0.3:
                services.workorder_supervise(order=order, by=self.manager, reason="超期未办结，请加快办理并报送进展。")
            return
        order = services.assignment_reply(
            order=order,
            by=officer,
            reply=reply or rng.choice(_GENERIC_REPLIES),
            at=step(reply_hours * 0.8, reply_hours),
        )
        if not step.fits(48):
            return
        satisfaction = rng.choices(list(Satisfaction), [0.74, 0.16, 0.10])[0]
        services.callback_record(
            order=order, by=rng.choice(self.operators), satisfaction=satisfaction,
            resolved=satisfaction != Satisfaction.DISSATISFIED, at=step(4, 48),
        )  # fmt: skip
        if satisfaction == Satisfaction.DISSATISFIED:
            self._handle(WorkOrder.objects.get(pk=order.pk), rng, step, lead)
            return
        if step.fits(24):
            services.workorder_close(order=order, by=rng.choice(self.operators), at=step(1, 24))


class _Clock:
    """Moves forward through an order's history in random steps, never past 'now'."""

    def __init__(self, start: datetime, now: datetime, rng: random.Random) -> None:
        self.current, self.now, self.rng = start, now, rng

    def fits(self, hours: float) -> bool:
        return self.current + timedelta(hours=hours) < self.now

    def __call__(self, low_hours: float, high_hours: float) -> datetime:
        self.current = min(self.current + timedelta(hours=self.rng.uniform(low_hours, high_hours)), self.now)
        return self.current


def import_history(
    messages: list[Message],
    *,
    now: datetime | None = None,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Replay messages not imported yet as orders over the last twelve months; returns how many.

    With ``limit`` the demo holds at most that many historical orders, drawn as a fixed random sample
    of the whole data set (every file represented); a later run with a larger limit adds to it."""
    moment = now or timezone.now()
    sample = sorted(messages, key=lambda m: hashlib.sha1(m.key.encode()).hexdigest())
    known = set(Submission.objects.filter(sender_id__startswith="teddy-").values_list("sender_id", flat=True))
    if limit is not None:
        sample = sample[:limit]
    todo = [m for m in sample if f"teddy-{m.key}" not in known]
    timeline = Timeline(
        [m.posted_at for m in messages if m.posted_at], moment - timedelta(days=365), moment - timedelta(hours=1)
    )
    replayer = HistoryReplayer(now=moment, pipeline=current_pipeline(), timeline=timeline)
    # The last few of the sample arrive in the last three days, so desks and inboxes have live work.
    recent = {m.key for m in sample[-RECENT_ORDERS:]} if len(sample) > 10 * RECENT_ORDERS else set()
    for start in range(0, len(todo), 200):
        with transaction.atomic():
            for message in todo[start : start + 200]:
                replayer.replay(message, recent=message.key in recent)
        if progress:
            progress(min(start + 200, len(todo)), len(todo))
    services.workorders_record_deadline_reminders(now=moment)
    return len(todo)
