"""The nav's unread count is cached (Redis in CI) and must follow every change at once."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse

from notices.models import Notice
from notices.selectors import unread_count
from notices.services import notice_send

# Sessions kept in Redis (portal.sessions) only where there is a Redis cache: not the laptop default.
needs_redis_sessions = pytest.mark.skipif(
    django_settings.SESSION_ENGINE != "portal.sessions", reason="the laptop default keeps sessions in the database"
)


def _nav(client) -> str:
    return client.get(reverse("notices:list")).content.decode()


def test_the_count_follows_sending_reading_and_the_admin(secretary_a, secretary_a_user, town_admin_user):
    assert "通知（" not in _nav(secretary_a)  # none yet, and now 0 is cached
    notice_send(recipients=[secretary_a_user], key="k1", title="提醒一")
    notice_send(recipients=[secretary_a_user, town_admin_user], key="k2", title="提醒二")
    assert "通知（2 条未读）" in _nav(secretary_a)

    first = Notice.objects.get(recipient=secretary_a_user, key="k1")
    secretary_a.post(reverse("notices:open", args=[first.pk]))
    assert "通知（1 条未读）" in _nav(secretary_a)

    # A notice written one by one (the admin) or deleted: the signal forgets the count.
    Notice.objects.create(recipient=secretary_a_user, key="k3", title="后台添加")
    assert "通知（2 条未读）" in _nav(secretary_a)
    Notice.objects.filter(key="k3").delete()
    assert "通知（1 条未读）" in _nav(secretary_a)

    secretary_a.post(reverse("notices:read-all"))
    assert "通知（" not in _nav(secretary_a)
    assert unread_count(town_admin_user) == 1  # someone else's count is their own


def test_the_api_read_forgets_the_count(secretary_a, secretary_a_user):
    notice_send(recipients=[secretary_a_user], key="k", title="提醒")
    assert "通知（1 条未读）" in _nav(secretary_a)
    pk = Notice.objects.get().pk
    assert secretary_a.post(f"/api/notices/{pk}/read/").json()["is_read"] is True
    assert "通知（" not in _nav(secretary_a)


def test_without_the_cache_the_database_counts(secretary_a, secretary_a_user, monkeypatch):
    notice_send(recipients=[secretary_a_user], key="k", title="提醒")

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    for name in ("get", "set", "delete_many"):
        monkeypatch.setattr(cache, name, down)
    assert unread_count(secretary_a_user) == 1
    notice_send(recipients=[secretary_a_user], key="k2", title="提醒二")  # forgetting fails quietly
    assert "通知（2 条未读）" in _nav(secretary_a)


@needs_redis_sessions
def test_logged_in_pages_and_logout_work_with_the_cache_down(secretary_a, secretary_a_user, monkeypatch, settings):
    """Sessions come from Redis in production (portal.sessions): down, the database serves them."""
    from django.contrib.sessions.models import Session

    assert settings.SESSION_ENGINE == "portal.sessions"  # CI runs with Redis
    key = secretary_a.cookies[settings.SESSION_COOKIE_NAME].value

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    for name in ("get", "set", "delete", "delete_many", "has_key"):
        monkeypatch.setattr(cache, name, down)
    assert secretary_a.get(reverse("notices:list")).status_code == 200
    assert secretary_a.post(reverse("accounts:logout")).status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert secretary_a.get(reverse("notices:list")).status_code == 302  # to the login page


@needs_redis_sessions
def test_a_session_is_cached_for_five_minutes_at_most(secretary_a, settings):
    """What bounds a cached copy that a logout during an outage could not delete."""
    from portal.sessions import CACHED_SECONDS, SessionStore

    key = secretary_a.cookies[settings.SESSION_COOKIE_NAME].value
    assert secretary_a.get(reverse("notices:list")).status_code == 200
    ttl = cache._cache.get_client().ttl(cache.make_and_validate_key(SessionStore.cache_key_prefix + key))
    assert 0 < ttl <= CACHED_SECONDS == 300
