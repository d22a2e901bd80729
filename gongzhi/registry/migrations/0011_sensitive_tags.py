"""Tags become categories that may be sensitive; the special groups (特殊人群, glossary
`special_group`) are added as sensitive tags, and 重点青少年 (`key_youth`, one of them) is
flagged. A person carrying one is seen only through a grant naming it."""

from django.db import migrations, models

# (code, name): the glossary's special groups not yet among the standard tags.
SPECIAL_GROUPS = [
    ("released", "安置帮教对象"),
    ("community_correction", "社区矫正对象"),
    ("drug", "吸毒人员"),
    ("mental", "严重精神障碍患者"),
    ("hiv_risk", "艾滋病危险行为人员"),
]
# Standard tags (0002) that are special groups too.
FLAGGED = ["key_youth"]


def add(apps, schema_editor):
    Tag = apps.get_model("registry", "Tag")
    for code, name in SPECIAL_GROUPS:
        Tag.objects.update_or_create(code=code, defaults={"name": name, "sensitive": True})
    Tag.objects.filter(code__in=FLAGGED).update(sensitive=True)


def remove(apps, schema_editor):
    apps.get_model("registry", "Tag").objects.filter(code__in=[c for c, _ in SPECIAL_GROUPS]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0010_importjob_kind_any_registered_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="tag",
            name="sensitive",
            field=models.BooleanField(default=False, help_text="带此标签的人员只对授权中列明该类别的工作人员可见（特殊人群）",
                                      verbose_name="敏感类别"),
        ),
        migrations.RunPython(add, remove),
    ]
