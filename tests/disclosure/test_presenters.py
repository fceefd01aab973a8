"""The staff pages' rows joined in Python (``disclosure.presenters``) are exactly what the template loops
printed, with values holding markup characters; the item list reads a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosure.models import Category, DuesMonth, Item
from disclosure.presenters import dues_rows_html, item_cards_html

NASTY = "<b>\"A&B\"</b> 'x'"

# The loops as the templates had them (templates/disclosure/item_list.html and dues_branch.html).
OLD_ITEM_LOOP = """{% load i18n disclosure_public %}{% for item in rows %}
  <li class="ds-card ds-card--{{ item.state }}">
    <a class="ds-card__link" href="{% url 'disclosure:item' item.pk %}">
      <span class="ds-card__title">{{ item.title }}</span>
      <span class="ds-card__meta">{{ item.branch.name }} · {{ item.category_label }} · {{ item.period|period_label }}{% if item.audience == "members" %} · {% translate "仅党员" %}{% endif %}</span>
      <span class="small"><span class="ds-state ds-state--{{ item.state }}">{{ item.state_label }}</span>
        {% if item.latest_version %}{% blocktranslate with n=item.latest_version.number %}第 {{ n }} 版已公开{% endblocktranslate %}{% endif %}
        {% if item.state == "draft" and item.review_note %}<span class="ds-correction">{% translate "已退回" %}</span>{% endif %}
      </span>
    </a>
  </li>
  {% endfor %}"""  # noqa: E501

OLD_DUES_LOOP = """{% load i18n disclosure_public %}{% for row, item_pk in rows %}
      <tr>
        <td data-label="{% translate '月份' %}"><strong>{{ row.month|period_label }}</strong></td>
        <td data-label="{% translate '应交人数' %}">{{ row.members_due }}</td>
        <td data-label="{% translate '实交人数' %}">{{ row.members_paid }}</td>
        <td data-label="{% translate '实交金额' %}">{{ row.amount_paid }}</td>
        <td data-label="{% translate '备注' %}">{{ row.note|default:"—" }}</td>
        <td data-label="{% translate '公开' %}">{% if item_pk %}<a href="{% url 'disclosure:item' item_pk %}">{% translate "查看" %}</a>{% endif %}{% if may_write %} · <a href="?month={{ row.month }}">{% translate "更正" %}</a>{% endif %}</td>
      </tr>
      {% endfor %}"""  # noqa: E501


def _render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def _item_row(pk, state, audience, number, review_note="", period="2026-03", category=Category.DUES):
    return SimpleNamespace(
        pk=pk,
        state=state,
        title=NASTY,
        branch__name=NASTY,
        category=category,
        period=period,
        audience=audience,
        review_note=review_note,
        latest_version__number=number,
    )


def _as_template_item(row):
    return SimpleNamespace(
        pk=row.pk,
        state=row.state,
        title=row.title,
        branch=SimpleNamespace(name=row.branch__name),
        category_label=dict(Category.choices)[row.category],
        state_label=dict(Item.State.choices)[row.state],
        period=row.period,
        audience=row.audience,
        review_note=row.review_note,
        latest_version=SimpleNamespace(number=row.latest_version__number) if row.latest_version__number else None,
    )


def test_item_cards_equal_the_template_loop():
    rows = [
        _item_row(1, Item.State.DRAFT, "members", None, review_note=NASTY),
        _item_row(2, Item.State.PUBLISHED, "public", 3, period="2026-Q1", category=Category.FINANCES),
        _item_row(3, Item.State.DRAFT, "public", 1, period="<2026>"),
        _item_row(4, Item.State.SUBMITTED, "members", None, review_note=NASTY, period="2026"),
    ]
    expected = _render(OLD_ITEM_LOOP, rows=[_as_template_item(r) for r in rows])
    assert str(item_cards_html(rows)) == expected
    assert "<b>" not in expected and "&lt;b&gt;" in expected


def test_dues_rows_equal_the_template_loop():
    rows = [
        SimpleNamespace(month="2026-03", members_due=40, members_paid=38, amount_paid=Decimal("1520.50"), note=NASTY),
        SimpleNamespace(month="2026-02", members_due=1234, members_paid=0, amount_paid=Decimal("0.00"), note=""),
        SimpleNamespace(month="<x>&", members_due=5, members_paid=5, amount_paid=Decimal("12345.6"), note="&"),
    ]
    items = {"2026-03": 17, "<x>&": 9}
    for may_write in (True, False):
        expected = _render(OLD_DUES_LOOP, rows=[(r, items.get(r.month)) for r in rows], may_write=may_write)
        assert str(dues_rows_html(rows, items, may_write)) == expected


def _items_page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("disclosure:items")).status_code == 200
    return len(queries.captured_queries)


def _add_items(branch, n, start):
    for i in range(start, start + n):
        Item.objects.create(
            branch=branch, category=Category.FINANCES, period=f"{2000 + i}", source=f"manual:{i}", title=f"<t{i}>"
        )


def test_item_list_queries_do_not_grow_with_rows(secretary_a, branch_a):
    _add_items(branch_a, 2, 0)
    _items_page_queries(secretary_a)  # the session and scope are read on the first request only
    few = _items_page_queries(secretary_a)
    _add_items(branch_a, 15, 2)
    page = secretary_a.get(reverse("disclosure:items")).content.decode()
    assert "&lt;t16&gt;" in page and "<t16>" not in page
    assert _items_page_queries(secretary_a) == few


def test_dues_page_queries_do_not_grow_with_rows(secretary_a, branch_a):
    url = reverse("disclosure:dues-branch", args=[branch_a.pk])
    DuesMonth.objects.create(branch=branch_a, month="2025-01", members_due=3, members_paid=3, amount_paid=1)
    secretary_a.get(url)  # the session and scope are read on the first request only
    with CaptureQueriesContext(connection) as few:
        secretary_a.get(url)
    for m in range(2, 13):
        DuesMonth.objects.create(branch=branch_a, month=f"2025-{m:02d}", members_due=3, members_paid=2, amount_paid=1)
    with CaptureQueriesContext(connection) as many:
        page = secretary_a.get(url).content.decode()
    assert "2025年12月" in page
    assert len(many.captured_queries) == len(few.captured_queries)
