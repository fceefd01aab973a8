"""Locking a login after repeated wrong passwords (django-axes), and unlocking it.

The lock is per account and address: ``AXES_FAILURE_LIMIT`` wrong passwords for
one username from one address lock that pair for ``AXES_COOLOFF_TIME``; the
login page, the admin's login and the API token endpoint all count, because
all three go through ``django.contrib.auth.authenticate``. A town admin (the
``MANAGE_LOGINS`` capability) unlocks a login from the admin's user list.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings

LOCKED_MESSAGE = "密码错误次数过多，该账号已被暂时锁定。请稍后再试，或联系镇党建办管理员解除锁定。"


def client_ip(request) -> str | None:
    """The caller's address: behind the HTTPS proxy, the one nginx saw (the last X-Forwarded-For hop)."""
    meta = request.META
    if getattr(settings, "BEHIND_HTTPS_PROXY", False):
        forwarded = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if forwarded:
            return forwarded[-1]
    return meta.get("REMOTE_ADDR")


def is_locked(username: str) -> bool:
    from axes.models import AccessAttempt

    return AccessAttempt.objects.filter(
        username=username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).exists()


def login_unlock(*, user) -> int:
    """Forget the failed attempts on ``user``'s login, from every address. Returns how many were removed."""
    from axes.utils import reset

    return reset(username=user.get_username())


def lockout_response(request, original_response=None, credentials=None):
    """What a locked login gets (axes' AXES_LOCKOUT_CALLABLE): a Chinese page, or JSON on the API."""
    from django.http import JsonResponse
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": LOCKED_MESSAGE}, status=429)
    return render(request, "accounts/locked_out.html", {"cooloff_minutes": minutes}, status=429)


class LockoutBackend(AxesStandaloneBackend):
    """axes' backend for every door that has a request (login page, admin, token endpoint).

    Code with no request (a shell, a test client's ``login()``) has no address to
    lock and reaches the password check directly.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
