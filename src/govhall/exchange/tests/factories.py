"""Test data for the exchange: resources with fields, records, grants and purposes.

``record_put`` writes registry rows directly (tests of queries need data, not the ingestion path,
which has its own tests).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from typing import Any

import factory
from django.utils import timezone

from govhall.exchange.models import Grant, Load, Purpose, Record, Resource, ResourceField
from govhall.organizations.tests.factories import DepartmentFactory

F = ResourceField.Type

# name, label, type, personal
POPULATION_FIELDS = [
    ("name", "姓名", F.TEXT, True),
    ("sex", "性别", F.TEXT, True),
    ("birth_date", "出生日期", F.DATE, True),
    ("address", "户籍地址", F.TEXT, True),
    ("household_number", "户号", F.TEXT, True),
    ("relation", "与户主关系", F.TEXT, True),
]
REAL_ESTATE_FIELDS = [
    ("certificate_number", "不动产权证号", F.TEXT, False),
    ("location", "坐落", F.TEXT, True),
    ("area", "建筑面积", F.DECIMAL, False),
    ("registered_on", "登记日期", F.DATE, False),
]
INCOME_FIELDS = [("year", "年度", F.INTEGER, False), ("annual_income", "年收入", F.DECIMAL, True)]


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"resource{n}")
    name = factory.LazyAttribute(lambda o: f"资源 {o.code}")
    provider = factory.SubFactory(DepartmentFactory)
    subject_kind = Resource.SubjectKind.ID_NUMBER
    sharing_type = Resource.SharingType.CONDITIONAL
    update_cycle = Resource.UpdateCycle.DAILY
    legal_basis = "《政务信息资源共享管理暂行办法》"

    @factory.post_generation
    def field_specs(obj, create, extracted, **kwargs):
        """``ResourceFactory(field_specs=[(name, label, type, personal), ...])``."""
        if create and extracted:
            ResourceField.objects.bulk_create(
                ResourceField(
                    resource=obj, name=name, label=label, type=kind, personal=personal, position=i
                )
                for i, (name, label, kind, personal) in enumerate(extracted)
            )


def population_resource(provider=None, **kwargs) -> Resource:
    return ResourceFactory(
        code="population",
        name="人口基础信息",
        provider=provider or DepartmentFactory(name="亳州市公安局", short_name="公安局"),
        group_field="household_number",
        field_specs=POPULATION_FIELDS,
        **kwargs,
    )


def real_estate_resource(provider=None, **kwargs) -> Resource:
    return ResourceFactory(
        code="real_estate",
        name="不动产登记信息",
        provider=provider or DepartmentFactory(name="亳州市不动产登记中心", short_name="不动产"),
        record_key_field="certificate_number",
        field_specs=REAL_ESTATE_FIELDS,
        **kwargs,
    )


def income_resource(provider=None, **kwargs) -> Resource:
    return ResourceFactory(
        code="income_tax",
        name="个人所得税纳税信息",
        provider=provider
        or DepartmentFactory(name="国家税务总局亳州市税务局", short_name="税务局"),
        field_specs=INCOME_FIELDS,
        **kwargs,
    )


def _test_load(resource: Resource) -> Load:
    load = Load.objects.filter(resource=resource, source=Load.Source.SEED).first()
    if load is None:
        load = Load.objects.create(
            resource=resource,
            source=Load.Source.SEED,
            mode=Load.Mode.ALL_OR_NOTHING,
            status=Load.Status.LOADED,
            file_name="tests",
            finished_at=timezone.now(),
        )
    return load


def record_put(
    resource: Resource,
    subject_key: str,
    data: dict[str, Any],
    *,
    record_key: str = "",
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> Record:
    group_key = str(data.get(resource.group_field, "")) if resource.group_field else ""
    if resource.record_key_field and not record_key:
        record_key = str(data.get(resource.record_key_field, ""))
    body = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return Record.objects.create(
        resource=resource,
        subject_key=subject_key,
        record_key=record_key,
        group_key=group_key,
        data=data,
        valid_from=valid_from,
        valid_to=valid_to,
        load=_test_load(resource),
        row_hash=hashlib.md5(body.encode()).hexdigest(),  # noqa: S324 (change detection only)
    )


class GrantFactory(factory.django.DjangoModelFactory):
    """An approved, current grant of every listed field (``fields=[...]``)."""

    class Meta:
        model = Grant

    resource = factory.SubFactory(ResourceFactory)
    consumer = factory.SubFactory(DepartmentFactory)
    fields = factory.LazyAttribute(lambda o: list(o.resource.fields.values_list("name", flat=True)))
    purpose = "公共租赁住房资格审核"
    legal_basis = "《公共租赁住房管理办法》第七条"
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    valid_to = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))
    status = Grant.Status.APPROVED
    requested_by = factory.SubFactory(
        "govhall.accounts.tests.factories.StaffFactory",
        department=factory.SelfAttribute("..consumer"),
    )
    decided_at = factory.LazyFunction(timezone.now)


class PurposeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Purpose

    reference = factory.Sequence(lambda n: f"YT-2026-{n:04d}")
    title = "2026年度公租房动态核查"
    department = factory.SubFactory(DepartmentFactory)
    legal_basis = "《公共租赁住房管理办法》第三十条"
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    valid_to = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))
    registered_by = factory.SubFactory(
        "govhall.accounts.tests.factories.StaffFactory",
        department=factory.SelfAttribute("..department"),
    )
