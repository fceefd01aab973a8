import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from meetings.overdue import meetings_flag_overdue


class Command(BaseCommand):
    help = "标记逾期未召开的三会一课，并提醒一周内到期的会议（与每日定时任务相同）"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="按此日期判断（YYYY-MM-DD），默认今天")

    def handle(self, *args, as_of=None, **options):
        try:
            day = dt.date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise CommandError("--as-of 须为 YYYY-MM-DD 格式的日期") from None
        result = meetings_flag_overdue(as_of=day)
        self.stdout.write(
            f"{result.as_of}: 逾期 {result.overdue} 项；新标记 {result.opened}，重新打开 {result.reopened}，"
            f"销号 {result.closed}；到期提醒 {result.reminded} 条"
        )
