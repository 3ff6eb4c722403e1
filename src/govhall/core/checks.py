"""System checks registered at start-up (``govhall check``)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, register
from django.core.checks import Warning as CheckWarning
from django.db import DatabaseError
from django.utils.translation import gettext as _

from govhall.core.calendar import missing_years


@register("govhall")
def calendar_years_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn when this year or next year has no working-day calendar (deadlines would count
    weekends only). Silent while the database is not migrated yet."""
    try:
        missing = missing_years()
    except DatabaseError:  # OperationalError, ProgrammingError: tables not there yet
        return []
    if not missing:
        return []
    years = "、".join(str(year) for year in missing)
    return [
        CheckWarning(
            _("缺少 %(years)s 年的工作日历,办理时限将仅按周末计算。") % {"years": years},
            hint=_(
                "请按国务院办公厅公布的节假日安排导入:govhall calendar import 文件 "
                "--year %(year)s --source 通知名称,或在管理后台“工作日历年度”中“导入年度日历”。"
            )
            % {"year": missing[0]},
            id="govhall.W001",
        )
    ]
