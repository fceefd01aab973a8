"""Roster import benchmark: the roster service through the file door and the admin door.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gaoqiao .venv/bin/python benchmarks/import_members.py

Generates ROWS members (default 100,000) as an xlsx file (in a child process, so the
peak memory figure is the import's), imports them with ``members.roster`` (calamine,
the shared RowCleaner, COPY), imports the same file again (all unchanged), then imports a
SLICE-row slice (default 10,000) through the admin's door: ``RosterFormat`` reads it into a
tablib dataset and ``MemberResource.import_data`` hands it to the same service. Everything it
creates (branches BENCH-*, members with ID numbers 330299…) is removed at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoqiao.settings")

REGION = "330299"
BRANCHES = 20
DATE_FORMS = (
    lambda d: d.isoformat(),
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d:%Y.%m.%d}",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: d,  # a real date cell
)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def generate(path: str, rows: int) -> None:
    """Write the roster with openpyxl (not timed: it stands for the admin's own spreadsheet)."""
    from openpyxl import Workbook

    from members.pii import make_id_number
    from members.roster import HEADERS

    book = Workbook(write_only=True)
    sheet = book.create_sheet("党员信息")
    sheet.append(list(HEADERS))
    base = dt.date(1950, 1, 1)
    for i in range(rows):
        birth = base + dt.timedelta(days=i // 1000)
        number = make_id_number(REGION, birth, i % 1000)
        female = int(number[16]) % 2 == 0
        joined = birth.replace(year=birth.year + 25)
        probationary = i % 7 == 0
        form = DATE_FORMS[i % len(DATE_FORMS)]
        sheet.append(
            [
                i + 1,
                f"党员{i}",
                "女" if female else "男",
                "汉族",
                number.translate(FULL_WIDTH) if i % 11 == 0 else number.lower(),
                form(birth),
                ("初中", "高中", "大专", "大学本科")[i % 4],
                "预备党员" if probationary else "正式党员",
                f"基准测试第{i % BRANCHES + 1}党支部",
                form(joined),
                "" if probationary else form(joined.replace(year=joined.year + 1)),
                "农民",
                f"1{3 + i % 6}{i:09d}",
                f"浙江省宁波市海曙区高桥镇{i}号",
                "正常",
                "否" if i % 9 else "是",
                "否",
            ]
        )
    book.save(path)


def setup_branches():
    from branches.models import Branch
    from branches.services import branch_create

    root = Branch.objects.filter(code="BENCH").first() or branch_create(
        code="BENCH", name="基准测试党委", kind="committee", unit="town"
    )
    for n in range(1, BRANCHES + 1):
        if not Branch.objects.filter(code=f"BENCH-{n:02d}").exists():
            branch_create(
                code=f"BENCH-{n:02d}",
                name=f"基准测试第{n}党支部",
                kind="branch",
                unit="village",
                parent=Branch.objects.get(pk=root.pk),
            )


def cleanup():
    from branches.models import Branch
    from members.models import Member, RosterImport

    Member.objects.filter(id_number__startswith=REGION).delete()
    RosterImport.objects.filter(file_name__startswith="bench-").delete()
    for branch in Branch.objects.filter(code__startswith="BENCH-").order_by("-depth"):
        branch.delete()
    Branch.objects.filter(code="BENCH").delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--slice", type=int, default=10_000, help="rows for the admin door")
    parser.add_argument("--generate", nargs=2, metavar=("PATH", "ROWS"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    import django

    django.setup()
    if args.generate:
        generate(args.generate[0], int(args.generate[1]))
        return

    from django.db import connection

    from members.models import Member
    from members.resources import MemberResource, RosterFormat
    from members.roster import roster_import_file

    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    full, part = tmp / "bench-roster.xlsx", tmp / "bench-slice.xlsx"
    started = time.perf_counter()
    for path, rows in ((full, args.rows), (part, args.slice)):
        subprocess.run([sys.executable, __file__, "--generate", str(path), str(rows)], check=True)
    print(
        f"generated {args.rows} + {args.slice} rows in {time.perf_counter() - started:.1f} s "
        f"({full.stat().st_size / 1e6:.1f} MB xlsx)"
    )

    cleanup()
    setup_branches()
    try:
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        report = roster_import_file(source=full, file_name="bench-roster.xlsx")
        fast = time.perf_counter() - t0
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        assert report.ok and report.created == args.rows, report.summary() + repr(report.errors[:3])
        assert Member.objects.filter(id_number__startswith=REGION).count() == args.rows

        t0 = time.perf_counter()
        again = roster_import_file(source=full, file_name="bench-roster.xlsx")
        unchanged = time.perf_counter() - t0
        assert again.ok and again.unchanged == args.rows, again.summary()

        Member.objects.filter(id_number__startswith=REGION).delete()
        t0 = time.perf_counter()
        dataset = RosterFormat().create_dataset(part.read_bytes())
        result = MemberResource().import_data(dataset, dry_run=False, use_transactions=True, file_name=part.name)
        admin = time.perf_counter() - t0
        assert not result.has_errors() and not result.has_validation_errors(), (
            result.base_errors[:1] or result.invalid_rows[:1]
        )
        assert result.totals["new"] == args.slice
    finally:
        cleanup()
        for path in (full, part):
            path.unlink(missing_ok=True)
        tmp.rmdir()

    print()
    print(
        f"machine: {platform.node()} · {os.cpu_count()} CPUs · {platform.processor() or platform.machine()} · "
        f"Python {platform.python_version()} · {connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}"
    )
    print(f"peak RSS before import: {rss_before / 1024:.0f} MB, after the fast import: {peak_mb:.0f} MB")
    print()
    print("| path | rows | seconds | rows/s |")
    print("|---|---:|---:|---:|")
    print(
        f"| fast: calamine + RowCleaner + {'COPY' if connection.vendor == 'postgresql' else 'bulk_create'} | "
        f"{args.rows:,} | {fast:.1f} | {args.rows / fast:,.0f} |"
    )
    print(f"| fast, same file again (all unchanged) | {args.rows:,} | {unchanged:.1f} | {args.rows / unchanged:,.0f} |")
    print(
        f"| admin door: RosterFormat + MemberResource.import_data | {args.slice:,} | {admin:.1f} | "
        f"{args.slice / admin:,.0f} |"
    )


if __name__ == "__main__":
    main()
