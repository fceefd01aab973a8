"""API tokens that expire (kept apart from the token view: DRF loads this while its views import)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def token_expires_at(token) -> dt.datetime:
    return token.created + dt.timedelta(days=settings.API_TOKEN_DAYS)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, but a token older than ``API_TOKEN_DAYS`` no longer works."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expires_at(token) <= timezone.now():
            token.delete()
            raise exceptions.AuthenticationFailed("令牌已过期，请重新获取")
        return user, token
