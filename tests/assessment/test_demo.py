"""The demo step for assessment: after the apps it reads; it opens the boards' fixture items and publishes rankings."""

from __future__ import annotations

from django.core.management import call_command

from assessment.models import PointEntry, QuarterScore, Rectification
from portal.seeding import ordered_steps


def test_the_assessment_step_runs_after_the_apps_it_reads():
    names = [step.name for step in ordered_steps()]
    for before in ("core", "meetings", "disclosure", "projects"):
        assert names.index(before) < names.index("assessment")


def test_the_demo_town_has_fixture_items_and_pioneer_rankings_on_its_boards(db):
    from disclosure.models import Fixture, Item

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    broken = Fixture.objects.filter(status=Fixture.Status.NEEDS_FIXING).count()
    items = Rectification.objects.filter(source=Rectification.Source.FIXTURE)
    assert broken and items.count() == broken
    assert Item.objects.filter(category="pioneer_points").count() > 10
    # The meetings the demo logged are credited as pioneer points, and count in the quarter's scores.
    assert PointEntry.objects.filter(kind=PointEntry.Kind.ATTENDANCE).count() > 100
    assert QuarterScore.objects.exclude(parts__compliance=None).count() > 10
    # Seeding again opens and publishes nothing more.
    versions = sum(item.versions.count() for item in Item.objects.filter(category="pioneer_points"))
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert items.count() == broken
    assert sum(item.versions.count() for item in Item.objects.filter(category="pioneer_points")) == versions
