"""Catalog test data built through the services, so that every item obeys the guide rules."""

from __future__ import annotations

import itertools
from typing import Any

from govhall.catalog import services
from govhall.catalog.models import ItemVersion
from govhall.organizations.models import Department

_sequence = itertools.count(1)


def guide_data(**overrides: Any) -> dict[str, Any]:
    """A complete, publishable guide of a licensing item (行政许可) done fully online."""
    data: dict[str, Any] = {
        "name": "公共租赁住房保障资格申请",
        "item_type": "01",
        "exercise_level": "3",
        "service_targets": ["1"],
        "themes_person": ["住房保障"],
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
        "statutory_limit_days": 20,
        "promised_limit_days": 10,
        "case_type": "2",
        "steps": [
            {
                "name": "受理",
                "post": "acceptance",
                "days": 1,
                "criteria": "材料齐全",
                "outcome": "受理或一次性告知",
            },
            {
                "name": "审核",
                "post": "review",
                "days": 5,
                "criteria": "一键核查共享数据",
                "outcome": "审核意见",
            },
            {
                "name": "审批",
                "post": "approval",
                "days": 4,
                "criteria": "符合条件",
                "outcome": "准予或不予",
            },
        ],
        "channels": ["2", "3"],
        "visits": 0,
        "online_depth": 4,
        "online_url": "/apply/",
        "express_delivery": True,
        "result_type": "10",
        "result_name": "公共租赁住房保障资格证明",
        "place": "亳州市政务服务中心住建局窗口",
        "hours": "周一至周五 9:00-12:00 13:30-17:30",
        "enquiry_phone": "0558-5512345",
        "complaint_phone": "0558-12345",
    }
    data.update(overrides)
    return data


def material_rows() -> list[dict[str, Any]]:
    return [
        {
            "name": "居民身份证",
            "source_channel": "3",
            "resource_code": "population",
            "necessity": "1",
        },
        {
            "name": "不动产登记信息",
            "source_channel": "3",
            "resource_code": "real_estate",
            "necessity": "1",
        },
        {
            "name": "公共租赁住房申请承诺书",
            "source_channel": "1",
            "necessity": "1",
            "material_form": "2",
        },
    ]


def responsibility_rows() -> list[dict[str, Any]]:
    return [
        {
            "matter": "受理责任:公示申请条件和材料,一次性告知补正",
            "situations": "对符合条件的申请不予受理的",
            "accountable_body": "市监察委员会、市住建局",
            "basis": "《中华人民共和国行政许可法》第七十二条",
            "liability": "责令改正;情节严重的,依法给予处分",
        }
    ]


def draft_item(department: Department, *, actor: Any = None, **overrides: Any) -> ItemVersion:
    n = next(_sequence)
    data = guide_data(**overrides)
    basic_code = f"00{data['item_type']}{n:05d}000"
    return services.item_create(
        actor=actor,
        department=department,
        basic_code=basic_code,
        data=data,
        materials=material_rows(),
        responsibilities=responsibility_rows() if data["item_type"] != "20" else [],
    )


def published_item(department: Department, **overrides: Any) -> ItemVersion:
    version = draft_item(department, **overrides)
    services.version_submit(actor=None, version=version)
    return services.version_review(actor=None, version=version, approve=True)
