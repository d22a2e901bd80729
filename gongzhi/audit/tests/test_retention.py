"""Retention: entries past the period go, the rest still verifies, the pruning is recorded;
the audit administrator exports entries, and the export is recorded too."""

import csv
import datetime as dt
import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongzhi.audit import log, retention
from gongzhi.audit.models import AuditEntry
from gongzhi.conftest import sign_in


def _record(days_ago: int, n: int = 0) -> None:
    """An entry written `days_ago` (the clock set back while it is written, so its hash holds)."""
    then = timezone.now() - dt.timedelta(days=days_ago)
    with mock.patch("gongzhi.audit.log.timezone.now", return_value=then):
        log.record("test.action", actor_name="someone", changes={"n": n})


@pytest.fixture
def aged_chain(db, settings):
    settings.GONGZHI_AUDIT_RETENTION_DAYS = 200
    for days_ago in (400, 400, 400, 190, 0, 0):  # the fourth is inside the period: kept
        _record(days_ago)


def test_entries_past_the_period_are_pruned_and_the_rest_verifies(aged_chain):
    assert retention.prune() == 3
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == [4, 5, 6, 7]
    pruning = AuditEntry.objects.get(seq=7)
    assert pruning.action == "audit.pruned" and pruning.changes["removed"] == 3
    assert pruning.changes["through_seq"] == 3
    assert log.verify().ok
    assert retention.prune() == 0  # nothing more, and nothing recorded for nothing
    log.record("test.action", actor_name="someone")
    assert log.verify().ok


def test_after_pruning_a_deleted_oldest_entry_is_still_detected(aged_chain):
    retention.prune()
    AuditEntry.objects.filter(seq=4).delete()
    verdict = log.verify()
    assert not verdict.ok and any("#5" in p for p in verdict.problems)


def test_the_period_never_goes_below_180_days(db, settings):
    settings.GONGZHI_AUDIT_RETENTION_DAYS = 30
    _record(100)
    assert retention.prune() == 0


def test_the_command_prunes(aged_chain, capsys):
    call_command("audit", "prune")
    assert "pruned 3" in capsys.readouterr().out


def test_the_audit_administrator_exports_entries(client, cast):
    log.record("test.action", actor_name="someone", changes={"formula": "=HYPERLINK(\"x\")"})
    sign_in(client, cast.audit_admin)
    ids = list(AuditEntry.objects.values_list("pk", flat=True))
    answer = client.post("/admin/audit/auditentry/", {"action": "export_csv", "_selected_action": ids})
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert "audit_admin" in rows[0][0]  # who exported, and when
    assert rows[1][0] == "seq" and rows[1][-1] == "hash" and len(rows) == 2 + len(ids)
    assert all(not cell.startswith("=") for row in rows for cell in row)
    assert AuditEntry.objects.filter(action="audit.exported", changes__rows=len(ids)).exists()


def test_nobody_else_exports_the_audit_log(client, cast):
    sign_in(client, cast.system_admin)
    answer = client.post("/admin/audit/auditentry/", {"action": "export_csv", "_selected_action": [1]})
    assert answer.status_code == 403
