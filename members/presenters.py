"""Members as templates see them: personal data masked unless the viewer may see it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape as esc

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from branches.models import Branch
from portal.links import id_url_prefix

from .models import PROBATION_DAYS, Member
from .personal_data import POLICY, shown
from .selectors import can_see_personal_data, phone_if_visible


class MemberDisplay:
    """A member as templates see it: every personal field of the policy (``personal_data.POLICY``)
    comes masked unless the viewer may see it, so no template can print a raw value by mistake.

    Everything else is read through from the member.
    """

    __slots__ = ("_member", "personal_data_visible")

    def __init__(self, member: Member, personal_data_visible: bool):
        self._member = member
        self.personal_data_visible = personal_data_visible

    def __getattr__(self, name):
        value = getattr(self._member, name)
        return shown(name, value, visible=self.personal_data_visible) if name in POLICY else value


def display_members(user, members) -> list[MemberDisplay]:
    return [MemberDisplay(m, can_see_personal_data(user, m)) for m in members]


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One compact roster line: everything the template prints, nothing more."""

    pk: int
    url: str
    name: str
    category: str
    group: str
    branch_name: str
    badge: str
    badge_class: str
    tel: str  # the phone for tap-to-call, only where the viewer may see it

    def html(self, call: str | None = None, call_label: str | None = None) -> str:
        """The row as one <li>: 50 of them are rendered in Python, a tenth of the template engine's time.

        Every value is escaped here (the labels too: they are translations, not
        markup); ``roster_html`` passes the two call texts, translated once a page.
        """
        meta = " · ".join(filter(None, (self.category, self.branch_name, self.group)))
        badge = f'<span class="badge {self.badge_class}">{esc(self.badge)}</span>' if self.badge else ""
        tel = ""
        if self.tel:
            call = str(_CALL) if call is None else call
            call_label = str(_CALL_LABEL) if call_label is None else call_label
            tel = (
                f'<a class="roster__tel" href="tel:{esc(self.tel)}"'
                f' aria-label="{esc(call % {"name": self.name})}">{esc(call_label)}</a>'
            )
        return (
            f'<li class="roster__row"><a class="roster__main" href="{self.url}"><span class="roster__name">'
            f'{esc(self.name)}</span><span class="roster__meta">{esc(meta)}</span></a>{badge}{tel}</li>'
        )


def roster_html(rows: list[RosterRow]) -> str:
    call, call_label = str(_CALL), str(_CALL_LABEL)
    return mark_safe("\n".join(row.html(call, call_label) for row in rows))  # each value escaped in RosterRow.html


_CALL = _("拨打%(name)s的电话")
_CALL_LABEL = _("拨打")
_CATEGORY_SHORT = {Member.Category.FULL: _("正式党员"), Member.Category.PROBATIONARY: _("预备党员")}
_STANDINGS = dict(Member.Standing.choices)
ROSTER_COLUMNS = (
    "pk",
    "name",
    "category",
    "party_group__name",
    "branch__name",
    "is_floating",
    "is_lost_contact",
    "standing",
    "joined_on",
    "transferred_out_on",
)


def roster_values(user, queryset):
    """The roster's columns as dicts, with the phone only where the user may see it (decided in SQL)."""
    return queryset.values(*ROSTER_COLUMNS, tel=phone_if_visible(user))


def roster_rows(rows, *, with_branch: bool = False) -> list[RosterRow]:
    """Compact rows from :func:`roster_values` dicts, with the one badge that matters most."""
    due_before = timezone.localdate() - dt.timedelta(days=PROBATION_DAYS)
    # Lazy labels turned into text once per page, not once per row.
    categories = {k: str(v) for k, v in _CATEGORY_SHORT.items()}
    standings = {k: str(v) for k, v in _STANDINGS.items()}
    out_, lost, floating, due = str(_("已转出")), str(_("失联")), str(_("流动")), str(_("待转正"))
    detail = id_url_prefix("members:detail")
    out = []
    for r in rows:
        badge, badge_class = "", ""
        if r["transferred_out_on"]:
            badge, badge_class = out_, "badge--muted"
        elif r["standing"] != Member.Standing.NORMAL:
            badge, badge_class = standings.get(r["standing"], ""), "badge--red"
        elif r["is_lost_contact"]:
            badge, badge_class = lost, "badge--red"
        elif r["is_floating"]:
            badge, badge_class = floating, "badge--muted"
        elif r["category"] == Member.Category.PROBATIONARY and r["joined_on"] <= due_before:
            badge, badge_class = due, "badge--red"
        out.append(
            RosterRow(
                pk=r["pk"],
                url=f"{detail}{r['pk']}/",
                name=r["name"],
                category=categories.get(r["category"], ""),
                group=r["party_group__name"] or "",
                branch_name=r["branch__name"] if with_branch else "",
                badge=badge,
                badge_class=badge_class,
                tel=r["tel"] or "",
            )
        )
    return out


def _tree_label(node, detail_prefix: str, kinds: dict, texts: dict) -> str:
    branch = node.branch
    dissolved = f'<span class="badge badge--muted">{texts["dissolved"]}</span>' if not branch.is_active else ""
    if node.children:
        count = f"{node.total_members} 名党员<small>（本级 {node.own_members}）</small>"
    else:
        count = f"{node.total_members} 名党员"
    return (
        f'<span class="tree__label"><a href="{detail_prefix}{branch.pk}/" class="tree__name">{esc(branch.name)}</a>'
        f' <span class="badge">{kinds.get(branch.kind, "")}</span>{dissolved}</span>'
        f' <span class="tree__count" title="{texts["count_title"]}">{count}</span>'
    )


def _tree_node(node, is_open: bool, *args) -> str:
    label = _tree_label(node, *args)
    if not node.children:
        return f'<li class="tree__item"><div class="tree-leaf">{label}</div></li>'
    children = "".join(_tree_node(child, False, *args) for child in node.children)
    return (
        f'<li class="tree__item"><details class="tree-node"{" open" if is_open else ""}><summary>{label}</summary>'
        f'<ul class="tree__children">{children}</ul></details></li>'
    )


def tree_html(nodes, *, open_top: bool) -> str:
    """The organisation tree's ``<li>`` items, built in Python like the roster's rows (one
    template include per branch cost the town committee's page 20 ms for 41 branches).

    Every value from the database goes through ``html.escape``; the URL prefix, the
    kind labels and the fixed texts are worked out once per tree, not per branch.
    """
    detail_prefix = id_url_prefix("branches:detail")
    kinds = {value: esc(str(label)) for value, label in Branch.Kind.choices}
    texts = {"dissolved": esc(str(_("已撤销"))), "count_title": esc(str(_("党籍正常的党员人数")))}
    return mark_safe("".join(_tree_node(node, open_top, detail_prefix, kinds, texts) for node in nodes))


def chips_html(chips) -> str:
    """Filter chips ``(label, link, on)`` as links; a town's page has one per party group (100+)."""
    return mark_safe(
        "".join(
            f'<a class="chip chip--on" href="{esc(href)}" aria-pressed="true">{esc(label)}</a>'
            if on
            else f'<a class="chip" href="{esc(href)}">{esc(label)}</a>'
            for label, href, on in chips
        )
    )


@dataclass(frozen=True, slots=True)
class GroupRow:
    """A party group as the branch page lists it: its label (with the branch on a committee's page) and count."""

    pk: int
    label: str
    n_members: int


def party_groups_html(party_groups: list[GroupRow]) -> str:
    """The party group list with member counts (each links to the roster filtered to it)."""
    return mark_safe(
        "".join(
            f'<li><a href="?party_group={g.pk}#roster">{esc(g.label)}</a>'
            f' <span class="muted small">{g.n_members} 人</span></li>'
            for g in party_groups
        )
    )


def due_rows_html(rows) -> SafeString:
    """The rows of 预备期满待转正 (``members.views.due_for_conversion``) from ``(pk, name, joined_on, branch
    name)``: the name linked, the branch, the joining date as the template localises a date, and how long
    ago (``timesince``). Joined in Python: 50 rows of four cells through the template were two thirds of
    the page's time. The markup and whitespace are the template's own; every value is escaped."""
    l_name, l_branch, l_joined, l_due = (
        esc(str(label)) for label in (_("姓名"), _("所在党支部"), _("入党日期"), _("预备期已满"))
    )
    since = str(_("入党 %(t)s"))
    detail = id_url_prefix("members:detail")
    html = []
    for pk, name, joined_on, branch_name in rows:
        ago = since % {"t": esc(timesince(joined_on)) if joined_on else ""}
        html.append(
            "\n        <tr>\n"
            f'          <td data-label="{l_name}"><a href="{detail}{pk}/">{esc(name)}</a></td>\n'
            f'          <td data-label="{l_branch}">{esc(branch_name)}</td>\n'
            f'          <td data-label="{l_joined}">{esc(date_format(joined_on)) if joined_on else "None"}</td>\n'
            f'          <td data-label="{l_due}">{ago}</td>\n'
            "        </tr>\n      "
        )
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above
