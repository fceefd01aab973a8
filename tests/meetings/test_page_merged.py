"""The meeting page and the meeting log read their small lists in the meeting's own query and join them in
Python: the markup is the template's as it was, escaped, and the lists show what they showed."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.models import Attendance, MeetingAttachment, MeetingPhoto, MinutesRevision
from meetings.presenters import meeting_log_rows_html, not_present_html
from meetings.services import Mark, decision_record
from tests.factories import MemberFactory

# The loops the templates had before they were joined in Python.
NOT_PRESENT_TEMPLATE = Template(
    "{% for name, status, reason in rows %}<li>{{ name }}：{{ status }}{% if reason %}（{{ reason }}）{% endif %}</li>"
    "{% endfor %}"
)
LOG_TEMPLATE = Template(
    "{% for m in rows %}\n"
    '  <li class="m-item">\n'
    '    <a href="{{ m.url }}">\n'
    '      <span class="m-item__date">{{ m.date }}</span>\n'
    '      <span class="m-item__topic">{{ m.topic }}</span>\n'
    '      <span class="m-item__meta">{% for t in m.types %}<span class="badge">{{ t }}</span>{% endfor %}\n'
    "        {% if m.group %}{{ m.group }} · {% endif %}{{ m.branch }} · {{ m.counts }}\n"
    '        {% if m.draft %}<span class="badge badge--muted">{{ m.draft_label }}</span>{% endif %}</span>\n'
    "    </a>\n"
    "  </li>\n"
    "  {% endfor %}"
)


def test_not_present_rows_read_as_the_template_rendered_them():
    rows = [("欧阳<娜> & 李", "缺席", ""), ("王伟", "请假", '病假 "<>"')]
    html = not_present_html(rows)
    assert html == NOT_PRESENT_TEMPLATE.render(Context({"rows": rows}))
    assert "欧阳&lt;娜&gt; &amp; 李" in html and "<娜>" not in html and "（" in html
    assert not_present_html([]) == ""


def test_meeting_log_rows_read_as_the_template_rendered_them():
    rows = [
        {
            "url": "/meetings/7/", "date": "2026-03-05", "topic": "学习<党章> & 讨论", "types": ["党员大会", "党课"],
            "group": "第一<小组>", "branch": "村支部 & 二", "counts": "应到 9 实到 8", "draft": True,
            "draft_label": "草稿",
        },
        {
            "url": "/meetings/6/", "date": "2026-02-01", "topic": "主题党日", "types": [], "group": "",
            "branch": "村支部", "counts": "应到 9 实到 9", "draft": False, "draft_label": "草稿",
        },
    ]  # fmt: skip
    html = meeting_log_rows_html(rows)
    assert html == LOG_TEMPLATE.render(Context({"rows": rows}))
    assert "学习&lt;党章&gt; &amp; 讨论" in html and "第一&lt;小组&gt;" in html and "<党章>" not in html


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(ctx)


def test_the_meeting_page_lists_those_not_present_and_its_children_only_when_it_has_them(
    secretary_a, secretary_a_user, branch_a, log
):
    absent = MemberFactory(branch=branch_a, name="缺<席>")
    sick = MemberFactory(branch=branch_a, name="病假人")
    MemberFactory(branch=branch_a, name="出席人")
    day = timezone.localdate() - dt.timedelta(days=2)
    meeting = log(branch_a, day, "theme_day", marks={absent.pk: Mark("absent"), sick.pk: Mark("leave", "sick")})
    url = reverse("meetings:detail", args=[meeting.pk])
    page, bare = _queries(secretary_a, url)
    assert "<li>缺&lt;席&gt;：缺席</li>" in page
    assert f"<li>病假人：{Attendance.Status.LEAVE.label}（{Attendance.Reason.SICK.label}）</li>" in page
    assert "出席人" not in page and "没有照片" in page and "本次会议没有记录决议" in page

    decision_record(meeting=meeting, text="通过<决议>")
    MinutesRevision.objects.create(meeting=meeting, minutes="原<记录>", reason="补充", changed_by=secretary_a_user)
    MeetingPhoto.objects.create(meeting=meeting, image="meetings/photos/x.jpg", width=40, height=30)
    MeetingAttachment.objects.create(meeting=meeting, file="meetings/files/a.pdf", name="议程<1>.pdf", size=2048)
    page, full = _queries(secretary_a, url)
    assert "通过&lt;决议&gt;" in page and "原&lt;记录&gt;" in page and "补充" in page
    assert 'width="40" height="30"' in page and "议程&lt;1&gt;.pdf" in page and "2.0" in page
    assert "没有照片" not in page and "本次会议没有记录决议" not in page
    assert full == bare + 4  # the four lists are read only when the meeting has them


def test_the_edit_form_marks_the_meetings_types_and_each_members_mark(secretary_a, branch_a, log):
    absent = MemberFactory(branch=branch_a, name="缺席人")
    meeting = log(branch_a, timezone.localdate(), "members", "theme_day", marks={absent.pk: Mark("absent")})
    page, _n = _queries(secretary_a, reverse("meetings:edit", args=[meeting.pk]))
    assert 'value="members" id="id_types_' in page and 'value="theme_day" id="id_types_' in page
    checked = [line for line in page.split("<label") if 'name="types"' in line and " checked" in line]
    assert len(checked) == 2
    row = page.split(f'name="att_{absent.pk}"')[1].split("</select>")[0]
    assert '<option value="absent" selected>' in row
