"""The 2026 规范化建设督查标准, the score weights and the star bands (editable in admin afterwards)."""

from decimal import Decimal

from django.db import migrations

ITEMS = [
    # (area of work, points, title, how it is judged)
    ("组织建设", 6, "支部班子配备齐全，书记、委员分工明确", "查阅班子成员名单和分工文件；缺额未补选的扣3分，分工不明确的扣2分"),
    ("组织建设", 4, "按期换届，党小组划分合理并配齐组长", "查阅换届资料；超期未换届扣4分，党小组长空缺每个扣1分"),
    ("组织建设", 5, "后备干部和入党积极分子培养有计划、有台账", "查阅培养台账；无台账扣5分，台账不全扣2分"),
    ("组织生活", 8, "“三会一课”按规定频次召开，记录完整", "抽查会议记录；每缺一次扣2分，记录不规范每次扣1分"),
    ("组织生活", 6, "每月开展主题党日活动，主题鲜明、形式多样", "查阅活动记录和照片；每缺一月扣2分"),
    ("组织生活", 5, "组织生活会和民主评议党员按时开展", "查阅会议记录和评议结果；未开展扣5分，程序不全扣2分"),
    ("组织生活", 4, "党员参加组织生活出勤率不低于85%", "统计签到记录；每低5个百分点扣1分"),
    ("党员管理", 6, "党员信息准确，与全国党员管理信息系统一致", "抽查10名党员信息；每错一项扣0.5分"),
    ("党员管理", 5, "党费按月足额收缴，及时上交，账目清楚", "查阅党费台账；未按时收缴扣2分，账目不清扣3分"),
    ("党员管理", 5, "流动党员、失联党员管理到位", "查阅流动党员台账；底数不清扣3分，联系不畅每人扣1分"),
    ("党员管理", 4, "发展党员程序规范，严格执行公示制度", "查阅发展党员材料；程序缺项每项扣1分"),
    ("阵地建设", 6, "党组织活动场所标识规范，功能齐全，开放使用", "实地查看；标识不规范扣2分，场所挪用扣4分"),
    ("阵地建设", 4, "党建资料分类归档，台账规范", "查阅档案；缺档每类扣1分"),
    ("党务公开", 6, "“七个一”公开栏内容齐全、按时更新", "实地查看公开栏；每缺一项扣1分，逾期未更新每项扣1分"),
    ("党务公开", 4, "公开栏设施完好，二维码可正常扫描", "实地查看；设施破损或二维码失效的扣2分，未按期修复再扣2分"),
    ("服务群众", 6, "书记领衔项目按计划推进，有阶段成果", "查阅项目台账；进度滞后扣3分，无成果扣3分"),
    ("服务群众", 5, "党员志愿服务常态化，联系服务群众有记录", "查阅志愿服务和走访记录；无记录扣5分"),
    ("党风廉政", 6, "落实“三重一大”集体决策，村务财务公开规范", "查阅会议记录和公开资料；未集体决策每次扣2分，公开不规范扣2分"),
    ("党风廉政", 5, "上级交办事项和督查问题整改按期完成", "查阅整改台账；逾期未完成每项扣1分"),
]

WEIGHTS = {
    "compliance": Decimal("25"),
    "inspection": Decimal("25"),
    "projects": Decimal("15"),
    "rectification": Decimal("15"),
    "departments": Decimal("10"),
    "appraisal": Decimal("10"),
}
STARS = {5: Decimal("90"), 4: Decimal("80"), 3: Decimal("70"), 2: Decimal("60"), 1: Decimal("0")}


def forwards(apps, schema_editor):
    Standard = apps.get_model("assessment", "Standard")
    StandardItem = apps.get_model("assessment", "StandardItem")
    ScoreWeight = apps.get_model("assessment", "ScoreWeight")
    StarBand = apps.get_model("assessment", "StarBand")
    standard, created = Standard.objects.get_or_create(
        year=2026,
        defaults={
            "title": "高桥镇基层党组织规范化建设督查标准",
            "note": "每月由片区区长、联村干部对所联系单位实地督查，满分100分。",
        },
    )
    if created:
        StandardItem.objects.bulk_create(
            StandardItem(standard=standard, area_of_work=area, code=f"{i:02d}", title=title,
                         points=Decimal(points), method=method, order=i)
            for i, (area, points, title, method) in enumerate(ITEMS, start=1)
        )
    for part, weight in WEIGHTS.items():
        ScoreWeight.objects.get_or_create(part=part, defaults={"weight": weight})
    for stars, min_total in STARS.items():
        StarBand.objects.get_or_create(stars=stars, defaults={"min_total": min_total})


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
