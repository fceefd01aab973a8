"""Demo seeding from an empty database: the steps' order, one step alone, two towns."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from branches.models import Area, Branch, PartyGroup
from members.models import Member
from portal.seeding import DemoSeedError, demo_seed, ordered_steps

pytestmark = pytest.mark.django_db


def test_core_steps_run_branches_then_members_then_logins_before_core():
    names = [step.name for step in ordered_steps()]
    assert names.index("branches") < names.index("members") < names.index("accounts") < names.index("core")
    # Every feature step waits for the core milestone, directly or through another step.
    core_and_before = set(names[: names.index("core") + 1])
    assert core_and_before == {"branches", "members", "accounts", "core"}


def test_only_the_branches_step_builds_the_tree_and_hands_on_the_towns():
    result = demo_seed(only={"branches"})

    assert Branch.objects.count() == 41 and PartyGroup.objects.count() == 115
    assert not Member.objects.exists() and not User.objects.exists()
    assert [t.code for t in result.state["towns"]] == ["GQ"] and result.state["root"].code == "GQ"


def test_scale_two_builds_two_towns_under_a_district_and_refuses_another_scale():
    result = demo_seed(scale=2)

    district = Branch.objects.get(code="HS")
    assert district.is_root() and district.unit == Branch.Unit.DISTRICT
    towns = list(district.get_children())
    assert [t.code for t in towns] == ["GQ", "T02-GQ"]
    assert towns[1].name == "中共宁波市海曙区高桥镇（2）委员会"
    assert Branch.objects.count() == 1 + 2 * 41 == len(set(Branch.objects.values_list("code", flat=True)))
    assert Branch.objects.get(code="T02-GQ-V02").get_parent() == towns[1]
    assert Area.objects.filter(town=towns[1]).count() == 4
    assert result.totals["members"] == Member.objects.count()
    for town in towns:
        assert 2600 <= Member.objects.in_subtree(town).count() <= 2900
    assert Branch.find_problems() == ([], [], [], [], [])
    # Logins are made for the first town only.
    assert User.objects.get(username="admin").branch == towns[0]

    with pytest.raises(DemoSeedError, match="--scale 2"):
        demo_seed(scale=1)
    with pytest.raises(CommandError, match="--scale 2"):
        call_command("seed_demo", "--scale", "3", stdout=StringIO())
