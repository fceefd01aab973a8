"""Demo seeding, step ``accounts``: one login per role in the first demo town, all with the demo password.

Runs after ``members`` (secretaries and the member log in as members who hold
the posts). Users are keyed by username, the member login by its member.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext as _

from branches.models import Area, Branch, OfficerPost
from members.models import Member
from portal.seeding import DEMO_PASSWORD, DemoLogin, DemoSeedError, SeedContext, register

from .models import Role, User
from .services import user_create


@register("accounts", after=("members",))
def seed_accounts(ctx: SeedContext) -> None:
    ctx.labels.setdefault("users", _("演示账号"))
    ctx.logins.extend(_seed_logins(ctx, town=ctx.state["towns"][0]))
    usernames = [login.username for login in ctx.logins]
    ctx.total("users", User.objects.filter(username__in=usernames).count(), _("演示账号"))


def _officer_of(branch: Branch, *, secretary: bool) -> Member:
    """The branch's current 书记 (or, with ``secretary=False``, another committee member)."""
    posts = OfficerPost.objects.current().filter(branch=branch).select_related("member").order_by("post", "pk")
    posts = (
        posts.filter(post=OfficerPost.Post.SECRETARY)
        if secretary
        else posts.exclude(post=OfficerPost.Post.SECRETARY).exclude(member__user__isnull=False)
    )
    post = posts.first()
    if post is None:
        raise DemoSeedError(_("%(branch)s 没有在任班子成员，无法创建账号") % {"branch": branch.name})
    return post.member


def _ordinary_member_of(branch: Branch) -> Member:
    return (
        Member.objects.filter(
            branch=branch,
            category=Member.Category.FULL,
            standing=Member.Standing.NORMAL,
            is_floating=False,
            is_lost_contact=False,
            officer_posts__isnull=True,
            user__isnull=True,
        )
        .exclude(phone="")
        .order_by("id_number")
        .first()
    )


def _seed_logins(ctx: SeedContext, *, town: Branch) -> list[DemoLogin]:
    """One login per role for the first town, all with the demo password."""
    east = Area.objects.get(town=town, name="东片区")
    branch_a = Branch.objects.get(code="GQ-V02")
    branch_b = Branch.objects.get(code="GQ-C02")
    # One hash for all: at Django's iteration count each costs about 0.3 s.
    hashed = make_password(DEMO_PASSWORD)

    def ensure(username: str, fields: Callable[[], dict]) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(username=username, password=None, **fields())
            user.password = hashed
            user.save(update_fields=["password"])
            ctx.made("users")
        return user

    ensure("admin", lambda: {"role": Role.TOWN_ADMIN, "branch": town, "display_name": "陈立新"})
    ensure("office", lambda: {"role": Role.TOWN_STAFF, "branch": town, "display_name": "李晓燕"})
    ensure("area_east", lambda: {"role": Role.AREA_HEAD, "area": east, "display_name": "王建国"})
    ensure("liaison_east", lambda: {"role": Role.LIAISON, "area": east, "display_name": "周海波"})
    for username, branch in (("sec_gaofeng", branch_a), ("sec_gaoqiao_sq", branch_b)):
        ensure(
            username,
            lambda branch=branch: {
                "role": Role.SECRETARY,
                "branch": branch,
                "member": _officer_of(branch, secretary=True),
            },
        )
    ensure(
        "committee_gaofeng",
        lambda: {"role": Role.BRANCH_COMMITTEE, "branch": branch_a, "member": _officer_of(branch_a, secretary=False)},
    )
    # The member login is keyed by its member, since its username is the member's phone.
    member_user = User.objects.filter(role=Role.MEMBER, member__branch=branch_a).order_by("pk").first()
    if member_user is None:
        ordinary = _ordinary_member_of(branch_a)
        if ordinary is None:
            raise DemoSeedError(_("%(branch)s 没有可开通账号的普通党员") % {"branch": branch_a.name})
        member_user = ensure(ordinary.phone, lambda: {"role": Role.MEMBER, "member": ordinary})

    label = dict(Role.choices)
    return [
        DemoLogin(
            str(label[Role.TOWN_ADMIN]), "admin", DEMO_PASSWORD, _("全镇党组织和党员，可新增、修改，个人信息完整显示")
        ),
        DemoLogin(str(label[Role.TOWN_STAFF]), "office", DEMO_PASSWORD, _("全镇党组织和党员，只读，个人信息完整显示")),
        DemoLogin(
            str(label[Role.AREA_HEAD]), "area_east", DEMO_PASSWORD, _("东片区各村社，只读并可检查，个人信息打码")
        ),
        DemoLogin(
            str(label[Role.LIAISON]), "liaison_east", DEMO_PASSWORD, _("东片区各村社，只读并可检查，个人信息打码")
        ),
        DemoLogin(
            str(label[Role.SECRETARY]),
            "sec_gaofeng",
            DEMO_PASSWORD,
            _("%(branch)s（支部甲），任期内可维护本支部") % {"branch": branch_a.name},
        ),
        DemoLogin(
            str(label[Role.SECRETARY]),
            "sec_gaoqiao_sq",
            DEMO_PASSWORD,
            _("%(branch)s（支部乙），任期内可维护本支部") % {"branch": branch_b.name},
        ),
        DemoLogin(
            str(label[Role.BRANCH_COMMITTEE]),
            "committee_gaofeng",
            DEMO_PASSWORD,
            _("%(branch)s，任期内可维护本支部") % {"branch": branch_a.name},
        ),
        DemoLogin(
            str(label[Role.MEMBER]),
            member_user.username,
            DEMO_PASSWORD,
            _("本人档案（%(branch)s 党员 %(name)s），用手机号登录")
            % {"branch": branch_a.name, "name": member_user.member.name},
        ),
    ]
