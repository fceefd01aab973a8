"""The long repeated parts of the meeting pages as markup joined in Python.

A branch's calendar is a line of squares per rule (8–12 lines of 4–12 squares), its year's
meetings are 50–100 rows and the meeting form's roster 80 rows of a label and a select: rendered
node by node through the template they were half of the page's time. Here each value is escaped
(``django.utils.html.escape``, what the template's autoescape does to text) and the markup is the
template's own, whitespace included, so the page reads the same (``tests/meetings/test_presenters.py``;
the roster in ``tests/meetings/test_page_rows.py``).
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def calendar_lines_html(lines) -> SafeString:
    """``<li>`` per line of the calendar: ``lines`` as ``((meeting type, party group name), squares)``,
    a square as ``(status, reason, label)``."""
    html = []
    for (meeting_type, group), squares in lines:
        name = escape(meeting_type) + (f" · {escape(group)}" if group else "")
        cells = "".join(
            f'<span class="cm cm--{escape(status)}" title="{escape(reason)}">{escape(label)}</span>'
            for status, reason, label in squares
        )
        html.append(
            f'\n    <li><span class="m-calendar__name">{name}</span>\n'
            f'      <span class="m-calendar__cells">{cells}</span></li>\n  '
        )
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above


def meeting_rows_html(rows: list[dict]) -> SafeString:
    """``<li>`` per meeting of the calendar's list (rows of ``report_views._meeting_rows``)."""
    html = []
    for row in rows:
        badges = "".join(f'<span class="badge">{escape(name)}</span>' for name in row["types"])
        html.append(
            f'<li class="m-item"><a href="{escape(row["url"])}"><span class="m-item__date">{escape(row["day"])}</span> '
            f'<span class="m-item__topic">{escape(row["topic"])}</span> '
            f'<span class="m-item__meta">{badges}</span></a></li>'
        )
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above


def roster_html(rows: list[dict]) -> SafeString:
    """The meeting form's roster: ``<li>`` per row of ``views._roster_rows``, the name and group escaped.

    The roster is most of the meeting form (80 rows of a label and a select): joined in Python it
    takes a fraction of the time of rendering each row's nodes through the template. The field
    name is ``att_<id>`` and the options are markup already."""
    html = []
    for row in rows:
        field, group = row["field"], row["group"]
        label = escape(row["name"]) + ("" if group is None else f' <small class="muted">{escape(group)}</small>')
        html.append(
            f'\n      <li class="m-roster__row">\n        <label for="id_{field}">{label}</label>\n'
            f'        <select name="{field}" id="id_{field}" data-mark>\n          {row["options"]}\n'
            "        </select>\n      </li>\n      "
        )
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped or markup of ours


def attendance_rows_html(rows) -> SafeString:
    """The attendance table's body: ``<tr>`` per ``(name, cells)`` of ``report_views.attendance_report``
    (a member's name and the texts of the row's cells), 50–100 rows of ten cells."""
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f'<tr><th scope="row">{escape(name)}</th>{"".join(f"<td>{escape(cell)}</td>" for cell in cells)}</tr>'
            for name, cells in rows
        )
    )


def my_records_html(records, type_names: dict[int, list[str]], statuses: dict, reasons: dict) -> SafeString:
    """A member's own year of meetings (``report_views.mine``): ``<li>`` per attendance row of
    ``(meeting id, day, topic, status, reason)``, the meeting's type names as badges, the status and the
    reason by their labels (``statuses``, ``reasons``)."""
    html = []
    for meeting_id, held_on, topic, status, reason in records:
        badges = "".join(f'<span class="badge">{escape(name)}</span>' for name in type_names.get(meeting_id, ()))
        why = f"（{escape(reasons.get(reason, reason))}）" if reason else ""
        html.append(
            f'<li class="m-item"><span class="m-item__date">{held_on:%Y-%m-%d}</span> '
            f'<span class="m-item__topic">{escape(topic)}</span>\n'
            f'  <span class="m-item__meta">{badges} {escape(statuses.get(status, status))}{why}</span></li>'
        )
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above


def not_present_html(rows) -> SafeString:
    """The meeting page's list of those not present: ``<li>`` per ``(name, status label, reason label)``
    (``views.meeting_detail``), the reason in brackets when there is one."""
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f"<li>{escape(name)}：{escape(status)}" + (f"（{escape(reason)}）" if reason else "") + "</li>"
            for name, status, reason in rows
        )
    )


def meeting_log_rows_html(rows: list[dict]) -> SafeString:
    """The meeting log's ``<li>`` per row of ``views._list_rows``: link, date, topic, type badges, the party
    group, branch and counts, and a draft badge (``draft_label``, the row's ``draft``)."""
    html = []
    for row in rows:
        badges = "".join(f'<span class="badge">{escape(name)}</span>' for name in row["types"])
        group = f"{escape(row['group'])} · " if row["group"] else ""
        draft = f'<span class="badge badge--muted">{escape(row["draft_label"])}</span>' if row["draft"] else ""
        html.append(
            f'\n  <li class="m-item">\n    <a href="{escape(row["url"])}">\n'
            f'      <span class="m-item__date">{escape(row["date"])}</span>\n'
            f'      <span class="m-item__topic">{escape(row["topic"])}</span>\n'
            f'      <span class="m-item__meta">{badges}\n'
            f"        {group}{escape(row['branch'])} · {escape(row['counts'])}\n"
            f"        {draft}</span>\n    </a>\n  </li>\n  "
        )
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above
