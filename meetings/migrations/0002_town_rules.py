"""The town's meeting types and rules (domain brief, table 三会一课): data a town admin may change in admin."""

import datetime as dt

from django.db import migrations

TYPES = [
    # code, name, has_lecturer, for_party_group, order
    ("theme_day", "主题党日", False, False, 10),
    ("committee", "支委会", False, False, 20),
    ("party_group", "党小组会", False, True, 30),
    ("members", "党员大会", False, False, 40),
    ("lecture", "党课", True, False, 50),
    ("appraisal", "民主评议党员", False, False, 60),
    ("pioneer_index", "锋领指数亮绩", False, False, 70),
    ("secretaries", "书记例会", False, False, 80),
    ("organisation_members", "组织委员例会", False, False, 90),
    ("three_committees_training", "三委会培训", False, False, 100),
]

BRANCH = {"kinds": ["branch"], "units": []}
TOWN = {"kinds": ["committee"], "units": ["town"]}
RULES = [
    # type code, where, period, per party group
    ("theme_day", BRANCH, "month", False),
    ("committee", BRANCH, "month", False),
    ("party_group", BRANCH, "month", True),
    ("members", BRANCH, "quarter", False),
    ("lecture", BRANCH, "half", False),
    ("appraisal", BRANCH, "year", False),
    ("pioneer_index", BRANCH, "half", False),
    ("secretaries", TOWN, "quarter", False),
    ("organisation_members", TOWN, "month", False),
    ("three_committees_training", TOWN, "year", False),
]
SINCE = dt.date(2018, 1, 1)


def seed(apps, schema_editor):
    MeetingType = apps.get_model("meetings", "MeetingType")
    MeetingRule = apps.get_model("meetings", "MeetingRule")
    types = {}
    for code, name, lecturer, group, order in TYPES:
        types[code], _ = MeetingType.objects.get_or_create(
            code=code, defaults={"name": name, "has_lecturer": lecturer, "for_party_group": group, "order": order}
        )
    for code, where, period, per_group in RULES:
        MeetingRule.objects.get_or_create(
            meeting_type=types[code],
            valid_from=SINCE,
            defaults={**where, "period": period, "count": 1, "per_party_group": per_group, "note": "高桥镇三会一课制度"},
        )


def unseed(apps, schema_editor):
    apps.get_model("meetings", "MeetingRule").objects.filter(valid_from=SINCE, note="高桥镇三会一课制度").delete()


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
