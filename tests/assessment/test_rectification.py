from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assessment import services
from assessment.models import Rectification
from notices.models import Flag, Notice

from .conftest import JULY, scores_at

S = Rectification.Status


def _finding(standard, branch, inspector, *, deadline):
    inspection = services.inspection_record(
        branch=branch,
        month=JULY,
        standard=standard,
        inspector=inspector,
        scores=scores_at(standard, 80),
        inspected_on=dt.date(2026, 7, 10),
        findings=[services.FindingInput(text="公开栏党费收缴情况未按月更新", deadline=deadline)],
    )
    return inspection.findings.get()


def test_finding_goes_through_every_state_with_reopen_and_overdue(
    standard, branch_a, area_head_user, secretary_a_user, area_head, secretary_a
):
    rect = _finding(standard, branch_a, area_head_user, deadline=dt.date(2026, 7, 25))
    assert rect.status == S.OPEN

    # Past the deadline, still not explained: the daily job flags it and tells the secretary and area head.
    result = services.rectifications_flag_overdue(today=dt.date(2026, 7, 26))
    assert result.opened == 1
    flag = Flag.objects.get(kind="rectification_overdue", branch=branch_a, closed_at__isnull=True)
    assert Notice.objects.filter(key=f"flag:{flag.pk}", recipient=secretary_a_user).exists()
    assert Notice.objects.filter(key=f"flag:{flag.pk}", recipient=area_head_user).exists()

    # The unit states cause and measures through the page.
    url = reverse("assessment:rectification-act", args=[rect.pk])
    response = secretary_a.post(
        url, {"action": "explain", "cause": "宣传委员调整，交接不到位", "measures": "明确专人每月5日前更新"}
    )
    assert response.status_code == 302
    rect.refresh_from_db()
    assert rect.status == S.EXPLAINED
    # Explained but still past its deadline: still overdue.
    assert services.rectifications_flag_overdue(today=dt.date(2026, 7, 27)).open == 1

    secretary_a.post(url, {"action": "fix", "result": "已补齐7月党费收缴公示"})
    rect.refresh_from_db()
    assert rect.status == S.FIXED and rect.fixed_at is not None
    # Reported fixed: the flag closes.
    assert services.rectifications_flag_overdue(today=dt.date(2026, 7, 28)).closed == 1
    flag.refresh_from_db()
    assert flag.closed_at is not None

    # The secretary cannot verify their own work; the inspector sends it back.
    assert secretary_a.post(url, {"action": "verify"}).status_code == 403
    area_head.post(url, {"action": "reopen", "note": "照片显示公示表未盖章", "deadline": "2026-08-05"})
    rect.refresh_from_db()
    assert rect.status == S.EXPLAINED and rect.reopen_count == 1 and rect.deadline == dt.date(2026, 8, 5)

    secretary_a.post(url, {"action": "fix", "result": "已重新公示并加盖支部公章"})
    area_head.post(url, {"action": "verify", "note": "现场核实已整改"})
    rect.refresh_from_db()
    assert rect.status == S.VERIFIED and rect.verified_at is not None
    assert [e.action for e in rect.events.all()] == ["open", "explain", "fix", "reopen", "fix", "verify"]
    # Closed for good: nothing more can happen to it.
    with pytest.raises(ValidationError):
        services.rectification_reopen(rectification=rect, by=area_head_user, note="再看看")


def test_explaining_needs_cause_and_measures(standard, branch_a, area_head_user, secretary_a_user):
    rect = _finding(standard, branch_a, area_head_user, deadline=dt.date(2026, 7, 25))
    with pytest.raises(ValidationError) as err:
        services.rectification_explain(rectification=rect, by=secretary_a_user, cause=" ", measures="")
    assert set(err.value.message_dict) == {"cause", "measures"}


def test_secretary_cannot_answer_for_another_branch(standard, branch_a, area_head_user, secretary_b_user):
    rect = _finding(standard, branch_a, area_head_user, deadline=dt.date(2026, 7, 25))
    with pytest.raises(PermissionDenied):
        services.rectification_explain(rectification=rect, by=secretary_b_user, cause="x", measures="y")


def test_area_head_cannot_inspect_outside_their_area(standard, branch_b, area_head_user):
    with pytest.raises(PermissionDenied):
        services.inspection_record(
            branch=branch_b, month=JULY, standard=standard, inspector=area_head_user, scores=scores_at(standard, 90)
        )
