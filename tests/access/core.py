"""Rows for the core apps: accounts, branches, members, the public index, the API root."""

from __future__ import annotations

from . import API_LOGGED_IN, DENY, LOGGED_IN, LOGIN, NOT_ALLOWED, OK, ROLES, TOWN_ONLY, Row, everyone, scoped

UPLOADER_ONLY = {
    **{role: (DENY, DENY) for role in ROLES},
    "anonymous": (LOGIN, LOGIN),
    "secretary_a": (OK, DENY),
    "town_admin": (DENY, OK),
}

ROWS: dict[tuple[str, str], Row] = {
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
    # The error report also to a town admin of the uploader's town, so they can help fix the file.
    ("members:roster-import-report", "get"): Row({**UPLOADER_ONLY, "town_admin": (OK, OK)}, target="import_job"),
    ("members:roster-import-confirm", "post"): Row(UPLOADER_ONLY, target="import_job"),
    # Last: it ends the session. It always lands on the login page.
    ("accounts:logout", "post"): Row(everyone(LOGIN)),
}


def targets(request, world: dict) -> dict:
    """An import job is its uploader's alone: "own" is secretary_a's, "other" the town admin's."""
    from django.core.files.base import ContentFile

    from members.models import RosterImport

    jobs = []
    for uploader in ("secretary_a_user", "town_admin_user"):
        job = RosterImport.objects.create(
            uploaded_by=request.getfixturevalue(uploader), file_name="名册.xlsx", status="rejected"
        )
        job.error_report.save("report.xlsx", ContentFile(b"PK"), save=True)
        jobs.append(job.pk)
    return {"import_job": tuple(jobs)}
