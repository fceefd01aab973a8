"""The project pages' rows written in Python read exactly as the template loops they replace, escaped,
in the same queries for few or many rows."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.forms import PhotoForm
from projects.models import Category, Status
from projects.presenters import project_cards_html

# The list's loop as it stood in templates/projects/list.html.
OLD_CARDS = Template(
    """{% load i18n %}<ul class="pj-list">
  {% for p in rows %}
  <li class="pj-card pj-card--{{ p.status }}">
    <a class="pj-card__link" href="{% url 'projects:detail' p.pk %}">
      <span class="pj-card__name">{{ p.name }}</span>
      <span class="pj-card__meta">{{ p.branch.name }} · {{ p.get_category_display }} · {% translate "领衔" %} {{ p.lead.name }}</span>
      <span class="pj-bar" role="img" aria-label="{% blocktranslate with n=p.percent %}完成 {{ n }}%{% endblocktranslate %}"><span class="pj-bar__fill" style="width: {{ p.percent }}%"></span></span>
      <span class="pj-card__status"><span class="pj-status pj-status--{{ p.status }}">{{ p.get_status_display }}</span> {{ p.percent }}%</span>
    </a>
  </li>
  {% endfor %}
</ul>"""
)


def _row(pk, name, status, category, percent, branch, lead):
    labels = dict(Category.choices) | dict(Status.choices)
    row = SimpleNamespace(
        pk=pk, name=name, status=status, category=category, percent=percent, branch__name=branch, lead__name=lead
    )
    row.branch, row.lead = SimpleNamespace(name=branch), SimpleNamespace(name=lead)
    row.get_category_display = lambda: str(labels.get(category, category))
    row.get_status_display = lambda: str(labels.get(status, status))
    return row


def test_the_cards_read_as_the_template_loop_did():
    rows = [
        _row(7, '<b>河道&"清淤"</b>', Status.BEHIND, Category.ENVIRONMENT, 35, "高峰村<党支部>", "张'三'"),
        _row(12, "x & y", Status.DONE, Category.CULTURE, 100, "A&B", "<i>李四</i>"),
        _row(3, "未知类别", "weird<", "other&", 0, "'", '"'),
    ]
    old = OLD_CARDS.render(Context({"rows": rows}))
    new = '<ul class="pj-list">\n  ' + project_cards_html(rows) + "\n</ul>"
    assert new == old
    assert "&lt;b&gt;河道&amp;&quot;清淤&quot;&lt;/b&gt;" in new and "<b>" not in new
    assert project_cards_html([]) == ""


def test_the_list_shows_the_cards_escaped_in_the_same_queries_for_any_number(town_admin, make_project):
    url = reverse("projects:list")
    counts, made = [], 0
    for n in (1, 6):
        while made < n:
            made += 1
            make_project(name=f"<b>项目&{made}</b>")
        town_admin.get(url)  # the navigation's counts are cached from then on
        with CaptureQueriesContext(connection) as ctx:
            page = town_admin.get(url).content.decode()
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    assert page.count('<li class="pj-card pj-card--') == 6
    assert '<span class="pj-card__name">&lt;b&gt;项目&amp;6&lt;/b&gt;</span>' in page
    assert "领衔 张三" in page


def test_the_project_page_reads_the_milestones_once_for_the_list_and_the_upload_form(secretary_a, make_project):
    from projects import services

    project = make_project()
    for i, title in enumerate(("<清淤>", "分类&验收")):
        services.milestone_create(project=project, title=title, weight=1, planned_on=dt.date(2026, 4 + i, 1))
    url = reverse("projects:detail", args=[project.pk])
    secretary_a.get(url)
    with CaptureQueriesContext(connection) as ctx:
        page = secretary_a.get(url).content.decode()
    assert len([q for q in ctx.captured_queries if 'FROM "projects_milestone"' in q["sql"]]) == 1
    assert str(PhotoForm(project=project)["milestone"]) in page  # the choices the form itself would list
    assert "&lt;清淤&gt;" in page and "分类&amp;验收" in page
    assert "13812345678" not in page  # the lead's phone is not on the page (nor read for it)


def test_the_key_task_list_reads_only_what_it_shows_and_says_the_same(town_admin, town, branch_a):
    from projects import services
    from projects.api import KeyTaskSerializer
    from projects.models import KeyTask

    task = services.key_task_save(
        branch=town, year=2026, number=1, title="<村道>&改造", leader="张'书记'", unit=branch_a,
        targets={3: "三月<目标>", 1: "一月&目标"},
    )  # fmt: skip
    services.key_task_month_check(row=task.months.get(month=1), done=True, evidence="验收单")
    body = town_admin.get("/api/key-tasks/").json()
    rows = body["results"] if isinstance(body, dict) else body
    full = KeyTask.objects.select_related("branch", "unit").prefetch_related("months").get(pk=task.pk)
    expected = dict(KeyTaskSerializer(full).data)
    expected["months"] = sorted((dict(m) for m in expected["months"]), key=lambda m: m["month"])
    assert rows == [expected]
    assert [m["month"] for m in rows[0]["months"]] == [1, 3]
    with CaptureQueriesContext(connection) as ctx:
        town_admin.get("/api/key-tasks/")
    sql = " ".join(q["sql"] for q in ctx.captured_queries if "projects_keytask" in q["sql"])
    assert '"checked_by_id"' not in sql and '"branches_branch"."code"' not in sql
