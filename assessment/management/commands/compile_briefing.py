"""python manage.py compile_briefing 2026Q3 [--out DIR] [--org CODE]: the same service as the page and beat."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessment.briefing import BriefingPublished, briefing_compile_quarter, file_name, file_path
from assessment.models import Briefing
from assessment.periods import QUARTER_PATTERN
from branches.models import Branch


class Command(BaseCommand):
    help = "编制季度党建工作通报（HTML、PDF、Excel）"

    def add_arguments(self, parser):
        parser.add_argument("quarter", help="季度，如 2026Q3")
        parser.add_argument("--out", help="另存一份到该目录")
        parser.add_argument("--org", help="编制单位的组织编码（默认最上级党委）")

    def handle(self, *args, quarter: str, out: str | None = None, org: str | None = None, **options):
        if not QUARTER_PATTERN.match(quarter):
            raise CommandError("季度的格式是 2026Q3")
        orgs = Branch.objects.filter(code=org) if org else Branch.objects.filter(depth=1).order_by("path")
        organisation = orgs.first()
        if organisation is None:
            raise CommandError("找不到编制单位，请先导入组织或运行 seed_demo")
        try:
            briefing = briefing_compile_quarter(organisation=organisation, quarter=quarter)
        except BriefingPublished as exc:
            raise CommandError(exc.messages[0]) from None
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        if briefing.status != Briefing.Status.READY:
            raise CommandError(f"通报正在由另一进程编制（{briefing.get_status_display()}），请稍后再试")
        for fmt in ("html", "pdf", "xlsx"):
            path = file_path(briefing, fmt)
            if out:
                target = Path(out)
                target.mkdir(parents=True, exist_ok=True)
                path = Path(shutil.copyfile(path, target / file_name(briefing, fmt)))
            self.stdout.write(str(path))
        self.stdout.write(self.style.SUCCESS(f"{organisation.name} {quarter} 通报已生成"))
