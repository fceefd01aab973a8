"""Fixtures for every role, on a small town: town committee, two branches, an area.

branch_a sits in the area; branch_b does not. Each role fixture returns a
logged-in Django test client; the users are available as *_user fixtures.
"""

from __future__ import annotations

import os

import pytest
from django.db import connection
from django.test import Client

from accounts.models import Role
from branches.models import Branch

from .factories import (
    AreaFactory,
    BranchFactory,
    MemberFactory,
    OfficerPostFactory,
    PartyGroupFactory,
    UserFactory,
)

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _uses_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://"))


def pytest_configure(config):
    """The cache never shares a Redis database with the broker: tests empty the cache
    (FLUSHDB) and must not take queued tasks or results with it. Under pytest-xdist
    (``make test`` runs two processes) each process also has a cache database and a
    Celery queue of its own, so one never reads, empties or runs another's."""
    from django.conf import settings

    # A shared change (a branch, a rule) has the worker count every branch's compliance figures again
    # (meetings.figures_cache): in tests only where a test means it (tests/meetings/test_figures_warm.py), or
    # every transactional test that saves a branch would leave a real task on its process's queue.
    settings.MEETINGS_RECOUNT_ON_CHANGE = False
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    index = int(worker.removeprefix("gw") or 0)
    cache = settings.CACHES["default"]
    if "redis" in cache["BACKEND"].lower():
        base, _, db = cache["LOCATION"].rpartition("/")
        # Broker on REDIS_URL's database n: the cache of process k on database n + 1 + k.
        cache["LOCATION"] = f"{base}/{(int(db or 0) + 1 + index) % 16}"
    if worker:
        from gaoqiao.celery import app

        # This process sends to its own queue; the workers the tests start read it (they inherit the variable).
        os.environ["CELERY_QUEUE"] = settings.CELERY_TASK_DEFAULT_QUEUE = f"celery-{worker}"
        app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE


# The longest modules (the live API fuzz, the public-page crawls, the real workers) start first, so
# that under pytest-xdist neither process is left running one of them alone at the end.
LONGEST_FIRST = (
    "tests/api/test_schemathesis.py",
    "tests/test_personal_data.py",
    "tests/test_public_boards_demo.py",
    "tests/reliability/",
)


def pytest_collection_modifyitems(config, items):
    """Longest first; service-bound tests skip on a laptop without the service, in CI they must run."""
    items.sort(key=lambda item: not item.nodeid.startswith(LONGEST_FIRST))  # stable: the rest keep their order
    if IN_CI:
        missing = [
            name
            for name, ok in (("PostgreSQL", _uses_postgres()), ("Redis", bool(os.environ.get("REDIS_URL"))))
            if not ok
        ]
        if missing:
            pytest.exit(f"CI must test against {' and '.join(missing)}: set DATABASE_URL and REDIS_URL", returncode=3)
        return
    for item in items:
        if item.get_closest_marker("postgres") and not _uses_postgres():
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…"))
        if item.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
            item.add_marker(pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://…"))


@pytest.fixture
def town(db):
    return BranchFactory(code="GQ", name="中共高桥镇委员会", kind=Branch.Kind.COMMITTEE, unit=Branch.Unit.TOWN)


@pytest.fixture
def area(town):
    return AreaFactory(town=town, name="东片区", code="east")


@pytest.fixture
def branch_a(town, area):
    return BranchFactory(parent=town, code="GQ-V01", name="高峰村党支部", area=area)


@pytest.fixture
def branch_b(town):
    return BranchFactory(parent=town, code="GQ-C02", name="高桥社区党支部", unit=Branch.Unit.COMMUNITY)


@pytest.fixture
def group_a(branch_a):
    return PartyGroupFactory(branch=branch_a, name="第一党小组")


@pytest.fixture
def member_a(branch_a):
    return MemberFactory(branch=branch_a, name="张三", phone="13812345678")


@pytest.fixture
def member_b(branch_b):
    return MemberFactory(branch=branch_b, name="李四", phone="13987654321")


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def town_admin_user(town):
    return UserFactory(username="town_admin", role=Role.TOWN_ADMIN, branch=town, is_staff=True)


@pytest.fixture
def town_staff_user(town):
    return UserFactory(username="town_staff", role=Role.TOWN_STAFF, branch=town, is_staff=True)


@pytest.fixture
def area_head_user(area, branch_a):
    return UserFactory(username="area_head", role=Role.AREA_HEAD, area=area)


@pytest.fixture
def secretary_a_user(branch_a):
    post = OfficerPostFactory(branch=branch_a, post="secretary")
    return UserFactory(username="secretary_a", role=Role.SECRETARY, branch=branch_a, member=post.member)


@pytest.fixture
def secretary_b_user(branch_b):
    post = OfficerPostFactory(branch=branch_b, post="secretary")
    return UserFactory(username="secretary_b", role=Role.SECRETARY, branch=branch_b, member=post.member)


@pytest.fixture
def member_user(member_a):
    return UserFactory(username=member_a.phone, role=Role.MEMBER, member=member_a)


@pytest.fixture
def town_admin(town_admin_user):
    return _client_for(town_admin_user)


@pytest.fixture
def town_staff(town_staff_user):
    return _client_for(town_staff_user)


@pytest.fixture
def area_head(area_head_user):
    return _client_for(area_head_user)


@pytest.fixture
def secretary_a(secretary_a_user):
    return _client_for(secretary_a_user)


@pytest.fixture
def secretary_b(secretary_b_user):
    return _client_for(secretary_b_user)


@pytest.fixture
def member(member_user):
    return _client_for(member_user)


@pytest.fixture
def anonymous(db):
    return Client()


@pytest.fixture
def is_postgres(db) -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (cached boards, lockout counters): nothing carries over."""
    from django.core.cache import cache

    from disclosure.cache import board_cache_forget_local

    cache.clear()
    board_cache_forget_local()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 at Django's cost is ~0.3 s a hash; tests that only need *a* hash use a cheap one.

    tests/accounts/test_password_hashing.py checks that production keeps the strong default.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads and reports of a test go to a folder of its own, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
