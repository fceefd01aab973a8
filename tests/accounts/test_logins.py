import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role, User
from accounts.services import member_login_create, user_create


def test_town_admin_creates_a_secretary_login_in_admin(town_admin, branch_a):
    response = town_admin.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "new_secretary",
            "password1": "Gq-strong-pass-2018",
            "password2": "Gq-strong-pass-2018",
            "display_name": "新书记",
            "role": Role.SECRETARY,
            "branch": branch_a.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="new_secretary")
    assert (user.role, user.branch, user.is_staff) == (Role.SECRETARY, branch_a, False)


def test_role_without_its_tie_is_refused(town_admin):
    response = town_admin.post(
        reverse("admin:accounts_user_add"),
        {"username": "x", "password1": "Gq-strong-pass-2018", "password2": "Gq-strong-pass-2018", "role": Role.AREA_HEAD},
    )
    assert response.status_code == 200
    assert "该角色必须指定片区" in response.content.decode()
    assert not User.objects.filter(username="x").exists()


def test_town_admin_deactivates_a_login(town_admin, secretary_a_user, secretary_a):
    response = town_admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate", "_selected_action": [secretary_a_user.pk]},
    )
    assert response.status_code == 302
    secretary_a_user.refresh_from_db()
    assert secretary_a_user.is_active is False
    # A deactivated login loses its session at once.
    assert secretary_a.get(reverse("api:members-list")).status_code in (401, 403)


@pytest.mark.parametrize("client_name", ["town_staff", "area_head", "secretary_a", "member"])
def test_only_town_admins_manage_logins(request, client_name, town_admin_user):
    client = request.getfixturevalue(client_name)
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code in (302, 403)


def test_town_admin_does_not_see_superusers(town_admin, db):
    User.objects.create_superuser("root", password="x-long-password-1")
    response = town_admin.get(reverse("admin:accounts_user_changelist"))
    assert "root" not in response.content.decode()


def test_member_login_uses_the_phone_number(member_a):
    user = member_login_create(member=member_a, password="Gq-strong-pass-2018")
    assert user.username == member_a.phone
    assert user.role == Role.MEMBER and user.member == member_a


def test_member_without_phone_gets_no_login(member_a):
    member_a.phone = ""
    member_a.save()
    with pytest.raises(ValidationError, match="没有登记联系电话"):
        member_login_create(member=member_a)


def test_member_login_twice_is_refused(member_a):
    member_login_create(member=member_a)
    with pytest.raises(ValidationError, match="已开通账号"):
        member_login_create(member=member_a)


def test_admin_action_creates_member_logins(town_admin, member_a, member_b):
    response = town_admin.post(
        reverse("admin:members_member_changelist"),
        {"action": "create_logins", "_selected_action": [member_a.pk, member_b.pk]},
    )
    assert response.status_code == 302
    assert set(User.objects.filter(role=Role.MEMBER).values_list("username", flat=True)) == {
        member_a.phone,
        member_b.phone,
    }


def test_user_create_requires_branch_for_town_roles(db):
    with pytest.raises(ValidationError):
        user_create(username="t", role=Role.TOWN_STAFF)
