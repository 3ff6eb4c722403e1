"""Item codes, validated by structure (REFERENCE.md).

- 基本编码 (12): catalogue origin (2 digits) + 事项类型 (2, from the code table) + main item (5
  digits) + sub-item (3 digits, ``000`` = none).
- 实施编码 (31): implementing body's USCC (18, check digit verified) + 行使层级 (1) + 基本编码.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from govhall.core import errors
from govhall.core.codes import code_table
from govhall.core.identifiers import is_valid_uscc

_BASIC = re.compile(r"^\d{12}$")


def _invalid(field: str, message: str) -> errors.ValidationError:
    return errors.ValidationError(message, code="invalid_item_code", fields={field: [message]})


def validate_basic_code(code: str, *, item_type: str | None = None) -> str:
    code = (code or "").strip()
    if not _BASIC.match(code):
        raise _invalid("basic_code", _("基本编码应为12位数字。"))
    if code[2:4] not in code_table("item_type") and not code[2:4] >= "11":
        raise _invalid("basic_code", _("基本编码第3-4位应为事项类型代码。"))
    if item_type is not None and code[2:4] != item_type:
        raise _invalid("basic_code", _("基本编码中的事项类型与事项类型不一致。"))
    return code


def implementation_code(*, uscc: str, exercise_level: str, basic_code: str) -> str:
    return f"{uscc}{exercise_level}{basic_code}"


def validate_implementation_code(code: str) -> tuple[str, str, str]:
    """Split a 实施编码 into (USCC, level, basic code), or raise ValidationError."""
    code = (code or "").strip().upper()
    if len(code) != 31:
        raise _invalid(
            "implementation_code", _("实施编码应为31位:18位信用代码+1位层级+12位基本编码。")
        )
    uscc, level, basic = code[:18], code[18], code[19:]
    if not is_valid_uscc(uscc):
        raise _invalid("implementation_code", _("实施编码前18位不是有效的统一社会信用代码。"))
    if level not in code_table("exercise_level"):
        raise _invalid("implementation_code", _("实施编码第19位应为行使层级代码(1-7)。"))
    validate_basic_code(basic)
    return uscc, level, basic
