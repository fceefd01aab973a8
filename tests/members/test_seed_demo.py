"""The demo town command: `manage.py seed_demo [--scale N]` (the core steps in branches/, members/, accounts/demo.py)."""

from __future__ import annotations

import csv
import random
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import Role, User
from branches.demo import CSV_PATH
from branches.models import Area, Branch, OfficerPost, PartyGroup
from members.models import Member
from members.pii import parse_id_number
from portal.seeding import DEMO_PASSWORD, DemoSeedError, demo_seed, ordered_steps

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count() for model in (Branch, Area, PartyGroup, Member, OfficerPost, User)
    }


def test_seed_demo_builds_the_town_with_a_login_per_role():
    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert 2600 <= Member.objects.count() <= 2900
    for id_number in Member.objects.values_list("id_number", flat=True):
        parse_id_number(id_number)  # raises on a bad check digit
    assert Member.objects.values("phone").distinct().count() == Member.objects.count()

    town = Branch.objects.get(code="GQ")
    assert town.is_root()
    assert sorted(Area.objects.filter(town=town).values_list("name", flat=True)) == sorted(
        ["东片区", "南片区", "西片区", "北片区"]
    )
    with open(CSV_PATH, encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert Branch.objects.count() == len(rows)
    branches = {b.code: b for b in Branch.objects.select_related("area")}
    for row in rows:
        branch = branches[row["code"]]
        assert branch.name == row["name"] and branch.kind == row["kind"] and branch.unit == row["unit"]
        parent = branch.get_parent()
        assert (parent.code if parent else "") == row["parent_code"]
        assert (branch.area.name if branch.area else "") == row["area"]
    assert Branch.find_problems() == ([], [], [], [], [])

    # Members sit only in leaf branches; every branch has a current secretary.
    assert not Member.objects.exclude(branch__kind=Branch.Kind.BRANCH).exists()
    for branch in branches.values():
        assert OfficerPost.objects.current().filter(branch=branch, post=OfficerPost.Post.SECRETARY).exists()
    assert OfficerPost.objects.expiring(90).exists()
    assert Member.objects.due_for_conversion().exists()

    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert not User.objects.filter(is_superuser=True).exists()
    secretary = User.objects.get(username="sec_gaofeng")
    assert secretary.branch.code == "GQ-V02"
    assert (
        OfficerPost.objects.current()
        .filter(member=secretary.member, branch__code="GQ-V02", post=OfficerPost.Post.SECRETARY)
        .exists()
    )
    assert User.objects.get(username="sec_gaoqiao_sq").branch.code == "GQ-C02"
    member_user = User.objects.get(role=Role.MEMBER)
    assert member_user.username == member_user.member.phone and member_user.member.branch.code == "GQ-V02"
    assert User.objects.get(username="admin").is_staff and not User.objects.get(username="area_east").is_staff
    for user in User.objects.all():
        assert Client().login(username=user.username, password=DEMO_PASSWORD), user.username
        assert user.username in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()


def test_seeded_members_pass_full_clean():
    demo_seed()
    pks = sorted(Member.objects.values_list("pk", flat=True))
    sample = random.Random(7).sample(pks, 300)
    for member in Member.objects.filter(pk__in=sample).select_related("party_group"):
        member.full_clean()
        assert member.party_group is not None


def test_seeding_twice_creates_nothing_new():
    demo_seed()
    before = _counts()
    ids = set(Member.objects.values_list("id_number", flat=True))

    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert _counts() == before
    assert set(Member.objects.values_list("id_number", flat=True)) == ids
    assert "已存在" in out.getvalue()
    assert "sec_gaofeng" in out.getvalue()  # the logins are printed again


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
