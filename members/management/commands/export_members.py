from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from branches.models import Branch
from members.models import RosterImport
from members.roster import roster_export


class Command(BaseCommand):
    help = "导出党员名册（.xlsx 或 .csv），按该用户的权限确定范围和是否遮蔽身份证号、电话。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="输出文件路径，扩展名为 .xlsx 或 .csv")
        parser.add_argument("--user", required=True, help="以该用户名的权限导出")
        parser.add_argument("--branch", help="只导出该党组织（名称或编码）及其下级")

    def handle(self, *args, file, user, branch=None, **options):
        file_format = file.rsplit(".", 1)[-1].lower()
        if file_format not in ("xlsx", "csv"):
            raise CommandError("输出文件的扩展名应为 .xlsx 或 .csv")
        try:
            exporter = User.objects.select_related("branch").get(username=user)
        except User.DoesNotExist:
            raise CommandError(f"用户“{user}”不存在") from None
        root = None
        if branch:
            root = Branch.objects.filter(code=branch).first() or Branch.objects.filter(name=branch).first()
            if root is None:
                raise CommandError(f"党组织“{branch}”不存在")
        data, _ = roster_export(user=exporter, file_format=file_format, branch=root, source=RosterImport.Source.COMMAND)
        with open(file, "wb") as fh:
            fh.write(data)
        self.stdout.write(self.style.SUCCESS(f"已导出到 {file}"))
