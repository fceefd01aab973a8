"""Answers when something under a view fails: JSON for the API, a page for people.

A client of ``/api/`` must never have to parse Django's HTML error page; when
the database does not answer, both doors say so with a 503 and a Retry-After.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 30


def _wants_json(request) -> bool:
    return request.path.startswith(API_PREFIX)


class DatabaseUnavailableMiddleware:
    """A database that cannot be reached turns into a 503, not a 500 with a traceback page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        # The driver's first line says why (refused, too many clients, dropped): never a query's data.
        reason = (str(exception).strip().splitlines() or [""])[0][:200]
        logger.error("database unavailable on %s: %s: %s", request.path, exception.__class__.__name__, reason)
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        message = _("数据库暂时不可用，请稍后重试")
        if _wants_json(request):
            return JsonResponse({"detail": message}, status=503, headers=headers)
        body = loader.render_to_string("503.html", {"message": message})
        return HttpResponse(body, status=503, headers=headers)


def server_error(request, *args, **kwargs):
    """handler500: the API answers JSON; pages keep the standalone 500 page."""
    if _wants_json(request):
        return JsonResponse({"detail": _("服务器处理请求时出现问题，请稍后再试")}, status=500)
    return HttpResponse(loader.render_to_string("500.html"), status=500)


def not_found(request, exception=None, *args, **kwargs):
    """handler404: the API answers JSON (a path no route matches, e.g. ``/api/notices/abc/``)."""
    if _wants_json(request):
        return JsonResponse({"detail": _("未找到。")}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)
