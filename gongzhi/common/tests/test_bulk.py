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


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime")
def test_insert_sql_hands_over_every_value_as_save_would_prepare_it():
    """insert_sql skips the preparation where it would change nothing; what it sends must still
    be exactly what save() would send, for every kind of value a row may hold."""
    import datetime as dt

    from django.utils import timezone
    from django.utils.functional import lazystr

    from gongzhi.cases.models import Case

    aware = timezone.now()
    naive = dt.datetime(2026, 11, 29, 8, 30)  # save() would make it aware: so must insert_sql
    for values in (
        {"number": "GZ1", "description": "路灯不亮\u0000?", "area_id": "510107001001001", "lon": 104.06, "lat": 30.6,
         "category_id": 7, "reported_at": aware, "due_at": None, "address_id": None, "idempotency_key": None},
        {"number": lazystr("GZ2"), "description": "", "area_id": "", "lon": 104, "lat": None, "category_id": 2**40,
         "reported_at": naive, "due_at": aware, "reported_by_id": 3, "level": "grid"},
    ):
        case = Case(**values)
        fields = [f for f in Case._meta.local_concrete_fields if not f.primary_key]
        expected = [f.get_db_prep_save(f.pre_save(case, True), connection) for f in fields]
        _sql, params = bulk.insert_sql(case)
        assert params == expected
        assert [type(p) for p in params] == [type(p) for p in expected]  # psycopg dumps by type
    event = CaseEvent(at=aware, action="report", to_state="reported", data={"channel": "open311"})
    fields = [f for f in CaseEvent._meta.local_concrete_fields if not f.primary_key and f.attname != "case_id"]
    _sql, params = bulk.insert_sql(event, source="c", computed={"case_id": "c.id"})
    assert [type(p) for p in params] == [type(f.get_db_prep_save(f.pre_save(event, True), connection)) for f in fields]
