"""Projects and key tasks as pages show them: the project list's cards and the wall chart's rows,
written in Python."""

from __future__ import annotations

import unicodedata
from html import escape as esc

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from portal.links import id_url_prefix

from .models import Category, Status
from .selectors import WallRow

TARGET_CHARS = 24  # a cell shows the month's target cut to this many characters (the full text is its title)


def wall_chart_rows_html(rows: list[WallRow]) -> SafeString:
    """The wall chart's ``<tr>`` rows: a town's 16 tasks are 192 month cells, and the template
    engine took 6 ms over them (a tag, a translation and a filter per cell).

    Every value from the database goes through ``html.escape``; the link prefix and the three
    marks with their translated labels are worked out once per chart, not per cell.
    """
    detail = id_url_prefix("projects:key-task-detail")
    marks = {
        "done": ("✓", esc(_("已完成"))),
        "late": ("✗", esc(_("滞后"))),
        "pending": ("○", esc(_("未到期"))),
    }
    return mark_safe("".join(_row_html(row, detail, marks) for row in rows))


def _cut(text: str) -> str:
    """The ``truncatechars`` filter's result. A text no longer than the limit comes back whole (only
    NFC-normalized: combining marks never add to the count), without the filter's setup per call."""
    if len(text) <= TARGET_CHARS:
        return unicodedata.normalize("NFC", text)
    return Truncator(text).chars(TARGET_CHARS)


def _row_html(row: WallRow, detail: str, marks: dict[str, tuple[str, str]]) -> str:
    task = row.task
    cells = []
    for _n, month, colour in row.cells:
        if month is None:
            cells.append('<td class="pj-cell pj-cell--none"></td>')
            continue
        mark, label = marks.get(colour, marks["pending"])
        cells.append(
            f'<td class="pj-cell pj-cell--{esc(colour)}" title="{esc(month.target)}">\n'
            f'<span class="pj-cell__mark" aria-label="{label}">{mark}</span>\n'
            f'<span class="pj-cell__target">{esc(_cut(month.target))}</span>\n</td>'
        )
    # The line breaks stand where the template had them: between inline elements they show as a space.
    return (
        f'<tr>\n<th scope="row" class="pj-wall__task">\n<a href="{detail}{task.pk}/">{task.number}. {esc(task.title)}</a>\n'
        f'<span class="pj-wall__who">{esc(task.leader)} · {esc(task.unit.name)}</span>\n</th>\n'
        + "\n".join(cells)
        + "\n</tr>\n"
    )


def project_cards_html(rows) -> SafeString:
    """The project list's ``<li>`` cards from rows with ``pk, name, status, category, percent,
    branch__name, lead__name`` (``views.project_list``): 30 cards of a link, a translation, a
    blocktranslation and two choice labels each took most of the page's time in the template engine.

    The markup and whitespace are the template's own (the loop's body, newlines and indents
    included); every value is escaped with ``html.escape``, the labels too, worked out once a page.
    """
    detail = id_url_prefix("projects:detail")
    leads = esc(_("领衔"))
    done = _("完成 %(n)s%%")
    categories = {value: esc(str(label)) for value, label in Category.choices}
    statuses = {value: esc(str(label)) for value, label in Status.choices}
    html = []
    for p in rows:
        status = esc(p.status)
        percent = esc(str(p.percent))
        category = categories.get(p.category) or esc(p.category)
        status_label = statuses.get(p.status) or status
        html.append(
            f'\n  <li class="pj-card pj-card--{status}">\n'
            f'    <a class="pj-card__link" href="{detail}{p.pk}/">\n'
            f'      <span class="pj-card__name">{esc(p.name)}</span>\n'
            f'      <span class="pj-card__meta">{esc(p.branch__name)} · {category} · {leads} {esc(p.lead__name)}</span>\n'
            f'      <span class="pj-bar" role="img" aria-label="{esc(done % {"n": percent})}">'
            f'<span class="pj-bar__fill" style="width: {percent}%"></span></span>\n'
            f'      <span class="pj-card__status"><span class="pj-status pj-status--{status}">{status_label}</span>'
            f" {percent}%</span>\n"
            "    </a>\n  </li>\n  "
        )
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above
