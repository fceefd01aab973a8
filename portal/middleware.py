"""Responses that may hold personal data are never stored by a browser or a proxy."""

from __future__ import annotations

from django.utils.cache import patch_cache_control

# Public pages (no login) hold no personal data and may be cached.
_ALWAYS_PRIVATE_PREFIXES = ("/api/", "/admin/", "/members/", "/accounts/")


class NoStoreMiddleware:
    """``Cache-Control: no-store, private`` on every page and file a logged-in user gets, and on the API and admin.

    A shared computer's back button or a proxy's cache would otherwise keep a
    roster, an export or a member page after the user has logged out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith(_ALWAYS_PRIVATE_PREFIXES):
            patch_cache_control(response, no_store=True, private=True)
        return response
