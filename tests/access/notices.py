"""Rows for notices (a user's own messages) and flags (scoped like the tree)."""

from __future__ import annotations

from . import API_LOGGED_IN, DENY, LOGGED_IN, LOGIN, OK, ROLES, Row, scoped

# "own" is secretary_a's notice, "other" the town admin's.
OWN_NOTICE = {
    **{role: (DENY, DENY) for role in ROLES},
    "anonymous": (LOGIN, LOGIN),
    "secretary_a": (OK, DENY),
    "town_admin": (DENY, OK),
}
OWN_NOTICE_API = {**OWN_NOTICE, "anonymous": (DENY, DENY)}

ROWS = {
    ("notices:list", "get"): Row(LOGGED_IN),
    ("notices:open", "post"): Row(OWN_NOTICE, target="notice"),
    ("notices:read-all", "post"): Row(LOGGED_IN),
    ("api:notices-list", "get"): Row(API_LOGGED_IN),
    ("api:notices-detail", "get"): Row(OWN_NOTICE_API, target="notice"),
    ("api:notices-read", "post"): Row(OWN_NOTICE_API, target="notice"),
    ("api:flags-list", "get"): Row(API_LOGGED_IN),
    ("api:flags-detail", "get"): Row(scoped(DENY), target="flag"),
}


def targets(request, world: dict) -> dict:
    from notices.models import Flag, Notice

    notices = tuple(
        Notice.objects.create(recipient=request.getfixturevalue(f), key="matrix", title="提醒").pk
        for f in ("secretary_a_user", "town_admin_user")
    )
    flags = tuple(
        Flag.objects.create(kind="k", branch_id=branch_id, subject="s", period="2026-10", title="逾期").pk
        for branch_id in world["branch"]
    )
    return {"notice": notices, "flag": flags}
