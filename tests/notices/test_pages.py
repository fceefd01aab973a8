from __future__ import annotations

from django.urls import reverse

from notices.models import Notice
from notices.services import notice_send


def test_a_user_reads_their_notices_and_only_theirs(secretary_a, secretary_a_user, secretary_b_user):
    notice_send(recipients=[secretary_a_user], key="k1", title="十月主题党日未开", url="/branches/")
    notice_send(recipients=[secretary_b_user], key="k1", title="别人的通知")
    response = secretary_a.get(reverse("notices:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "十月主题党日未开" in body and "别人的通知" not in body
    assert "通知（1 条未读）" in body  # the nav's unread count


def test_opening_a_notice_marks_it_read_and_follows_its_link(secretary_a, secretary_a_user):
    notice_send(recipients=[secretary_a_user], key="k1", title="提醒", url="/branches/")
    notice = Notice.objects.get()
    response = secretary_a.post(reverse("notices:open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == "/branches/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_link_off_the_site_is_not_followed(secretary_a, secretary_a_user):
    notice_send(recipients=[secretary_a_user], key="k1", title="提醒", url="https://evil.example/")
    response = secretary_a.post(reverse("notices:open", args=[Notice.objects.get().pk]))
    assert response["Location"] == reverse("notices:list")


def test_another_users_notice_is_not_found(secretary_b, secretary_a_user):
    notice_send(recipients=[secretary_a_user], key="k1", title="提醒")
    assert secretary_b.post(reverse("notices:open", args=[Notice.objects.get().pk])).status_code == 404


def test_read_all(secretary_a, secretary_a_user):
    for i in range(3):
        notice_send(recipients=[secretary_a_user], key=f"k{i}", title=f"提醒{i}")
    secretary_a.post(reverse("notices:read-all"))
    assert not Notice.objects.filter(read_at__isnull=True).exists()


def test_the_same_key_tells_a_person_once(secretary_a_user):
    notice_send(recipients=[secretary_a_user], key="k", title="提醒")
    notice_send(recipients=[secretary_a_user], key="k", title="提醒")
    assert Notice.objects.count() == 1


def test_api_lists_own_notices_and_marks_read(secretary_a, secretary_a_user, secretary_b_user):
    notice_send(recipients=[secretary_a_user], key="k", title="提醒")
    notice_send(recipients=[secretary_b_user], key="k", title="别人的")
    data = secretary_a.get("/api/notices/").json()
    assert [n["title"] for n in data["results"]] == ["提醒"]
    pk = data["results"][0]["id"]
    assert secretary_a.post(f"/api/notices/{pk}/read/").json()["is_read"] is True
