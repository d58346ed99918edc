"""Shared fixtures: a small city (two bureaus, a district with a street office), a taxonomy branch with
dispatch rules, and the named personas used by permission tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from accounts.models import Role, User
from tests.clients import VersionedClient
from tests.factories import (
    AreaFactory,
    CategoryFactory,
    DepartmentFactory,
    DispatchRuleFactory,
    UserFactory,
    make_order,
)
from workorders import services
from workorders.choices import AreaKind, DepartmentKind
from workorders.models import Area, Category, Department, WorkOrder


@dataclass
class City:
    housing: Department  # 住建局 (department A)
    housing_sub: Department  # a unit under the housing bureau
    environment: Department  # 生态环境局 (department B)
    district: Department  # A3区人民政府
    street: Department  # 西湖街道办事处, under the district
    district_area: Area
    street_area: Area
    community_area: Area
    construction: Category  # 城乡建设
    street_lights: Category  # 城乡建设 / 城市建设和市政管理 / 城市公共设施
    pollution: Category  # 环境保护 / 环境污染防治 / 噪声污染


@dataclass
class Personas:
    operator: User
    officer_a: User  # housing bureau
    officer_a_sub: User  # unit under the housing bureau
    officer_b: User  # environment bureau
    officer_district: User
    officer_street: User
    manager: User
    admin: User
    integration: User
    outsider: User  # an officer whose department has nothing assigned


@pytest.fixture
def client() -> VersionedClient:
    """Django's test client, stating the order's version on writes to an order as the order page does."""
    return VersionedClient()


@pytest.fixture(autouse=True)
def _knowledge_index_of_this_test_only() -> object:
    """The knowledge index lives for the process; each test starts without one (a builder thread finishes
    first, so it cannot bring back an index of another test's articles)."""
    yield
    from knowledge import index

    index.wait_until_ready(60)
    index.forget()


@pytest.fixture
def city(db: None) -> City:
    housing = DepartmentFactory(name="市住房和城乡建设局", code="ZJJ")
    housing_sub = DepartmentFactory(name="市住建局物业科", code="ZJJ-WY", parent=housing)
    environment = DepartmentFactory(name="市生态环境局", code="STHJ")
    district_area = AreaFactory(name="A3区", code="A3", kind=AreaKind.DISTRICT)
    street_area = AreaFactory(name="西湖街道", code="A3-XH", kind=AreaKind.STREET, parent=district_area)
    community_area = AreaFactory(name="茶场村", code="A3-XH-CC", kind=AreaKind.COMMUNITY, parent=street_area)
    district = DepartmentFactory(
        name="A3区人民政府", code="A3GOV", kind=DepartmentKind.DISTRICT_OFFICE, area=district_area
    )
    street = DepartmentFactory(
        name="西湖街道办事处", code="A3-XH-JD", kind=DepartmentKind.STREET_OFFICE, parent=district, area=street_area
    )
    construction = CategoryFactory(name="城乡建设")
    municipal = CategoryFactory(name="城市建设和市政管理", parent=construction)
    street_lights = CategoryFactory(name="城市公共设施", parent=municipal)
    environment_root = CategoryFactory(name="环境保护")
    pollution_l2 = CategoryFactory(name="环境污染防治", parent=environment_root)
    pollution = CategoryFactory(name="噪声污染", parent=pollution_l2)
    DispatchRuleFactory(category=construction, lead_department=housing)
    DispatchRuleFactory(category=street_lights, area=district_area, lead_department=district)
    DispatchRuleFactory(category=environment_root, lead_department=environment, assisting_departments=[district])
    return City(
        housing,
        housing_sub,
        environment,
        district,
        street,
        district_area,
        street_area,
        community_area,
        construction,
        street_lights,
        pollution,
    )


@pytest.fixture
def personas(city: City) -> Personas:
    def officer(name: str, department: Department) -> User:
        return UserFactory(username=name, role=Role.OFFICER, department=department)

    return Personas(
        operator=UserFactory(username="operator", role=Role.OPERATOR),
        officer_a=officer("officer_a", city.housing),
        officer_a_sub=officer("officer_a_sub", city.housing_sub),
        officer_b=officer("officer_b", city.environment),
        officer_district=officer("officer_district", city.district),
        officer_street=officer("officer_street", city.street),
        manager=UserFactory(username="manager", role=Role.MANAGER),
        admin=UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True),
        integration=UserFactory(username="integration", role=Role.INTEGRATION),
        outsider=officer("outsider", DepartmentFactory(name="市民政局", code="MZJ")),
    )


@pytest.fixture
def draft_order(city: City) -> WorkOrder:
    return make_order(title="路灯不亮", category=city.construction, area=city.district_area)


@pytest.fixture
def dispatched_order(draft_order: WorkOrder, city: City, personas: Personas) -> WorkOrder:
    """An order dispatched to the housing bureau (A), with the environment bureau (B) assisting."""
    return services.workorder_dispatch(
        order=draft_order, by=personas.operator, lead_department=city.housing, assisting_departments=[city.environment]
    )


@pytest.fixture
def signed_order(dispatched_order: WorkOrder, personas: Personas) -> WorkOrder:
    return services.assignment_sign(order=dispatched_order, by=personas.officer_a)


@pytest.fixture
def replied_order(signed_order: WorkOrder, personas: Personas) -> WorkOrder:
    return services.assignment_reply(
        order=signed_order, by=personas.officer_a, reply="已安排维修人员更换路灯，现已恢复照明。"
    )


@pytest.fixture
def migration_rows(transactional_db: None) -> None:
    """Transactional tests empty every table afterwards, also the holiday calendar and deadline policies
    that a data migration loads; load them again for the test that needs them."""
    import importlib

    from django.apps import apps

    importlib.import_module("workorders.migrations.0002_holidays_and_deadline_policies").load(apps, None)


# --- a small trained level-1 model for tests that need one (trained once per test session) -----------------


@pytest.fixture(scope="session")
def level1_model_bytes() -> bytes:
    """A level-1 classifier trained on 100 shared training messages of each label (a few seconds)."""
    from django.conf import settings

    from triage.classify import Level1Classifier
    from triage.datasets import read_labelled_csv

    path = settings.HOTLINE["DATASETS_DIR"] / "teddy2020c" / "messages_train.csv"
    if not path.is_file():
        pytest.skip(f"the shared data set is not at {path}")
    per_label: dict[str, list] = {}
    for example in read_labelled_csv(path):
        per_label.setdefault(example.label, []).append(example)
    return Level1Classifier().fit([e for rows in per_label.values() for e in rows[:100]]).to_bytes()


@pytest.fixture
def active_model(db: None, level1_model_bytes: bytes):
    """That model registered and active, as `manage.py train_models` would leave it."""
    import hashlib

    from hotline.models import ModelKind, ModelStatus, ModelVersion

    return ModelVersion.objects.create(
        kind=ModelKind.CATEGORY_LEVEL1,
        version="l1-test",
        algorithm="test",
        status=ModelStatus.ACTIVE,
        artifact=level1_model_bytes,
        sha256=hashlib.sha256(level1_model_bytes).hexdigest(),
        size_bytes=len(level1_model_bytes),
        metrics={
            "gate": {"size": 50, "thresholds": [{"threshold": 0.9, "coverage": 0.8, "precision": 0.97}]},
            "cross_validated": {"size": 600, "thresholds": [{"threshold": 0.9, "coverage": 0.75, "precision": 0.96}]},
        },
        gate_macro_f1=0.9,
    )


@pytest.fixture
def fake_llm(settings):
    """A local chat-completions server, configured as the LLM with short timeouts and fast retries."""
    from hotline import llm_services
    from tests.llm_server import FakeLLM

    server = FakeLLM()
    settings.LLM = {
        **settings.LLM,
        "BASE_URL": server.base_url,
        "MODEL": "fake-qwen",
        "TIMEOUT_SECONDS": 2,
        "MAX_RETRIES": 1,
        "BACKOFF_MS": 10,
        "BREAKER_FAILURES": 3,
        "BREAKER_SECONDS": 60,
    }
    yield server
    llm_services.wait_for_background_drafts(timeout=10)
    server.close()
