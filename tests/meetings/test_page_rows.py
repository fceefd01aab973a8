"""The meeting pages' long parts are rows of plain data: they show the data, and their queries do not grow with them.

The form's roster, the branch calendar's meetings and members to follow up, and the attendance
table are built from a few columns in a fixed number of queries (no form field, model instance or
URL reversal per row); these tests hold the rows to the data and the query counts to the rows.
"""

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.forms import MARK_CHOICES, MarkOptions
from meetings.models import Meeting
from meetings.selectors import absent_streaks
from meetings.services import Mark
from tests.factories import MemberFactory, PartyGroupFactory

TODAY = timezone.localdate()
ROSTER_ROW = re.compile(
    r'<li class="m-roster__row">\s*<label for="id_att_(\d+)">([^<]*)(?: <small class="muted">([^<]*)</small>)?</label>'
    r'\s*<select name="att_\1" id="id_att_\1" data-mark>\s*(.*?)\s*</select>',
    re.S,
)


def _queries(client, url) -> int:
    """The queries of a page once warm (the first request of a session reads a few things once)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def _roster(page) -> list[tuple[int, str, str | None, list[str]]]:
    """(member id, name, group, selected marks) per roster row of a form page."""
    return [
        (int(pk), name, group or None, re.findall(r'<option value="([^"]*)" selected>', options))
        for pk, name, group, options in ROSTER_ROW.findall(page.content.decode())
    ]


def test_mark_options_select_the_members_mark_once_per_mark():
    options = MarkOptions()
    html = options("leave:official")
    assert re.findall(r'<option value="([^"]*)"', html) == [value for value, _label in MARK_CHOICES]
    assert re.findall(r'value="([^"]*)" selected', html) == ["leave:official"]
    assert options("leave:official") is html  # built once per mark, not per row
    assert " selected" not in options("leave:")  # a bad posted value selects nothing, as before


def test_the_form_lists_the_roster_by_group_and_name_with_each_members_saved_mark(
    secretary_a, branch_a, group_a, member_a, log
):
    second = PartyGroupFactory(branch=branch_a, name="第二党小组")
    grouped = MemberFactory(branch=branch_a, name="王五", party_group=second)
    first = MemberFactory(branch=branch_a, name="赵六", party_group=group_a)
    meeting = log(
        branch_a,
        TODAY,
        "theme_day",
        marks={member_a.pk: Mark("leave", "sick"), grouped.pk: Mark("absent")},
    )
    rows = _roster(secretary_a.get(reverse("meetings:edit", args=[meeting.pk])))

    expected = branch_a.members.select_related("party_group").order_by("party_group__name", "name", "pk")
    marks = {member_a.pk: ["leave:sick"], grouped.pk: ["absent"]}
    assert rows == [
        (m.pk, m.name, m.party_group.name if m.party_group else None, marks.get(m.pk, ["present"])) for m in expected
    ]
    assert (first.pk, "赵六", "第一党小组", ["present"]) in rows


def test_the_form_pages_read_in_queries_that_do_not_grow_with_the_roster(secretary_a, branch_a, log):
    meeting = log(branch_a, TODAY, "theme_day")
    edit = reverse("meetings:edit", args=[meeting.pk])
    create = f"{reverse('meetings:create')}?branch={branch_a.pk}&token=6f1c0b8e-0000-4000-8000-000000000001"
    few = (_queries(secretary_a, edit), _queries(secretary_a, create))

    for _ in range(3):
        group = PartyGroupFactory(branch=branch_a)
        MemberFactory.create_batch(4, branch=branch_a, party_group=group)
    meeting = log(branch_a, TODAY, "theme_day")
    edit = reverse("meetings:edit", args=[meeting.pk])
    assert (_queries(secretary_a, edit), _queries(secretary_a, create)) == few
    assert len(_roster(secretary_a.get(edit))) == branch_a.members.count()


def test_a_streak_is_the_run_of_latest_absences_at_logged_meetings(branch_a, log):
    s, b, d, late = (MemberFactory(branch=branch_a) for _ in range(4))
    days = [TODAY - dt.timedelta(days=n) for n in (60, 50, 40, 30, 20)]

    def sitting(day, *absent, **fields):
        log(branch_a, day, "theme_day", marks={m.pk: Mark("absent") for m in absent}, **fields)

    sitting(days[0], b, late)
    sitting(days[1], s, late)
    sitting(days[2], s, b, d, late)
    sitting(days[3], s, b, d, late)
    sitting(days[4], s, b, status="draft")  # a draft neither counts nor breaks a streak (d is present at it)
    sitting(days[4], s, d, late)
    sitting(days[4], s, d)  # the same day, logged later: the latest sitting, where ``late`` was present

    # b was absent three times, but not at the latest sittings; late's absences end the day before.
    assert absent_streaks(branch=branch_a) == [(s.pk, s.name, 5), (d.pk, d.name, 4)]
    assert absent_streaks(branch=branch_a, at_least=1) == [(s.pk, s.name, 5), (d.pk, d.name, 4)]
    assert absent_streaks(branch=branch_a, until=days[3]) == [(late.pk, late.name, 4), (s.pk, s.name, 3)]
    assert absent_streaks(branch=branch_a, at_least=2, until=days[3]) == [
        (late.pk, late.name, 4),
        (s.pk, s.name, 3),
        (b.pk, b.name, 2),
        (d.pk, d.name, 2),
    ]


def _calendar_meetings(page) -> list[tuple[str, str, str, list[str]]]:
    items = re.findall(
        r'<li class="m-item"><a href="([^"]+)"><span class="m-item__date">([^<]+)</span> '
        r'<span class="m-item__topic">([^<]*)</span> <span class="m-item__meta">(.*?)</span></a></li>',
        page.content.decode(),
    )
    return [
        (url, day, topic, re.findall(r'<span class="badge">([^<]*)</span>', meta)) for url, day, topic, meta in items
    ]


def test_the_branch_calendar_lists_the_years_meetings_and_the_members_to_follow_up(secretary_a, branch_a, log):
    away = MemberFactory(branch=branch_a, name="钱七")
    absent = {away.pk: Mark("absent")}
    log(branch_a, TODAY, "members", "theme_day", topic="七一党课", marks=absent)
    log(branch_a, TODAY, "theme_day", marks=absent, status="draft")
    log(branch_a, TODAY, "theme_day", topic="主题党日", marks=absent)
    log(branch_a, TODAY, "theme_day", "committee", topic="支委会", marks=absent)
    page = secretary_a.get(reverse("meetings:branch", args=[branch_a.pk]))

    meetings = Meeting.objects.filter(branch=branch_a).order_by("-held_on", "-pk").prefetch_related("types")
    assert _calendar_meetings(page) == [
        (m.get_absolute_url(), m.held_on.strftime("%m-%d"), m.topic, [t.name for t in m.types.all()]) for m in meetings
    ]
    assert len(meetings) == 4 and _calendar_meetings(page)[-1][2:] == ("七一党课", ["主题党日", "党员大会"])
    followed = f'<a href="{reverse("members:detail", args=[away.pk])}">钱七</a> 最近连续 3 次缺席'
    assert followed in page.content.decode()  # the draft is not counted


def test_the_branch_calendar_reads_in_queries_that_do_not_grow_with_meetings_or_members(secretary_a, branch_a, log):
    def add(members: int, meetings: int):
        people = MemberFactory.create_batch(members, branch=branch_a)
        for i in range(meetings):
            codes = ("theme_day", "members") if i % 2 else ("theme_day", "committee")
            log(branch_a, TODAY, *codes, marks={p.pk: Mark("absent") for p in people})

    url = reverse("meetings:branch", args=[branch_a.pk])
    add(2, 3)
    few = _queries(secretary_a, url)
    add(6, 5)
    assert _queries(secretary_a, url) == few
    assert len(_calendar_meetings(secretary_a.get(url))) == 8


def _attendance_rows(page) -> list[tuple[str, list[str]]]:
    body = page.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        (name, re.findall(r"<td>([^<]*)</td>", cells))
        for name, cells in re.findall(r'<tr><th scope="row">([^<]*)</th>(.*?)</tr>', body)
    ]


def test_the_attendance_table_shows_each_members_counts_by_reason(secretary_a, branch_a, member_a, log):
    on_leave = MemberFactory(branch=branch_a, name="孙八")
    marks = [
        {member_a.pk: Mark("leave", "sick"), on_leave.pk: Mark("leave", "official")},
        {member_a.pk: Mark("leave", "official"), on_leave.pk: Mark("leave", "official")},
        {member_a.pk: Mark("leave", "official"), on_leave.pk: Mark("leave", "floating")},
        {member_a.pk: Mark("absent"), on_leave.pk: Mark("leave", "floating")},
        {on_leave.pk: Mark("leave", "sick")},
    ]
    for day_marks in marks:
        log(branch_a, TODAY, "theme_day", marks=day_marks)
    rows = dict(_attendance_rows(secretary_a.get(reverse("meetings:attendance", args=[branch_a.pk]))))
    # Columns: expected, present, sick, personal, official, floating, absent without leave, rate (leave not held against).
    assert rows["张三"] == ["5", "1", "1", "", "2", "", "1", "50%"]
    assert rows["孙八"] == ["5", "0", "1", "", "2", "2", "0", "—"]
    assert len(rows) == branch_a.members.count()


def test_the_attendance_table_reads_in_queries_that_do_not_grow_with_members(secretary_a, branch_a, log):
    url = reverse("meetings:attendance", args=[branch_a.pk])
    MemberFactory.create_batch(2, branch=branch_a)
    log(branch_a, TODAY, "theme_day")
    few = _queries(secretary_a, url)
    MemberFactory.create_batch(8, branch=branch_a)
    log(branch_a, TODAY, "theme_day")
    assert _queries(secretary_a, url) == few


def test_the_branch_calendar_is_kept_until_a_meeting_changes_it(secretary_a, branch_a, log):
    """The year's squares come from the cache on a second view, and a meeting logged shows at once."""
    from meetings import figures_cache

    def held_squares() -> int:
        page = secretary_a.get(reverse("meetings:branch", args=[branch_a.pk]))
        return sum(status == "held" for _key, squares in page.context["lines"] for status, _r, _l in squares)

    figures_cache.forget_figures()
    before = held_squares()
    url = reverse("meetings:branch", args=[branch_a.pk])
    with CaptureQueriesContext(connection) as ctx:
        secretary_a.get(url)
    assert not any("meetings_meetingrule" in q["sql"] for q in ctx.captured_queries)  # not judged again
    log(branch_a, TODAY, "theme_day")
    assert held_squares() == before + 1


def test_the_roster_escapes_names_and_group_names(secretary_a, branch_a):
    group = PartyGroupFactory(branch=branch_a, name="<i>第三</i>党小组")
    MemberFactory(branch=branch_a, name="<b>甲</b>", party_group=group)
    create = f"{reverse('meetings:create')}?branch={branch_a.pk}&token=6f1c0b8e-0000-4000-8000-000000000002"
    page = secretary_a.get(create).content.decode()
    assert '&lt;b&gt;甲&lt;/b&gt; <small class="muted">&lt;i&gt;第三&lt;/i&gt;党小组</small></label>' in page
    assert "<b>甲</b>" not in page and "<i>第三</i>" not in page


def test_the_meeting_log_lists_each_meeting_with_its_types_group_and_counts(secretary_a, branch_a, group_a, log):
    second = PartyGroupFactory(branch=branch_a, name="第二党小组")
    MemberFactory(branch=branch_a, party_group=second)
    older = log(branch_a, TODAY - dt.timedelta(days=3), "members", "lecture", topic="<学习>党章")
    newer = log(branch_a, TODAY, "party_group", group=second)
    page = secretary_a.get(reverse("meetings:list")).content.decode()
    items = re.findall(r'<li class="m-item">\s*<a href="([^"]+)">(.*?)</a>', page, re.S)
    assert [href for href, _body in items] == [
        reverse("meetings:detail", args=[newer.pk]),
        reverse("meetings:detail", args=[older.pk]),
    ]
    newer_text, older_text = (" ".join(re.sub(r"<[^>]+>", " ", body).split()) for _href, body in items)
    assert newer_text.startswith(TODAY.isoformat())
    assert f"第二党小组 · {branch_a.name} · 应到 {newer.expected_count} 实到 {newer.present_count}" in newer_text
    assert "&lt;学习&gt;党章" in items[1][1]
    older_types = re.findall(r'<span class="badge">([^<]+)</span>', items[1][1])
    assert older_types == [t.name for t in older.types.order_by("order")]
    assert len(older_types) == 2 and f"{branch_a.name} · 应到" in older_text


def test_the_meeting_log_reads_in_queries_that_do_not_grow_with_the_page(secretary_a, branch_a, log):
    log(branch_a, TODAY, "theme_day")
    few = _queries(secretary_a, reverse("meetings:list"))
    for days in range(1, 12):
        log(branch_a, TODAY - dt.timedelta(days=days), "members", "lecture")
    assert _queries(secretary_a, reverse("meetings:list")) == few
