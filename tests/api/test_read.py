"""Every API list and record reads the same through portal.api.ModelSerializer's direct read as
through DRF's own field-by-field read, for each kind of login on the demo town."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework import serializers

from accounts.models import User
from members.api import MemberSerializer
from portal.api import ModelSerializer
from portal.serializers import PK_ONLY, PLAIN, PREFETCHED
from projects.api import KeyTaskSerializer
from tests.seeded import seeded_for_module
from tests.test_personal_data import _api_list_urls

LOGINS = ["admin", "area_east", "sec_gaofeng", "committee_gaofeng"]


@pytest.fixture(scope="module")
def demo_town(django_db_setup, django_db_blocker):
    with seeded_for_module(django_db_blocker):
        call_command("seed_demo", verbosity=0)
        yield


def _replies(client: Client, urls: list[str]) -> dict[str, object]:
    replies = {}
    for url in urls:
        response = client.get(url, {"page_size": 50})
        assert response.status_code == 200, (url, response.content[:300])
        body = response.json()
        replies[url] = body
        rows = body["results"] if isinstance(body, dict) and "results" in body else body
        if rows and isinstance(rows[0], dict) and "id" in rows[0]:
            one = client.get(f"{url}{rows[0]['id']}/")
            if one.status_code == 200:  # a list without a record page answers 404 or 405
                replies[f"{url}{rows[0]['id']}/"] = one.json()
    return replies


@pytest.mark.django_db
def test_the_direct_read_answers_what_drf_answers(demo_town, monkeypatch):
    urls = _api_list_urls()
    member_login = User.objects.filter(role="member", member__branch__name="高峰村党支部").first().username
    clients = {}
    for login in [*LOGINS, member_login]:
        clients[login] = Client()
        clients[login].force_login(User.objects.get(username=login))
    direct = {login: _replies(client, urls) for login, client in clients.items()}
    monkeypatch.setattr(ModelSerializer, "to_representation", serializers.Serializer.to_representation)
    drf = {login: _replies(client, urls) for login, client in clients.items()}
    compared = 0
    for login in clients:
        assert direct[login].keys() == drf[login].keys()
        for url, body in drf[login].items():
            assert direct[login][url] == body, (login, url)
            compared += 1
    assert compared > 5 * len(urls)  # lists and records, for every login
    meetings = drf["admin"]["/api/meetings/"]["results"]
    assert len(meetings) == 50 and any(m["party_group"] is None for m in meetings)  # null relations are read too
    masked = drf["sec_gaofeng"]["/api/members/"]["results"]
    assert masked and not masked[0]["personal_data_masked"]


def test_plain_fields_and_foreign_keys_are_read_directly(rf):
    request = rf.get("/api/members/")
    request.user = User(role="town_admin")
    serializer = MemberSerializer(context={"request": request})
    steps = {name: kind for name, kind, _a, _u, _f in serializer._read_steps()}
    assert steps["name"] == PLAIN
    assert steps["branch"] == steps["party_group"] == PK_ONLY
    assert steps["branch_name"] is None  # a dotted source goes through DRF
    assert steps["personal_data_masked"] is None  # so does a method field
    key_task_steps = {name: kind for name, kind, _a, _u, _f in KeyTaskSerializer()._read_steps()}
    assert key_task_steps["months"] == PREFETCHED
