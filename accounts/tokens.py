"""The endpoint that hands out API tokens (counted by the lockout like any login); they expire."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from .authentication import token_expires_at
from .lockout import LOCKED_MESSAGE


def token_for(user) -> Token:
    """The user's current token: a fresh one if theirs has expired."""
    token, created = Token.objects.get_or_create(user=user)
    if not created and token_expires_at(token) <= timezone.now():
        token.delete()
        token = Token.objects.create(user=user)
    return token


class ObtainExpiringToken(ObtainAuthToken):
    """``POST username, password`` → a token and when it expires. Wrong passwords count towards the lockout."""

    authentication_classes = ()  # the credentials are the body; no session or token is read here

    @extend_schema(
        summary="获取 API 令牌",
        auth=[],  # the one operation that needs no credentials
        responses=inline_serializer(
            "TokenOut", {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()}
        ),
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # axes marks the request it refused; DRF's wrapper keeps the mark on itself.
            if getattr(request, "axes_locked_out", False) or getattr(request._request, "axes_locked_out", False):
                return Response({"detail": LOCKED_MESSAGE}, status=status.HTTP_429_TOO_MANY_REQUESTS)
            raise exceptions.ValidationError(serializer.errors)
        token = token_for(serializer.validated_data["user"])
        return Response({"token": token.key, "expires_at": token_expires_at(token)})


obtain_token = ObtainExpiringToken.as_view()
