"""``govhall housing_reverify``: run the yearly re-verification (动态核查) now.

As the system by default (the registry read in the name of whoever registered the 动态核查
purpose), or as a member of the housing department's staff with ``--user``. Prints the counts;
the flags are reviewed on the housing workbench (动态核查).
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from govhall.accounts.models import User
from govhall.core import errors
from govhall.housing.services_reverify import reverification_run


class Command(BaseCommand):
    help = "公租房年度动态核查:按当前共享数据批量复核全部轮候和在租家庭,标记不再符合条件的家庭。"

    def add_arguments(self, parser):
        parser.add_argument("--user", default="", help="以该住建部门工作人员的身份运行(用户名)")
        parser.add_argument("--on", default="", help="参数基准日 YYYY-MM-DD(默认今天)")
        parser.add_argument(
            "--purpose", default="", help="查询用途编号(默认本部门有效的动态核查用途)"
        )

    def handle(self, *args, user: str, on: str, purpose: str, **options) -> None:
        actor = None
        if user:
            actor = User.objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"no active user {user!r}")
        try:
            day = dt.date.fromisoformat(on) if on else None
        except ValueError as exc:
            raise CommandError(f"bad date {on!r}") from exc
        try:
            run = reverification_run(actor=actor, on=day, purpose=purpose or None)
        except errors.ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            f"run {run.pk} on {run.on}: checked {run.checked}, eligible {run.eligible}, "
            f"flagged {run.flagged}, already under review {run.already_open}, "
            f"unknown {run.unknown}"
        )
