import os
import time

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from members.models import RosterImport
from members.roster import roster_import_file, roster_import_record


class Command(BaseCommand):
    help = "从 Excel/WPS（.xlsx、.xls）或 CSV 导入党员名册：全部通过才写入，有任何错误则不写入并列出错误。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="名册文件路径")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
        parser.add_argument(
            "--user", help="以该用户名的权限导入（只能导入其可管理的党支部）；不填则以系统身份导入全部党支部"
        )

    def handle(self, *args, file, dry_run=False, user=None, **options):
        importer = None
        if user:
            try:
                importer = User.objects.select_related("branch").get(username=user)
            except User.DoesNotExist:
                raise CommandError(f"用户“{user}”不存在") from None
        if not os.path.isfile(file):
            raise CommandError(f"找不到文件：{file}")
        started = time.perf_counter()
        report = roster_import_file(source=file, file_name=os.path.basename(file), user=importer, dry_run=dry_run)
        roster_import_record(report=report, user=importer, source=RosterImport.Source.COMMAND,
                             file_size=os.path.getsize(file))
        for error in report.errors:
            self.stdout.write(f"第 {error.row} 行  {error.column}  “{error.value}”：{error.message}")
        elapsed = time.perf_counter() - started
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(f"{report.summary()}，用时 {elapsed:.1f} 秒"))
