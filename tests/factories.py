"""factory_boy factories for the domain; tests build exactly the rows they need."""

from __future__ import annotations

import factory
from django.utils import timezone

from accounts.models import Role, User
from hotline.models import Submission
from workorders.choices import AreaKind, Channel, DepartmentKind
from workorders.models import Area, Category, Department, DispatchRule, WorkOrder


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"测试部门{n}")
    code = factory.Sequence(lambda n: f"D{n:04d}")
    kind = DepartmentKind.FUNCTIONAL_BUREAU


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    name = factory.Sequence(lambda n: f"测试区{n}")
    code = factory.Sequence(lambda n: f"AR{n:04d}")
    kind = AreaKind.DISTRICT


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"分类{n}")
    parent = None
    level = factory.LazyAttribute(lambda o: (o.parent.level + 1) if o.parent else 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.OPERATOR
    password = factory.PostGenerationMethodCall("set_password", "pass-for-tests-123")

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class DispatchRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DispatchRule
        skip_postgeneration_save = True

    category = factory.SubFactory(CategoryFactory)
    lead_department = factory.SubFactory(DepartmentFactory)

    @factory.post_generation
    def assisting_departments(
        obj: DispatchRule, create: bool, extracted: list[Department] | None, **kwargs: object
    ) -> None:
        if create and extracted:
            obj.assisting_departments.set(extracted)


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    channel = Channel.WEB
    sender_id = factory.Sequence(lambda n: f"MSG-{n:06d}")
    raw_body = "{}"
    received_at = factory.LazyFunction(timezone.now)


def make_order(**fields: object) -> WorkOrder:
    """A draft order created through the service, as intake would; ``fields`` overrides are applied after."""
    from workorders.services import workorder_create_draft

    create_kwargs = {
        k: fields.pop(k)
        for k in ("appeal", "channel", "title", "caller_name", "caller_phone", "address", "at")
        if k in fields
    }
    create_kwargs.setdefault("appeal", "小区门口路灯坏了一个星期，晚上很黑，请尽快修理。")
    order = workorder_create_draft(**create_kwargs)
    if fields:
        for name, value in fields.items():
            setattr(order, name, value)
        order.save()
    return order
