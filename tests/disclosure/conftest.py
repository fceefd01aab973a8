from __future__ import annotations

import pytest

from disclosure.models import Site


@pytest.fixture
def site_a(branch_a):
    return Site.objects.create(branch=branch_a, name="高峰村", slug="gaofeng", office_phone="0574-88123456")


@pytest.fixture
def site_b(branch_b):
    return Site.objects.create(branch=branch_b, name="高桥社区", slug="gaoqiao-shequ")
