"""A published version is never edited in place: no door opens onto it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from disclosure.models import ImmutableVersionError, Item, ItemVersion
from disclosure.services import disclosure_publish


@pytest.fixture
def version(branch_a):
    return disclosure_publish(
        branch=branch_a, category="dues", period="2026-01", source="disclosure.dues", payload={"body": "已收缴"}
    )


@pytest.mark.django_db
def test_the_shell_cannot_save_update_or_delete_a_version(version):
    version.payload = {"body": "改过了"}
    with pytest.raises(ImmutableVersionError):
        version.save()
    with pytest.raises(ImmutableVersionError):
        ItemVersion.objects.filter(pk=version.pk).update(payload={"body": "改过了"})
    with pytest.raises(ImmutableVersionError):
        version.delete()
    with pytest.raises(ImmutableVersionError):
        ItemVersion.objects.all().delete()
    with pytest.raises(ProtectedError):
        Item.objects.filter(pk=version.item_id).delete()
    assert ItemVersion.objects.get(pk=version.pk).payload == {"body": "已收缴"}


@pytest.mark.django_db
def test_the_database_refuses_raw_sql_updates(version):
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE disclosure_itemversion SET title = %s WHERE id = %s", ["改", version.pk])
    assert ItemVersion.objects.get(pk=version.pk).title == version.title


@pytest.mark.django_db
@pytest.mark.postgres
def test_postgres_refuses_raw_sql_deletes(version):
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM disclosure_itemversion WHERE id = %s", [version.pk])
    assert ItemVersion.objects.filter(pk=version.pk).exists()


@pytest.mark.django_db
def test_the_admin_shows_versions_but_cannot_change_or_delete_them(town_admin, version):
    change = reverse("admin:disclosure_itemversion_change", args=[version.pk])
    assert town_admin.get(change).status_code == 200
    assert town_admin.post(change, {"title": "改"}).status_code == 403
    delete = reverse("admin:disclosure_itemversion_delete", args=[version.pk])
    assert town_admin.post(delete, {"post": "yes"}).status_code == 403
    item_change = reverse("admin:disclosure_item_change", args=[version.item_id])
    assert town_admin.post(item_change, {"title": "改"}).status_code == 403
    assert town_admin.get(reverse("admin:disclosure_itemversion_add")).status_code == 403
    assert ItemVersion.objects.get(pk=version.pk).title == version.title


@pytest.mark.django_db
def test_the_staff_pages_and_the_api_cannot_alter_a_published_version(town_admin, secretary_a, branch_a, version):
    """The workflow's doors: a page edit, an API PATCH or a correction of another module's item change nothing."""
    import json

    item_pk = version.item_id
    secretary_a.post(
        reverse("disclosure:item-edit", args=[item_pk]), {"title": "改", "body": "改", "period": "2026-01"}
    )
    secretary_a.post(
        reverse("disclosure:item-revise", args=[item_pk]), {"title": "改", "body": "改", "correction_reason": "改"}
    )
    for client in (town_admin, secretary_a):
        for method in ("put", "patch", "delete"):
            response = getattr(client, method)(
                reverse("api:disclosure-versions-detail", args=[version.pk]),
                json.dumps({"payload": {"body": "改"}}),
                content_type="application/json",
            )
            assert response.status_code == 405
        client.patch(
            reverse("api:disclosure-items-detail", args=[item_pk]),
            json.dumps({"payload": {"body": "改"}}),
            content_type="application/json",
        )
    assert ItemVersion.objects.get(pk=version.pk).payload == {"body": "已收缴"}
    assert ItemVersion.objects.count() == 1
