"""The access matrix's vocabulary, and its rows gathered from every module in this package.

Each module (one per app: ``core.py``, ``meetings.py`` …) defines ``ROWS``, a
dict keyed by (URL name, method), and may define ``targets(request, world)``
returning more objects for its rows (``{"meeting": (own_pk, other_pk)}``).
"own" objects sit in branch_a (secretary_a's branch, inside the area head's
area, member_user's branch); "other" objects sit in branch_b.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field

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


def _modules():
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        yield importlib.import_module(f"{__name__}.{info.name}")


def all_rows() -> dict[tuple[str, str], Row]:
    rows: dict[tuple[str, str], Row] = {}
    for module in _modules():
        for key, row in module.ROWS.items():
            assert key not in rows, f"{key} has a row in two modules"
            rows[key] = row
    return rows


def extra_targets(request, world: dict) -> dict:
    found = {}
    for module in _modules():
        if hasattr(module, "targets"):
            made = module.targets(request, world)
            clash = sorted(set(made) & (set(found) | set(world)))
            assert not clash, f"{module.__name__} names targets another module names too: {clash}"
            found.update(made)
    return found
