"""A two-town district: the probes that crossed towns need a second town to cross into."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from accounts.models import Role
from branches.models import Branch
from tests.factories import AreaFactory, BranchFactory, MemberFactory, PartyGroupFactory, UserFactory

# The roster page's upload and confirm, run as their transaction would commit (the task in-process).
from tests.members.test_import_pages import committing, confirm, upload  # noqa: F401, E402


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def district(db):
    root = BranchFactory(code="HS", name="中共海曙区委员会", kind=Branch.Kind.COMMITTEE, unit=Branch.Unit.DISTRICT)
    east = BranchFactory(parent=root, code="E", name="东镇党委", kind=Branch.Kind.COMMITTEE, unit=Branch.Unit.TOWN)
    west = BranchFactory(parent=root, code="W", name="西镇党委", kind=Branch.Kind.COMMITTEE, unit=Branch.Unit.TOWN)
    east_area = AreaFactory(town=east, name="东镇一片", code="e1")
    west_area = AreaFactory(town=west, name="西镇一片", code="w1")
    east_branch = BranchFactory(parent=east, code="E-01", name="东一村党支部", area=east_area)
    east_branch2 = BranchFactory(parent=east, code="E-02", name="东二村党支部", area=east_area)
    west_branch = BranchFactory(parent=west, code="W-01", name="西一村党支部", area=west_area)
    east_admin = UserFactory(username="east_admin", role=Role.TOWN_ADMIN, branch=east, is_staff=True)
    east_staff = UserFactory(username="east_office", role=Role.TOWN_STAFF, branch=east, is_staff=True)
    return SimpleNamespace(
        root=root,
        east=east,
        west=west,
        east_area=east_area,
        west_area=west_area,
        east_branch=east_branch,
        east_branch2=east_branch2,
        west_branch=west_branch,
        east_member=MemberFactory(branch=east_branch, name="东甲", phone="13800000001"),
        west_member=MemberFactory(branch=west_branch, name="西乙", phone="13800000002"),
        west_group=PartyGroupFactory(branch=west_branch, name="西一组"),
        east_group=PartyGroupFactory(branch=east_branch, name="东一组"),
        east_admin=east_admin,
        east_staff=east_staff,
        admin=login(east_admin),
        office=login(east_staff),
    )


def paths(*branches) -> list[str]:
    return [Branch.objects.get(pk=b.pk).path for b in branches]
