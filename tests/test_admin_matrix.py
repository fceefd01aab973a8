"""The admin's part of the access matrix, keyed by (admin URL name, method) per registered model.

Add, change, delete, history, move and import/export of every model, for every
role, on an object of the user's own town and of another town. The rows are
generated from the admin's own registry and URL names, so a model or a door a
library adds is covered the day it is registered; what each role should get
is the table ``expected`` below.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import Role
from tests.access import DENY, LOGIN, NOT_ALLOWED, OK, ROLES

STAFF = {"town_admin", "town_staff"}
# Models whose rows are records nobody writes by hand (a new read-only admin: add its label here).
# members.membertransfer: transfers are made and decided through the transfer service, never typed in.
READ_ONLY_LOGS = {"members.rosterimport", "members.rosterexport", "notices.flag", "members.membertransfer"}
# Django's own (groups, tokens): only a superuser.
SUPERUSER_ONLY_APPS = {"auth", "authtoken"}

# The core's models are held to every rule here; feature apps' admins to the read-only and scope rules.
CORE_APPS = {"accounts", "branches", "members"}
EITHER = "ok or deny"

OBJECT_VIEWS = ("change", "delete", "history", "password_change")
ACTIONS = {
    # url suffix: methods sent
    "changelist": ("get",),
    "add": ("get", "post"),
    "change": ("get", "post"),
    "delete": ("get", "post"),
    "history": ("get",),
    "password_change": ("get", "post"),
    "move": ("post", "get"),
    "import": ("get", "post"),
    "process_import": ("post",),
    "export": ("get", "post"),
    # One historical version's page (two ids): read through the same scope as "history"; not sent here.
    "simple_history": (),
}


def _admin_doors() -> list[tuple[str, str, str, str]]:
    """(model label, URL name, action, method) for every admin URL of every registered model."""
    doors = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        for url in model_admin.urls:
            if not url.name or url.name == "javascript-catalog":
                continue
            action = next((a for a in sorted(ACTIONS, key=len, reverse=True) if url.name.endswith(f"_{a}")), None)
            assert action, f"admin URL {url.name} has no row: add its action to ACTIONS"
            for method in ACTIONS[action]:
                doors.append((label, f"admin:{url.name}", action, method))
    return doors


DOORS = _admin_doors()


def expected(role: str, label: str, action: str, method: str, own: bool) -> str:
    """The access rule for the admin, as one table of cases."""
    if role not in STAFF:
        return LOGIN  # the admin is for town roles only
    if action == "move" and method == "get":
        return NOT_ALLOWED
    app = label.split(".")[0]
    if app in SUPERUSER_ONLY_APPS:
        return DENY
    reads = action in ("changelist", "history") or (action in ("change", "export") and method == "get")
    reads = reads or (action == "export")  # the export form and file hold only the scope
    if label == "accounts.user":
        if role != "town_admin" or action == "delete":
            return DENY  # logins are managed by town admins and deactivated, never deleted
        return OK if own else DENY
    if label in READ_ONLY_LOGS:
        return (OK if own else DENY) if reads and action != "export" else DENY
    if role == "town_staff" and not reads:
        return DENY  # read-only: no add, change, delete, move or import
    if app not in CORE_APPS and action not in ("changelist",):
        return EITHER  # a feature app decides which of its records a town admin adds by hand
    return OK if own or action in ("changelist", "add", "import", "process_import", "export") else DENY


@pytest.fixture
def two_towns(request, town, area, branch_a, branch_b, member_a, member_b, group_a):
    """Every role's user, and one object per model in the own town and in another town."""
    from django.core.files.base import ContentFile  # noqa: F401

    from members.models import MemberTransfer, RosterExport, RosterImport
    from tests.factories import (
        AreaFactory,
        BranchFactory,
        MemberFactory,
        OfficerPostFactory,
        PartyGroupFactory,
        UserFactory,
    )

    users = {name: request.getfixturevalue(f"{name}_user") for name in ROLES if name != "anonymous"}
    other_town = BranchFactory(code="XX", name="另一个镇党委", kind="committee", unit="town")
    other_branch = BranchFactory(parent=other_town, code="XX-01", name="另一个村党支部")
    other_member = MemberFactory(branch=other_branch)
    other_user = UserFactory(username="other_secretary", role=Role.SECRETARY, branch=other_branch)
    own_post = users["secretary_a"].member.officer_posts.get()
    targets = {
        "branches.branch": (branch_a, other_branch),
        "branches.area": (area, AreaFactory(town=other_town, code="xx-area")),
        "branches.partygroup": (group_a, PartyGroupFactory(branch=other_branch)),
        "branches.officerpost": (own_post, OfficerPostFactory(branch=other_branch)),
        "members.member": (member_a, other_member),
        "members.membertransfer": tuple(
            MemberTransfer.objects.create(member=m, from_branch=f, to_branch=t, transferred_on="2024-01-01")
            for m, f, t in ((member_a, branch_b, branch_a), (other_member, other_town, other_branch))
        ),
        "accounts.user": (users["secretary_a"], other_user),
        "members.rosterimport": tuple(
            RosterImport.objects.create(uploaded_by=u, file_name="名册.xlsx", status="rejected")
            for u in (users["secretary_a"], other_user)
        ),
        "members.rosterexport": tuple(
            RosterExport.objects.create(exported_by=u, file_name="导出.xlsx", file_format="xlsx")
            for u in (users["secretary_a"], other_user)
        ),
    }
    return {"targets": targets, "town": town, "other_town": other_town}


def _outcome(response) -> str:
    status = response.status_code
    if status in (200, 201, 204):
        return OK
    if status in (301, 302):
        location = response["Location"]
        if "/login/" in location:
            return LOGIN
        # The admin sends a request for an object it cannot see back to its index.
        return DENY if location.rstrip("/").endswith("/admin") else OK
    if status in (401, 403, 404):
        return DENY
    if status == 405:
        return NOT_ALLOWED
    return str(status)


def _data(action: str, label: str, obj, world) -> dict:
    if action == "move":
        node, target = (obj, world["town"]) if obj is not None else (None, None)
        return {"node_id": node.pk, "sibling_id": target.pk, "as_child": 1}
    return {}  # an empty form: it comes back with its errors (delete: the confirmation page)


@pytest.mark.parametrize("role", ROLES)
def test_admin_access_matrix(request, role, two_towns):
    """Every admin door × method for one role, on own and other towns' objects."""
    client = request.getfixturevalue(role)
    wrong = []
    for label, name, action, method in DOORS:
        pair = two_towns["targets"].get(label)
        takes_object = action in OBJECT_VIEWS
        if takes_object and pair is None:
            continue  # a model with no objects here (Django's own): its list row still runs
        cases = [(True, pair[0]), (False, pair[1])] if takes_object or (action == "move" and pair) else [(True, None)]
        for own, obj in cases:
            url = reverse(name, args=[obj.pk] if takes_object else [])
            data = _data(action, label, obj, two_towns)
            response = getattr(client, method)(url, data)
            want = expected(role, label, action, method, own)
            got = _outcome(response)
            if got != want and not (want == EITHER and got in (OK, DENY)):
                wrong.append(
                    f"{method.upper()} {url} ({name}, {'own' if own else 'other'}): expected {want}, got {got}"
                )
    hint = "\n(the rules are expected() in tests/test_admin_matrix.py; a read-only admin goes in READ_ONLY_LOGS)"
    assert not wrong, f"{role}:\n" + "\n".join(wrong) + hint


def test_every_admin_door_has_a_rule():
    actions = {action for _label, _name, action, _method in DOORS}
    assert {"move", "import", "export", "add", "change", "delete"} <= actions
