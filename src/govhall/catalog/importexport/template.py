"""The import template: every column, one filled example that imports as it is (valid for the
department it is made for), the 说明 sheet and the drop-downs of the workbook."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from govhall.catalog.importexport.services import EXTENSIONS, render_records
from govhall.catalog.importexport.writing import version_record
from govhall.catalog.models import Item, ItemVersion, Material, Responsibility
from govhall.core.identifiers import uscc_with_check
from govhall.organizations.models import Department

EXAMPLE_BASIC_CODE = "000199999000"


def _example_department(department: Department | None) -> Department:
    if department is not None:
        return department
    found = Department.objects.filter(is_active=True).order_by("pk").first()
    if found is not None:
        return found
    return Department(
        name=_("示例部门"), uscc=uscc_with_check("11341600MB0000000"), region_id="341600000000"
    )


def _example_record(department: Department) -> dict[str, Any]:
    item = Item(
        implementation_code=f"{department.uscc}3{EXAMPLE_BASIC_CODE}",
        basic_code=EXAMPLE_BASIC_CODE,
        department=department,
    )
    version = ItemVersion(item=item, number=1, region_id=department.region_id, **EXAMPLE_GUIDE)
    return version_record(
        version,
        materials=[Material(**row) for row in EXAMPLE_MATERIALS],
        responsibilities=[Responsibility(**row) for row in EXAMPLE_RESPONSIBILITIES],
    )


def catalog_template(*, fmt: str = "xlsx", department: Department | None = None) -> bytes:
    """An import template: headers, one filled example (valid for ``department``), the 说明
    sheet and the drop-downs."""
    record = _example_record(_example_department(department))
    return render_records(fmt, [record], example=True)


def template_filename(fmt: str) -> str:
    return f"catalog-template.{EXTENSIONS.get(fmt, 'bin')}"


EXAMPLE_GUIDE: dict[str, Any] = {
    "name": "公共租赁住房保障资格申请(示例)",
    "item_type": "01",
    "exercise_level": "3",
    "power_source": "1",
    "service_targets": ["1"],
    "themes_person": ["住房保障"],
    "themes_legal": [],
    "undertaking_office": "住房保障科",
    "legal_basis": [
        {
            "law": "公共租赁住房管理办法",
            "doc_no": "住房和城乡建设部令第11号",
            "article": "第七条",
            "text": "申请公共租赁住房,应当符合以下条件……",
        }
    ],
    "conditions": [
        {"type": "1", "text": "在本市有稳定就业或户籍"},
        {"type": "2", "text": "在本市已有住房的不予受理"},
    ],
    "quantity_limit": "",
    "intermediary_services": [],
    "special_procedures": [],
    "statutory_limit_days": 20,
    "statutory_limit_note": "",
    "promised_limit_days": 10,
    "promised_limit_note": "",
    "case_type": "2",
    "steps": [
        {
            "name": "受理",
            "post": "acceptance",
            "days": 1,
            "criteria": "材料齐全",
            "outcome": "受理",
        },
        {
            "name": "审核",
            "post": "review",
            "days": 5,
            "criteria": "符合条件",
            "outcome": "审核意见",
        },
        {"name": "审批", "post": "approval", "days": 4, "criteria": "符合条件", "outcome": "准予"},
    ],
    "channels": ["2", "3"],
    "visits": 0,
    "visit_reason": "",
    "online_depth": 4,
    "online_url": "/apply/",
    "mobile_url": "",
    "appointment": False,
    "online_payment": False,
    "express_delivery": True,
    "self_service": False,
    "in_hall": True,
    "cross_area_scope": "",
    "fee_charged": False,
    "fee_basis": "",
    "fees": [],
    "result_type": "10",
    "result_name": "公共租赁住房保障资格证明",
    "license_type_code": "",
    "place": "市政务服务中心住建局窗口",
    "hours": "周一至周五 9:00-12:00 13:30-17:30",
    "enquiry_phone": "0558-5512345",
    "complaint_phone": "0558-12345",
    "faq": [{"question": "申请需要多长时间?", "answer": "承诺10个工作日内办结。"}],
    "common_errors": ["承诺书未签字"],
    "effective_from": None,
}
EXAMPLE_MATERIALS: list[dict[str, Any]] = [
    {
        "order": 1,
        "name": "居民身份证",
        "material_type": "1",
        "material_form": "2",
        "necessity": "1",
        "source_channel": "3",
        "resource_code": "population",
    },
    {
        "order": 2,
        "name": "公共租赁住房申请承诺书",
        "material_type": "1",
        "material_form": "2",
        "necessity": "1",
        "source_channel": "1",
        "filling_notes": "申请人本人签字",
    },
]
EXAMPLE_RESPONSIBILITIES: list[dict[str, Any]] = [
    {
        "order": 1,
        "matter": "受理责任:公示申请条件和材料,一次性告知补正",
        "situations": "对符合条件的申请不予受理的",
        "accountable_body": "市监察委员会、市住建局",
        "basis": "《中华人民共和国行政许可法》第七十二条",
        "liability": "责令改正;情节严重的,依法给予处分",
    }
]
