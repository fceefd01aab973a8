"""The long repeated parts of the assessment lists as markup joined in Python.

A quarter's scores (50 rows), the rectifications, the points ranking and the appraisal tally (30
rows a page) each printed five to seven values, labels and links a row through the template: node
by node that was most of the page's time. Here each value is escaped (``django.utils.html.escape``,
what the template's autoescape does to text), the labels are translated once a page and the markup
is the template's own, so the pages read the same (``tests/assessment/test_presenters.py``).
"""

from __future__ import annotations

from django.utils.formats import date_format, localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from portal.links import id_url_prefix

from .models import Appraisal, CatchUpPlan, PointEntry, Rectification


def _dates():
    """``{{ date }}`` (the language's DATE_FORMAT), worked out once per distinct date of the page."""
    seen: dict = {}

    def shown(day) -> str:
        if day not in seen:
            seen[day] = escape(date_format(day))
        return seen[day]

    return shown


def score_rows_html(rows) -> SafeString:
    """``<tr>`` per quarter score: rows with ``rank``, ``branch__name``, ``total``, ``stars``, ``previous_stars``."""
    rank, unit, total, stars, move = (escape(gettext(s)) for s in ("排名", "单位", "总分", "星级", "变化"))
    html = []
    for s in rows:
        movement = s.stars - s.previous_stars if s.previous_stars else 0
        arrow = '<span class="up">↑</span>' if movement > 0 else '<span class="down">↓</span>' if movement < 0 else "—"
        html.append(
            f'<tr><td data-label="{rank}">{escape(localize(s.rank))}</td>'
            f'<td data-label="{unit}">{escape(s.branch__name)}</td>'
            f'<td data-label="{total}">{escape(localize(s.total))}</td>'
            f'<td data-label="{stars}" class="stars">{escape(localize(s.stars))}★</td>'
            f'<td data-label="{move}">{arrow}</td></tr>'
        )
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above


def plan_items_html(plans) -> SafeString:
    """``<li>`` per catch-up plan: rows with ``pk``, ``branch__name``, ``status``."""
    prefix = escape(id_url_prefix("assessment:catch-up"))
    labels = dict(CatchUpPlan.Status.choices)
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f'<li><a href="{prefix}{p.pk}/">{escape(p.branch__name)}</a> '
            f'<span class="badge">{escape(labels.get(p.status, p.status))}</span></li>'
            for p in plans
        )
    )


def rectification_rows_html(rows, today) -> SafeString:
    """The list's ``<li>`` per rectification: rows with ``pk``, ``finding``, ``branch__name``, ``status``, ``deadline``."""
    prefix = escape(id_url_prefix("assessment:rectification-detail"))
    labels = dict(Rectification.Status.choices)
    term = escape(gettext("期限"))
    overdue = f' <span class="badge badge--red">{escape(gettext("逾期"))}</span>'
    shown = _dates()
    html = []
    for r in rows:
        late = overdue if r.deadline < today and r.status in "open explained" else ""
        html.append(
            f'\n  <li><a class="a-list__row" href="{prefix}{r.pk}/">\n'
            f'    <span class="a-list__title">{escape(Truncator(r.finding).chars(60))}</span>\n'
            f'    <span class="a-list__meta">{escape(r.branch__name)} · <span class="badge">'
            f"{escape(labels.get(r.status, r.status))}</span> · {term} {shown(r.deadline)}{late}</span>\n"
            "  </a></li>"
        )
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above


def own_points_html(entries) -> SafeString:
    """A member's ledger, ``<li>`` per entry: rows with ``reason``, ``on``, ``kind``, ``points``."""
    kinds = dict(PointEntry.Kind.choices)
    shown = _dates()
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f'<li class="a-list__row"><span class="a-list__title">{escape(e.reason)}</span>'
            f'<span class="a-list__meta">{shown(e.on)} · {escape(kinds.get(e.kind, e.kind))} · '
            f"<strong>{'+' if e.points > 0 else ''}{escape(localize(e.points))}</strong></span></li>"
            for e in entries
        )
    )


def ranking_rows_html(rows) -> SafeString:
    """The points ranking's ``<tr>`` per member: dicts with ``member__name``, ``branch__name``, ``total``."""
    name, branch, points = (escape(gettext(s)) for s in ("姓名", "支部", "积分"))
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f'<tr><td data-label="{name}">{escape(r["member__name"])}</td>'
            f'<td data-label="{branch}">{escape(r["branch__name"])}</td>'
            f'<td data-label="{points}">{escape(localize(r["total"]))}</td></tr>'
            for r in rows
        )
    )


def appraisal_rows_html(rows) -> SafeString:
    """The tally's ``<tr>`` per appraisal: rows with ``member__name``, ``branch__name``, ``self_assessed``,
    the four ``votes_*`` and ``grade``."""
    name, branch, own, votes, grade = (escape(gettext(s)) for s in ("姓名", "支部", "自评", "互评", "等次"))
    submitted = escape(gettext("已提交"))
    grades = dict(Appraisal.Grade.choices)
    html = []
    for a in rows:
        tally = "/".join(
            escape(localize(n)) for n in (a.votes_excellent, a.votes_qualified, a.votes_basic, a.votes_unqualified)
        )
        html.append(
            f'<tr><td data-label="{name}">{escape(a.member__name)}</td>'
            f'<td data-label="{branch}">{escape(a.branch__name)}</td>'
            f'<td data-label="{own}">{submitted if a.self_assessed else "—"}</td>'
            f'<td data-label="{votes}">{tally}</td>'
            f'<td data-label="{grade}">{escape(grades.get(a.grade, a.grade) or "—")}</td></tr>'
        )
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above


def _errors(field) -> str:
    return "".join(f'<p class="field__error">{escape(e)}</p>' for e in field.errors)


def score_fields_html(fields) -> SafeString:
    """The inspection form's block per standard item (20-odd): label, input, errors and the scoring method."""
    method = escape(gettext("评分方法"))
    return mark_safe(  # noqa: S308 - every value is escaped, the widgets are markup already
        "".join(
            f'\n    <div class="field score-field">\n      <label for="{escape(f.id_for_label)}">{escape(f.label)}</label>'
            f"{conditional_escape(f)}\n      {_errors(f)}\n"
            f'      <details class="field__help"><summary>{method}</summary>{escape(f.help_text)}</details>\n    </div>\n    '
            for f in fields
        )
    )


def finding_slots_html(slots) -> SafeString:
    """The inspection form's finding slots: a block per slot, a labelled field each (the four fields of a finding)."""
    html = []
    for slot in slots:
        html.append('\n    <div class="finding-slot">\n      ')
        for f in slot:
            help_text = f'<div class="field__help">{escape(f.help_text)}</div>' if f.help_text else ""
            html.append(
                f'\n      <div class="field"><label for="{escape(f.id_for_label)}">{escape(f.label)}</label>'
                f"{conditional_escape(f)}{_errors(f)}{help_text}</div>\n      "
            )
        html.append("\n    </div>\n    ")
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped, the widgets are markup already
