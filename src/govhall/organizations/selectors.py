"""Organization reads. Regions, departments and service centers are public information."""

from __future__ import annotations

from django.db.models import QuerySet

from govhall.core.identifiers import region_prefix
from govhall.organizations.models import Department, Region, ServiceCenter


def region_list(*, parent: str | None = None, level: int | None = None) -> QuerySet[Region]:
    queryset = Region.objects.all()
    if parent:
        queryset = queryset.filter(parent_id=parent)
    if level:
        queryset = queryset.filter(level=level)
    return queryset.order_by("code")


def department_list(*, region: str | None = None, q: str | None = None) -> QuerySet[Department]:
    queryset = Department.objects.filter(is_active=True).select_related("region")
    if region:
        queryset = queryset.filter(region_id=region)
    if q:
        queryset = queryset.filter(name__contains=q.strip()[:50])
    return queryset.order_by("region_id", "name")


def service_center_list(*, region: str | None = None) -> QuerySet[ServiceCenter]:
    queryset = ServiceCenter.objects.select_related("region").prefetch_related(
        "windows__departments"
    )
    if region:
        queryset = queryset.filter(region__code__startswith=region_prefix(region))
    return queryset.order_by("region_id", "-is_agency_point", "name")
