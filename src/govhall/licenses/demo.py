"""Demo data of e-licenses: eight license types tied to the demo catalog's items whose result is
a license, each issuing department's SM2 key, and a few licenses of the demo personas, issued
through :func:`govhall.licenses.services.license_issue` (signed, indexed in the exchange).

Type codes follow the demo registries' (``0101`` 不动产权证书, ``0103`` 残疾人证, ``0104``
最低生活保障证, see ``govhall.demo.registries``); they are demo codes, not the national ones.
Idempotent: types by their key, licenses by (type, holder), keys only when missing.
"""

from __future__ import annotations

from typing import Any

from govhall.accounts.models import User
from govhall.core.identifiers import uscc_with_check
from govhall.demo import citydata
from govhall.licenses import keys, services
from govhall.licenses.models import License, LicenseType, SigningKey
from govhall.organizations.models import Department


def _f(name: str, label: str, source: str = "", *, personal: bool = False,
       required: bool = False, type: str = "text") -> dict[str, Any]:  # fmt: skip
    return {"name": name, "label": label, "type": type, "source": source,
            "personal": personal, "required": required}  # fmt: skip


HOLDER = _f("holder", "持证人", "holder.name", personal=True, required=True)
ID_NUMBER = _f("id_number", "公民身份号码", "holder.key", personal=True, required=True)
ENTITY = _f("entity_name", "名称", "holder.name", required=True)
USCC = _f("uscc", "统一社会信用代码", "holder.key", required=True)
ADDRESS = _f("address", "住所", "form.address")

C, E = LicenseType.HolderKind.CITIZEN, LicenseType.HolderKind.ENTERPRISE
# key, type code, name, department, holder kind, validity years, annual inspection, extra fields
TYPES: list[tuple[str, str, str, str, str, int | None, bool, list[dict[str, Any]]]] = [
    ("business_license", "0201", "营业执照", "scjgj", E, None, False,
     [ENTITY, USCC, _f("entity_type", "类型"), _f("legal_representative", "法定代表人"),
      _f("registered_capital", "注册资本"), _f("business_scope", "经营范围"), ADDRESS]),
    ("food_business_license", "0202", "食品经营许可证", "scjgj", E, 5, False,
     [ENTITY, USCC, _f("business_items", "经营项目"), _f("premises", "经营场所"), ADDRESS]),
    ("real_estate_certificate", "0101", "不动产权证书", "bdcdjzx", C, None, False,
     [HOLDER, ID_NUMBER, _f("location", "坐落", required=True),
      _f("unit_number", "不动产单元号"), _f("area", "面积"), _f("usage", "用途")]),
    ("construction_permit", "0301", "建筑工程施工许可证", "zjj", E, None, False,
     [ENTITY, USCC, _f("project_name", "工程名称", "case.item", required=True),
      _f("project_address", "建设地址"), _f("contract_price", "合同价格")]),
    ("disability_card", "0103", "中华人民共和国残疾人证", "cl", C, 10, False,
     [HOLDER, ID_NUMBER, _f("disability_kind", "残疾类别"), _f("disability_level", "残疾等级")]),
    ("public_rental_qualification", "0302", "公共租赁住房保障资格证明", "zjj", C, 3, True,
     [HOLDER, ID_NUMBER, _f("household_size", "家庭人口"), _f("guarantee_kind", "保障方式")]),
    ("residence_permit", "0401", "居住证", "gaj", C, 1, True,
     [HOLDER, ID_NUMBER, _f("residence_address", "居住地址", "form.address")]),
    ("subsistence_certificate", "0104", "最低生活保障证", "mzj", C, 1, True,
     [HOLDER, ID_NUMBER, _f("household_size", "保障人数"), _f("monthly_amount", "月保障金额")]),
]  # fmt: skip

# (type key, holder account name, face values beyond the holder's name and code)
LICENSES: list[tuple[str, str, dict[str, str]]] = [
    ("real_estate_certificate", "张伟", {"location": "谯城区花戏楼小区3栋2单元501室",
                                          "area": "118.50平方米", "usage": "住宅"}),
    ("residence_permit", "李娜", {"residence_address": "涡阳县星园小区8栋1单元302室"}),
    ("public_rental_qualification", "杨帆", {"household_size": "3", "guarantee_kind": "实物配租"}),
    ("business_license", "亳州市华佗本草中药饮片有限公司",
     {"entity_type": "有限责任公司", "legal_representative": "张伟",
      "registered_capital": "500万元", "business_scope": "中药饮片加工、销售",
      "address": "亳州市谯城区药都路168号"}),
    ("food_business_license", "涡阳县星园李娜便利店",
     {"business_items": "预包装食品销售", "premises": "涡阳县龙山路26号"}),
    ("construction_permit", "蒙城县丰润农业科技有限公司",
     {"project_name": "丰润农业仓储用房", "project_address": "蒙城县工业集中区8号"}),
]  # fmt: skip


def _departments() -> dict[str, Department]:
    usccs = {uscc_with_check(s.uscc_body): s.key for s in citydata.city().departments}
    return {usccs[d.uscc]: d for d in Department.objects.filter(uscc__in=usccs)}


def _types(departments: dict[str, Department]) -> tuple[int, int]:
    created = changed = 0
    for key, code, name, dept, kind, years, inspection, fields in TYPES:
        if dept not in departments:
            continue
        values = {"type_code": code, "name": name, "department": departments[dept],
                  "holder_kind": kind, "validity_years": years, "annual_inspection": inspection,
                  "face_fields": fields, "face_title": name}  # fmt: skip
        current = LicenseType.objects.filter(code=key).first()
        if current is None:
            LicenseType.objects.create(code=key, **values)
            created += 1
        elif any(getattr(current, k) != v for k, v in values.items()):
            LicenseType.objects.filter(pk=current.pk).update(**values)
            changed += 1
    return created, changed


def _issue_persona_licenses() -> int:
    created = 0
    types = {t.code: t for t in LicenseType.objects.select_related("department")}
    for key, holder_name, extra in LICENSES:
        license_type = types.get(key)
        kind = User.Kind.CITIZEN if license_type and license_type.holder_kind == "citizen" else (
            User.Kind.ENTERPRISE)  # fmt: skip
        holder = User.objects.filter(kind=kind, name=holder_name).order_by("pk").first()
        if license_type is None or holder is None:
            continue
        code = holder.id_number if kind == User.Kind.CITIZEN else holder.uscc
        if not code or License.objects.filter(license_type=license_type, holder_key=code).exists():
            continue
        own = {"holder": holder.name, "id_number": code, "entity_name": holder.name, "uscc": code}
        face = {spec["name"]: {**own, **extra}.get(spec["name"], "")
                for spec in license_type.face_fields}  # fmt: skip
        services.license_issue(actor=None, license_type=license_type, holder_name=holder.name,
                               holder_key=code, face=face, holder=holder)  # fmt: skip
        created += 1
    return created


def licenses_demo_load() -> tuple[int, int]:
    """(rows created, rows changed): license types, signing keys, persona licenses."""
    departments = _departments()
    created, changed = _types(departments)
    for department_id in set(LicenseType.objects.values_list("department_id", flat=True)):
        if not SigningKey.objects.filter(department_id=department_id, is_active=True).exists():
            keys.active_key(Department.objects.get(pk=department_id))
            created += 1
    created += _issue_persona_licenses()
    return created, changed
