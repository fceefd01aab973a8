"""The demo town: 18 months of meetings where a few branches miss a few periods, and the overdue pass finds them."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from branches.models import Branch
from meetings.demo import LATE
from meetings.models import Meeting
from meetings.overdue import FLAG_KIND
from notices.models import Flag, Notice

pytestmark = pytest.mark.django_db


def _open_flags():
    return sorted(
        Flag.objects.filter(kind=FLAG_KIND, closed_at__isnull=True).values_list("branch_id", "subject", "period")
    )


def test_flag_overdue_meetings_on_the_demo_town_flags_the_branches_the_seed_made_late(types):
    call_command("seed_demo", stdout=io.StringIO())
    assert Meeting.objects.count() > 3000
    town = Branch.objects.get(code="GQ")
    leaves = list(Branch.objects.filter(path__startswith=town.path, kind="branch", is_active=True).order_by("path"))
    late = {leaves[i].pk for i in LATE}

    out = io.StringIO()
    call_command("flag_overdue_meetings", stdout=out)
    flagged = {branch_id for branch_id, _s, _p in _open_flags()}
    assert flagged == late, out.getvalue()
    assert Notice.objects.filter(key__startswith="flag:").exists()

    before = (_open_flags(), Notice.objects.count())
    call_command("flag_overdue_meetings", stdout=io.StringIO())
    assert (_open_flags(), Notice.objects.count()) == before  # a second run changes nothing
