"""Rows for assessment: inspections, rectification, scores, catch-up plans, points, appraisal, briefings.

"own" objects sit in branch_a (inside the area head's area), "other" ones in
branch_b; the briefing is the town's, so both columns point at it. A POST with
an empty body answers 400 where the role may act (the form comes back with
its errors) and deny where it may not.
"""

from __future__ import annotations

from . import API_LOGGED_IN, DENY, LOGGED_IN, LOGIN, ROLES, TOWN_ONLY, Row, everyone, scoped

READERS = {**LOGGED_IN, "member": DENY}
INSPECTORS = {**everyone(DENY, anonymous=LOGIN), "town_admin": "ok", "town_staff": "ok", "area_head": "ok"}
WRITERS = {**everyone(DENY, anonymous=LOGIN), "town_admin": "ok", "secretary_a": "ok", "secretary_b": "ok"}
TOWN_ADMIN_ONLY = {**everyone(DENY, anonymous=LOGIN), "town_admin": "ok"}
BAD = "400"
SCOPED_400 = {
    "anonymous": (LOGIN, LOGIN),
    "town_admin": (BAD, BAD),
    "town_staff": (BAD, BAD),
    "area_head": (BAD, DENY),
    "secretary_a": (BAD, DENY),
    "secretary_b": (DENY, BAD),
    "member": (DENY, DENY),
}
TOWN_TARGET = {
    **{role: (DENY, DENY) for role in ROLES},
    "anonymous": (LOGIN, LOGIN),
    "town_admin": ("ok", "ok"),
    "town_staff": ("ok", "ok"),
}
API_TOWN_TARGET = {**TOWN_TARGET, "anonymous": (DENY, DENY)}

ROWS = {
    ("assessment:dashboard", "get"): Row(TOWN_ONLY),
    ("assessment:inspections", "get"): Row(READERS),
    ("assessment:inspection-new", "get"): Row(INSPECTORS),
    ("assessment:inspection-new", "post"): Row(
        {**INSPECTORS, **{r: BAD for r in ("town_admin", "town_staff", "area_head")}}
    ),
    ("assessment:inspection-detail", "get"): Row(scoped(LOGIN), target="inspection"),
    ("assessment:rectifications", "get"): Row(READERS),
    ("assessment:rectification-detail", "get"): Row(scoped(LOGIN), target="rectification"),
    ("assessment:rectification-act", "post"): Row(SCOPED_400, target="rectification"),
    ("assessment:scores", "get"): Row(READERS),
    ("assessment:scores-compute", "post"): Row(TOWN_ONLY),
    ("assessment:external-scores", "get"): Row(TOWN_ADMIN_ONLY),
    ("assessment:external-scores", "post"): Row({**TOWN_ADMIN_ONLY, "town_admin": BAD}),
    ("assessment:catch-up", "get"): Row(scoped(LOGIN), target="catch_up"),
    ("assessment:catch-up", "post"): Row(SCOPED_400, target="catch_up"),
    ("assessment:points", "get"): Row(LOGGED_IN),
    ("assessment:point-add", "get"): Row(WRITERS),
    ("assessment:point-add", "post"): Row(
        {**WRITERS, **{r: BAD for r in ("town_admin", "secretary_a", "secretary_b")}}
    ),
    ("assessment:appraisals", "get"): Row(LOGGED_IN),
    ("assessment:appraisals", "post"): Row(everyone(BAD, anonymous=LOGIN)),
    ("assessment:briefings", "get"): Row(TOWN_ONLY),
    ("assessment:briefings", "post"): Row(TOWN_ONLY),  # queued after commit; redirects to its page
    ("assessment:briefing", "get"): Row(TOWN_TARGET, target="briefing"),
    ("assessment:briefing-progress", "get"): Row(TOWN_TARGET, target="briefing"),
    ("assessment:briefing-download", "get"): Row(TOWN_TARGET, target="briefing"),
    # Town staff may read and compile but not publish.
    ("assessment:briefing-publish", "post"): Row({**TOWN_TARGET, "town_staff": (DENY, DENY)}, target="briefing"),
    # API
    ("api:assessment-standards-list", "get"): Row(API_LOGGED_IN),  # a member gets an empty list
    ("api:assessment-standards-detail", "get"): Row(
        {**{r: ("ok", "ok") for r in ROLES}, "anonymous": (DENY, DENY), "member": (DENY, DENY)}, target="standard"
    ),
    ("api:assessment-inspections-list", "get"): Row(API_LOGGED_IN),
    ("api:assessment-inspections-detail", "get"): Row(scoped(DENY), target="inspection"),
    ("api:assessment-rectifications-list", "get"): Row(API_LOGGED_IN),
    ("api:assessment-rectifications-detail", "get"): Row(scoped(DENY), target="rectification"),
    ("api:assessment-rectifications-act", "post"): Row(
        {**SCOPED_400, "anonymous": (DENY, DENY)}, target="rectification"
    ),
    ("api:assessment-scores-list", "get"): Row(API_LOGGED_IN),
    ("api:assessment-scores-detail", "get"): Row(scoped(DENY), target="score"),
    ("api:assessment-points-list", "get"): Row(API_LOGGED_IN),
    ("api:assessment-points-list", "post"): Row(
        {**everyone(DENY), "town_admin": BAD, "secretary_a": BAD, "secretary_b": BAD}
    ),
    ("api:assessment-points-detail", "get"): Row(scoped(DENY, member=("ok", DENY)), target="point"),
    ("api:assessment-appraisals-list", "get"): Row(API_LOGGED_IN),
    ("api:assessment-appraisals-detail", "get"): Row(scoped(DENY, member=("ok", DENY)), target="appraisal"),
    ("api:assessment-briefings-list", "get"): Row(API_LOGGED_IN),
    ("api:assessment-briefings-detail", "get"): Row(API_TOWN_TARGET, target="briefing"),
}


def targets(request, world: dict) -> dict:
    import datetime as dt
    from pathlib import Path

    from django.conf import settings

    from assessment.models import (
        Appraisal,
        Briefing,
        CatchUpPlan,
        Inspection,
        PointEntry,
        QuarterScore,
        Rectification,
        Standard,
    )
    from branches.models import Branch
    from tests.assessment.defaults import ensure_assessment_defaults

    ensure_assessment_defaults()
    admin = request.getfixturevalue("town_admin_user")
    standard = Standard.objects.get(year=2026)
    branch_ids = world["branch"]
    member_ids = world["member"]
    inspections, rects, plans, scores, points, appraisals = [], [], [], [], [], []
    for branch_id, member_id in zip(branch_ids, member_ids, strict=True):
        insp = Inspection.objects.create(
            branch_id=branch_id,
            month=dt.date(2026, 7, 1),
            standard=standard,
            inspector=admin,
            inspected_on=dt.date(2026, 7, 9),
            score=80,
            full_marks=100,
        )
        inspections.append(insp.pk)
        rects.append(
            Rectification.objects.create(
                branch_id=branch_id,
                inspection=insp,
                finding="公开栏未更新",
                deadline=dt.date(2026, 7, 24),
                opened_by=admin,
            ).pk
        )
        plans.append(CatchUpPlan.objects.create(branch_id=branch_id, quarter="2026Q3").pk)
        scores.append(QuarterScore.objects.create(branch_id=branch_id, quarter="2026Q3", total=80, rank=1, stars=4).pk)
        points.append(
            PointEntry.objects.create(
                member_id=member_id,
                branch_id=branch_id,
                on=dt.date(2026, 7, 1),
                kind="service",
                points=2,
                reason="志愿服务",
            ).pk
        )
        appraisals.append(Appraisal.objects.create(member_id=member_id, branch_id=branch_id, year=2026).pk)
    town = Branch.objects.get(code="GQ")
    briefing = Briefing.objects.create(organisation=town, quarter="2026Q3", status="ready", folder="GQ-2026Q3/t")
    folder = Path(settings.MEDIA_ROOT) / "assessment" / "briefings" / "GQ-2026Q3" / "t"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "briefing.pdf").write_bytes(b"%PDF-1.7\n")
    return {
        "inspection": tuple(inspections),
        "rectification": tuple(rects),
        "catch_up": tuple(plans),
        "score": tuple(scores),
        "point": tuple(points),
        "appraisal": tuple(appraisals),
        "standard": (standard.pk, standard.pk),
        "briefing": (briefing.pk, briefing.pk),
    }
