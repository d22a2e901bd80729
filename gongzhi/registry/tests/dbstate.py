"""What the database holds, table by table, to assert that a refused write left nothing."""

from django.apps import apps
from django.db import connection

# Tables a request may touch that are not the write's own: the signed-in session.
NOT_THE_WRITE = {"django_session"}


def dump() -> dict[str, list[tuple]]:
    """Every row of every table of the project's models (and their many-to-many tables)."""
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy and model._meta.db_table not in NOT_THE_WRITE:
            tables.add(model._meta.db_table)
    state = {}
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608  # nosec B608: model tables
            state[table] = sorted(cursor.fetchall(), key=repr)
    return state


def changed(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> dict[str, int]:
    """The tables whose rows differ, with how many rows each gained (negative: lost)."""
    return {t: len(after[t]) - len(before[t]) for t in before if before[t] != after[t]}
