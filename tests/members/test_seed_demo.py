"""The demo town command: `manage.py seed_demo [--scale N]` (the core steps in branches/, members/, accounts/demo.py)."""

from __future__ import annotations

import csv
import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from accounts.models import Role, User
from branches.demo import CSV_PATH
from branches.models import Area, Branch, OfficerPost, PartyGroup
from members.models import Member
from members.pii import parse_id_number
from portal.seeding import DEMO_PASSWORD
from tests.seeded import seeded_for_module

pytestmark = pytest.mark.django_db
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker) -> str:
    """One demo town for the module (seeding is the slow part), and what ``seed_demo`` printed."""
    # The same cheap hasher as the tests' own autouse fixture, which is not active yet in a module fixture.
    with seeded_for_module(django_db_blocker), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count() for model in (Branch, Area, PartyGroup, Member, OfficerPost, User)
    }


def test_seed_demo_builds_the_town_with_a_login_per_role(seeded):

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
        assert user.username in seeded
    assert DEMO_PASSWORD in seeded


def test_seeded_members_pass_full_clean(seeded):
    pks = sorted(Member.objects.values_list("pk", flat=True))
    sample = random.Random(7).sample(pks, 300)
    for member in Member.objects.filter(pk__in=sample).select_related("party_group"):
        member.full_clean()
        assert member.party_group is not None


def test_seeding_twice_creates_nothing_new(seeded):
    before = _counts()
    ids = set(Member.objects.values_list("id_number", flat=True))

    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert _counts() == before
    assert set(Member.objects.values_list("id_number", flat=True)) == ids
    assert "已存在" in out.getvalue()
    assert "sec_gaofeng" in out.getvalue()  # the logins are printed again
