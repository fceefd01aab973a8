"""The briefing's content (collected in a fixed number of queries) and its three renderings."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from branches.models import Branch

from . import charts, sources
from .models import CatchUpPlan, Inspection, QuarterScore, Rectification, ScoreWeight
from .periods import quarter_bounds, quarter_label, quarter_months
from .selectors import units_of

PART_LABELS = dict(ScoreWeight.Part.choices)
PART_ORDER = [p for p, _label in ScoreWeight.Part.choices]
R = Rectification.Status
CHUNK = 24  # annex rows per table (one landscape page)
# Above this many units the PDF lists each town and the first and last units; every unit stays in
# the HTML and the xlsx. (A printed district briefing does not run to sixty pages of rows, and
# WeasyPrint needs about 0.3 s a unit row on this machine.)
PDF_UNIT_LIMIT = 200
PDF_TOP = 30


@dataclass
class UnitRow:
    name: str
    area: str
    town: str
    parts: dict
    total: float
    rank: int
    stars: int
    previous_stars: int | None
    inspections: int = 0
    inspection_percent: float | None = None
    findings: int = 0
    rect: dict = field(default_factory=dict)
    key_tasks: tuple | None = None  # (due, done, late, percent)

    @property
    def movement(self) -> int:
        return self.stars - self.previous_stars if self.previous_stars else 0

    @property
    def star_text(self) -> str:
        return "★" * self.stars + "☆" * (5 - self.stars)

    def part(self, key: str) -> str:
        value = self.parts.get(key)
        return "—" if value is None else f"{value:.1f}"

    @property
    def part_cells(self) -> list[str]:
        return [self.part(k) for k in PART_ORDER]


@dataclass
class BriefingData:
    organisation: str
    quarter: str
    quarter_label: str
    issued_on: dt.date
    units: list[UnitRow]
    summary: dict
    areas: list[tuple[str, float, int]]
    catch_up: list[tuple[str, str]]
    charts: dict
    part_labels: list[str]
    towns: list[dict] = field(default_factory=list)

    @property
    def pdf_lists_every_unit(self) -> bool:
        return len(self.units) <= PDF_UNIT_LIMIT

    @property
    def first_units(self) -> list[UnitRow]:
        return self.units[:PDF_TOP]

    @property
    def last_units(self) -> list[UnitRow]:
        return self.units[-PDF_TOP:] if len(self.units) > 2 * PDF_TOP else []

    @property
    def unit_chunks(self) -> list[list[UnitRow]]:
        return [self.units[i : i + CHUNK] for i in range(0, len(self.units), CHUNK)]


def _num(value) -> float:
    return round(float(value), 1)


def collect(*, organisation: Branch, quarter: str) -> BriefingData:
    units = {u.pk: u for u in units_of(organisation).select_related("area")}
    parent_paths = {u.path[: -Branch.steplen] for u in units.values()}
    town_names = dict(Branch.objects.filter(path__in=parent_paths).values_list("path", "name"))
    scores = list(QuarterScore.objects.filter(branch_id__in=units, quarter=quarter).order_by("rank", "branch__path"))
    start, end = quarter_bounds(quarter)
    inspections = {
        r["branch_id"]: r
        for r in Inspection.objects.filter(branch_id__in=units, month__in=quarter_months(quarter))
        .values("branch_id")
        .annotate(n=Count("pk", distinct=True), findings=Count("findings"))
    }
    rect_rows = (
        Rectification.objects.filter(branch_id__in=units)
        .filter(Q(opened_at__date__range=(start, end)) | Q(deadline__range=(start, end)))
        .values("branch_id", "status")
        .annotate(n=Count("pk"))
    )
    rects: dict[int, Counter] = defaultdict(Counter)
    for r in rect_rows:
        rects[r["branch_id"]][r["status"]] += r["n"]
    overdue = Counter(
        Rectification.objects.filter(
            branch_id__in=units,
            status__in=(R.OPEN, R.EXPLAINED),
            deadline__lt=min(end + dt.timedelta(days=1), timezone.localdate()),
        ).values_list("branch_id", flat=True)
    )
    key_tasks = sources.key_task_progress(list(units.values()), start, end) or {}
    rows = []
    for s in scores:
        unit = units[s.branch_id]
        insp = inspections.get(s.branch_id, {})
        rows.append(
            UnitRow(
                name=unit.name,
                area=unit.area.name if unit.area else "镇直属",
                town=town_names.get(unit.path[: -Branch.steplen], ""),
                parts=s.parts,
                total=_num(s.total),
                rank=s.rank,
                stars=s.stars,
                previous_stars=s.previous_stars,
                inspections=insp.get("n", 0),
                inspection_percent=s.parts.get(ScoreWeight.Part.INSPECTION),
                findings=insp.get("findings", 0),
                rect={**{k: rects[s.branch_id][k] for k in R.values}, "overdue": overdue[s.branch_id]},
                key_tasks=key_tasks.get(s.branch_id),
            )
        )
    summary = _summary(rows)
    by_area: dict[str, list[float]] = defaultdict(list)
    many_towns = len(town_names) > 1
    for row in rows:
        by_area[_short_town(row.town) if many_towns else row.area].append(row.total)
    areas = sorted(((a, round(sum(v) / len(v), 1), len(v)) for a, v in by_area.items()), key=lambda t: -t[1])
    plans = CatchUpPlan.objects.filter(branch_id__in=units, quarter=quarter).select_related("branch")
    catch_up = [(p.branch.name, p.get_status_display()) for p in plans.order_by("branch__path")]
    return BriefingData(
        organisation=organisation.name,
        quarter=quarter,
        quarter_label=quarter_label(quarter),
        issued_on=timezone.localdate(),
        units=rows,
        summary=summary,
        areas=areas,
        catch_up=catch_up,
        charts=_charts(rows, summary, areas),
        part_labels=[str(PART_LABELS[p]) for p in PART_ORDER],
        towns=_towns(rows) if many_towns else [],
    )


def _short_town(name: str) -> str:
    return name.replace("中共宁波市海曙区", "").replace("委员会", "")


def _towns(rows: list[UnitRow]) -> list[dict]:
    grouped: dict[str, list[UnitRow]] = defaultdict(list)
    for row in rows:
        grouped[row.town].append(row)
    found = []
    for town, members in grouped.items():
        found.append(
            {
                "name": _short_town(town),
                "units": len(members),
                "mean": round(sum(r.total for r in members) / len(members), 1),
                "stars": [sum(1 for r in members if r.stars == n) for n in range(5, 0, -1)],
                "findings": sum(r.findings for r in members),
                "open": sum(r.rect.get("open", 0) + r.rect.get("explained", 0) for r in members),
                "overdue": sum(r.rect.get("overdue", 0) for r in members),
            }
        )
    return sorted(found, key=lambda t: -t["mean"])


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 1) if values else None


def _summary(rows: list[UnitRow]) -> dict:
    rect_totals = Counter()
    for row in rows:
        rect_totals.update(row.rect)
    tasks = [r.key_tasks for r in rows if r.key_tasks and r.key_tasks[0]]
    return {
        "key_tasks": {
            "due": sum(t[0] for t in tasks),
            "done": sum(t[1] for t in tasks),
            "late": sum(t[2] for t in tasks),
        }
        if tasks
        else None,
        "late_units": [r.name for r in rows if r.key_tasks and r.key_tasks[2]],
        "units": len(rows),
        "mean_total": _mean(r.total for r in rows),
        "compliance": _mean(r.parts.get(ScoreWeight.Part.COMPLIANCE) for r in rows),
        "projects": _mean(r.parts.get(ScoreWeight.Part.PROJECTS) for r in rows),
        "inspections": sum(r.inspections for r in rows),
        "inspection_mean": _mean(r.inspection_percent for r in rows),
        "findings": sum(r.findings for r in rows),
        "rect": {k: rect_totals[k] for k in [*R.values, "overdue"]},
        "stars": {n: sum(1 for r in rows if r.stars == n) for n in range(5, 0, -1)},
        "up": sum(1 for r in rows if r.movement > 0),
        "down": sum(1 for r in rows if r.movement < 0),
        "top": rows[:5],
        "bottom": rows[-3:][::-1] if len(rows) > 5 else [],
    }


def _charts(rows: list[UnitRow], summary: dict, areas) -> dict:
    stars = summary["stars"]
    rect = summary["rect"]
    return {
        "stars": charts.bar_chart(
            [f"{n}星" for n in stars], list(stars.values()), title="星级分布（单位数）", color="#c0392b", unit="个"
        ),
        "areas": charts.bar_chart(
            [a for a, _m, _n in areas],
            [m for _a, m, _n in areas],
            title="各片区平均得分" if len(areas) <= 12 else "各镇平均得分",
            max_value=100,
            color="#b03a2e",
            unit="分",
            bar_height=22 if len(areas) <= 12 else 12,
        ),
        "rect": charts.column_chart(
            [str(R(k).label) for k in R.values] + ["逾期"],
            [("整改事项", [rect[k] for k in R.values] + [rect["overdue"]], "#c0392b")],
            title="整改事项状态",
        ),
    }


def _context(data: BriefingData) -> dict:
    return {"d": data, "charts": {k: mark_safe(v) for k, v in data.charts.items()}}  # noqa: S308 — our own SVG


def render_html(data: BriefingData) -> str:
    return render_to_string("assessment/briefing/document.html", _context(data))


def render_pdf(data: BriefingData) -> bytes:
    from weasyprint import HTML

    html = render_to_string("assessment/briefing/document.html", {**_context(data), "for_print": True})
    return HTML(string=html).write_pdf()


def render_xlsx(data: BriefingData) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = "考核排名"
    head = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="B03A2E")
    sheet.append([f"{data.organisation} {data.quarter_label}基层党建工作考核排名"])
    sheet["A1"].font = Font(bold=True, size=14)
    header = ["排名", "单位", "片区", *data.part_labels, "总分", "星级", "上季度星级"]
    sheet.append(header)
    for row in data.units:
        sheet.append(
            [
                row.rank,
                row.name,
                row.area,
                *[row.parts.get(k) for k in PART_ORDER],
                row.total,
                row.stars,
                row.previous_stars,
            ]
        )
    detail = book.create_sheet("督查与整改")
    detail.append(["单位", "片区", "督查次数", "督查得分率", "发现问题", *[str(R(k).label) for k in R.values], "逾期"])
    for row in data.units:
        detail.append(
            [
                row.name,
                row.area,
                row.inspections,
                row.inspection_percent,
                row.findings,
                *[row.rect.get(k, 0) for k in R.values],
                row.rect.get("overdue", 0),
            ]
        )
    summary = book.create_sheet("概况")
    s = data.summary
    for label, value in (
        ("参评单位", s["units"]),
        ("平均总分", s["mean_total"]),
        ("组织生活合规率", s["compliance"]),
        ("书记项目平均进度", s["projects"]),
        ("督查次数", s["inspections"]),
        ("发现问题", s["findings"]),
        ("星级上升单位", s["up"]),
        ("星级下降单位", s["down"]),
    ):
        summary.append([label, value])
    for ws in (sheet, detail):
        for cell in ws[2 if ws is sheet else 1]:
            cell.font, cell.fill = head, fill
            cell.alignment = Alignment(horizontal="center")
        ws.column_dimensions["B" if ws is sheet else "A"].width = 26
        ws.freeze_panes = "A3" if ws is sheet else "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
