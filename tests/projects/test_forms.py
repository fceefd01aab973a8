"""The project form offers the officers who may lead a project in a fixed order, read in one query each."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from branches.models import Branch, OfficerPost
from projects.forms import ProjectForm
from tests.factories import MemberFactory, OfficerPostFactory

pytestmark = pytest.mark.django_db


def test_the_lead_choices_are_by_branch_then_by_pinyin(branch_a, branch_b):
    posts = [
        OfficerPostFactory(branch=branch_b, member=MemberFactory(branch=branch_b, name="阿强")),
        OfficerPostFactory(branch=branch_a, member=MemberFactory(branch=branch_a, name="赵敏")),
        OfficerPostFactory(
            branch=branch_a, member=MemberFactory(branch=branch_a, name="陈红"), post=OfficerPost.Post.DEPUTY_SECRETARY
        ),
        OfficerPostFactory(
            branch=branch_a, member=MemberFactory(branch=branch_a, name="白雪"), post=OfficerPost.Post.ORGANISATION
        ),
    ]
    form = ProjectForm(branches=Branch.objects.filter(pk__in=[branch_a.pk, branch_b.pk]))
    with CaptureQueriesContext(connection) as queries:
        leads = [label for value, label in form.fields["lead"].choices if value]
    by_branch = {branch_a.path: ["白雪", "陈红", "赵敏"], branch_b.path: ["阿强"]}
    expected = [
        f"{name}（{b.name}）" for b in sorted([branch_a, branch_b], key=lambda b: b.path) for name in by_branch[b.path]
    ]
    assert leads == expected
    assert len(posts) == 4
    assert not any("DECLARE" in q["sql"] for q in queries.captured_queries)  # one plain query, no cursor
