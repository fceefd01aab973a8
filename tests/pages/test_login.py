from django.urls import reverse

from tests.factories import UserFactory


def test_login_page_is_chinese(anonymous):
    response = anonymous.get(reverse("accounts:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "登录高桥党建" in html
    assert "用户名或手机号" in html
    assert 'lang="zh-Hans"' in html


def test_login_with_right_password_goes_home(anonymous, town_admin_user):
    response = anonymous.post(
        reverse("accounts:login"), {"username": "town_admin", "password": "pw-for-tests-2018"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_login_with_wrong_password_says_so_in_chinese(anonymous, town_admin_user):
    response = anonymous.post(reverse("accounts:login"), {"username": "town_admin", "password": "nope"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_logged_in_user_is_sent_on_from_login(town_admin):
    response = town_admin.get(reverse("accounts:login"))
    assert response.status_code == 302


def test_logout_is_post_only(town_admin):
    assert town_admin.get(reverse("accounts:logout")).status_code == 405
    response = town_admin.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert town_admin.get(reverse("branches:tree")).status_code == 302  # back to login


def test_logged_in_pages_have_a_logout_form(town_admin):
    html = town_admin.get(reverse("branches:tree")).content.decode()
    assert f'action="{reverse("accounts:logout")}"' in html
    assert "退出登录" in html


def test_password_change_page_and_done(db):
    user = UserFactory(username="pw_user")
    from django.test import Client

    client = Client()
    client.force_login(user)
    assert client.get(reverse("accounts:password_change")).status_code == 200
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "pw-for-tests-2018", "new_password1": "Gaoqiao-new-2018!", "new_password2": "Gaoqiao-new-2018!"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change_done")
    assert "密码已修改" in client.get(reverse("accounts:password_change_done")).content.decode()


def test_anonymous_is_sent_to_login_from_private_pages(anonymous, branch_a, member_a):
    for url in (
        reverse("branches:tree"),
        reverse("branches:detail", args=[branch_a.pk]),
        reverse("branches:expiring_terms"),
        reverse("members:detail", args=[member_a.pk]),
        reverse("members:due_for_conversion"),
        reverse("accounts:password_change"),
    ):
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url
