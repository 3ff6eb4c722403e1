"""Fixtures for page tests: a logged-in test client per persona and a small directory."""

from __future__ import annotations

import re

import pytest

from govhall.organizations.models import Region
from govhall.organizations.tests.factories import (
    DepartmentFactory,
    RegionFactory,
    ServiceCenterFactory,
    WindowFactory,
)


@pytest.fixture
def directory(db) -> dict[str, object]:
    """City, county, township and village regions with a center each, windows and departments."""
    city = RegionFactory()
    county = RegionFactory(
        code="341602000000", name="谯城区", level=Region.Level.COUNTY, parent=city
    )
    township = RegionFactory(
        code="341602001000", name="花戏楼街道", level=Region.Level.TOWNSHIP, parent=county
    )
    village = RegionFactory(
        code="341602001001", name="白布社区", level=Region.Level.VILLAGE, parent=township
    )
    housing = DepartmentFactory(
        name="亳州市住房和城乡建设局", region=city, phone="0558-5123456", address="亳州市建安路"
    )
    county_police = DepartmentFactory(name="谯城区公安分局", region=county)
    city_center = ServiceCenterFactory(
        name="亳州市政务服务中心", region=city, phone="0558-12345", address="亳州市希夷大道1号"
    )
    county_center = ServiceCenterFactory(name="谯城区政务服务中心", region=county)
    township_center = ServiceCenterFactory(name="花戏楼街道便民服务中心", region=township)
    village_point = ServiceCenterFactory(
        name="白布社区代办点", region=village, is_agency_point=True
    )
    window = WindowFactory(center=city_center, number="A01", name="住房保障窗口")
    window.departments.set([housing])
    WindowFactory(center=county_center, number="B01", name="户政窗口").departments.set(
        [county_police]
    )
    return {
        "city": city,
        "county": county,
        "township": township,
        "village": village,
        "housing": housing,
        "county_police": county_police,
        "city_center": city_center,
        "county_center": county_center,
        "township_center": township_center,
        "village_point": village_point,
    }


_EXTERNAL = re.compile(r"""(?:https?:)?//([A-Za-z0-9.\-\[\]:]+)""")
LOCAL_HOSTS = {"testserver", "localhost", "127.0.0.1"}


def external_hosts(html: str) -> set[str]:
    """Hosts of absolute or protocol-relative URLs in ``html`` other than our own."""
    hosts = set()
    for match in _EXTERNAL.finditer(html):
        host = match.group(1).split(":")[0]
        if host and host not in LOCAL_HOSTS:
            hosts.add(host)
    return hosts
