"""Intake is the busiest write: on PostgreSQL its four-write statement is prepared once per
connection, so the server neither parses nor plans it at each report. (Django leaves psycopg
preparing nothing, not even a statement executed with prepare=True; a regression here costs
intake about a third of its database time and no test of behaviour would notice.)"""

import pytest
from django.db import connection

from gongzhi.cases import categories, intake, open311, reporters
from gongzhi.cases.models import Open311Key
from gongzhi.conftest import CITY

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def prepared() -> list[tuple[str, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
        return cursor.fetchall()


@pytest.fixture
def leaf(world):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    categories.load_defaults()
    return categories.active("garbage_pileup")


@pytest.fixture
def client(world):
    """An Open311 client of the city: intake's busiest caller."""
    open311.new_key(name="prepared", area=world[CITY])
    return reporters.open311(Open311Key.objects.select_related("area").get())


def test_the_intake_statement_is_prepared_once_and_only_it(leaf, client):
    for n in range(7):  # past PostgreSQL's five custom plans: the sixth on runs the generic one
        receipt = intake.report(source=client, category=leaf, description=f"第{n}件", lon=0.25, lat=0.5,
                                idempotency_key=f"prepared-{n}")
        assert receipt.created and receipt.case.pk
    [(statement, executions)] = prepared()  # Django's own queries stay unprepared
    assert statement.startswith('WITH c AS (INSERT INTO "cases_case"') and executions == 7


def test_a_deployment_behind_a_pooler_can_turn_preparing_off(leaf, client):
    """DATABASE_PREPARED_STATEMENTS=off sets prepare_threshold to None: reports are still filed,
    and nothing is left prepared on the server for a pooler to lose."""
    options = connection.settings_dict["OPTIONS"]
    kept = options["prepare_threshold"]
    connection.close()
    options["prepare_threshold"] = None
    try:
        receipt = intake.report(source=client, category=leaf, description="不预备", lon=0.25, lat=0.5)
        assert receipt.created and prepared() == []
    finally:
        connection.close()
        options["prepare_threshold"] = kept
