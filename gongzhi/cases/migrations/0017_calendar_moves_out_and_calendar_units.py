"""CalendarDay now belongs to `workcalendar` (its table stays, see workcalendar.0001); limits
may also be counted in calendar days and calendar months."""

from django.db import migrations, models

UNITS = [("hours", "自然小时"), ("work_hours", "工作小时"), ("work_days", "工作日"), ("days", "自然日"),
         ("months", "自然月")]


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0016_sweep_writes"),
        ("workcalendar", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CalendarDay")],
            database_operations=[],
        ),
        migrations.AlterField(
            model_name="category",
            name="accept_unit",
            field=models.CharField(choices=UNITS, default="work_hours", max_length=10, verbose_name="受理时限单位"),
        ),
        migrations.AlterField(
            model_name="category",
            name="dispatch_unit",
            field=models.CharField(choices=UNITS, default="work_hours", max_length=10, verbose_name="派遣时限单位"),
        ),
        migrations.AlterField(
            model_name="category",
            name="handle_unit",
            field=models.CharField(choices=UNITS, default="work_days", max_length=10, verbose_name="处置时限单位"),
        ),
    ]
