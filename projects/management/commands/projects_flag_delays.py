from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from projects.delays import projects_flag_delays


class Command(BaseCommand):
    help = "标记逾期的书记领衔项目节点和重点任务月度目标（与每日定时任务相同）"

    def add_arguments(self, parser):
        parser.add_argument("--on", help="按哪一天计算（YYYY-MM-DD），默认今天")

    def handle(self, *args, on=None, **options):
        try:
            day = dt.date.fromisoformat(on) if on else None
        except ValueError:
            raise CommandError("--on 须为 YYYY-MM-DD 格式的日期") from None
        r = projects_flag_delays(on=day)
        self.stdout.write(
            f"项目状态更新 {r.statuses_changed} 个；"
            f"逾期节点：新增 {r.milestones.opened}，重开 {r.milestones.reopened}，销号 {r.milestones.closed}，"
            f"在办 {r.milestones.open}；"
            f"逾期月度目标：新增 {r.key_tasks.opened}，重开 {r.key_tasks.reopened}，销号 {r.key_tasks.closed}，"
            f"在办 {r.key_tasks.open}"
        )
