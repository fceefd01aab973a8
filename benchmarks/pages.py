"""Server time and queries of every logged-in page and API list, in process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gaoqiao .venv/bin/python manage.py seed_demo [--scale 40]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gaoqiao .venv/bin/python benchmarks/pages.py [--runs 40]

Each page is requested through Django's full handler (middleware, session, auth,
view, template) as the demo login that uses it, ``--warmup`` rounds and then
``--runs`` rounds of every page in turn (so a slow spell of a shared machine
falls on all pages alike); it prints the median and the 95th percentile of the
server time and the number of queries. The last line times a fixed piece of
pure Python between the rounds: how fast the machine was during the run, to
compare runs on different machines. The query count is also taken at page size 10
and 50 (``?page_size=`` on the API, ``?q=`` narrowing on the branch page is
not used) to show it does not grow with the page.

``--wrk`` also runs the branch page and ``/healthz`` under gunicorn (2 workers)
with wrk (32 connections, loopback, ``--seconds`` each) in the same run and
prints requests/s and p99 for both.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoqiao.settings")


def _pages(ids: dict) -> list[tuple[str, str, str]]:
    """(label, login, url) for the pages and API lists a person uses every day."""
    from django.urls import reverse

    b, m, t = ids["branch"], ids["member"], ids["town"]
    pages = [
        ("branch page (secretary)", "sec_gaofeng", f"/branches/{b}/"),
        ("branch page, search pinyin", "sec_gaofeng", f"/branches/{b}/?q={ids['pinyin']}"),
        ("branch page, page 2", "sec_gaofeng", f"/branches/{b}/?page=2"),
        ("branch page (town admin)", "admin", f"/branches/{b}/"),
        ("town committee page (admin)", "admin", f"/branches/{t}/"),
        ("tree (town admin)", "admin", "/branches/"),
        ("tree (area head)", "area_east", "/branches/"),
        ("expiring terms", "admin", reverse("branches:expiring_terms")),
        ("member page", "sec_gaofeng", f"/members/{m}/"),
        ("member edit form", "sec_gaofeng", f"/members/{m}/edit/"),
        ("add member form", "sec_gaofeng", f"/members/add/{b}/"),
        ("due for conversion", "admin", "/members/due-for-conversion/"),
        ("transfers", "admin", "/members/transfers/"),
        ("roster import page", "sec_gaofeng", "/members/roster/import/"),
        ("own record (member)", ids["member_login"], f"/members/{ids['own_member']}/"),
        ("API members (secretary)", "sec_gaofeng", "/api/members/"),
        ("API members (town admin)", "admin", "/api/members/"),
        ("API members search", "admin", f"/api/members/?search={ids['pinyin']}"),
        ("API branches", "admin", "/api/branches/"),
        ("API areas", "admin", "/api/areas/"),
        ("API party groups", "admin", "/api/party-groups/"),
        ("API transfers", "admin", "/api/transfers/"),
    ]
    return pages + _other_pages(ids)


def _other_pages(ids: dict) -> list[tuple[str, str, str]]:
    """Every other logged-in page a person opens (home, notices, meetings, disclosure, projects,
    assessment) and every other API list, each as the login that uses it most."""
    from django.urls import reverse

    from gaoqiao.api_urls import router

    b, sec = ids["branch"], "sec_gaofeng"
    pages = [
        ("home, a redirect (secretary)", sec, reverse("home")),
        ("home, a redirect (town admin)", "admin", reverse("home")),
        ("password form", sec, reverse("accounts:password_change")),
        ("notices", sec, reverse("notices:list")),
        ("meetings (secretary)", sec, reverse("meetings:list")),
        ("meetings (town admin)", "admin", reverse("meetings:list")),
        ("meeting page", sec, reverse("meetings:detail", args=[ids["meeting"]])),
        ("meeting edit form", sec, reverse("meetings:edit", args=[ids["meeting"]])),
        ("new meeting form", sec, reverse("meetings:create") + "?token=6f1c0b8e-0000-4000-8000-000000000001"),
        ("compliance matrix", "admin", reverse("meetings:compliance")),
        ("compliance matrix" + AFTER_A_CHANGE, "admin", reverse("meetings:compliance")),
        ("compliance matrix" + AFTER_A_RULE_CHANGE, "admin", reverse("meetings:compliance")),
        ("compliance matrix" + BEFORE_THE_WORKER, "admin", reverse("meetings:compliance")),
        ("branch meetings", sec, reverse("meetings:branch", args=[b])),
        ("branch meetings" + AFTER_A_CHANGE, sec, reverse("meetings:branch", args=[b])),
        ("attendance", sec, reverse("meetings:attendance", args=[b])),
        ("theme-day plan", sec, reverse("meetings:plan", args=[b])),
        ("my meetings (member)", ids["member_login"], reverse("meetings:mine")),
        ("projects", "admin", reverse("projects:list")),
        ("project page", sec, reverse("projects:detail", args=[ids["project"]])),
        ("project edit form", sec, reverse("projects:edit", args=[ids["project"]])),
        ("project report form", sec, reverse("projects:report", args=[ids["project"]])),
        ("key tasks wall chart", "admin", reverse("projects:wall-chart")),
        ("key task page", "admin", reverse("projects:key-task-detail", args=[ids["key_task"]])),
        ("assessment dashboard", "admin", reverse("assessment:dashboard")),
        ("assessment dashboard" + AFTER_A_CHANGE, "admin", reverse("assessment:dashboard")),
        ("inspections", "admin", reverse("assessment:inspections")),
        ("inspection page", "admin", reverse("assessment:inspection-detail", args=[ids["inspection"]])),
        ("new inspection form", "area_east", reverse("assessment:inspection-new")),
        ("rectifications", "admin", reverse("assessment:rectifications")),
        ("rectification page", "admin", reverse("assessment:rectification-detail", args=[ids["rectification"]])),
        ("quarter scores", "admin", reverse("assessment:scores")),
        ("external scores form", "admin", reverse("assessment:external-scores")),
        ("points", sec, reverse("assessment:points")),
        ("appraisals", sec, reverse("assessment:appraisals")),
        ("briefings", "admin", reverse("assessment:briefings")),
        ("disclosure sites", "admin", reverse("disclosure:sites")),
        ("disclosure site", sec, reverse("disclosure:site", args=[ids["site"]])),
        ("disclosure items (secretary)", sec, reverse("disclosure:items")),
        ("disclosure items (town admin)", "admin", reverse("disclosure:items")),
        ("disclosure item", sec, reverse("disclosure:item", args=[ids["item"]])),
        ("new disclosure item form", sec, reverse("disclosure:item-create")),
        ("dues (town admin)", "admin", reverse("disclosure:dues")),
        ("dues of a branch", sec, reverse("disclosure:dues-branch", args=[b])),
    ]
    pages += _forms(ids)
    done = {"branches", "areas", "party-groups", "members", "transfers"}
    for prefix, _viewset, basename in router.registry:
        if basename in done:
            continue
        pages.append((f"API {prefix.replace('/', ' ')}", "admin", reverse(f"api:{basename}-list")))
        if basename == "compliance":
            pages.append((f"API compliance{AFTER_A_CHANGE}", "admin", reverse("api:compliance-list")))
    return pages


def _forms(ids: dict) -> list[tuple[str, str, str]]:
    """The forms and pages opened from the pages above (a member's changes, a project's, an inspection's)."""
    from django.urls import reverse

    sec, m = "sec_gaofeng", ids["member"]
    pages = [
        ("password changed", sec, reverse("accounts:password_change_done")),
        ("member flags form", sec, reverse("members:flags", args=[m])),
        ("member transfer form", sec, reverse("members:transfer", args=[m])),
        ("conversion form", sec, reverse("members:convert", args=[ids["probationary"]])),
        ("new project form", sec, reverse("projects:create")),
        ("milestone edit form", sec, reverse("projects:milestone-edit", args=[ids["milestone"]])),
        ("yearly summary of projects", sec, reverse("projects:yearly-summary", args=[ids["branch"]])),
        ("new key task form", "admin", reverse("projects:key-task-create")),
        ("key task edit form", "admin", reverse("projects:key-task-edit", args=[ids["key_task"]])),
        ("new point form", sec, reverse("assessment:point-add")),
        ("fixture page", sec, reverse("disclosure:fixture", args=[ids["fixture"]])),
    ]
    if ids["catch_up"]:
        pages.append(("catch-up plan", "admin", reverse("assessment:catch-up", args=[ids["catch_up"]])))
    return pages


# Compliance figures are kept in the cache per branch until one of its meetings, or a rule or branch, changes
# (meetings.figures_cache): these pages are also timed as the first view after a meeting of the secretary's
# branch is saved (that branch counted again when the save commits, the others' from the cache), and the
# matrix as the first view after a rule change (every branch's dropped): once the worker has counted the town
# again (meetings.tasks.count_compliance_figures, run here for the admin's town as the task runs it,
# meetings.warm.count_chunk), and before it has (the view counts every branch itself: the seconds between a
# rule change and the worker's count of that town).
AFTER_A_CHANGE = ", first view after a meeting is logged"
AFTER_A_RULE_CHANGE = ", first view after a rule change"
BEFORE_THE_WORKER = ", after a rule change, before the worker's count"
COLD = (AFTER_A_CHANGE, AFTER_A_RULE_CHANGE, BEFORE_THE_WORKER)


def _ids() -> dict:
    from accounts.models import User
    from branches.models import Branch
    from members.models import Member

    secretary = User.objects.select_related("branch", "member").get(username="sec_gaofeng")
    branch = secretary.branch
    member = Member.objects.filter(branch=branch).order_by("name_pinyin", "pk")[60 % max(1, branch.members.count())]
    member_login = User.objects.filter(role="member", member__branch=branch).select_related("member").first()
    town = Branch.objects.get(pk=User.objects.get(username="admin").branch_id)
    from assessment.models import CatchUpPlan, Inspection, Rectification
    from disclosure.models import Fixture, Item, Site
    from meetings.models import Meeting
    from projects.models import KeyTask, Milestone, Project

    return {
        "branch": branch.pk,
        "member": member.pk,
        "pinyin": member.name_pinyin[:6],
        "town": town.pk,
        "member_login": member_login.username,
        "own_member": member_login.member_id,
        "meeting": Meeting.objects.filter(branch=branch).order_by("-held_on", "-pk").values_list("pk", flat=True)[0],
        "project": Project.objects.filter(branch=branch).values_list("pk", flat=True)[0],
        "key_task": KeyTask.objects.filter(branch=town).values_list("pk", flat=True)[0],
        "inspection": Inspection.objects.filter(branch__path__startswith=town.path).values_list("pk", flat=True)[0],
        "rectification": Rectification.objects.filter(branch__path__startswith=town.path).values_list("pk", flat=True)[
            0
        ],
        "site": Site.objects.filter(branch=branch).values_list("pk", flat=True)[0],
        "item": Item.objects.filter(branch=branch).values_list("pk", flat=True)[0],
        "probationary": Member.objects.filter(branch=branch, category=Member.Category.PROBATIONARY)
        .order_by("pk")
        .values_list("pk", flat=True)[0],
        "milestone": Milestone.objects.filter(project__branch=branch).values_list("pk", flat=True)[0],
        "fixture": Fixture.objects.filter(site__branch=branch).values_list("pk", flat=True)[0],
        "catch_up": CatchUpPlan.objects.filter(branch__path__startswith=town.path).values_list("pk", flat=True).first(),
    }


def _count_queries(connection, call) -> int:
    """Queries one request runs (an execute wrapper: Django clears connection.queries per request)."""
    n = 0

    def count(execute, sql, params, many, context):
        nonlocal n
        n += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        call()
    return n


def _reference() -> None:
    """A fixed piece of pure Python, timed between the pages: how fast this machine is right now."""
    sum(range(200_000))


def measure(runs: int, warmup: int):
    """Each round requests every page once, so a slow spell of a shared machine falls on all pages alike."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from meetings import warm
    from meetings.figures_cache import forget_figures
    from meetings.models import Meeting

    ids = _ids()
    meeting = Meeting.objects.get(pk=ids["meeting"])
    (town_chunk,) = [(town, pks) for town, pks in warm.town_chunks() if town is not None and town.pk == ids["town"]]

    def change(label: str) -> None:
        """Before a first view after a change: a meeting of the secretary's branch saved (its post_save, as
        when one is logged or amended: that branch's figures dropped, and counted again on commit), or a rule
        changed (all dropped), then counted again by the worker, or not yet."""
        if label.endswith(AFTER_A_CHANGE):
            meeting.save(update_fields=["topic"])
        elif label.endswith(AFTER_A_RULE_CHANGE):
            forget_figures()
            warm.count_chunk(*town_chunk, timezone.localdate())
        elif label.endswith(BEFORE_THE_WORKER):
            forget_figures()

    pages = _pages(ids)
    clients: dict[str, Client] = {}
    for _label, login, _url in pages:
        if login not in clients:
            client = clients[login] = Client(HTTP_HOST="127.0.0.1")
            client.force_login(User.objects.get(username=login))
    for _ in range(warmup):
        for label, login, url in pages:
            response = clients[login].get(url)
            # Home only sends each role on to the page it works from.
            expected = 302 if label.startswith("home") else 200
            assert response.status_code == expected, (label, url, response.status_code)
    times: dict[str, list[float]] = {label: [] for label, _login, _url in pages}
    reference: list[float] = []
    # A change drops figures other pages show: the first views after a change are timed after the others in
    # each round (those after a rule change, which drops every figure, last), and then every page is viewed
    # once more (untimed) to fill the cache again.
    warm_pages = [page for page in pages if not page[0].endswith(COLD)]
    cold = [page for page in pages if page[0].endswith(AFTER_A_CHANGE)]
    cold += [page for page in pages if page[0].endswith((AFTER_A_RULE_CHANGE, BEFORE_THE_WORKER))]
    for _ in range(runs):
        for label, login, url in warm_pages + cold:
            change(label)
            start = time.perf_counter()
            clients[login].get(url)
            times[label].append((time.perf_counter() - start) * 1000)
        for _label, login, url in warm_pages:
            clients[login].get(url)
        start = time.perf_counter()
        _reference()
        reference.append((time.perf_counter() - start) * 1000)
    counted: dict[str, tuple[int, int | None]] = {}
    for label, login, url in warm_pages + cold:  # in the same order, for the same reason
        client = clients[login]
        change(label)
        queries = _count_queries(connection, lambda c=client, u=url: c.get(u))
        small = None
        if url.startswith("/api/") and "?" not in url:
            change(label)
            small = _count_queries(connection, lambda c=client, u=url: c.get(u + "?page_size=10"))
        counted[label] = (queries, small)
    for label, _login, url in pages:
        yield _row(label, url, times[label], *counted[label])
    yield _row("(reference: sum(range(200,000)))", "", reference, 0, None)


def _row(label: str, url: str, times: list[float], queries: int, small: int | None) -> dict:
    times = sorted(times)
    return {
        "label": label,
        "url": url,
        "median": statistics.median(times),
        "p95": times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))],
        "queries": queries,
        "queries_small_page": small,
    }


def _wrk(url: str, seconds: int, *extra: str) -> tuple[float, str, str]:
    """(requests/s, p99, the lines on errors and timeouts) of one wrk run: 2 threads, 32 connections."""
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{seconds}s", "--timeout", "10s", "--latency", *extra, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    trouble = " ".join(line.strip() for line in out.splitlines() if "errors" in line or "Non-2xx" in line)
    return rps, p99, trouble


def load(seconds: int, port: int) -> dict:
    """Branch page and /healthz under gunicorn (2 workers, 32 connections), in one run."""
    import django

    django.setup()
    from django.contrib.auth import SESSION_KEY
    from django.test import Client

    from accounts.models import User

    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    ids = _ids()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="sec_gaofeng"))
    session = client.cookies["sessionid"].value
    assert client.session[SESSION_KEY]
    env = {**os.environ, "DEBUG": "0"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "gaoqiao.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                subprocess.run(["curl", "-sf", "-o", "/dev/null", f"{base}/healthz"], check=True, timeout=5)
                break
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
                time.sleep(0.2)
        page = f"{base}/branches/{ids['branch']}/"
        # wrk sends one cookie header for every request: the secretary's session.
        script = ROOT / "benchmarks" / ".wrk_cookie.lua"
        script.write_text(f'wrk.headers["Cookie"] = "sessionid={session}"\n', encoding="utf-8")
        try:
            branch = _wrk(page, seconds, "-s", str(script))
        finally:
            script.unlink()
        health = _wrk(f"{base}/healthz", seconds)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return {"branch": branch, "healthz": health}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--wrk", action="store_true", help="also run the branch page and /healthz under gunicorn + wrk")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    import logging
    import warnings

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    warnings.filterwarnings("ignore", message="No directory at")
    logging.disable(logging.WARNING)

    from members.models import Member

    print(
        f"machine: {platform.node()} · {platform.processor() or platform.machine()} · {os.cpu_count()} cores · "
        f"Python {platform.python_version()} · {connection.vendor} · DEBUG={settings.DEBUG}"
    )
    print(f"members in the database: {Member.objects.count():,}")
    print(f"{'page':34} {'median ms':>9} {'p95 ms':>8} {'queries':>8}  (at page size 10)")
    for r in measure(args.runs, args.warmup):
        small = "" if r["queries_small_page"] is None else f"  ({r['queries_small_page']})"
        print(f"{r['label']:34} {r['median']:9.1f} {r['p95']:8.1f} {r['queries']:8d}{small}", flush=True)
    if args.wrk:
        result = load(args.seconds, args.port)
        print(f"gunicorn 2 workers, wrk 32 connections, {args.seconds} s each (same run):")
        for label, key in (("branch page", "branch"), ("/healthz", "healthz")):
            rps, p99, trouble = result[key]
            print(f"  {label:12} {rps:7.1f} requests/s, p99 {p99} {trouble}")


if __name__ == "__main__":
    main()
