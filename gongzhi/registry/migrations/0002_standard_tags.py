from django.db import migrations

TAGS = [
    ("elderly", "老年人"),
    ("elderly_alone", "独居老人"),
    ("disabled", "残疾人"),
    ("veteran", "退役军人"),
    ("party_member", "党员"),
    ("low_income", "低保对象"),
    ("extreme_poverty", "特困人员"),
    ("left_behind_child", "留守儿童"),
    ("volunteer", "志愿者"),
    ("key_youth", "重点青少年"),
]


def add(apps, schema_editor):
    Tag = apps.get_model("registry", "Tag")
    for code, name in TAGS:
        Tag.objects.get_or_create(code=code, defaults={"name": name})


def remove(apps, schema_editor):
    apps.get_model("registry", "Tag").objects.filter(code__in=[c for c, _ in TAGS]).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
