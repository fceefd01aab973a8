"""Role × URL × own/other branch: who may open what.

Keyed by (URL name, method): every named URL of the project must have at
least a GET row, and every method a role can send (POST, PATCH, DELETE …) a
row of its own; a new URL without one fails ``test_every_url_has_a_row``, and
two URL patterns sharing one name fail ``test_url_names_are_unique``. Admin URLs are covered model by model in
``test_admin_matrix`` from the admin's own registry.

"own" objects sit in branch_a (secretary_a's branch, inside the area head's
area, member_user's branch); "other" objects sit in branch_b.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = ["anonymous", "town_admin", "town_staff", "area_head", "secretary_a", "secretary_b", "member"]

OK = "ok"  # 200, or a redirect that is not to the login page
LOGIN = "login"  # redirect to the login page
DENY = "deny"  # 401, 403 or 404
NOT_ALLOWED = "405"  # the method is not allowed


@dataclass
class Row:
    """Expected outcome per role; ``own``/``other`` pick the object for URLs with an argument."""

    expect: dict[str, str | tuple[str, str]]
    target: str | None = None  # "branch", "member", "area", "party_group", "code"
    data: dict = field(default_factory=dict)


def everyone(outcome: str, anonymous: str | None = None) -> dict:
    return {role: (anonymous if role == "anonymous" and anonymous else outcome) for role in ROLES}


def scoped(anonymous: str, *, member=(DENY, DENY)) -> dict:
    """The usual tree scope: town sees all, the area head and secretary_a see branch_a, secretary_b branch_b."""
    return {
        "anonymous": (anonymous, anonymous),
        "town_admin": (OK, OK),
        "town_staff": (OK, OK),
        "area_head": (OK, DENY),
        "secretary_a": (OK, DENY),
        "secretary_b": (DENY, OK),
        "member": member,
    }


TOWN_ONLY = {**everyone(DENY, anonymous=LOGIN), "town_admin": OK, "town_staff": OK}
LOGGED_IN = everyone(OK, anonymous=LOGIN)
API_LOGGED_IN = everyone(OK, anonymous=DENY)
UPLOADER_ONLY = {
    **{role: (DENY, DENY) for role in ROLES},
    "anonymous": (LOGIN, LOGIN),
    "secretary_a": (OK, DENY),
    "town_admin": (DENY, OK),
}

MATRIX: dict[tuple[str, str], Row] = {
    ("home", "get"): Row(LOGGED_IN),
    ("healthz", "get"): Row(everyone(OK)),
    ("accounts:login", "get"): Row(everyone(OK)),
    # An empty form comes back with its errors (200); a logged-in user is sent on.
    ("accounts:login", "post"): Row(everyone(OK)),
    ("accounts:password_change", "get"): Row(LOGGED_IN),
    ("accounts:password_change", "post"): Row(LOGGED_IN),
    ("accounts:password_change_done", "get"): Row(LOGGED_IN),
    ("branches:tree", "get"): Row({**LOGGED_IN, "member": DENY}),
    ("branches:detail", "get"): Row(scoped(LOGIN), target="branch"),
    ("branches:expiring_terms", "get"): Row(TOWN_ONLY),
    ("members:detail", "get"): Row(scoped(LOGIN, member=(OK, DENY)), target="member"),
    ("members:due_for_conversion", "get"): Row({**LOGGED_IN, "member": DENY}),
    ("public:index", "get"): Row(everyone(OK)),
    ("public:branch", "get"): Row({role: (OK, OK) for role in ROLES}, target="code"),
    ("api:api-root", "get"): Row(API_LOGGED_IN),
    ("api:schema", "get"): Row(API_LOGGED_IN),
    ("api:docs", "get"): Row(API_LOGGED_IN),
    ("api:redoc", "get"): Row(API_LOGGED_IN),
    ("api:token", "get"): Row(everyone(NOT_ALLOWED)),
    ("api:token", "post"): Row(everyone("400")),  # no credentials in the body
    ("api:branches-list", "get"): Row(API_LOGGED_IN),
    ("api:branches-detail", "get"): Row(scoped(DENY), target="branch"),
    ("api:areas-list", "get"): Row(API_LOGGED_IN),
    ("api:areas-detail", "get"): Row(scoped(DENY), target="area"),
    ("api:party-groups-list", "get"): Row(API_LOGGED_IN),
    ("api:party-groups-detail", "get"): Row(scoped(DENY), target="party_group"),
    ("api:members-list", "get"): Row(API_LOGGED_IN),
    # Creating a member: refused for the empty body where the role may write somewhere.
    ("api:members-list", "post"): Row(
        {**everyone(DENY), "town_admin": "400", "secretary_a": "400", "secretary_b": "400"}
    ),
    ("api:members-detail", "get"): Row(scoped(DENY, member=(OK, DENY)), target="member"),
    # An empty PATCH changes nothing and answers 200 where the role may write the member.
    ("api:members-detail", "patch"): Row(
        {
            "anonymous": (DENY, DENY),
            "town_admin": (OK, OK),
            "town_staff": (DENY, DENY),
            "area_head": (DENY, DENY),
            "secretary_a": (OK, DENY),
            "secretary_b": (DENY, OK),
            "member": (DENY, DENY),
        },
        target="member",
    ),
    ("api:members-transfers", "get"): Row(scoped(DENY, member=(OK, DENY)), target="member"),
    ("api:members-transfer", "post"): Row(
        {
            "anonymous": (DENY, DENY),
            "town_admin": ("400", "400"),  # allowed in, refused for the empty body
            "town_staff": (DENY, DENY),
            "area_head": (DENY, DENY),
            "secretary_a": ("400", DENY),
            "secretary_b": (DENY, "400"),
            "member": (DENY, DENY),
        },
        target="member",
    ),
    ("members:roster-import", "get"): Row(
        {**everyone(DENY, anonymous=LOGIN), "town_admin": OK, "secretary_a": OK, "secretary_b": OK}
    ),
    # No file: the form comes back with its error.
    ("members:roster-import", "post"): Row(
        {**everyone(DENY, anonymous=LOGIN), "town_admin": OK, "secretary_a": OK, "secretary_b": OK}
    ),
    ("members:roster-export", "get"): Row({**LOGGED_IN, "member": DENY}),
    ("members:roster-template", "get"): Row(LOGGED_IN),
    # An import job is its uploader's alone: "own" is secretary_a's, "other" the town admin's.
    ("members:roster-import-status", "get"): Row(UPLOADER_ONLY, target="import_job"),
    ("members:roster-import-progress", "get"): Row(UPLOADER_ONLY, target="import_job"),
    ("members:roster-import-report", "get"): Row(UPLOADER_ONLY, target="import_job"),
    ("members:roster-import-confirm", "post"): Row(UPLOADER_ONLY, target="import_job"),
    # Last: it ends the session. It always lands on the login page.
    ("accounts:logout", "post"): Row(everyone(LOGIN)),
}


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
def world(town, area, branch_a, branch_b, member_a, member_b, group_a, secretary_a_user, town_admin_user):
    from django.core.files.base import ContentFile

    from members.models import RosterImport
    from tests.factories import AreaFactory, PartyGroupFactory

    jobs = []
    for uploader in (secretary_a_user, town_admin_user):
        job = RosterImport.objects.create(uploaded_by=uploader, file_name="名册.xlsx", status="rejected")
        job.error_report.save("report.xlsx", ContentFile(b"PK"), save=True)
        jobs.append(job.pk)

    other_area = AreaFactory(town=town, name="西片区", code="west")
    branch_b.area = other_area
    branch_b.save()
    return {
        "branch": (branch_a.pk, branch_b.pk),
        "member": (member_a.pk, member_b.pk),
        "area": (area.pk, other_area.pk),
        "party_group": (group_a.pk, PartyGroupFactory(branch=branch_b).pk),
        "code": (branch_a.code, branch_b.code),
        "import_job": tuple(jobs),
    }


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
    # The role fixtures must exist before any client logs in, so every user is made first.
    for fixture in ("town_admin_user", "town_staff_user", "area_head_user", "secretary_a_user",
                    "secretary_b_user", "member_user"):
        request.getfixturevalue(fixture)
    client = request.getfixturevalue(role)
    wrong = []
    for (name, method), row in MATRIX.items():
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
    for fixture in ("town_admin_user", "town_staff_user", "area_head_user", "secretary_a_user",
                    "secretary_b_user", "member_user"):
        request.getfixturevalue(fixture)
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
