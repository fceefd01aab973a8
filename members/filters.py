from __future__ import annotations

from collections.abc import Iterable

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.scope import Cap, scope_for

from .models import COUNTED, Member
from .names import search_key

NO_GROUP = "none"
# Fewer digits than this would match half the roster: not a phone search.
MIN_PHONE_DIGITS = 3


STATUS_CHOICES = [
    ("due", _("待转正")),
    ("floating", _("流动党员")),
    ("lost", _("失联党员")),
    ("left", _("已出党或转出")),
]


def member_search_q(user, text: str) -> Q:
    """Name (汉字), full pinyin, initials; and the last digits of a phone where the user may see phones.

    A phone search only ever matches members whose phones the user may see, so
    a masked caller cannot probe for a number.
    """
    text = (text or "").strip()
    if not text:
        return Q()
    q = Q(name__contains=text)
    key = search_key(text)
    if key.isdigit():
        scope = scope_for(user)
        if len(key) >= MIN_PHONE_DIGITS and scope.has(Cap.PERSONAL_DATA):
            q |= Q(phone__endswith=key) & scope.q(Cap.PERSONAL_DATA, "branch__")
    elif key:
        q |= Q(name_initials__startswith=key) | Q(name_pinyin__contains=key)
    return q


# The roster's filters: any of them set, the page says "找到 n 人" instead of 党员人数.
FILTER_KEYS = ("q", "category", "status", "standing", "party_group")


class RosterFilter(django_filters.FilterSet):
    """Search and filters of a branch roster.

    The party group choices ``(pk, label)`` are the groups of the branch being
    shown (and of its sub-branches), passed in by the view so building them
    costs no query.
    Without a status or standing filter the roster lists the members 党员人数
    counts (``models.COUNTED``), so the list and the count agree.
    """

    q = django_filters.CharFilter(method="filter_search", label=_("搜索"))
    category = django_filters.ChoiceFilter(
        choices=Member.Category.choices, label=_("人员类别"), empty_label=_("全部类别")
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", label=_("状态"), empty_label=_("全部")
    )
    standing = django_filters.ChoiceFilter(
        choices=Member.Standing.choices, label=_("党籍状态"), empty_label=_("全部党籍状态")
    )
    party_group = django_filters.ChoiceFilter(
        method="filter_party_group", label=_("党小组"), empty_label=_("全部党小组")
    )

    class Meta:
        model = Member
        fields = list(FILTER_KEYS)

    def __init__(self, data=None, queryset=None, *, party_group_choices: Iterable[tuple[str, str]] = (), **kwargs):
        super().__init__(data, queryset, **kwargs)
        choices = list(party_group_choices)
        choices.append((NO_GROUP, _("未分党小组")))
        self.filters["party_group"].extra["choices"] = choices

    @property
    def qs(self):
        qs = super().qs
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        if data.get("status") != "left" and not data.get("standing"):
            qs = qs.filter(COUNTED)
        return qs

    def filter_search(self, queryset, name, value):
        return queryset.filter(member_search_q(getattr(self.request, "user", None), value))

    def filter_status(self, queryset, name, value):
        if value == "due":
            return queryset.due_for_conversion()
        if value == "floating":
            return queryset.filter(is_floating=True)
        if value == "lost":
            return queryset.filter(is_lost_contact=True)
        if value == "left":
            return queryset.exclude(COUNTED)
        return queryset

    def filter_party_group(self, queryset, name, value):
        if value == NO_GROUP:
            return queryset.filter(party_group__isnull=True)
        return queryset.filter(party_group_id=value)
