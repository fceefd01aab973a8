"""The portal's own middleware.

``NoStoreMiddleware``: responses that may hold personal data are never stored by a browser or a proxy.

``PortalNotFoundMiddleware``: with ``DEBUG=1`` (``make demo``) Django answers an unknown or
out-of-scope URL with its English technical 404 page, which lists every URL pattern. A person
trying the demo should see what production shows: the portal's Chinese 404. Tracebacks of real
errors (500) are left to Django's debug page, which is what a developer running the demo wants.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import patch_cache_control

from .errors import not_found

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


# Django's technical 404 page carries this sentence; nothing of ours does.
_TECHNICAL_404 = b"because you have <code>DEBUG = True</code>"


class PortalNotFoundMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and _TECHNICAL_404 in response.content
        ):
            return not_found(request)  # JSON under /api/, the Chinese page elsewhere
        return response
