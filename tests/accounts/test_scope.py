import datetime as dt

from django.utils import timezone

from accounts.scope import ROLE_CAPABILITIES, Cap, compute_scope
from branches.models import OfficerPost
from members.selectors import can_see_personal_data, members_visible_to


def test_town_admin_reads_and_writes_the_whole_town(town_admin_user, member_a, member_b):
    scope = compute_scope(town_admin_user)
    assert set(members_visible_to(town_admin_user)) == {member_a, member_b}
    assert scope.can_write_branch(member_b.branch)
    assert can_see_personal_data(town_admin_user, member_b)


def test_town_staff_reads_all_but_writes_nothing(town_staff_user, member_a, member_b):
    scope = compute_scope(town_staff_user)
    assert set(members_visible_to(town_staff_user)) == {member_a, member_b}
    assert not scope.has(Cap.WRITE)


def test_area_head_reads_only_their_area_and_sees_masked_data(area_head_user, member_a, member_b):
    visible = set(members_visible_to(area_head_user))
    assert member_a in visible and member_b not in visible
    scope = compute_scope(area_head_user)
    assert not scope.has(Cap.WRITE)
    assert scope.covers(Cap.INSPECT, member_a.branch) and not scope.covers(Cap.INSPECT, member_b.branch)
    assert not can_see_personal_data(area_head_user, member_a)


def test_secretary_writes_own_branch_only(secretary_a_user, member_a, member_b):
    scope = compute_scope(secretary_a_user)
    assert scope.can_write_branch(member_a.branch)
    assert not scope.can_read_branch(member_b.branch)
    assert member_b not in set(members_visible_to(secretary_a_user))


def test_secretary_write_access_ends_with_the_term(secretary_a_user, member_a):
    OfficerPost.objects.filter(member=secretary_a_user.member).update(
        term_end=timezone.localdate() - dt.timedelta(days=1)
    )
    scope = compute_scope(secretary_a_user)
    assert scope.can_read_branch(member_a.branch)
    assert not scope.can_write_branch(member_a.branch)
    assert not can_see_personal_data(secretary_a_user, member_a)


def test_member_sees_only_their_own_record(member_user, member_a, branch_a):
    from tests.factories import MemberFactory

    neighbour = MemberFactory(branch=branch_a)
    visible = set(members_visible_to(member_user))
    assert visible == {member_a}
    assert neighbour not in visible
    assert can_see_personal_data(member_user, member_a)


def test_deactivated_user_sees_nothing(town_admin_user, member_a):
    town_admin_user.is_active = False
    assert compute_scope(town_admin_user).is_anonymous


def test_every_role_has_a_row_in_the_capability_table():
    from accounts.models import Role

    assert set(ROLE_CAPABILITIES) == set(Role.values)


def test_liaison_inspects_their_area_but_does_not_approve(db, area, branch_a, branch_b):
    from accounts.models import Role
    from tests.factories import UserFactory

    scope = compute_scope(UserFactory(role=Role.LIAISON, area=area))
    assert scope.covers(Cap.INSPECT, branch_a)
    assert not scope.covers(Cap.INSPECT, branch_b)
    assert not scope.has(Cap.APPROVE)
    assert not scope.has(Cap.PERSONAL_DATA)


def test_q_filters_rows_by_their_branch(town_staff_user, area_head_user, member_a, member_b):
    from members.models import Member

    area_scope = compute_scope(area_head_user)
    assert set(Member.objects.filter(area_scope.q(Cap.INSPECT, "branch__"))) == {member_a}
    assert not Member.objects.filter(area_scope.q(Cap.WRITE, "branch__")).exists()
    assert set(Member.objects.filter(compute_scope(town_staff_user).q(Cap.READ, "branch__"))) == {member_a, member_b}


def test_who_holds_a_post_is_kept_until_a_post_or_branch_changes(
    secretary_a_user, member_a, branch_a, django_assert_num_queries
):
    """The officer-post check is kept in the cache (accounts.scope._holds_post): saving or deleting a post
    takes effect on the next request; a write behind the signals needs posts_changed."""
    from accounts.models import User
    from accounts.scope import posts_changed
    from tests.factories import OfficerPostFactory

    def may_write() -> bool:
        user = User.objects.select_related("branch").get(pk=secretary_a_user.pk)  # as a request loads it
        return compute_scope(user).can_write_branch(branch_a)

    assert may_write()
    with django_assert_num_queries(1):  # the user only: the post check comes from the cache
        assert may_write()
    post = OfficerPost.objects.get(member=secretary_a_user.member)
    post.term_end = timezone.localdate() - dt.timedelta(days=1)
    post.save()
    assert not may_write()  # the term ended: at once
    again = OfficerPostFactory(branch=branch_a, member=secretary_a_user.member, post="organisation")
    assert may_write()  # a new post
    again.delete()
    assert not may_write()
    OfficerPost.objects.filter(pk=post.pk).update(term_end=None)  # behind the signals
    assert not may_write()
    posts_changed()
    assert may_write()
    branch_a.name = "高峰村第一党支部"
    branch_a.save()  # a branch saved (renamed, moved, dissolved): asked again
    with django_assert_num_queries(2):
        assert may_write()
