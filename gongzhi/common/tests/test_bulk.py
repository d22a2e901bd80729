"""The bulk path: ids ahead of rows, and keys and indexes set aside during a large load."""

import pytest
from django.db import connection, transaction

from gongzhi.cases.models import CaseEvent, CaseStat
from gongzhi.common import bulk


def _schema(*models) -> set[tuple]:
    names = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = ANY(%s::regclass[])",
                       [names])
        keys = set(cursor.fetchall())
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [names])
        return keys | set(cursor.fetchall())


@pytest.mark.django_db
def test_ids_ahead_of_their_rows_are_fresh_and_distinct():
    first = bulk.next_ids(CaseEvent, 3)
    assert len(set(first)) == 3 and bulk.next_ids(CaseEvent, 0) == []


@pytest.mark.django_db
def test_loading_sets_keys_and_indexes_aside_and_makes_them_again():
    if connection.vendor != "postgresql":
        with transaction.atomic(), bulk.loading(CaseEvent):
            pass  # nothing to do elsewhere
        return
    before = _schema(CaseEvent, CaseStat)
    with transaction.atomic():
        with bulk.loading(CaseEvent, CaseStat):
            during = _schema(CaseEvent, CaseStat)
            assert {name for name, _ in during} < {name for name, _ in before}
            assert any(name.endswith("_pkey") for name, _ in during)  # primary keys stay
        assert _schema(CaseEvent, CaseStat) == before


@pytest.mark.django_db
def test_a_failed_load_leaves_the_schema_as_it_was():
    if connection.vendor != "postgresql":
        return
    before = _schema(CaseEvent)
    with pytest.raises(ValueError), transaction.atomic(), bulk.loading(CaseEvent):
        raise ValueError("the load failed")
    assert _schema(CaseEvent) == before
