"""Members as templates see them: personal data masked unless the viewer may see it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

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

    def html(self) -> str:
        """The row as one <li>: 50 of them are rendered in Python, a tenth of the template engine's time."""
        meta = " · ".join(filter(None, (self.category, self.branch_name, self.group)))
        badge = format_html('<span class="badge {}">{}</span>', self.badge_class, self.badge) if self.badge else ""
        tel = (
            format_html(
                '<a class="roster__tel" href="tel:{}" aria-label="{}">{}</a>',
                self.tel,
                str(_CALL) % {"name": self.name},
                str(_CALL_LABEL),
            )
            if self.tel
            else ""
        )
        return format_html(
            '<li class="roster__row"><a class="roster__main" href="{}"><span class="roster__name">{}</span>'
            '<span class="roster__meta">{}</span></a>{}{}</li>',
            self.url,
            self.name,
            meta,
            badge,
            tel,
        )


def roster_html(rows: list[RosterRow]) -> str:
    return mark_safe("\n".join(row.html() for row in rows))  # each row escaped by format_html


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
    detail = reverse("members:detail", args=[0])[: -len("0/")]
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


def _tree_label(node) -> str:
    branch = node.branch
    dissolved = format_html('<span class="badge badge--muted">{}</span>', _("已撤销")) if not branch.is_active else ""
    if node.children:
        count = format_html(
            "{} 名党员<small>（本级 {}）</small>", node.total_members, node.own_members
        )
    else:
        count = format_html("{} 名党员", node.total_members)
    return format_html(
        '<span class="tree__label"><a href="{}" class="tree__name">{}</a> <span class="badge">{}</span>{}</span>'
        ' <span class="tree__count" title="{}">{}</span>',
        reverse("branches:detail", args=[branch.pk]),
        branch.name,
        branch.get_kind_display(),
        dissolved,
        _("党籍正常的党员人数"),
        count,
    )


def _tree_node(node, is_open: bool) -> str:
    if not node.children:
        return format_html('<li class="tree__item"><div class="tree-leaf">{}</div></li>', mark_safe(_tree_label(node)))
    children = mark_safe("".join(_tree_node(child, False) for child in node.children))
    return format_html(
        '<li class="tree__item"><details class="tree-node"{}><summary>{}</summary>'
        '<ul class="tree__children">{}</ul></details></li>',
        mark_safe(" open") if is_open else "",
        mark_safe(_tree_label(node)),
        children,
    )


def tree_html(nodes, *, open_top: bool) -> str:
    """The organisation tree's ``<li>`` items, built in Python like the roster's rows (one
    template include per branch cost the town committee's page 20 ms for 41 branches)."""
    return mark_safe("".join(_tree_node(node, open_top) for node in nodes))  # each part escaped by format_html


def chips_html(chips) -> str:
    """Filter chips ``(label, link, on)`` as links; a town's page has one per party group (100+)."""
    return format_html_join(
        "",
        '<a class="chip{}" href="{}"{}>{}</a>',
        ((" chip--on" if on else "", href, mark_safe(' aria-pressed="true"') if on else "", label)
         for label, href, on in chips),
    )


def party_groups_html(party_groups, *, with_branch: bool) -> str:
    """The party group list with member counts (each links to the roster filtered to it)."""
    return format_html_join(
        "",
        '<li><a href="?party_group={}#roster">{}{}</a> <span class="muted small">{} 人</span></li>',
        ((g.pk, f"{g.branch.name} · " if with_branch else "", g.name, g.n_members) for g in party_groups),
    )
