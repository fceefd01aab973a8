"""The layering rules of docs/architecture.md, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", "tests", "migrations", "node_modules", "staticfiles", "media", "benchmarks", ".git"}
# The scope module decides; selectors build querysets from it; the user model
# and its services know which roles need which ties.
MAY_READ_ROLES_AND_PATHS = {"accounts/scope.py", "accounts/models.py", "accounts/services.py"}
SCOPE_INTERNALS = {"paths", "read_paths", "write_paths", "inspect_paths"}


def _project_modules():
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if SKIP_DIRS & set(rel.parts):
            continue
        yield rel.as_posix(), path


def _offences(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                if isinstance(side, ast.Attribute) and side.attr == "role":
                    found.append((node.lineno, "compares .role"))
        elif isinstance(node, ast.Attribute) and node.attr in SCOPE_INTERNALS:
            found.append((node.lineno, f"reads the scope's .{node.attr}"))
    return found


def test_only_the_scope_module_and_selectors_look_at_roles_or_paths():
    wrong = []
    for rel, path in _project_modules():
        if rel in MAY_READ_ROLES_AND_PATHS or rel.endswith("selectors.py") or rel.endswith("/demo.py"):
            continue
        for lineno, what in _offences(ast.parse(path.read_text(encoding="utf-8"))):
            wrong.append(f"{rel}:{lineno} {what}")
    assert not wrong, "ask the scope for a capability instead:\n" + "\n".join(wrong)


def test_the_check_catches_a_role_comparison():
    code = "def view(request):\n    if request.user.role == 'secretary':\n        pass\n    return scope.read_paths\n"
    assert [what for _, what in _offences(ast.parse(code))] == ["compares .role", "reads the scope's .read_paths"]


CORE_APPS = {"portal", "accounts", "branches", "members"}
FEATURE_APPS = {"meetings", "disclosure", "assessment", "projects", "notices"}


def _imported_top_packages(tree: ast.AST) -> set[str]:
    tops = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            tops.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            tops.update(alias.name.split(".")[0] for alias in node.names)
    return tops


def test_core_apps_import_no_feature_app_and_no_app_imports_gaoqiao():
    wrong = []
    for rel, path in _project_modules():
        top = rel.split("/")[0]
        imported = _imported_top_packages(ast.parse(path.read_text(encoding="utf-8")))
        if top in CORE_APPS and imported & FEATURE_APPS:
            wrong.append(f"{rel} imports {sorted(imported & FEATURE_APPS)}")
        if top != "gaoqiao" and "gaoqiao" in imported and rel != "manage.py":
            wrong.append(f"{rel} imports gaoqiao")
    assert not wrong, "\n".join(wrong)


def test_the_register_and_meetings_import_nothing_of_assessment():
    """Assessment reads meetings and publishes into disclosure; neither reaches back into assessment."""
    wrong = []
    for rel, path in _project_modules():
        if rel.split("/")[0] in {"disclosure", "meetings"}:
            if "assessment" in _imported_top_packages(ast.parse(path.read_text(encoding="utf-8"))):
                wrong.append(f"{rel} imports assessment")
    assert not wrong, "\n".join(wrong)


def test_meetings_imports_nothing_of_projects():
    """Projects reads meetings' selectors (the yearly report's compliance); meetings never reaches back."""
    wrong = []
    for rel, path in _project_modules():
        if rel.split("/")[0] == "meetings":
            if "projects" in _imported_top_packages(ast.parse(path.read_text(encoding="utf-8"))):
                wrong.append(f"{rel} imports projects")
    assert not wrong, "\n".join(wrong)


def _imported_modules(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_branches_imports_no_members_module():
    """Members build on branches, never the other way (models may name ``"members.Member"`` in a string)."""
    wrong = []
    for rel, path in _project_modules():
        if rel.startswith("branches/"):
            imported = _imported_modules(ast.parse(path.read_text(encoding="utf-8")))
            wrong += [f"{rel} imports {m}" for m in sorted(imported) if m == "members" or m.startswith("members.")]
    assert not wrong, "\n".join(wrong)


def test_the_branches_check_sees_both_import_forms():
    code = "import members.models\nfrom members.views import PAGE_SIZE\nfrom members import selectors\n"
    assert {"members.models", "members.views", "members", "members.selectors"} <= _imported_modules(ast.parse(code))


MAX_MODULE_LINES = 500
NOT_COUNTED = {".venv", "tests", "migrations", "node_modules", "staticfiles", "media", ".git"}


def test_api_serializers_build_on_the_portal_base():
    """portal.api.ModelSerializer keeps the schema's maxLength true for text as sent; an app
    serializer built on DRF's own class would say one limit and hold another."""
    offenders = [
        name
        for name, path in _project_modules()
        if name != "portal/serializers.py" and "serializers.ModelSerializer" in path.read_text(encoding="utf-8")
    ]
    assert not offenders, f"use portal.api.ModelSerializer in: {offenders}"


def test_no_module_outside_tests_and_migrations_is_over_500_lines():
    long = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if NOT_COUNTED & set(rel.parts):
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())  # the whole file: docstrings, blanks, all
        if lines > MAX_MODULE_LINES:
            long.append(f"{rel.as_posix()}: {lines} lines")
    assert not long, f"split these into a package of modules under {MAX_MODULE_LINES} lines each:\n" + "\n".join(long)
