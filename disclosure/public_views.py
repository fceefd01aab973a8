"""Pages for villagers, no login: they scan a code on the disclosure board."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from .selectors import public_branch_groups, public_branch_page


@require_safe
def index(request):
    return render(request, "public/index.html", {"groups": public_branch_groups()})


@require_safe
def branch(request, code: str):
    return render(request, "public/branch.html", {"page": public_branch_page(code)})
