"""Each presenter prints what the template's loop printed, for values with ``<``, ``&`` and quotes."""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from assessment import presenters
from assessment.models import Appraisal, CatchUpPlan, PointEntry, QuarterScore, Rectification
from branches.models import Branch
from members.models import Member

NASTY = "A<b> & \"c\" 'd'"


def _render(source: str, **context) -> str:
    with translation.override("zh-hans"):
        return Template("{% load i18n %}" + source).render(Context(context))


def _zh(fn, *args):
    with translation.override("zh-hans"):
        return str(fn(*args))


def test_score_rows_match_the_template():
    branch = Branch(name=NASTY)
    scores = [
        QuarterScore(branch=branch, rank=1, total=Decimal("97.5"), stars=5, previous_stars=4),
        QuarterScore(branch=branch, rank=2, total=Decimal("80.0"), stars=3, previous_stars=4),
        QuarterScore(branch=branch, rank=3, total=Decimal("60.5"), stars=2, previous_stars=None),
    ]
    old = _render(
        '{% for s in rows %}<tr><td data-label="{% translate \'排名\' %}">{{ s.rank }}</td><td data-label="{% translate \'单位\' %}">{{ s.branch.name }}</td><td data-label="{% translate \'总分\' %}">{{ s.total }}</td><td data-label="{% translate \'星级\' %}" class="stars">{{ s.stars }}★</td><td data-label="{% translate \'变化\' %}">{% if s.movement > 0 %}<span class="up">↑</span>{% elif s.movement < 0 %}<span class="down">↓</span>{% else %}—{% endif %}</td></tr>{% endfor %}',
        rows=scores,
    )
    Row = namedtuple("Row", "rank branch__name total stars previous_stars locked")
    rows = [Row(s.rank, NASTY, s.total, s.stars, s.previous_stars, False) for s in scores]
    assert _zh(presenters.score_rows_html, rows) == old
    assert "&lt;b&gt; &amp; &quot;c&quot; &#x27;d&#x27;" in old


def test_plan_items_match_the_template():
    plans = [CatchUpPlan(pk=7, branch=Branch(name=NASTY), status=s) for s, _ in CatchUpPlan.Status.choices]
    old = _render(
        '{% for p in plans %}<li><a href="{% url \'assessment:catch-up\' p.pk %}">{{ p.branch.name }}</a> <span class="badge">{{ p.get_status_display }}</span></li>{% endfor %}',
        plans=plans,
    )
    Row = namedtuple("Row", "pk branch__name status")
    assert _zh(presenters.plan_items_html, [Row(p.pk, NASTY, p.status) for p in plans]) == old


def test_rectification_rows_match_the_template():
    today = dt.date(2026, 5, 10)
    rects = [
        Rectification(pk=n, branch=Branch(name=NASTY), finding=NASTY * (n + 1) * 3, status=s, deadline=d)
        for n, (s, d) in enumerate(
            (s, d) for s, _ in Rectification.Status.choices for d in (dt.date(2026, 5, 1), dt.date(2026, 6, 1))
        )
    ]
    old = _render(
        """{% for r in page %}
  <li><a class="a-list__row" href="{% url 'assessment:rectification-detail' r.pk %}">
    <span class="a-list__title">{{ r.finding|truncatechars:60 }}</span>
    <span class="a-list__meta">{{ r.branch.name }} · <span class="badge">{{ r.get_status_display }}</span> · {% translate "期限" %} {{ r.deadline }}{% if r.deadline < today and r.status in "open explained" %} <span class="badge badge--red">{% translate "逾期" %}</span>{% endif %}</span>
  </a></li>{% endfor %}""",
        page=rects,
        today=today,
    )
    Row = namedtuple("Row", "pk finding branch__name status deadline")
    rows = [Row(r.pk, r.finding, NASTY, r.status, r.deadline) for r in rects]
    assert _zh(presenters.rectification_rows_html, rows, today) == old
    assert "badge--red" in old


def test_points_rows_match_the_template():
    entries = [
        PointEntry(reason=NASTY, on=dt.date(2026, 3, n + 1), kind=k, points=p)
        for n, (k, p) in enumerate((k, p) for k, _ in PointEntry.Kind.choices for p in (3, 0, -2))
    ]
    kinds = dict(PointEntry.Kind.choices)
    for e in entries:
        e.kind_label = kinds[e.kind]
    old = _render(
        '{% for e in own %}<li class="a-list__row"><span class="a-list__title">{{ e.reason }}</span><span class="a-list__meta">{{ e.on }} · {{ e.kind_label }} · <strong>{% if e.points > 0 %}+{% endif %}{{ e.points }}</strong></span></li>{% endfor %}',
        own=entries,
    )
    Row = namedtuple("Row", "reason on kind points")
    assert _zh(presenters.own_points_html, [Row(e.reason, e.on, e.kind, e.points) for e in entries]) == old

    ranking = [{"member__name": NASTY, "branch__name": NASTY + "x", "total": t} for t in (12, 0, -3)]
    old = _render(
        '{% translate "姓名" as name_label %}{% translate "支部" as branch_label %}{% translate "积分" as points_label %}{% for r in ranking %}<tr><td data-label="{{ name_label }}">{{ r.member__name }}</td><td data-label="{{ branch_label }}">{{ r.branch__name }}</td><td data-label="{{ points_label }}">{{ r.total }}</td></tr>{% endfor %}',
        ranking=ranking,
    )
    assert _zh(presenters.ranking_rows_html, ranking) == old


def test_appraisal_rows_match_the_template():
    grades = [g for g, _ in Appraisal.Grade.choices] + [""]
    appraisals = [
        Appraisal(
            member=Member(name=NASTY),
            branch=Branch(name=NASTY),
            self_assessment=text,
            votes_excellent=1,
            votes_qualified=22,
            votes_basic=0,
            votes_unqualified=3,
            grade=g,
        )
        for g in grades
        for text in ("", NASTY)
    ]
    old = _render(
        '{% for a in page %}<tr><td data-label="{% translate \'姓名\' %}">{{ a.member.name }}</td><td data-label="{% translate \'支部\' %}">{{ a.branch.name }}</td><td data-label="{% translate \'自评\' %}">{% if a.self_assessment %}{% translate "已提交" %}{% else %}—{% endif %}</td><td data-label="{% translate \'互评\' %}">{{ a.votes_excellent }}/{{ a.votes_qualified }}/{{ a.votes_basic }}/{{ a.votes_unqualified }}</td><td data-label="{% translate \'等次\' %}">{{ a.get_grade_display|default:"—" }}</td></tr>{% endfor %}',
        page=appraisals,
    )
    Row = namedtuple(
        "Row",
        "member__name branch__name self_assessed votes_excellent votes_qualified votes_basic votes_unqualified grade",
    )
    rows = [Row(NASTY, NASTY, bool(a.self_assessment), 1, 22, 0, 3, a.grade) for a in appraisals]
    assert _zh(presenters.appraisal_rows_html, rows) == old


def test_inspection_form_blocks_match_the_template(standard):
    from assessment.forms import InspectionForm

    items = list(standard.items.all())
    data = {"finding_1": NASTY, "finding_1_deadline": "nope", "finding_2_item": "x"}
    for n, item in enumerate(items):
        data[f"item_{item.pk}"] = ["999", "abc", "-1", "1.5"][n % 4]
    for form in (
        InspectionForm(units=Branch.objects.none(), standard=standard),
        InspectionForm(data, units=Branch.objects.none(), standard=standard),
    ):
        form.is_valid()
        old = _render(
            """{% translate "评分方法" as method_label %}{% for field in form.score_fields %}
    <div class="field score-field">
      <label for="{{ field.id_for_label }}">{{ field.label }}</label>{{ field }}
      {% for e in field.errors %}<p class="field__error">{{ e }}</p>{% endfor %}
      <details class="field__help"><summary>{{ method_label }}</summary>{{ field.help_text }}</details>
    </div>
    {% endfor %}|{% for slot in form.finding_slots %}
    <div class="finding-slot">
      {% for field in slot %}
      <div class="field"><label for="{{ field.id_for_label }}">{{ field.label }}</label>{{ field }}{% for e in field.errors %}<p class="field__error">{{ e }}</p>{% endfor %}{% if field.help_text %}<div class="field__help">{{ field.help_text }}</div>{% endif %}</div>
      {% endfor %}
    </div>
    {% endfor %}""",
            form=form,
        )
        new = _zh(presenters.score_fields_html, form.score_fields()) + "|"
        new += _zh(presenters.finding_slots_html, form.finding_slots())
        assert new == old
    assert old.count("field__error") > len(items) // 2 and "&lt;b&gt;" in old
