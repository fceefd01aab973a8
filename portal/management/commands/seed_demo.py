"""`manage.py seed_demo [--scale N]`: the demo town, built by every app's registered step (portal.seeding)."""

from __future__ import annotations

import time
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.seeding import DemoSeedError, demo_seed


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "生成演示数据：高桥镇的组织架构、片区、党小组、党员、班子成员和各角色登录账号（可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="生成 N 个镇（N>1 时挂在海曙区委之下，用于性能测试；登录账号只建在第一个镇）",
        )

    def handle(self, *args, scale: int, **options):
        started = time.monotonic()
        try:
            result = demo_seed(scale=scale, progress=lambda line: self.stdout.write(line))
        except DemoSeedError as exc:
            raise CommandError(str(exc)) from None
        seconds = time.monotonic() - started

        labels = result.labels
        if result.already_seeded:
            self.stdout.write(self.style.WARNING(_("演示数据已存在，本次未新增任何记录。")))
        else:
            made = "，".join(f"{labels.get(k, k)} {n:,}" for k, n in result.created.items() if n)
            self.stdout.write(
                self.style.SUCCESS(_("已生成演示数据（用时 %(s).1f 秒）：%(made)s") % {"s": seconds, "made": made})
            )
        self.stdout.write(_("现有：") + "，".join(f"{labels.get(k, k)} {n:,}" for k, n in result.totals.items()))

        self.stdout.write("")
        self.stdout.write(_("演示账号（密码相同）："))
        header = (_("角色"), _("用户名"), _("密码"), _("能看到什么"))
        rows = [header] + [(x.role_label, x.username, x.password, x.sees) for x in result.logins]
        widths = [max(_width(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            self.stdout.write("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])
