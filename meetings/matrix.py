"""Compliance at a glance: the branches × months matrix, its counts, and its xlsx; a branch's calendar."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .compliance import DUE, HELD, OVERDUE, STATUS_LABELS, ComplianceCell, branch_infos
from .figures_cache import branch_figures
from .periods import month_index
from .tally import Verdict, tally

RANK = {HELD: 0, DUE: 1, OVERDUE: 2}
SYMBOL = {HELD: "✓", DUE: "…", OVERDUE: "✗", "": ""}


@dataclass
class MatrixRow:
    branch_id: int
    name: str
    area_id: int | None
    months: list[str]  # status per month, "" where nothing was judged
    overdue: list[ComplianceCell] = field(default_factory=list)

    def html(self, detail_url: str) -> SafeString:
        """One table row, built here rather than in a template: a district has 1,200 rows × 12 cells."""
        cells = "".join(f'<td class="cm cm--{s or "none"}">{SYMBOL[s]}</td>' for s in self.months)
        title = escape("；".join(c.reason for c in self.overdue[:6]))
        return mark_safe(
            f'<tr><th scope="row"><a href="{detail_url}">{escape(self.name)}</a></th>{cells}'
            f'<td class="cm-count" title="{title}">{len(self.overdue) or ""}</td></tr>'
        )


@dataclass
class Matrix:
    year: int
    rows: list[MatrixRow]
    per_area: list[tuple[str, int, int]]  # area, branches late, overdue periods
    per_rule: list[tuple[str, int]]  # meeting type, overdue periods
    overdue: list[ComplianceCell]


def compliance_matrix(*, branches, year: int, as_of: dt.date, area_names: dict[int, str]) -> Matrix:
    """The year's branches × months: the worst status of the periods ending in each month, and the overdue cells.

    Each branch's row is kept in the cache (:mod:`meetings.figures_cache`) until one of its meetings, or a
    rule, branch, party group or area, changes, or the day does; the rows missing are counted together by
    :func:`count_rows`, and the counts per area and rule summed from the rows.
    """
    infos = branch_infos(branches)
    by_id = {info.id: info for info in infos}
    rows = branch_figures(
        f"matrix:{year}:{as_of:%Y%m%d}",
        by_id,
        lambda missing: count_rows(branches=[by_id[pk] for pk in missing], year=year, as_of=as_of),
    )
    return _matrix(year, [row for row in rows.values() if row is not None], area_names)


def count_matrix(*, branches, year: int, as_of: dt.date, area_names: dict[int, str]) -> Matrix:
    """The matrix counted afresh from the meetings, without the cache."""
    rows = count_rows(branches=branches, year=year, as_of=as_of, kept=False)
    return _matrix(year, list(rows.values()), area_names)


def count_rows(*, branches, year: int, as_of: dt.date, kept: bool = True) -> dict[int, MatrixRow]:
    """Per branch id, its row, counted by :mod:`meetings.tally`: a fixed number of queries, and full cells
    only for the overdue periods, whatever the number of branches. A branch no rule applies to has none.
    ``kept``: the branches' meeting counts may come from the cache (:meth:`meetings.tally.Tally._count`)."""
    counted = tally(branches=branches, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), as_of=as_of, kept=kept)
    by_branch: dict[int, MatrixRow] = {}
    late: list[Verdict] = []  # a branch's verdicts come together: these are in the branches' order
    january = month_index(dt.date(year, 1, 1))
    row = None
    for fields in counted.judged():  # plain tuples; a Verdict made of the overdue ones alone
        info, status, i = fields[0], fields[6], fields[7] - january
        if row is None or row.branch_id != info.id:
            row = by_branch.get(info.id)
            if row is None:
                row = by_branch[info.id] = MatrixRow(info.id, info.name, info.area_id, [""] * 12)
        if not 0 <= i < 12:  # a period ending in another year
            continue
        months = row.months
        if not months[i] or RANK[status] > RANK[months[i]]:
            months[i] = status
        if status == OVERDUE:
            late.append(Verdict(*fields[:7]))
    for cell in counted.cells(late):
        by_branch[cell.branch_id].overdue.append(cell)
    return by_branch


def _matrix(year: int, rows: list[MatrixRow], area_names: dict[int, str]) -> Matrix:
    """The matrix of these rows (in the branches' order): the overdue cells, and their counts per area and rule."""
    late_by_area: dict[str, set[int]] = defaultdict(set)
    overdue_by_area: Counter = Counter()
    per_rule: Counter = Counter()
    for row in rows:
        area = area_names.get(row.area_id, "未划片区")
        late_by_area.setdefault(area, set())
        for cell in row.overdue:
            late_by_area[area].add(row.branch_id)
            overdue_by_area[area] += 1
            per_rule[cell.meeting_type] += 1
    per_area = sorted((a, len(b), overdue_by_area[a]) for a, b in late_by_area.items())
    overdue = [cell for row in rows for cell in row.overdue]
    return Matrix(year=year, rows=rows, per_area=per_area, per_rule=per_rule.most_common(), overdue=overdue)


def matrix_xlsx(matrix: Matrix, area_names: dict[int, str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    fills = {
        HELD: PatternFill("solid", fgColor="C6EFCE"),
        DUE: PatternFill("solid", fgColor="FFEB9C"),
        OVERDUE: PatternFill("solid", fgColor="FFC7CE"),
    }
    wb = Workbook()
    ws = wb.active
    ws.title = f"{matrix.year}年三会一课"
    ws.append(["党组织", "片区", *[f"{m}月" for m in range(1, 13)], "逾期项数"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in matrix.rows:
        ws.append(
            [
                row.name,
                area_names.get(row.area_id, ""),
                *[STATUS_LABELS.get(s, "") for s in row.months],
                len(row.overdue),
            ]
        )
        for i, status in enumerate(row.months):
            if status:
                ws.cell(row=ws.max_row, column=3 + i).fill = fills[status]
    ws.column_dimensions["A"].width = 28
    detail = wb.create_sheet("逾期明细")
    detail.append(["党组织", "片区", "会议类型", "党小组", "期间", "应召开", "已召开", "最近一次", "说明"])
    for row in matrix.rows:
        for c in row.overdue:
            detail.append(
                [
                    c.branch_name,
                    area_names.get(c.area_id, ""),
                    c.meeting_type,
                    c.party_group_name,
                    c.period.label,
                    c.required,
                    c.held,
                    c.last_meeting_on.isoformat() if c.last_meeting_on else "",
                    c.reason,
                ]
            )
    counts = wb.create_sheet("统计")
    counts.append(["片区", "逾期党组织数", "逾期项数"])
    for area, late, overdue in matrix.per_area:
        counts.append([area, late, overdue])
    counts.append([])
    counts.append(["会议类型", "逾期项数"])
    for name, n in matrix.per_rule:
        counts.append([name, n])
    for sheet in (detail, counts):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
