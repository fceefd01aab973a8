"""An anonymous visitor crawls every public page and API list of the demo town
and finds no ID number, phone or address of any member, in any reply or log line."""

from __future__ import annotations

import logging
import re
from collections import deque
from urllib.parse import urljoin, urlparse

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from branches.models import Branch
from members.models import Member
from tests.seeded import seeded_for_module

HREF = re.compile(r'(?:href|src|action)="([^"#]+)"')
DIGITS = re.compile(r"\d{11}|\d{17}[\dXx]")


@pytest.fixture(scope="module")
def demo_town(django_db_setup, django_db_blocker):
    with seeded_for_module(django_db_blocker):
        call_command("seed_demo", verbosity=0)
        yield


def _personal_values() -> tuple[set[str], list[str]]:
    numbers: set[str] = set()
    addresses: list[str] = []
    for id_number, phone, address in Member.objects.values_list("id_number", "phone", "address"):
        numbers.add(id_number)
        if phone:
            numbers.add(phone)
        if address:
            addresses.append(address)
    return numbers, addresses


def _leaks(text: str, numbers: set[str], addresses: list[str]) -> list[str]:
    found = [d for d in DIGITS.findall(text) if d.upper() in numbers or d in numbers]
    found += [a for a in addresses if a in text]
    return found


PUBLIC_API = {"/api/disclosure/items/", "/api/disclosure/versions/"}


def _api_list_urls() -> list[str]:
    urls = []
    for p in get_resolver().url_patterns:
        if isinstance(p, URLResolver) and p.namespace == "api":
            for q in p.url_patterns:
                if isinstance(q, URLPattern) and q.name and q.name.endswith("-list") and "format" not in str(q.pattern):
                    urls.append(reverse(f"api:{q.name}"))
    return urls


@pytest.mark.django_db
def test_anonymous_crawl_leaks_no_personal_data(demo_town, caplog):
    numbers, addresses = _personal_values()
    assert len(numbers) > 5000 and len(addresses) > 2500  # the demo town is really loaded
    client = Client()
    start = [reverse("public:index"), reverse("accounts:login"), reverse("healthz")]
    start += [reverse("public:branch", args=[code]) for code in Branch.objects.values_list("code", flat=True)]
    seen: set[str] = set()
    queue = deque(start)
    leaks: dict[str, list[str]] = {}
    with caplog.at_level(logging.DEBUG):
        while queue:
            url = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            response = client.get(url)
            body = response.content.decode("utf-8", errors="replace")
            if bad := _leaks(body, numbers, addresses):
                leaks[url] = bad[:3]
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                for href in HREF.findall(body):
                    link = urljoin(url, href)
                    if urlparse(link).path.startswith("/public/") and not urlparse(link).netloc:
                        queue.append(link)
        api_urls = _api_list_urls()
        for url in api_urls:
            response = client.get(url)
            # The published public 党务公开 items and their versions are open to all, like the boards.
            assert response.status_code == (200 if url in PUBLIC_API else 401), url
            if bad := _leaks(response.content.decode(), numbers, addresses):
                leaks[url] = bad[:3]
    assert len(seen) > Branch.objects.count(), "the crawl reached every public branch page"
    assert {"/api/members/", "/api/branches/"} | PUBLIC_API <= set(api_urls)
    assert not leaks, f"personal data on anonymous replies: {leaks}"
    assert not _leaks(caplog.text, numbers, addresses), "personal data in log lines"
