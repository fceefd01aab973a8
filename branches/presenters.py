"""Officer terms as the expiring-terms page lists them, built in Python like the roster's rows.

Fifty rows through the template engine (two ``{% url %}``, a choice label, two
dates and a translated count each) cost more than the rest of the page; here
the URL prefixes, labels and texts are worked out once a page and every value
from the database is escaped with ``html.escape``.
"""

from __future__ import annotations

from html import escape as esc

from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from portal.links import id_url_prefix

from .models import OfficerPost

# Terms ending within this many days are marked red.
URGENT_DAYS = 30


def expiring_rows_html(posts) -> str:
    """``<tr>`` rows of posts carrying ``days_left`` (``selectors.with_days_left``)."""
    branch_url, member_url = id_url_prefix("branches:detail"), id_url_prefix("members:detail")
    posts_label = {value: esc(str(label)) for value, label in OfficerPost.Post.choices}
    labels = [esc(_(text)) for text in ("党组织", "职务", "姓名", "任期开始", "任期结束", "剩余天数")]
    days = _("%(n)s 天")
    rows = []
    for p in posts:
        badge = "badge badge--red" if p.days_left <= URGENT_DAYS else "badge"
        cells = (
            f'<a href="{branch_url}{p.branch.pk}/">{esc(p.branch.name)}</a>',
            posts_label.get(p.post, esc(p.post)),
            f'<a href="{member_url}{p.member.pk}/">{esc(p.member.name)}</a>',
            esc(date_format(p.term_start)),
            esc(date_format(p.term_end)),
            f'<span class="{badge}">{esc(days % {"n": p.days_left})}</span>',
        )
        rows.append("<tr>" + "".join(f'<td data-label="{lab}">{c}</td>' for lab, c in zip(labels, cells)) + "</tr>")
    return mark_safe("\n".join(rows))  # each value escaped above
