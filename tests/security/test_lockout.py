"""Hole 9: lockout after wrong passwords (page, token, admin), unlock by a town admin, tokens that end."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import Role
from tests.factories import UserFactory

PASSWORD = "pw-for-tests-2018"  # tests.factories.UserFactory's


@pytest.fixture
def office_user(town):
    return UserFactory(username="office", role=Role.TOWN_STAFF, branch=town, is_staff=True)


def _login(client: Client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_after_30_wrong_passwords_the_right_one_does_not_log_in_on_the_page(secretary_a_user):
    client = Client()
    for _ in range(30):
        _login(client, "secretary_a", "wrong")
    response = _login(client, "secretary_a", PASSWORD)
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert not _logged_in(client)


def test_after_30_wrong_passwords_the_token_endpoint_gives_no_token(secretary_a_user):
    client = Client()
    url = reverse("api:token")
    for _ in range(30):
        client.post(url, {"username": "secretary_a", "password": "wrong"})
    response = client.post(url, {"username": "secretary_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "锁定" in response.json()["detail"]
    assert not Token.objects.filter(user=secretary_a_user).exists()


def test_admin_login_is_locked_too(office_user):
    client = Client()
    url = reverse("admin:login")
    for _ in range(6):
        client.post(url, {"username": "office", "password": "wrong", "next": "/admin/"})
    response = client.post(url, {"username": "office", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 429
    assert not _logged_in(client)


def test_a_few_failures_do_not_lock_and_success_resets_the_count(secretary_a_user):
    client = Client()
    for _ in range(4):
        _login(client, "secretary_a", "wrong")
    assert _login(client, "secretary_a", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, "secretary_a", "wrong")
    assert _login(client, "secretary_a", PASSWORD).status_code == 302


def test_the_lock_is_per_account_and_address(secretary_a_user, secretary_b_user):
    attacker = Client(REMOTE_ADDR="10.0.0.66")
    for _ in range(10):
        _login(attacker, "secretary_a", "wrong")
    assert _login(attacker, "secretary_a", PASSWORD).status_code == 429
    # The secretary at her own address still gets in; another account from the attacker's address too.
    assert _login(Client(REMOTE_ADDR="10.0.0.5"), "secretary_a", PASSWORD).status_code == 302
    assert _login(Client(REMOTE_ADDR="10.0.0.66"), "secretary_b", PASSWORD).status_code == 302


def test_a_town_admin_unlocks_a_login(secretary_a_user, town_admin):
    client = Client()
    for _ in range(6):
        _login(client, "secretary_a", "wrong")
    assert _login(client, "secretary_a", PASSWORD).status_code == 429
    response = town_admin.post(
        reverse("admin:accounts_user_changelist"), {"action": "unlock", "_selected_action": [secretary_a_user.pk]}
    )
    assert response.status_code == 302
    assert _login(client, "secretary_a", PASSWORD).status_code == 302


def test_a_town_admin_of_another_town_cannot_unlock(secretary_a_user):
    from tests.factories import BranchFactory

    other = UserFactory(
        username="other_admin",
        role=Role.TOWN_ADMIN,
        branch=BranchFactory(code="XX", kind="committee", unit="town"),
        is_staff=True,
    )
    admin_client = Client()
    admin_client.force_login(other)
    client = Client()
    for _ in range(6):
        _login(client, "secretary_a", "wrong")
    admin_client.post(
        reverse("admin:accounts_user_changelist"), {"action": "unlock", "_selected_action": [secretary_a_user.pk]}
    )
    assert _login(client, "secretary_a", PASSWORD).status_code == 429


def _token(username: str, password: str = PASSWORD) -> dict:
    response = Client().post(reverse("api:token"), {"username": username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()


def _api(token: str):
    return Client().get(reverse("api:members-list"), HTTP_AUTHORIZATION=f"Token {token}")


def test_token_changes_when_the_password_changes(secretary_a_user):
    old = _token("secretary_a")["token"]
    assert _api(old).status_code == 200
    client = Client()
    client.force_login(secretary_a_user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Gq-new-pass-2026", "new_password2": "Gq-new-pass-2026"},
    )
    assert response.status_code == 302
    assert _api(old).status_code in (401, 403)
    new = _token("secretary_a", "Gq-new-pass-2026")["token"]
    assert new != old and _api(new).status_code == 200


def test_token_ends_when_the_login_is_deactivated(secretary_a_user, town_admin):
    token = _token("secretary_a")["token"]
    town_admin.post(
        reverse("admin:accounts_user_changelist"), {"action": "deactivate", "_selected_action": [secretary_a_user.pk]}
    )
    assert _api(token).status_code in (401, 403)


def test_token_expires(secretary_a_user, settings):
    settings.API_TOKEN_DAYS = 30
    got = _token("secretary_a")
    assert dt.datetime.fromisoformat(got["expires_at"]) > timezone.now() + dt.timedelta(days=29)
    Token.objects.filter(key=got["token"]).update(created=timezone.now() - dt.timedelta(days=31))
    response = _api(got["token"])
    assert response.status_code in (401, 403) and "过期" in response.json()["detail"]
    assert _token("secretary_a")["token"] != got["token"]
