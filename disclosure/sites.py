"""Services for 七个一 sites and their fixture checks (area heads and liaisons, on a phone)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import Cap, scope_for
from branches.models import Branch
from portal.photos import photo_clean_for

from .models import Fixture, FixtureCheck, Site


@transaction.atomic
def site_create(*, branch: Branch, name: str, slug: str, office_phone: str = "", by=None) -> Site:
    """A site and its seven fixtures, all unchecked."""
    if by is not None and not scope_for(by).covers(Cap.WRITE, branch):
        raise PermissionDenied(_("您没有此项操作的权限"))
    site = Site(branch=branch, name=name.strip(), slug=slug.strip().lower(), office_phone=office_phone.strip())
    site.full_clean()
    site.save()
    Fixture.objects.bulk_create([Fixture(site=site, kind=kind) for kind in Fixture.Kind.values])
    return site


@transaction.atomic
def fixture_check_record(
    *, fixture: Fixture, result: str, note: str = "", photo=None, by, at: dt.datetime | None = None
) -> FixtureCheck:
    """Record one check (Cap.INSPECT over the site's branch) and make it the fixture's current state."""
    branch = fixture.site.branch
    if not scope_for(by).covers(Cap.INSPECT, branch):
        raise PermissionDenied(_("您没有此项操作的权限"))
    at = at or timezone.now()
    check = FixtureCheck(fixture=fixture, result=result, note=(note or "").strip(), checked_at=at, checked_by=by)
    check.full_clean(exclude=["photo"])
    if photo:
        check.photo = photo_clean_for("photo", photo)
    check.save()
    # The newest check wins, even if an older one is recorded later (a phone that was offline).
    Fixture.objects.filter(pk=fixture.pk).exclude(last_checked_at__gt=at).update(
        status=result, last_checked_at=at, last_checked_by=by
    )
    fixture.refresh_from_db()
    return check


@transaction.atomic
def site_set_office_phone(*, site: Site, office_phone: str, by) -> Site:
    """The branch office's landline shown on the board and the member wall (never a member's own phone)."""
    if not scope_for(by).covers(Cap.WRITE, site.branch):
        raise PermissionDenied(_("您没有此项操作的权限"))
    site.office_phone = (office_phone or "").strip()
    site.full_clean(validate_unique=False, validate_constraints=False)
    Site.objects.filter(pk=site.pk).update(office_phone=site.office_phone)
    from .cache import board_cache_drop

    board_cache_drop(branch_path=site.branch.path)
    transaction.on_commit(lambda: board_cache_drop(branch_path=site.branch.path))
    return site
