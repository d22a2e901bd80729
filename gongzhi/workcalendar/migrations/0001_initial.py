"""CalendarDay moves here from `cases`: only the state moves, the table `cases_calendarday`
and its rows stay as they are. The model's content type moves with it, so its permissions (and
any group holding them, admin log entries naming it) follow under the new app label."""

from django.db import migrations, models


def relabel(source: str, target: str):
    """Moves the content type of CalendarDay from app `source` to app `target` (unless `target`
    already has one): its permissions, and anything holding them, go with it."""

    def run(apps, schema_editor):
        content_types = apps.get_model("contenttypes", "ContentType").objects.using(schema_editor.connection.alias)
        if not content_types.filter(app_label=target, model="calendarday").exists():
            content_types.filter(app_label=source, model="calendarday").update(app_label=target)

    return run


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        # The table was created by cases.0001 (on a fresh database too).
        ("cases", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CalendarDay",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("date", models.DateField(unique=True, verbose_name="日期")),
                        ("is_workday", models.BooleanField(verbose_name="工作日")),
                        ("note", models.CharField(blank=True, max_length=60, verbose_name="说明")),
                    ],
                    options={
                        "verbose_name": "节假日调整",
                        "verbose_name_plural": "节假日调整",
                        "ordering": ["date"],
                        "db_table": "cases_calendarday",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel("cases", "workcalendar"), relabel("workcalendar", "cases")),
    ]
