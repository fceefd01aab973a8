"""The calendar's lines, meeting rows and attendance rows joined in Python read as the template rendered them,
escaped."""

from __future__ import annotations

from django.template import Context, Template

from meetings.presenters import attendance_rows_html, calendar_lines_html, meeting_rows_html, my_records_html

# The loops the branch calendar's template had before they were joined in Python (templates/meetings/branch.html).
LINES_TEMPLATE = Template(
    "{% for key, cells in lines %}\n"
    '    <li><span class="m-calendar__name">{{ key.0 }}{% if key.1 %} · {{ key.1 }}{% endif %}</span>\n'
    '      <span class="m-calendar__cells">{% for status, reason, label in cells %}'
    '<span class="cm cm--{{ status }}" title="{{ reason }}">{{ label }}</span>{% endfor %}</span></li>\n'
    "  {% endfor %}"
)
ROWS_TEMPLATE = Template(
    '{% for m in meetings %}<li class="m-item"><a href="{{ m.url }}"><span class="m-item__date">{{ m.day }}</span> '
    '<span class="m-item__topic">{{ m.topic }}</span> <span class="m-item__meta">{% for name in m.types %}'
    '<span class="badge">{{ name }}</span>{% endfor %}</span></a></li>{% endfor %}'
)
ATTENDANCE_TEMPLATE = Template(
    '{% for name, cells in rows %}<tr><th scope="row">{{ name }}</th>{% for cell in cells %}<td>{{ cell }}</td>'
    "{% endfor %}</tr>{% endfor %}"
)


def test_calendar_lines_read_as_the_template_rendered_them():
    lines = [
        (("主题党日", ""), [("held", "已召开", "1月"), ("overdue", '逾期 "<未开>"', "2月")]),
        (("党小组会", "第一党小组 & <二>"), [("due", "未到期", "Q1")]),
        (("党课", None), []),
    ]
    html = calendar_lines_html(lines)
    assert html == LINES_TEMPLATE.render(Context({"lines": lines}))
    assert "&lt;未开&gt;" in html and "第一党小组 &amp; &lt;二&gt;" in html and "<未开>" not in html


def test_meeting_rows_read_as_the_template_rendered_them():
    rows = [
        {"url": "/meetings/7/", "day": "03-05", "topic": "学习<党章> & 讨论", "types": ["党员大会", "党课"]},
        {"url": "/meetings/6/", "day": "02-01", "topic": "主题党日", "types": []},
    ]
    html = meeting_rows_html(rows)
    assert html == ROWS_TEMPLATE.render(Context({"meetings": rows}))
    assert "学习&lt;党章&gt; &amp; 讨论" in html


def test_attendance_rows_read_as_the_template_rendered_them():
    rows = [
        ("欧阳<娜> & 李", ["12", "10", "1", "", "", "", "1", "91%"]),
        ("王伟", ["0", "0", "", "", "", "", "0", "—"]),
    ]
    html = attendance_rows_html(rows)
    assert html == ATTENDANCE_TEMPLATE.render(Context({"rows": rows}))
    assert "欧阳&lt;娜&gt; &amp; 李" in html and "<娜>" not in html
    assert html.count("<tr>") == 2 and html.count("<td>") == 16
    assert attendance_rows_html([]) == ""


def test_my_records_read_as_the_template_rendered_them():
    """The member's own list: the loop the template had, over attendance rows with their meeting and types."""
    import datetime as dt
    from types import SimpleNamespace

    loop = Template(
        '{% for r in records %}<li class="m-item"><span class="m-item__date">{{ r.meeting.held_on|date:"Y-m-d" }}'
        '</span> <span class="m-item__topic">{{ r.meeting.topic }}</span>\n  <span class="m-item__meta">'
        '{% for t in r.meeting.types.all %}<span class="badge">{{ t.name }}</span>{% endfor %} '
        "{{ r.get_status_display }}{% if r.reason %}（{{ r.get_reason_display }}）{% endif %}</span></li>{% endfor %}"
    )
    statuses, reasons = {"present": "出席", "leave": "请假"}, {"ill": "病假 <医院>"}
    rows = [
        (7, dt.date(2026, 3, 5), "学习<党章> & 讨论", "present", ""),
        (6, dt.date(2026, 2, 1), "主题党日", "leave", "ill"),
    ]
    types = {7: ["党员大会", "党课"], 6: []}

    def record(meeting_id, held_on, topic, status, reason):
        meeting = SimpleNamespace(
            held_on=held_on,
            topic=topic,
            types=SimpleNamespace(all=[SimpleNamespace(name=n) for n in types[meeting_id]]),
        )
        return SimpleNamespace(
            meeting=meeting, reason=reason, get_status_display=statuses[status], get_reason_display=reasons.get(reason)
        )

    html = my_records_html(rows, types, statuses, reasons)
    assert html == loop.render(Context({"records": [record(*row) for row in rows]}))
    assert "学习&lt;党章&gt; &amp; 讨论" in html and "（病假 &lt;医院&gt;）" in html and "2026-02-01" in html
