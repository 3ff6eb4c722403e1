from __future__ import annotations

import factory

from govhall.core.identifiers import uscc_with_check
from govhall.organizations.models import Department, Region, ServiceCenter, Window


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "341600000000"
    name = "亳州市"
    level = Region.Level.CITY
    parent = None


def _department_uscc(n: int) -> str:
    # 1 = 机构编制 authority, 1 = 机关, region 341600, a 9-character organization code.
    return uscc_with_check(f"11341600{n:08d}M"[:17])


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"测试局{n}")
    short_name = factory.LazyAttribute(lambda o: o.name[:4])
    uscc = factory.Sequence(_department_uscc)
    region = factory.SubFactory(RegionFactory)


class ServiceCenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCenter

    name = factory.Sequence(lambda n: f"政务服务中心{n}")
    region = factory.SubFactory(RegionFactory)
    address = "亳州市谯城区希夷大道"
    hours = "周一至周五 9:00-12:00 13:30-17:30"


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Window

    center = factory.SubFactory(ServiceCenterFactory)
    number = factory.Sequence(lambda n: f"A{n:02d}")
    name = "综合受理"
