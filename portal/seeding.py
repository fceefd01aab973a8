"""The demo town, built by steps each app registers in its ``demo.py``.

A step is a function ``run(ctx: SeedContext) -> None`` registered with a name
and the names of the steps it needs first (``after``). ``seed_demo`` runs all
steps in that order inside one transaction, so an interrupted run leaves no
half town. Every step is idempotent: it keys what it makes (codes, unique
numbers, (branch, period) pairs) and makes nothing on a second run.

Steps share what later steps need through ``ctx.state`` and count what they made
with ``ctx.made(key, n, label)``.

The core apps' steps come first: ``branches`` (the tree, areas, party groups;
puts ``towns`` and ``root`` into ``ctx.state``), ``members`` (members, officer
posts, group leaders) and ``accounts`` (a login per role). The step ``core``,
registered here, runs after all three and does nothing itself: a feature app
registers ``after=("core",)`` and may count on the towns, their members and the
logins existing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

DEMO_PASSWORD = "gaoqiao2018"


class DemoSeedError(Exception):
    """The demo cannot be seeded into this database as asked (message in Chinese)."""


@dataclass(frozen=True)
class DemoLogin:
    role_label: str
    username: str
    password: str
    sees: str


@dataclass
class SeedContext:
    scale: int
    today: dt.date
    progress: Callable[[str], None]
    state: dict[str, Any] = field(default_factory=dict)
    created: Counter = field(default_factory=Counter)
    totals: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)

    def made(self, key: str, n: int = 1, label: str | None = None) -> None:
        self.created[key] += n
        if label:
            self.labels.setdefault(key, label)

    def total(self, key: str, n: int, label: str) -> None:
        self.totals[key] = n
        self.labels.setdefault(key, label)

    @property
    def already_seeded(self) -> bool:
        return not any(self.created.values())


@dataclass(frozen=True)
class SeedStep:
    name: str
    run: Callable[[SeedContext], None]
    after: tuple[str, ...] = ()


_steps: dict[str, SeedStep] = {}


def register(name: str, *, after: tuple[str, ...] = ()) -> Callable:
    """Decorator: ``@register("meetings", after=("core",))`` on a step function."""

    def wrap(run: Callable[[SeedContext], None]):
        _steps[name] = SeedStep(name=name, run=run, after=tuple(after))
        return run

    return wrap


CORE_STEPS = ("branches", "members", "accounts")


@register("core", after=CORE_STEPS)
def core(ctx: SeedContext) -> None:
    """The milestone feature apps wait for: the towns, their members and the logins exist."""


def ordered_steps() -> list[SeedStep]:
    """The registered steps, each after the steps it names (a cycle or unknown name is an error)."""
    ordered: list[SeedStep] = []
    seen: set[str] = set()
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in seen:
            return
        if name in visiting or name not in _steps:
            raise DemoSeedError(_("演示数据步骤 %(name)s 的依赖有误") % {"name": name})
        visiting.add(name)
        for dep in _steps[name].after:
            visit(dep)
        visiting.discard(name)
        seen.add(name)
        ordered.append(_steps[name])

    for name in sorted(_steps):
        visit(name)
    return ordered


def demo_seed(
    *,
    scale: int = 1,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
    only: set[str] | None = None,
    options: dict[str, Any] | None = None,
) -> SeedContext:
    """Run every registered step (or those in ``only`` and what they need) in one transaction."""
    if scale < 1:
        raise DemoSeedError(_("--scale 必须是正整数"))
    ctx = SeedContext(scale=scale, today=today or timezone.localdate(), progress=progress or (lambda line: None))
    ctx.state.update(options or {})
    steps = ordered_steps()
    if only is not None:
        wanted = set()
        stack = list(only)
        while stack:
            name = stack.pop()
            if name not in wanted:
                wanted.add(name)
                stack.extend(_steps[name].after if name in _steps else ())
        steps = [s for s in steps if s.name in wanted]
    with transaction.atomic():
        for step in steps:
            step.run(ctx)
            _analyze()
    return ctx


def _analyze() -> None:
    """Fresh planner statistics after a step's bulk inserts (PostgreSQL sees the transaction's own rows).

    Without them the next step's queries are planned for the empty tables the
    migrations left: at ``--scale 40`` one lookup per town took 30 s.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
