import datetime as dt

from django.urls import reverse

from members.pii import mask_id_number, mask_phone
from tests.factories import BranchFactory, MemberFactory, OfficerPostFactory, PartyGroupFactory


def _ok(client, url):
    """The page as a visitor gets it; a test reading an error page would prove nothing."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def _personal_values(members):
    for m in members:
        yield from (m.id_number, m.phone, m.address, mask_id_number(m.id_number), mask_phone(m.phone))
        yield m.birth_date.isoformat()
        yield f"{m.birth_date.year}年{m.birth_date.month}月{m.birth_date.day}日"


def test_public_index_lists_active_branches_without_login(anonymous, branch_a, branch_b, town):
    BranchFactory(parent=town, code="GQ-OLD", name="已撤并村党支部", is_active=False, dissolved_on=dt.date(2017, 1, 1))
    response = anonymous.get(reverse("public:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert branch_a.name in html and branch_b.name in html
    assert "已撤并村党支部" not in html
    assert reverse("public:branch", args=[branch_a.code]) in html
    assert "东片区" in html  # branch_a grouped under its area


def test_public_pages_have_no_private_nav(anonymous, branch_a):
    html = _ok(anonymous, reverse("public:branch", args=[branch_a.code])).content.decode()
    assert branch_a.name in html
    assert reverse("branches:tree") not in html
    assert reverse("accounts:logout") not in html
    assert "/admin/" not in html


def test_public_branch_page_shows_committee_wall(anonymous, branch_a):
    secretary = OfficerPostFactory(branch=branch_a, post="secretary")
    deputy = OfficerPostFactory(branch=branch_a, post="deputy_secretary")
    OfficerPostFactory(branch=branch_a, post="propaganda", term_end=dt.date(2017, 12, 31), term_start=dt.date(2015, 1, 1))
    PartyGroupFactory(branch=branch_a)
    response = anonymous.get(reverse("public:branch", args=[branch_a.code]))
    assert response.status_code == 200
    page = response.context["page"]
    assert [o.name for o in page.officers] == [secretary.member.name, deputy.member.name]
    assert page.party_group_count == 1
    assert page.member_count == 3  # officers' own member records; the old post's holder too
    html = response.content.decode()
    assert "支部委员会成员" in html


def test_public_pages_never_show_personal_data(anonymous, town, branch_a, branch_b, member_a, member_b):
    posts = [OfficerPostFactory(branch=branch_a, post="secretary"), OfficerPostFactory(branch=branch_b)]
    members = [member_a, member_b] + [p.member for p in posts]
    pages = [reverse("public:index")] + [reverse("public:branch", args=[b.code]) for b in (town, branch_a, branch_b)]
    for url in pages:
        html = _ok(anonymous, url).content.decode()
        for value in _personal_values(members):
            assert value not in html, (url, value)


def test_public_branch_page_hides_no_member_objects_in_context(anonymous, branch_a):
    OfficerPostFactory(branch=branch_a)
    response = _ok(anonymous, reverse("public:branch", args=[branch_a.code]))
    from members.models import Member

    for ctx in response.context:
        for value in ctx.flatten().values():
            assert not isinstance(value, Member)


def test_dissolved_or_unknown_branch_is_404_publicly(anonymous, town):
    old = BranchFactory(parent=town, code="GQ-OLD", is_active=False, dissolved_on=dt.date(2017, 1, 1))
    assert anonymous.get(reverse("public:branch", args=[old.code])).status_code == 404
    assert anonymous.get(reverse("public:branch", args=["NOPE"])).status_code == 404


def test_public_branch_counts_members_in_good_standing(anonymous, branch_a):
    from members.models import Member

    MemberFactory.create_batch(4, branch=branch_a)
    MemberFactory(branch=branch_a, standing=Member.Standing.EXPELLED)
    assert _ok(anonymous, reverse("public:branch", args=[branch_a.code])).context["page"].member_count == 4
