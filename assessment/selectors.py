"""Scoped reads for assessment: every page, the API, admin and the briefing ask here."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.scope import Cap, get_object_for_user, scope_for
from branches.models import Branch

from .models import (
    Appraisal,
    Briefing,
    CatchUpPlan,
    Inspection,
    PointEntry,
    QuarterScore,
    Rectification,
    Standard,
)


def units_of(organisation: Branch) -> QuerySet[Branch]:
    """The assessed units under an organisation: the active organisations directly under each town committee."""
    if organisation.unit == Branch.Unit.TOWN:
        towns = [organisation]
    else:
        towns = list(Branch.objects.filter(path__startswith=organisation.path, unit=Branch.Unit.TOWN))
    q = Q(pk__in=[])
    for town in towns:
        q |= Q(path__startswith=town.path, depth=town.depth + 1)
    return Branch.objects.filter(q, is_active=True).order_by("path")


def town_of(user) -> Branch | None:
    """The top organisation the user may overview (their town, or the district above it)."""
    scope = scope_for(user)
    if not scope.has(Cap.OVERVIEW):
        return None
    if user.branch_id and scope.paths.get(Cap.OVERVIEW) == (user.branch.path,):
        return user.branch  # a town officer overviews their own branch, loaded with the user: no query
    roots = Branch.objects.filter(scope.q(Cap.OVERVIEW)).order_by("depth", "path")
    return roots.first()


def standards_visible_to(user) -> QuerySet[Standard]:
    if not user.is_authenticated or not scope_for(user).has(Cap.READ):
        return Standard.objects.none()
    return Standard.objects.prefetch_related("items")


def current_standard(year: int) -> Standard | None:
    return Standard.objects.filter(year__lte=year).prefetch_related("items").order_by("-year").first()


def inspectable_units(user) -> QuerySet[Branch]:
    """Units the user may inspect: the assessed units inside their inspect reach."""
    scope = scope_for(user)
    if not scope.has(Cap.INSPECT):
        return Branch.objects.none()
    return (
        Branch.objects.filter(scope.q(Cap.INSPECT), is_active=True, depth__gte=2)
        .exclude(unit__in=[Branch.Unit.TOWN, Branch.Unit.DISTRICT])
        .order_by("path")
    )


def inspections_visible_to(user) -> QuerySet[Inspection]:
    return Inspection.objects.filter(scope_for(user).read_q("branch__")).select_related("branch", "inspector")


def get_inspection_for_user(user, pk, *, write=False) -> Inspection:
    return get_object_for_user(
        Inspection.objects.select_related("branch", "inspector", "standard"), user, pk, write=write
    )


def rectifications_visible_to(user) -> QuerySet[Rectification]:
    return Rectification.objects.filter(scope_for(user).read_q("branch__")).select_related("branch")


def get_rectification_for_user(user, pk, *, write=False) -> Rectification:
    return get_object_for_user(
        Rectification.objects.select_related("branch", "inspection", "item", "opened_by"), user, pk, write=write
    )


def may_answer(user, rectification: Rectification) -> bool:
    """The responsible unit's officers state the cause and report it fixed."""
    return scope_for(user).covers(Cap.WRITE, rectification.branch)


def may_verify(user, rectification: Rectification) -> bool:
    return scope_for(user).covers(Cap.INSPECT, rectification.branch)


def quarter_scores_visible_to(user) -> QuerySet[QuarterScore]:
    return QuarterScore.objects.filter(scope_for(user).read_q("branch__")).select_related("branch")


def catch_up_plans_visible_to(user) -> QuerySet[CatchUpPlan]:
    return CatchUpPlan.objects.filter(scope_for(user).read_q("branch__")).select_related("branch")


def get_catch_up_plan_for_user(user, pk, *, write=False) -> CatchUpPlan:
    return get_object_for_user(CatchUpPlan.objects.select_related("branch"), user, pk, write=write)


def _read_or_own_q(user) -> Q:
    """Rows (hanging off a branch and a member) in the user's read scope, or about the user's own member record.

    "branch path LIKE … OR member = own" (over a join, or with a subquery) cannot use an index:
    a secretary's points ranking scanned the town's whole ledger (24,000 rows, 8 ms) twice a page,
    once to count. With the branch ids written out, PostgreSQL ORs two index scans (1.4 ms).
    """
    scope = scope_for(user)
    if not scope.own_member_id or scope.everything:
        return scope.id_q(Cap.READ, "branch__")  # by ID too: no join to the branch for its path
    return scope.id_q(Cap.READ, "branch__") | Q(member_id=scope.own_member_id)


def point_entries_visible_to(user) -> QuerySet[PointEntry]:
    return PointEntry.objects.filter(_read_or_own_q(user)).select_related("member", "branch")


def appraisals_visible_to(user) -> QuerySet[Appraisal]:
    return Appraisal.objects.filter(_read_or_own_q(user)).select_related("member", "branch")


def get_appraisal_for_user(user, pk, *, write=False) -> Appraisal:
    own = scope_for(user).own_member_id
    return get_object_for_user(
        Appraisal.objects.select_related("member", "branch"),
        user,
        pk,
        write=write,
        also_readable=lambda obj, scope: own is not None and obj.member_id == own,
    )


def briefings_visible_to(user) -> QuerySet[Briefing]:
    scope = scope_for(user)
    if not scope.has(Cap.OVERVIEW):
        return Briefing.objects.none()
    return Briefing.objects.filter(scope.q(Cap.OVERVIEW, "organisation__")).select_related("organisation")


def get_briefing_for_user(user, pk) -> Briefing:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(briefings_visible_to(user), pk=pk)


def may_publish_briefing(user, briefing: Briefing) -> bool:
    scope = scope_for(user)
    return scope.covers(Cap.OVERVIEW, briefing.organisation) and scope.covers(Cap.WRITE, briefing.organisation)
