"""Role × URL × own/other branch: who may open what.

Every named URL of the project must have a row here; a new URL without one
fails ``test_every_url_has_a_row``. Admin URLs are covered model by model in
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
    method: str = "get"
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

MATRIX: dict[str, Row] = {
    "home": Row(LOGGED_IN),
    "healthz": Row(everyone(OK)),
    "accounts:login": Row(everyone(OK)),
    "accounts:password_change": Row(LOGGED_IN),
    "accounts:password_change_done": Row(LOGGED_IN),
    "branches:tree": Row({**LOGGED_IN, "member": DENY}),
    "branches:detail": Row(scoped(LOGIN), target="branch"),
    "branches:expiring_terms": Row(TOWN_ONLY),
    "members:detail": Row(scoped(LOGIN, member=(OK, DENY)), target="member"),
    "members:due_for_conversion": Row({**LOGGED_IN, "member": DENY}),
    "public:index": Row(everyone(OK)),
    "public:branch": Row({role: (OK, OK) for role in ROLES}, target="code"),
    "api:api-root": Row(API_LOGGED_IN),
    "api:schema": Row(API_LOGGED_IN),
    "api:docs": Row(API_LOGGED_IN),
    "api:redoc": Row(API_LOGGED_IN),
    "api:token": Row(everyone(NOT_ALLOWED)),
    "api:branches-list": Row(API_LOGGED_IN),
    "api:branches-detail": Row(scoped(DENY), target="branch"),
    "api:areas-list": Row(API_LOGGED_IN),
    "api:areas-detail": Row(scoped(DENY), target="area"),
    "api:party-groups-list": Row(API_LOGGED_IN),
    "api:party-groups-detail": Row(scoped(DENY), target="party_group"),
    "api:members-list": Row(API_LOGGED_IN),
    "api:members-detail": Row(scoped(DENY, member=(OK, DENY)), target="member"),
    "api:members-transfers": Row(scoped(DENY, member=(OK, DENY)), target="member"),
    "api:members-transfer": Row(
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
        method="post",
    ),
    "members:roster-import": Row(
        {**everyone(DENY, anonymous=LOGIN), "town_admin": OK, "secretary_a": OK, "secretary_b": OK}
    ),
    "members:roster-export": Row({**LOGGED_IN, "member": DENY}),
    "members:roster-template": Row(LOGGED_IN),
    # An import job is its uploader's alone: "own" is secretary_a's, "other" the town admin's.
    "members:roster-import-status": Row(UPLOADER_ONLY, target="import_job"),
    "members:roster-import-progress": Row(UPLOADER_ONLY, target="import_job"),
    "members:roster-import-report": Row(UPLOADER_ONLY, target="import_job"),
    "members:roster-import-confirm": Row(UPLOADER_ONLY, target="import_job", method="post"),
    # Last: it ends the session. It always lands on the login page.
    "accounts:logout": Row(everyone(LOGIN), method="post"),
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


def test_every_url_has_a_row():
    missing = sorted(_project_url_names() - set(MATRIX))
    assert not missing, f"URLs with no row in the access matrix: {missing}"
    stale = sorted(set(MATRIX) - _project_url_names())
    assert not stale, f"rows for URLs that no longer exist: {stale}"


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
    return str(status)


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(request, role, world):
    # The role fixtures must exist before any client logs in, so every user is made first.
    for fixture in ("town_admin_user", "town_staff_user", "area_head_user", "secretary_a_user",
                    "secretary_b_user", "member_user"):
        request.getfixturevalue(fixture)
    client = request.getfixturevalue(role)
    wrong = []
    for name, row in MATRIX.items():
        expected = row.expect[role]
        cases = (
            [(None, expected)]
            if row.target is None
            else [(world[row.target][0], expected[0]), (world[row.target][1], expected[1])]
        )
        for arg, want in cases:
            url = reverse(name, args=[arg] if arg is not None else [])
            response = getattr(client, row.method)(url, row.data)
            got = _outcome(response)
            if got != want:
                wrong.append(f"{row.method.upper()} {url} ({name}): expected {want}, got {got}")
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
