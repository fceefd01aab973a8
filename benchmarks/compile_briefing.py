"""Quarterly briefing benchmark at district scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gaoqiao_bench .venv/bin/python manage.py seed_demo --scale 40
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gaoqiao_bench .venv/bin/python benchmarks/compile_briefing.py

Compiles the last full quarter's briefing for the district (about 1,280 units) through the same
service as the command, the page and beat (scores, HTML, PDF, xlsx), and prints the time of each
step from the briefing's own progress marks, the total, and the number of SQL queries. Run it
twice: the second compile replaces the first draft.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoqiao.settings")


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from assessment import report, scoring
    from assessment.briefing import briefing_compile_quarter, file_path
    from assessment.periods import last_full_quarter
    from assessment.selectors import units_of
    from branches.models import Branch

    root = Branch.objects.filter(depth=1).order_by("path").first()
    quarter = sys.argv[1] if len(sys.argv) > 1 else last_full_quarter(timezone.localdate())
    units = units_of(root).count()
    print(f"{root.name} {quarter}: {units} units, {connection.vendor}, {platform.processor() or platform.machine()}")

    steps = {}
    originals = {name: getattr(report, name) for name in ("collect", "render_html", "render_pdf", "render_xlsx")}
    original_scores = scoring.quarter_scores_compute

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                steps[name] = time.perf_counter() - start

        return wrapper

    for name, fn in originals.items():
        setattr(report, name, timed(name, fn))
    scoring.quarter_scores_compute = timed("quarter_scores_compute", original_scores)
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        briefing = briefing_compile_quarter(organisation=root, quarter=quarter)
        total = time.perf_counter() - start
    for name, seconds in steps.items():
        print(f"  {name:<24} {seconds:6.1f} s")
    print(f"  {'total':<24} {total:6.1f} s, {len(queries)} queries, status {briefing.status}")
    for fmt in ("html", "pdf", "xlsx"):
        path = file_path(briefing, fmt)
        print(f"  {fmt}: {path.stat().st_size / 1024:,.0f} KiB")


if __name__ == "__main__":
    main()
