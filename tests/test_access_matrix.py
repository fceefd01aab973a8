"""Role × URL × own/other branch: who may open what.

Keyed by (URL name, method): every named URL of the project must have at
least a GET row, and every method a role can send (POST, PATCH, DELETE …) a
row of its own; a new URL without one fails ``test_every_url_has_a_row``, and
two URL patterns sharing one name fail ``test_url_names_are_unique``.
The rows live in ``tests/access/``, one module per app. Admin URLs are
covered model by model in ``test_admin_matrix`` from the admin's own registry.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access import DENY, LOGIN, NOT_ALLOWED, OK, ROLES, all_rows, extra_targets

MATRIX = all_rows()


def _all_url_names(patterns=None, prefix="") -> list[str]:
    names = []
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            names += _all_url_names(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            names.append(f"{prefix}{p.name}" if p.name else f"{prefix}<unnamed {p.pattern}>")
    return names


def _project_url_names() -> set[str]:
    return {n for n in _all_url_names() if not n.startswith("admin:")}


METHODS = ("get", "post", "put", "patch", "delete")


def test_url_names_are_unique():
    names = [n for n in _all_url_names() if not n.startswith("admin:")]
    twice = sorted({n for n in names if names.count(n) > 1})
    assert not twice, f"URL names used by more than one pattern (a row could cover only one): {twice}"


def test_every_url_has_a_row():
    named = {name for name, _method in MATRIX}
    missing = sorted(_project_url_names() - named)
    assert not missing, f"URLs with no row in the access matrix: {missing}"
    stale = sorted(named - _project_url_names())
    assert not stale, f"rows for URLs that no longer exist: {stale}"
    assert all(method in METHODS for _name, method in MATRIX), "a row names an unknown method"


@pytest.fixture
def world(request, town, area, branch_a, branch_b, member_a, member_b, group_a):
    from tests.factories import AreaFactory, PartyGroupFactory

    # The role fixtures exist before any client logs in, so every user is made first.
    for fixture in (
        "town_admin_user",
        "town_staff_user",
        "area_head_user",
        "secretary_a_user",
        "secretary_b_user",
        "member_user",
    ):
        request.getfixturevalue(fixture)
    other_area = AreaFactory(town=town, name="西片区", code="west")
    branch_b.area = other_area
    branch_b.save()
    base = {
        "branch": (branch_a.pk, branch_b.pk),
        "member": (member_a.pk, member_b.pk),
        "area": (area.pk, other_area.pk),
        "party_group": (group_a.pk, PartyGroupFactory(branch=branch_b).pk),
        "code": (branch_a.code, branch_b.code),
    }
    return {**base, **extra_targets(request, base)}


def _outcome(response) -> str:
    status = response.status_code
    if status in (200, 201, 204):
        return OK
    if status in (301, 302):
        return LOGIN if "/login/" in response["Location"] else OK
    if status in (401, 403, 404):
        return DENY
    if status == 405:
        return NOT_ALLOWED
    return str(status)


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(request, role, world):
    client = request.getfixturevalue(role)
    wrong = []
    # Logging out ends the session, so its row goes last.
    for (name, method), row in sorted(MATRIX.items(), key=lambda item: item[0] == ("accounts:logout", "post")):
        expected = row.expect[role]
        cases = (
            [(None, expected)]
            if row.target is None
            else [(world[row.target][0], expected[0]), (world[row.target][1], expected[1])]
        )
        for arg, want in cases:
            url = reverse(name, args=[arg] if arg is not None else [])
            response = _send(client, method, url, row.data)
            got = _outcome(response)
            if got != want:
                wrong.append(f"{method.upper()} {url} ({name}): expected {want}, got {got}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def _send(client, method: str, url: str, data: dict):
    if method in ("get", "post"):
        return getattr(client, method)(url, data)
    import json

    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


@pytest.mark.parametrize("role", ROLES)
def test_a_method_without_a_row_gets_no_role_in(request, role, world):
    """Every method a role can get through with has a row: the rest answer 405 (or deny, or ask to log in)."""
    client = request.getfixturevalue(role)
    targets = {name: row.target for (name, _m), row in MATRIX.items()}
    wrong = []
    for name, target in sorted(targets.items()):
        if name == "accounts:logout":
            continue  # it ends the session; its one method has a row
        url = reverse(name, args=[world[target][0]] if target else [])
        for method in METHODS:
            if (name, method) in MATRIX:
                continue
            got = _outcome(_send(client, method, url, {}))
            if got not in (NOT_ALLOWED, DENY, LOGIN):
                wrong.append(f"{method.upper()} {url} ({name}) answers {got} but has no row")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


ADMIN_EXPECT = {
    "anonymous": LOGIN,
    "town_admin": OK,
    "town_staff": OK,
    "area_head": LOGIN,
    "secretary_a": LOGIN,
    "secretary_b": LOGIN,
    "member": LOGIN,
}


@pytest.mark.parametrize("role", ROLES)
def test_admin_matrix(request, role, world):
    client = request.getfixturevalue(role)
    wrong = []
    for model in admin.site._registry:
        meta = model._meta
        if meta.app_label in ("auth", "authtoken"):
            continue
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        want = ADMIN_EXPECT[role]
        if meta.model_name == "user" and role == "town_staff":
            want = DENY  # only town admins manage logins
        got = _outcome(client.get(url))
        if got != want:
            wrong.append(f"{url}: expected {want}, got {got}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def test_town_staff_cannot_change_in_admin(town_staff, member_a):
    url = reverse("admin:members_member_change", args=[member_a.pk])
    assert town_staff.get(url).status_code == 200  # view only
    response = town_staff.post(url, {"name": "改名"})
    assert response.status_code == 403
    member_a.refresh_from_db()
    assert member_a.name == "张三"


def test_town_admin_of_another_town_sees_nothing_here(db, member_a):
    from django.test import Client

    from accounts.models import Role
    from tests.factories import BranchFactory, UserFactory

    other_town = BranchFactory(code="XX", name="另一个镇", kind="committee", unit="town")
    client = Client()
    client.force_login(UserFactory(username="other_admin", role=Role.TOWN_ADMIN, branch=other_town, is_staff=True))
    assert client.get(reverse("members:detail", args=[member_a.pk])).status_code == 404
    assert client.get(reverse("admin:members_member_change", args=[member_a.pk])).status_code == 302
    assert "张三" not in client.get(reverse("admin:members_member_changelist")).content.decode()
