from __future__ import annotations

import datetime as dt

import pytest

from projects import services
from projects.models import Category


@pytest.fixture
def make_project(branch_a, member_a):
    def make(*, branch=None, lead=None, starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 12, 31), **kw):
        return services.project_create(
            branch=branch or branch_a,
            lead=lead or member_a,
            name=kw.pop("name", "高峰村河道清淤与垃圾分类"),
            category=kw.pop("category", Category.ENVIRONMENT),
            goal=kw.pop("goal", "年底前完成村内 3 条河道清淤，垃圾分类户覆盖率达 95%"),
            starts_on=starts_on,
            ends_on=ends_on,
            **kw,
        )

    return make
