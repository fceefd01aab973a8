from __future__ import annotations

from collections.abc import Iterable

import django_filters
from django.utils.translation import gettext_lazy as _

from branches.models import PartyGroup

from .models import Member

NO_GROUP = "none"


class RosterFilter(django_filters.FilterSet):
    """Search and filters of a branch roster.

    The party group choices are the groups of the branch being shown (and of
    its sub-branches), passed in by the view so building them costs no query.
    """

    q = django_filters.CharFilter(method="filter_name", label=_("姓名"))
    category = django_filters.ChoiceFilter(
        choices=Member.Category.choices, label=_("人员类别"), empty_label=_("全部类别")
    )
    standing = django_filters.ChoiceFilter(
        choices=Member.Standing.choices, label=_("党籍状态"), empty_label=_("全部党籍状态")
    )
    party_group = django_filters.ChoiceFilter(
        method="filter_party_group", label=_("党小组"), empty_label=_("全部党小组")
    )

    class Meta:
        model = Member
        fields = ["q", "category", "standing", "party_group"]

    def __init__(self, data=None, queryset=None, *, party_groups: Iterable[PartyGroup] = (), group_labels=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        label = group_labels or (lambda g: g.name)
        choices = [(str(g.pk), label(g)) for g in party_groups]
        choices.append((NO_GROUP, _("未分党小组")))
        self.filters["party_group"].extra["choices"] = choices

    def filter_name(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(name__icontains=value) if value else queryset

    def filter_party_group(self, queryset, name, value):
        if value == NO_GROUP:
            return queryset.filter(party_group__isnull=True)
        return queryset.filter(party_group_id=value)
