"""Large roster files for the job tests: N valid, distinct people in branch A (高峰村党支部)."""

from __future__ import annotations

import datetime as dt
import time

from members.models import RosterImport
from members.pii import make_id_number
from tests.members.roster_files import csv_bytes, person


def people_csv(count: int, *, branch: str = "高峰村党支部") -> bytes:
    rows = []
    for n in range(1, count + 1):
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=n % 15000)
        number = make_id_number("330203", birth, 100 + n // 15000)
        rows.append(
            person(
                n,
                branch=branch,
                公民身份号码=number,
                性别="女" if int(number[16]) % 2 == 0 else "男",
                出生日期=birth.isoformat(),
                入党日期=(birth + dt.timedelta(days=25 * 365)).isoformat(),
                转为正式党员日期=(birth + dt.timedelta(days=26 * 365)).isoformat(),
            )
        )
    return csv_bytes(rows)


def wait_for(job: RosterImport, predicate, *, seconds: float, every: float = 0.05) -> RosterImport:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if predicate(job):
            return job
        time.sleep(every)
    raise AssertionError(f"job {job.pk} is {job.status} ({job.progress} %, {job.message!r}) after {seconds} s")
