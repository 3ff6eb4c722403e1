"""The exchange format of the lists: one table per sheet, one column per element.

Every column maps a GB/T 39046 element name (the sheet header, and the key of the GB/T 39046
exchange export) to our field name (the key of our JSON format). This table is the only place
that knows the mapping: the readers, the writers, the template's 说明 sheet and the validation
all work from it.

Headers are identifiers of the file format, not interface text: they are not translated, so a
file exported in one installation imports in any other.

Kinds (how a cell is written and read, see ``cells``):

- ``text``: free text; ``int``: a non-negative integer; ``bool``: 是 / 否;
  ``date``: YYYY-MM-DD.
- ``code``: one code of ``table`` (a drop-down in the template; "01" or "01 行政许可" both read).
- ``codes`` / ``words``: several codes / short texts separated by "；" (or a JSON array).
- ``json``: a JSON array in the cell (legal basis, conditions, steps, fees, FAQ ...).
- ``basic_code``, ``implementation_code``, ``uscc``, ``region``: identifiers checked by
  structure (and, for the USCC and region, against the departments and regions we know).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ITEMS = "事项"
MATERIALS = "申请材料"
RESPONSIBILITIES = "责任事项"
GUIDE = "说明"
CODES = "代码表"
DATA_SHEETS = (ITEMS, MATERIALS, RESPONSIBILITIES)
KNOWN_SHEETS = (*DATA_SHEETS, GUIDE, CODES)

# Other names a CSV file (alone or in a zip) may carry for each table.
FILE_STEMS = {
    ITEMS: {"事项", "items", "item"},
    MATERIALS: {"申请材料", "材料", "materials", "material"},
    RESPONSIBILITIES: {"责任事项", "责任清单", "responsibilities", "responsibility"},
}

SMALL_INT_MAX = 32767  # PositiveSmallIntegerField
INT_MAX = 2147483647  # PositiveIntegerField


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    kind: str = "text"
    table: str = ""  # code table key (core/data/code_tables.json) for code and codes
    required: bool = False
    read_only: bool = False  # written on export, not read on import
    key: bool = False  # links a material / responsibility row to its item row
    max_value: int = SMALL_INT_MAX
    as_int: bool = False  # a code stored as an integer (网上办理深度)
    note: str | Promise = ""
    width: int = 14


ITEM_COLUMNS: tuple[Column, ...] = (
    Column(
        "implementation_code",
        "实施编码",
        "implementation_code",
        width=36,
        note=_(
            "31位:实施主体统一社会信用代码18位+行使层级1位+基本编码12位。新增事项可不填,"
            "由实施主体编码、行使层级和基本编码生成;填写时须与三者一致。"
        ),
    ),
    Column(
        "basic_code",
        "基本编码",
        "basic_code",
        required=True,
        width=16,
        note=_(
            "12位数字:目录来源2位+事项类型2位+主项5位+子项3位(无子项为000)。"
            "第3-4位须与事项类型一致。"
        ),
    ),
    Column(
        "department_uscc",
        "实施主体编码",
        "uscc",
        required=True,
        width=22,
        note=_("实施主体(部门)的统一社会信用代码,须为本平台已登记的部门,且您有权管理其清单。"),
    ),
    Column(
        "department_name",
        "实施主体名称",
        read_only=True,
        width=24,
        note=_("导出时填写,导入时不读取(以实施主体编码为准)。"),
    ),
    Column(
        "department_nature",
        "实施主体性质",
        "code",
        "body_nature",
        read_only=True,
        note=_("导出时填写,导入时不读取。"),
    ),
    Column("name", "事项名称", required=True, width=30),
    Column("item_type", "事项类型", "code", "item_type", required=True),
    Column("exercise_level", "行使层级", "code", "exercise_level", required=True),
    Column("power_source", "权力来源", "code", "power_source", note=_("不填为“1 法定本级行使”。")),
    Column(
        "region",
        "实施区划代码",
        "region",
        width=16,
        note=_("12位行政区划代码;不填为实施主体所属区划。"),
    ),
    Column("service_targets", "服务对象", "codes", "service_target"),
    Column("themes_person", "面向自然人主题分类", "words", width=20),
    Column("themes_legal", "面向法人主题分类", "words", width=20),
    Column("undertaking_office", "承办机构", width=20),
    Column(
        "legal_basis",
        "设定依据",
        "json",
        width=40,
        note=_(
            'JSON 数组,每项 {"law": 法律法规名称, "doc_no": 文号, "article": 条款号, '
            '"text": 条款内容}。'
        ),
    ),
    Column(
        "conditions",
        "受理条件",
        "json",
        width=40,
        note=_('JSON 数组,每项 {"type": "1" 申请条件 或 "2" 禁止性条件, "text": 条件内容}。'),
    ),
    Column("quantity_limit", "数量限制", width=20),
    Column(
        "intermediary_services",
        "中介服务",
        "json",
        width=30,
        note=_('JSON 数组,每项 {"name": 中介服务名称, "basis": 设定依据, ...}。'),
    ),
    Column(
        "special_procedures",
        "特别程序",
        "json",
        width=30,
        note=_('JSON 数组,每项 {"code": 特别程序代码, "name": 名称, "days": 时限, "note": 说明}。'),
    ),
    Column(
        "statutory_limit_days",
        "法定办结时限",
        "int",
        required=True,
        max_value=INT_MAX,
        note=_("工作日数。"),
    ),
    Column("statutory_limit_note", "法定办结时限说明", width=20),
    Column(
        "promised_limit_days",
        "承诺办结时限",
        "int",
        required=True,
        max_value=INT_MAX,
        note=_("工作日数,不得长于法定办结时限。"),
    ),
    Column("promised_limit_note", "承诺办结时限说明", width=20),
    Column("case_type", "办件类型", "code", "case_type", note=_("不填为“2 承诺件”。")),
    Column(
        "steps",
        "办理流程",
        "json",
        width=40,
        note=_(
            'JSON 数组,每个环节 {"name": 环节名称, "post": 办理岗位, "days": 时限(工作日), '
            '"criteria": 审查标准, "outcome": 办理结果}。'
        ),
    ),
    Column(
        "process",
        "流程定义",
        "object",
        width=40,
        note=_(
            '工作流引擎运行的流程(JSON 对象 {"steps": [...]}),不填则按“办理流程”生成;'
            "格式见运维手册。"
        ),
    ),
    Column(
        "form",
        "申请表单定义",
        "object",
        width=40,
        note=_('网上申报表单(JSON 对象 {"sections": [...]}),不填则使用通用申请表。'),
    ),
    Column("prereview", "是否网上预审", "bool", note=_("不填为“否”。")),
    Column("channels", "办理形式", "codes", "handling_form"),
    Column("visits", "到办事现场次数", "int", note=_("不填为0。")),
    Column("visit_reason", "必须现场办理原因说明", width=24),
    Column(
        "online_depth",
        "网上办理深度",
        "code",
        "online_depth",
        as_int=True,
        note=_("一级至四级,不填为一级。"),
    ),
    Column("online_url", "网上办理地址", width=24),
    Column("mobile_url", "移动端办理地址", width=24),
    Column("appointment", "是否支持预约办理", "bool"),
    Column("online_payment", "是否支持网上支付", "bool"),
    Column("express_delivery", "是否支持物流快递", "bool"),
    Column("self_service", "是否支持自助终端办理", "bool"),
    Column("in_hall", "是否进驻政务服务大厅", "bool", note=_("不填为“是”。")),
    Column("cross_area_scope", "通办范围", "code", "cross_area_scope"),
    Column("fee_charged", "是否收费", "bool"),
    Column("fee_basis", "收费依据", width=24),
    Column(
        "fees",
        "收费项目",
        "json",
        width=40,
        note=_(
            'JSON 数组,每项 {"name": 收费项目名称, "standard": 收费标准, "basis": 收费依据, '
            '"waivable": true/false 是否允许减免, "waiver_basis": 减免依据}。'
        ),
    ),
    Column("result_type", "办理结果类型", "code", "result_type", note=_("不填为“30 其他”。")),
    Column("result_name", "办理结果名称", width=24),
    Column("license_type_code", "电子证照类型代码", width=16),
    Column("place", "办理地点", width=30),
    Column("hours", "办理时间", width=24),
    Column("enquiry_phone", "咨询电话", width=16),
    Column("complaint_phone", "监督投诉电话", width=16, note=_("不得与咨询电话相同。")),
    Column(
        "faq",
        "常见问题",
        "json",
        width=40,
        note=_('JSON 数组,每项 {"question": 问题, "answer": 解答}。'),
    ),
    Column("common_errors", "常见错误", "json", width=30, note=_("JSON 字符串数组。")),
    Column("effective_from", "生效日期", "date", width=12, note=_("YYYY-MM-DD,可不填。")),
    Column("version", "版本号", "int", read_only=True, note=_("导出时填写,导入时不读取。")),
    Column("state", "版本状态", read_only=True, note=_("导出时填写,导入时不读取。")),
)

_KEY_NOTE = _("所属事项:填写实施编码;新增事项未填实施编码的,填写基本编码(须在“事项”表中唯一)。")

MATERIAL_COLUMNS: tuple[Column, ...] = (
    Column(
        "implementation_code", "实施编码", "implementation_code", key=True, width=36, note=_KEY_NOTE
    ),
    Column("basic_code", "基本编码", "basic_code", key=True, width=16, note=_KEY_NOTE),
    Column("order", "序号", "int", note=_("同一事项内的排列顺序;不填按文件中的先后。")),
    Column("name", "材料名称", required=True, width=30),
    Column("material_type", "材料类型", "code", "material_type", note=_("不填为“1 原件”。")),
    Column("material_form", "材料形式", "code", "material_form", note=_("不填为“2 电子”。")),
    Column("necessity", "材料必要性", "code", "material_necessity", note=_("不填为“1 必要”。")),
    Column(
        "source_channel", "来源渠道", "code", "material_source", note=_("不填为“1 申请人自备”。")
    ),
    Column("issuing_body", "出具单位", width=20),
    Column(
        "resource_code",
        "共享资源代码",
        width=16,
        note=_("来源为调取共享数据时,可替代本材料的数据资源代码。"),
    ),
    Column("license_type_code", "电子证照类型代码", width=16),
    Column("original_count", "原件份数", "int"),
    Column("copy_count", "复印件份数", "int"),
    Column("paper_format", "纸质材料规格", width=14),
    Column("filling_notes", "填报须知", width=30),
    Column("acceptance_standard", "受理标准", width=30),
    Column("legal_basis", "材料设定依据", width=30),
    Column("common_errors", "常见错误", "json", width=30, note=_("JSON 字符串数组。")),
)

RESPONSIBILITY_COLUMNS: tuple[Column, ...] = (
    Column(
        "implementation_code", "实施编码", "implementation_code", key=True, width=36, note=_KEY_NOTE
    ),
    Column("basic_code", "基本编码", "basic_code", key=True, width=16, note=_KEY_NOTE),
    Column("order", "序号", "int", note=_("同一事项内的排列顺序;不填按文件中的先后。")),
    Column("matter", "责任事项", required=True, width=40),
    Column("situations", "追责情形", required=True, width=40),
    Column("accountable_body", "追责主体", required=True, width=24),
    Column("basis", "追责依据", required=True, width=30),
    Column("liability", "应负责任", required=True, width=30),
)

SHEET_COLUMNS: dict[str, tuple[Column, ...]] = {
    ITEMS: ITEM_COLUMNS,
    MATERIALS: MATERIAL_COLUMNS,
    RESPONSIBILITIES: RESPONSIBILITY_COLUMNS,
}

# The key of the nested lists in our JSON format.
CHILD_KEYS = {MATERIALS: "materials", RESPONSIBILITIES: "responsibilities"}


def column_by_header(sheet: str) -> dict[str, Column]:
    return {column.header: column for column in SHEET_COLUMNS[sheet]}


def column_by_field(sheet: str) -> dict[str, Column]:
    return {column.field: column for column in SHEET_COLUMNS[sheet]}


def header_of(sheet: str, field: str) -> str:
    column = column_by_field(sheet).get(field)
    return column.header if column else field
