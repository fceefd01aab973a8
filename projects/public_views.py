"""A project's page for villagers (no login): only what the disclosure register has published."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from .selectors import public_project


@require_safe
def project_page(request, pk: int):
    return render(request, "projects/public_detail.html", {"page": public_project(pk)})
