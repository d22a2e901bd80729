"""Moving CalendarDay from `cases` to `workcalendar` keeps the entered days (same table, same
rows) and moves the model's content type, so permissions held under it follow."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("cases", "0016_sweep_writes"), ("workcalendar", None)]
AFTER = [("cases", "0017_calendar_moves_out_and_calendar_units"), ("workcalendar", "0001_initial")]


def _migrate(targets):
    """Takes the database to `targets`; the models as the applied migrations leave them."""
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps


@pytest.mark.django_db(transaction=True)
def test_entered_days_and_their_permissions_survive_the_move():
    old = _migrate(BEFORE)
    try:
        day = old.get_model("cases", "CalendarDay").objects.create(date=dt.date(2031, 1, 1), is_workday=False,
                                                                 note="元旦")
        content_types = old.get_model("contenttypes", "ContentType")
        content_types.objects.filter(app_label="workcalendar").delete()
        old_type, _ = content_types.objects.get_or_create(app_label="cases", model="calendarday")
        permission, _ = old.get_model("auth", "Permission").objects.get_or_create(
            content_type=old_type, codename="change_calendarday", defaults={"name": "Can change"})
        group = old.get_model("auth", "Group").objects.create(name="calendar keepers")
        group.permissions.add(permission)
    finally:
        new = _migrate(AFTER)
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # every app back at its head

    from django.contrib.auth.models import Group

    from gongzhi.workcalendar.models import CalendarDay

    assert CalendarDay.objects.get(pk=day.pk).note == "元旦"
    moved = new.get_model("contenttypes", "ContentType").objects.get(pk=old_type.pk)
    assert (moved.app_label, moved.model) == ("workcalendar", "calendarday")
    assert [f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name="calendar keepers")
            .permissions.all()] == ["workcalendar.change_calendarday"]

