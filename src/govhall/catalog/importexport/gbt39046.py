"""Export in the GB/T 39046-2020 element names, for exchange with a provincial platform.

A JSON array, one object per item, whose keys are the standard's Chinese element names (the
headers of ``columns``) and whose values use the standard's codes. The mappings at this
boundary, kept here and nowhere else:

- 是/否 elements: ``"1"`` (是) / ``"0"`` (否).
- 网上办理深度: the standard's multi-select codes (1 咨询, 2 收件, 3 预审, 4 受理, 5 办理,
  6 结果反馈, 7 电子证照反馈), derived from our level I–IV; the level itself is kept as
  网上办理深度等级.
- Time limits: in working days, with 法定/承诺办结时限单位 "工作日".
- Nested elements (设定依据, 受理条件, 办理流程, 收费项目 ...) with Chinese sub-element names;
  keys we do not know are passed through unchanged.
"""

from __future__ import annotations

from typing import Any

from govhall.catalog.importexport.columns import (
    ITEM_COLUMNS,
    MATERIAL_COLUMNS,
    RESPONSIBILITY_COLUMNS,
    Column,
)

TRUE, FALSE = "1", "0"
TIME_UNIT = "工作日"

SUB_ELEMENTS: dict[str, dict[str, str]] = {
    "legal_basis": {
        "law": "法律法规名称",
        "doc_no": "依据文号",
        "article": "条款号",
        "text": "条款内容",
    },
    "conditions": {"type": "条件类型", "text": "条件内容"},
    "intermediary_services": {"name": "中介服务名称", "basis": "设定依据"},
    "special_procedures": {
        "code": "特别程序种类",
        "name": "特别程序名称",
        "days": "时限",
        "note": "说明",
    },
    "steps": {
        "name": "环节名称",
        "post": "办理岗位",
        "days": "办理时限",
        "criteria": "审查标准",
        "outcome": "办理结果",
    },
    "fees": {
        "name": "收费项目名称",
        "standard": "收费标准",
        "basis": "收费依据",
        "waivable": "是否允许减免",
        "waiver_basis": "允许减免依据",
    },
    "faq": {"question": "问题", "answer": "解答"},
}

# 网上办理深度 level (I–IV) -> the standard's multi-select codes it implies.
DEPTH_STAGES = {1: ["1"], 2: ["1"], 3: ["1", "2", "3"], 4: ["1", "2", "3", "4", "5", "6"]}


def _flag(value: Any) -> str:
    return TRUE if value else FALSE


def _nested(field: str, entries: list[Any]) -> list[Any]:
    names = SUB_ELEMENTS.get(field)
    if not names:
        return list(entries)
    out = []
    for entry in entries:
        if not isinstance(entry, dict):
            out.append(entry)
            continue
        out.append(
            {
                names.get(key, key): _flag(value) if isinstance(value, bool) else value
                for key, value in entry.items()
            }
        )
    return out


def _value(column: Column, value: Any) -> Any:
    if column.kind == "bool":
        return _flag(value)
    if column.kind == "json":
        return _nested(column.field, value or [])
    if column.kind == "date":
        return value.isoformat() if value else ""
    if column.kind == "code":
        return "" if value in (None, "") else str(value)
    return value


def _elements(columns: tuple[Column, ...], row: dict[str, Any]) -> dict[str, Any]:
    return {
        column.header: _value(column, row.get(column.field))
        for column in columns
        if column.field in row
    }


def _depth(record: dict[str, Any]) -> list[str]:
    stages = list(DEPTH_STAGES.get(int(record.get("online_depth") or 1), ["1"]))
    if stages[-1] == "6" and record.get("result_type") == "10" and record.get("license_type_code"):
        stages.append("7")
    return stages


def gbt39046_item(record: dict[str, Any]) -> dict[str, Any]:
    """One item (a record of ``writing.version_record``) in the standard's element names."""
    item = _elements(ITEM_COLUMNS, record)
    item["网上办理深度"] = _depth(record)
    item["网上办理深度等级"] = str(record.get("online_depth") or "")
    item["法定办结时限单位"] = TIME_UNIT
    item["承诺办结时限单位"] = TIME_UNIT
    children = [c for c in MATERIAL_COLUMNS if not c.key]
    item["申请材料"] = [_elements(tuple(children), m) for m in record.get("materials", [])]
    responsibility_columns = tuple(c for c in RESPONSIBILITY_COLUMNS if not c.key)
    item["责任事项"] = [
        _elements(responsibility_columns, r) for r in record.get("responsibilities", [])
    ]
    return item
