"""Hole 10 (part): no-store on personal pages and files, no start on the built-in key, check --deploy explained."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_pages_and_files_with_personal_data_are_not_stored(town_admin, member_a, branch_a, anonymous):
    for url in (
        reverse("members:detail", args=[member_a.pk]),
        reverse("members:roster-export") + "?format=csv",
        reverse("api:members-detail", args=[member_a.pk]),
        reverse("admin:members_member_change", args=[member_a.pk]),
    ):
        response = town_admin.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    # A public page holds no personal data: it may be cached.
    public = anonymous.get(reverse("public:index"))
    assert "no-store" not in public.get("Cache-Control", "")


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "SECRET_KEY", "DEBUG")}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_refuses_to_start_with_debug_off_and_the_built_in_key():
    refused = _manage("check", DEBUG="0")
    assert refused.returncode != 0
    assert "SECRET_KEY is the built-in laptop key" in refused.stderr
    assert _manage("check", DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50)).returncode == 0


def _production_env() -> dict[str, str]:
    """The variables of the README's production table (the right-hand column)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    env = {}
    for name, value in re.findall(r"^\| `([A-Z_]+)`[^|]*\|[^|]*\| `([^`]*)`", readme, flags=re.M):
        env[name] = value
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="0",
        DATABASE_URL=os.environ.get("DATABASE_URL", "sqlite:///" + str(ROOT / "db.sqlite3")),
        REDIS_URL=os.environ.get("REDIS_URL", ""),
    )
    return env


def test_check_deploy_warns_only_of_what_the_readme_explains():
    env = _production_env()
    assert env["SECURE_HSTS_SECONDS"] == "31536000" and env["SECURE_COOKIES"] == "1"
    result = _manage("check", "--deploy", **env)
    warnings = re.findall(r"\((security\.\w+|axes\.\w+|[a-z_]+\.[A-Z]\d+)\)", result.stdout + result.stderr)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    unexplained = [w for w in warnings if w not in readme]
    assert not unexplained, result.stdout + result.stderr
