import datetime as dt

from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from members.models import Member
from members.pii import mask_address, mask_id_number
from members.services import member_transfer
from tests.factories import MemberFactory, OfficerPostFactory, UserFactory


def _url(member):
    return reverse("members:detail", args=[member.pk])


def test_area_head_sees_masked_personal_data(area_head, member_a):
    response = area_head.get(_url(member_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert "138****5678" in html
    assert "13812345678" not in html
    assert mask_id_number(member_a.id_number) in html
    assert member_a.id_number not in html
    assert member_a.address not in html
    assert mask_address(member_a.address) in html
    assert "已脱敏" in html


def test_town_admin_sees_full_personal_data(town_admin, member_a):
    html = town_admin.get(_url(member_a)).content.decode()
    assert "13812345678" in html
    assert member_a.id_number in html
    assert member_a.address in html


def test_member_sees_own_full_record(member, member_a):
    html = member.get(_url(member_a)).content.decode()
    assert "13812345678" in html
    assert member_a.id_number in html


def test_member_cannot_see_another_member(member, member_a, branch_a):
    other = MemberFactory(branch=branch_a)
    assert member.get(_url(other)).status_code == 404


def test_secretary_cannot_see_member_of_other_branch(secretary_a, member_b):
    assert secretary_a.get(_url(member_b)).status_code == 404


def test_secretary_in_office_sees_own_branch_personal_data(secretary_a, member_a):
    assert "13812345678" in secretary_a.get(_url(member_a)).content.decode()


def test_branch_committee_without_post_sees_masked(db, branch_a, member_a):
    from django.test import Client

    user = UserFactory(username="committee", role=Role.BRANCH_COMMITTEE, branch=branch_a)
    client = Client()
    client.force_login(user)
    html = client.get(_url(member_a)).content.decode()
    assert "138****5678" in html
    assert "13812345678" not in html


def test_member_page_shows_roster_fields(town_admin, branch_a, group_a):
    m = MemberFactory(
        branch=branch_a,
        party_group=group_a,
        ethnicity="回族",
        job="村委会主任",
        is_floating=True,
        floating_to="上海市浦东新区",
    )
    html = town_admin.get(_url(m)).content.decode()
    for text in (
        "回族",
        "大学本科",
        "正式党员",
        "村委会主任",
        "正常",
        "上海市浦东新区",
        "第一党小组",
        "入党日期",
        "转正日期",
    ):
        assert text in html, text


def test_member_page_shows_transfer_history(town_admin, branch_a, branch_b, member_a, town_admin_user):
    member_transfer(member=member_a, to_branch=branch_b, on=dt.date(2018, 3, 1), reason="工作调动", by=town_admin_user)
    html = town_admin.get(_url(member_a)).content.decode()
    assert "组织关系转接记录" in html
    assert "2018年3月1日" in html
    assert branch_a.name in html and branch_b.name in html
    assert "工作调动" in html


def test_member_page_without_transfers_has_empty_state(town_admin, member_a):
    assert "暂无转接记录" in town_admin.get(_url(member_a)).content.decode()


def test_member_page_shows_officer_posts(town_admin, branch_a):
    post = OfficerPostFactory(branch=branch_a, post="deputy_secretary")
    html = town_admin.get(_url(post.member)).content.decode()
    assert "副书记" in html
    assert "在任" in html


def test_probationary_member_due_for_conversion_is_flagged(town_admin, branch_a):
    m = MemberFactory(
        branch=branch_a,
        category=Member.Category.PROBATIONARY,
        joined_on=timezone.localdate() - dt.timedelta(days=380),
        full_member_on=None,
    )
    assert "预备期满待转正" in town_admin.get(_url(m)).content.decode()


def test_due_for_conversion_list_is_scoped(secretary_a, town_admin, branch_a, branch_b):
    old = timezone.localdate() - dt.timedelta(days=400)
    due_a = MemberFactory(branch=branch_a, category=Member.Category.PROBATIONARY, joined_on=old, full_member_on=None)
    due_b = MemberFactory(branch=branch_b, category=Member.Category.PROBATIONARY, joined_on=old, full_member_on=None)
    MemberFactory(
        branch=branch_a,
        category=Member.Category.PROBATIONARY,
        joined_on=timezone.localdate() - dt.timedelta(days=100),
        full_member_on=None,
    )
    names = [m.name for m in secretary_a.get(reverse("members:due_for_conversion")).context["members"]]
    assert names == [due_a.name]
    names = {m.name for m in town_admin.get(reverse("members:due_for_conversion")).context["members"]}
    assert names == {due_a.name, due_b.name}


def test_due_for_conversion_empty_state(town_admin):
    assert "暂无预备期满待转正" in town_admin.get(reverse("members:due_for_conversion")).content.decode()


def test_member_login_has_no_due_for_conversion_list(member):
    assert member.get(reverse("members:due_for_conversion")).status_code == 403


def test_due_for_conversion_rows_read_as_the_template_rendered_them(town_admin, branch_a):
    """The rows are joined in Python (members.presenters.due_rows_html): the same cells the template's loop
    printed, every value escaped."""
    from django.template import Context, Template

    joined = timezone.localdate() - dt.timedelta(days=400)
    due = MemberFactory(
        branch=branch_a, name="欧阳<娜>&", category=Member.Category.PROBATIONARY, joined_on=joined, full_member_on=None
    )
    html = town_admin.get(reverse("members:due_for_conversion")).content.decode()
    loop = Template(
        "{% load i18n %}{% translate '姓名' as l_name %}{% translate '所在党支部' as l_branch %}"
        "{% translate '入党日期' as l_joined %}{% translate '预备期已满' as l_due %}"
        "{% for m in members %}\n        <tr>\n"
        '          <td data-label="{{ l_name }}"><a href="{% url \'members:detail\' m.pk %}">{{ m.name }}</a></td>\n'
        '          <td data-label="{{ l_branch }}">{{ m.branch.name }}</td>\n'
        '          <td data-label="{{ l_joined }}">{{ m.joined_on }}</td>\n'
        '          <td data-label="{{ l_due }}">{% blocktranslate with t=m.joined_on|timesince %}入党 {{ t }}'
        "{% endblocktranslate %}</td>\n        </tr>\n      {% endfor %}"
    ).render(Context({"members": [due]}))
    assert loop in html
    assert "欧阳&lt;娜&gt;&amp;" in html and "<娜>" not in html
    assert f'href="/members/{due.pk}/"' in html and f"{joined.year}年{joined.month}月{joined.day}日" in html
    assert "入党 1\xa0年" in html  # timesince, localised: 1 年，1 月
