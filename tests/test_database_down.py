"""With the database unreachable the API answers JSON (503), pages a plain 503 page."""

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

# An in-memory SQLite test database cannot be closed and reopened elsewhere.
pytestmark = pytest.mark.postgres


@pytest.fixture
def database_gone(transactional_db):
    """Point the connection at a database that cannot be opened, then put it back."""
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict["PORT"] = "1"  # nothing listens there
    else:
        connection.settings_dict["NAME"] = "/nonexistent-dir/gone.sqlite3"
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.fixture
def token(town_admin_user, transactional_db):
    return Token.objects.create(user=town_admin_user).key


def test_api_answers_json_503_when_the_database_is_down(client, token, database_gone):
    response = client.get("/api/members/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "数据库暂时不可用，请稍后重试"}
    assert response["Retry-After"] == "30"


def test_anonymous_api_call_answers_json_too(client, database_gone):
    response = client.get("/api/branches/")
    # No credentials: DRF refuses before touching the database, still JSON.
    assert response["Content-Type"] == "application/json"


def test_pages_answer_a_plain_error_page_when_the_database_is_down(town_admin_user, database_gone):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "x" * 32  # a session to look up makes the page touch the database
    response = client.get("/branches/")
    # 503 when the view hits the database first; NoStoreMiddleware, reading the lazy user
    # after the view, turns it into the standalone 500 page. Never a traceback.
    assert response.status_code in (500, 503)
    assert "Traceback" not in response.content.decode()


def test_healthz_reports_the_database_down(client, database_gone):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"]["ok"] is False
