"""The demo town's boards: fixtures, a year of items (some corrected), dues; and an anonymous crawl of
their pages, feeds, QR codes and posters finds no ID number, phone, address or birth date.

Seeding twice is checked with every other step in tests/members/test_seed_demo.py; every public HTML
page, item pages included, is also crawled by tests/test_personal_data.py."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from collections import deque
from urllib.parse import urljoin, urlparse

import pytest
import zxingcpp
from django.core.management import call_command
from django.db.models import Count, Max, Min
from django.test import Client
from PIL import Image

from branches.models import Branch
from disclosure.models import DuesMonth, Fixture, FixtureCheck, Item, ItemVersion, Site
from members.models import Member
from tests.seeded import seeded_for_module

HREF = re.compile(r'(?:href|src|action)="([^"#]+)"')
DIGITS = re.compile(r"\d{11}|\d{17}[\dXx]")


@pytest.fixture(scope="module")
def demo_town(django_db_setup, django_db_blocker):
    with seeded_for_module(django_db_blocker):
        call_command("seed_demo", verbosity=0)
        yield


@pytest.mark.django_db
def test_every_demo_site_has_fixtures_a_year_of_items_and_dues(demo_town):
    sites = list(Site.objects.select_related("branch"))
    town = Branch.objects.get(code="GQ")
    expected = Branch.objects.filter(depth=town.depth + 1, unit__in=("village", "community", "fishery"))
    assert len(sites) == expected.count() == 30
    assert {s.slug for s in sites} >= {"gaofeng", "gaoqiao-shequ", "yuyeshe"}
    assert all(n == 7 for n in Fixture.objects.values("site").annotate(n=Count("pk")).values_list("n", flat=True))
    assert FixtureCheck.objects.filter(result="needs_fixing").exists()
    assert not Fixture.objects.filter(status="unchecked").exists()
    for site in sites:
        items = Item.objects.filter(branch__path__startswith=site.branch.path, latest_version__isnull=False)
        span = items.aggregate(first=Min("first_published_at"), last=Max("last_published_at"))
        assert (span["last"] - span["first"]).days >= 300, site.slug
        assert items.filter(category="dues").count() >= 12
        assert (
            DuesMonth.objects.filter(branch__path__startswith=site.branch.path).values("month").distinct().count() == 12
        )
    corrected = ItemVersion.objects.filter(number=2)
    assert corrected.count() >= 30 and not corrected.filter(reason="").exists()
    # The seeded dues are exactly what the dues service would publish: re-entering a month changes nothing.
    from disclosure.dues import dues_month_save

    row = DuesMonth.objects.filter(branch__code="GQ-V02").order_by("month").first()
    before = ItemVersion.objects.count()
    dues_month_save(
        branch=row.branch, month=row.month, members_due=row.members_due, members_paid=row.members_paid,
        amount_paid=row.amount_paid, note=row.note, by=None,
    )  # fmt: skip
    assert ItemVersion.objects.count() == before


def _personal() -> tuple[set[str], list[str], list[str]]:
    numbers, addresses, births = set(), [], []
    for id_number, phone, address, birth in Member.objects.values_list("id_number", "phone", "address", "birth_date"):
        numbers.add(id_number)
        if phone:
            numbers.add(phone)
        if address:
            addresses.append(address)
        births += [birth.isoformat(), f"{birth.year}年{birth.month}月{birth.day}日"]
    return numbers, addresses, births


def _leaks(text: str, numbers, addresses, births) -> list[str]:
    found = [d for d in DIGITS.findall(text) if d.upper() in numbers]
    found += [a for a in addresses if a in text]
    found += [b for b in births if b in text]
    return found


def _pdf_text(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(content)
        f.flush()
        return subprocess.run(["pdftotext", f.name, "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.django_db
def test_anonymous_crawl_of_boards_items_feeds_and_files_leaks_nothing(demo_town):
    numbers, addresses, births = _personal()
    assert len(numbers) > 5000 and len(births) > 5000
    client = Client()
    queue = deque(["/public/", "/public/feed/", "/public/search/?q=党费"])
    queue += [f"/public/{slug}/" for slug in Site.objects.values_list("slug", flat=True)]
    seen: set[str] = set()
    leaks: dict[str, list[str]] = {}
    kinds: dict[str, int] = {}
    posters = 0
    # Item pages themselves are crawled by tests/test_personal_data.py over the same demo town.
    item_links: set[int] = set()
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        if url.endswith("/poster.pdf"):
            # A poster takes a second to render and every poster is the same template: read three.
            posters += 1
            if posters > 3:
                continue
        response = client.get(url)
        assert response.status_code in (200, 301), url
        ctype = response.get("Content-Type", "")
        kinds[ctype.split(";")[0]] = kinds.get(ctype.split(";")[0], 0) + 1
        if ctype == "application/pdf":
            if shutil.which("pdftotext") is None:
                continue
            body = _pdf_text(response.content)
        elif ctype == "image/png":
            body = " ".join(r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content))))
        else:
            body = response.content.decode("utf-8", errors="replace")
        if bad := _leaks(body, numbers, addresses, births):
            leaks[url] = bad[:3]
        if "html" in ctype:
            for href in HREF.findall(body):
                link = urlparse(urljoin(url, href.replace("&amp;", "&")))
                if link.path.startswith("/public/items/"):
                    item_links.add(int(link.path.split("/")[3]))
                elif link.path.startswith("/public/") and not link.path.startswith("/public/b/") and not link.netloc:
                    queue.append(link.path + (f"?{link.query}" if link.query else ""))
    assert not leaks, f"personal data on public pages or files: {leaks}"
    assert kinds.get("application/atom+xml", 0) >= 31 and kinds.get("application/pdf", 0) == 3 and posters == 30
    assert kinds.get("image/png", 0) == 30 and kinds.get("image/svg+xml", 0) == 30
    # Every published public item on a board was reached through the board's pages.
    site_paths = list(Site.objects.values_list("branch__path", flat=True))
    on_boards = {
        pk
        for pk, path in Item.objects.filter(
            latest_version__isnull=False, audience="public", latest_version__audience="public"
        ).values_list("pk", "branch__path")
        if any(path.startswith(p) for p in site_paths)
    }
    assert item_links >= on_boards
