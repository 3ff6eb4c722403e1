"""Background jobs of the analytics app: a precise-push round (ids in, one service call)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from govhall.core.jobs import job
from govhall.core.models import Job

PUSH_ATTEMPTS = 3


@job("analytics.push_round_run", max_attempts=PUSH_ATTEMPTS)
def push_round_run_job(payload: dict[str, Any]) -> None:
    """Run one push round; a round already finished is left alone. When the last attempt
    fails, the round is marked failed so that its page stops waiting."""
    from govhall.analytics.services_push import job_key, push_round_execute, push_round_fail

    round_id = int(payload["round"])
    try:
        push_round_execute(round_id=round_id)
    except Exception:
        attempts = (
            Job.objects.filter(dedupe_key=job_key(round_id))
            .values_list("attempts", "max_attempts")
            .first()
        )
        if attempts is None or attempts[0] >= attempts[1]:
            push_round_fail(round_id=round_id, reason=_("后台任务多次执行失败,请联系系统管理员。"))
        raise
