"""The roster on a phone: search by name, pinyin, initials and phone endings; pinyin order; one count."""

from __future__ import annotations

from django.urls import reverse

from members.models import Member
from tests.factories import MemberFactory


def _names(client, branch, **params):
    response = client.get(reverse("branches:detail", args=[branch.pk]), params)
    assert response.status_code == 200
    return [m.name for m in response.context["members"]]


def test_search_by_pinyin_initials_and_chinese(secretary_a, branch_a, member_a):
    MemberFactory(branch=branch_a, name="王小明")
    MemberFactory(branch=branch_a, name="单雄信")
    assert _names(secretary_a, branch_a, q="wangxiaoming") == ["王小明"]
    assert _names(secretary_a, branch_a, q="WangXiao") == ["王小明"]
    assert _names(secretary_a, branch_a, q="xiaoming") == ["王小明"]
    assert _names(secretary_a, branch_a, q="wxm") == ["王小明"]
    assert _names(secretary_a, branch_a, q="小明") == ["王小明"]
    assert _names(secretary_a, branch_a, q="shanxiong") == ["单雄信"]  # the surname reading, not dān
    assert _names(secretary_a, branch_a, q="zs") == ["张三"]


def test_phone_endings_only_for_roles_that_see_phones(secretary_a, area_head, branch_a, member_a):
    assert _names(secretary_a, branch_a, q="5678") == ["张三"]
    assert _names(area_head, branch_a, q="5678") == []  # a masked role cannot probe for a number
    api = reverse("api:members-list")
    assert [r["name"] for r in secretary_a.get(api, {"search": "5678"}).json()["results"]] == ["张三"]
    assert area_head.get(api, {"search": "5678"}).json()["results"] == []
    assert [r["name"] for r in area_head.get(api, {"search": "zhangsan"}).json()["results"]] == ["张三"]


def test_names_are_in_pinyin_order(town_admin, branch_a):
    for name in ("乔峰", "仲达", "何平", "冯唐", "艾青"):
        MemberFactory(branch=branch_a, name=name)
    assert _names(town_admin, branch_a) == ["艾青", "冯唐", "何平", "乔峰", "仲达"]


def test_renaming_keeps_the_pinyin_current(member_a):
    from members.services import member_update

    member_update(member=member_a, name="李雷")
    assert Member.objects.get(pk=member_a.pk).name_pinyin == "lilei"


def test_chips_filter_and_the_count_is_the_one_definition(town_admin, anonymous, branch_a, member_a):
    MemberFactory(branch=branch_a, name="钱流动", is_floating=True, floating_to="上海")
    MemberFactory(branch=branch_a, name="孙出党", standing=Member.Standing.STOPPED)
    MemberFactory(branch=branch_a, name="周转出", transferred_out_on="2025-01-01")
    assert _names(town_admin, branch_a, status="floating") == ["钱流动"]
    assert set(_names(town_admin, branch_a, status="left")) == {"孙出党", "周转出"}
    response = town_admin.get(reverse("branches:detail", args=[branch_a.pk]))
    html = response.content.decode()
    assert response.context["page"].paginator.count == 2
    assert "党员人数 2" in html and "不含已出党" in html
    public = anonymous.get(reverse("public:branch", args=[branch_a.code]))
    assert public.context["page"].member_count == 2
    assert "不含已出党" in public.content.decode()
    assert 'class="chip' in html and "?status=floating#roster" in html


def test_no_tap_to_call_for_a_role_that_may_not_see_phones(area_head, secretary_a, branch_a, member_a):
    url = reverse("branches:detail", args=[branch_a.pk])
    assert "tel:" not in area_head.get(url).content.decode()
    assert 'href="tel:13812345678"' in secretary_a.get(url).content.decode()
