"""The staff pages' long loops, joined in Python: the template engine took most of each page's time.

Each function reproduces its template loop's markup and whitespace exactly (the loop's body,
newlines and indents included); every value is escaped with ``html.escape`` (the labels too:
they are translations, not markup), labels are translated once a page and links are built from
``portal.links.id_url_prefix`` instead of reversing a URL per row.
"""

from __future__ import annotations

from html import escape as esc

from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from portal.links import id_url_prefix

from .models import Audience, Category, Item, period_display

# The columns ``item_cards_html`` reads (``item_views.item_list``): never the payload or its search text.
ITEM_CARD_COLUMNS = (
    "pk",
    "state",
    "title",
    "branch__name",
    "category",
    "period",
    "audience",
    "review_note",
    "latest_version__number",
)


def item_cards_html(rows) -> SafeString:
    """The register's ``<li>`` cards (``templates/disclosure/item_list.html``) from rows with
    ``ITEM_CARD_COLUMNS``: 20 cards of a link, two translations, a blocktranslation and a filter each."""
    detail = id_url_prefix("disclosure:item")
    categories = {value: esc(str(label)) for value, label in Category.choices}
    states = {value: esc(str(label)) for value, label in Item.State.choices}
    members_only = f" · {esc(_('仅党员'))}"
    version = _("第 %(n)s 版已公开")
    returned = f'<span class="ds-correction">{esc(_("已退回"))}</span>'
    html = []
    for item in rows:
        state = esc(item.state)
        number = item.latest_version__number
        published = esc(version % {"n": localize(number)}) if number is not None else ""
        html.append(
            f'\n  <li class="ds-card ds-card--{state}">\n'
            f'    <a class="ds-card__link" href="{detail}{item.pk}/">\n'
            f'      <span class="ds-card__title">{esc(item.title)}</span>\n'
            f'      <span class="ds-card__meta">{esc(item.branch__name)} · {categories[item.category]}'
            f" · {esc(period_display(item.period))}"
            f"{members_only if item.audience == Audience.MEMBERS else ''}</span>\n"
            f'      <span class="small"><span class="ds-state ds-state--{state}">{states[item.state]}</span>\n'
            f"        {published}\n"
            f"        {returned if item.state == Item.State.DRAFT and item.review_note else ''}\n"
            "      </span>\n    </a>\n  </li>\n  "
        )
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above


# The columns ``dues_rows_html`` reads (``dues_views.dues_branch``).
DUES_ROW_COLUMNS = ("month", "members_due", "members_paid", "amount_paid", "note")


def dues_rows_html(rows, items: dict, may_write: bool) -> SafeString:
    """A branch's monthly dues table rows (``templates/disclosure/dues_branch.html``) from DuesMonth rows
    with ``month, members_due, members_paid, amount_paid, note``; ``items`` maps a month to its item's id."""
    detail = id_url_prefix("disclosure:item")
    month, due, paid = esc(_("月份")), esc(_("应交人数")), esc(_("实交人数"))
    amount, note, public = esc(_("实交金额")), esc(_("备注")), esc(_("公开"))
    view = esc(_("查看"))
    correct = esc(_("更正"))
    html = []
    for row in rows:
        item_pk = items.get(row.month)
        link = f'<a href="{detail}{item_pk}/">{view}</a>' if item_pk else ""
        if may_write:
            link += f' · <a href="?month={esc(row.month)}">{correct}</a>'
        html.append(
            "\n      <tr>\n"
            f'        <td data-label="{month}"><strong>{esc(period_display(row.month))}</strong></td>\n'
            f'        <td data-label="{due}">{esc(localize(row.members_due))}</td>\n'
            f'        <td data-label="{paid}">{esc(localize(row.members_paid))}</td>\n'
            f'        <td data-label="{amount}">{esc(localize(row.amount_paid))}</td>\n'
            f'        <td data-label="{note}">{esc(row.note or "—")}</td>\n'
            f'        <td data-label="{public}">{link}</td>\n'
            "      </tr>\n      "
        )
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above
