"""Hole 6: request lines lose their query strings; messages and tracebacks lose ID numbers, phones and addresses."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client

ID = "330203199001011236"
PHONE = "13812345678"
ADDRESS = "浙江省宁波市海曙区高桥镇高峰村3组12号"


@pytest.fixture
def log_output():
    """What the project's configured console handler writes."""
    handler = next(
        h for h in logging.getLogger().handlers if any(type(f).__name__ == "PersonalDataLogFilter" for f in h.filters)
    )
    stream = io.StringIO()
    old = handler.setStream(stream)
    yield stream
    handler.setStream(old)


def test_request_line_loses_its_query_string(log_output):
    logging.getLogger("django.server").info('"%s" %s %s', f"GET /api/members/?search={ID} HTTP/1.1", 200, 51)
    logging.getLogger("django.server").info('"%s" %s %s', f"GET /admin/members/member/?q={PHONE} HTTP/1.1", 200, 9)
    text = log_output.getvalue()
    assert ID not in text and PHONE not in text and "search=" not in text and "q=" not in text
    assert "GET /api/members/?… HTTP/1.1" in text


def test_traceback_is_redacted(log_output):
    try:
        raise ValueError(f"无法保存：{ADDRESS}，电话 {PHONE}，身份证 {ID}")
    except ValueError:
        logging.getLogger("members").exception("roster import failed for %s", ADDRESS)
    text = log_output.getvalue()
    assert "Traceback" in text and "ValueError" in text
    for secret in (ID, PHONE, "3组12号", ADDRESS):
        assert secret not in text
    assert "高桥镇****" in text and "138****5678" in text


def test_server_error_through_a_real_request_is_redacted(log_output, town_admin_user, monkeypatch):
    """A view that fails logs "Internal Server Error" with its traceback: redacted too."""
    from members import views

    def boom(*args, **kwargs):
        raise RuntimeError(f"bad row {ADDRESS} {PHONE}")

    monkeypatch.setattr(views, "get_member_for_user", boom)
    client = Client(raise_request_exception=False)
    client.force_login(town_admin_user)
    response = client.get(f"/members/1/?q={PHONE}")
    assert response.status_code == 500
    text = log_output.getvalue()
    assert "Internal Server Error" in text
    assert PHONE not in text and "3组12号" not in text
