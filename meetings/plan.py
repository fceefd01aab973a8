"""The yearly 主题党日 plan goes to the public board through the disclosure register (never the other way)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from branches.models import Branch
from disclosure.models import Category
from disclosure.services import disclosure_publish

from .models import PlanItem

SOURCE = "meetings.plan"


def plan_payload(*, branch: Branch, year: int) -> dict:
    items = list(PlanItem.objects.filter(branch=branch, year=year).order_by("month"))
    return {
        "summary": _("%(branch)s %(year)d年主题党日活动计划，共 %(n)d 个月")
        % {"branch": branch.name, "year": year, "n": len(items)},
        "columns": [_("月份"), _("计划日期"), _("主题")],
        "rows": [[f"{i.month}月", i.planned_on.isoformat() if i.planned_on else "", i.topic] for i in items],
    }


def plan_publish(*, branch: Branch, year: int, by=None):
    """Publish (or correct) the year's plan on the branch's board; the same plan twice makes no new version."""
    payload = plan_payload(branch=branch, year=year)
    if not payload["rows"]:
        raise ValidationError(_("计划还没有内容，不能发布"))
    return disclosure_publish(
        branch=branch,
        category=Category.THEME_DAY_PLAN,
        period=str(year),
        payload=payload,
        source=SOURCE,
        title=_("%(year)d年主题党日活动计划") % {"year": year},
        by=by,
        reason=_("计划调整"),
    )
