"""A person's copy of their own information: everything the register holds, in full, only
through a role that may reveal, in scope, with a reason, and audited."""

import io

import pytest
from openpyxl import load_workbook

from gongzhi.audit.models import AuditEntry
from gongzhi.registry.tests.conftest import SHARED_PHONE, ZHANG_ID


def _sheets(content: bytes) -> dict[str, list[list]]:
    book = load_workbook(io.BytesIO(content))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def test_the_grid_worker_hands_a_person_their_copy(login, register):
    client = login("grid_worker")
    answer = client.post(f"/w/registry/people/{register.zhang.pk}/copy/", {"reason": "本人书面申请 2026-031"})
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    sheets = _sheets(answer.content)
    basics = {row[0]: row[1] for row in sheets["基本信息"][2:]}
    assert basics["身份证号"] == ZHANG_ID and basics["姓名"] == "张三"
    assert "grid_worker" in sheets["基本信息"][0][0]  # who exported it, and for whom
    assert [SHARED_PHONE] in sheets["联系电话"]
    assert len(sheets["居住记录"]) == 3  # stamp, header, one residence
    entry = AuditEntry.objects.get(action="registry.person.subject_copy")
    assert entry.target_id == str(register.zhang.pk) and entry.changes["reason"].startswith("本人书面申请")


def test_no_copy_without_a_reason(login, register):
    client = login("grid_worker")
    answer = client.post(f"/w/registry/people/{register.zhang.pk}/copy/", {"reason": ""})
    assert answer.status_code == 302
    assert not AuditEntry.objects.filter(action="registry.person.subject_copy").exists()


@pytest.mark.parametrize(("who", "status"), [("other_grid_worker", 404), ("leader", 403)])
def test_out_of_scope_or_without_the_right_no_copy(login, register, who, status):
    answer = login(who).post(f"/w/registry/people/{register.zhang.pk}/copy/", {"reason": "本人申请"})
    assert answer.status_code == status


def test_the_api_gives_the_same_copy(login, register):
    import json

    answer = login("grid_worker").post(f"/api/v1/registry/people/{register.zhang.pk}/subject-copy",
                                       json.dumps({"reason": "本人申请"}), content_type="application/json")
    assert answer.status_code == 200
    assert {row[0]: row[1] for row in _sheets(answer.content)["基本信息"][2:]}["身份证号"] == ZHANG_ID
    missing = login("grid_worker").post(f"/api/v1/registry/people/{register.zhang.pk}/subject-copy",
                                        json.dumps({"reason": ""}), content_type="application/json")
    assert missing.status_code == 422


def test_the_register_makes_the_copy_without_cases(login, register, monkeypatch):
    # The sheets of apps above the register come through copy_sections (cases add the linked
    # cases): with none added, the copy holds the register's own four sheets.
    from gongzhi.registry import copy_sections

    monkeypatch.setattr(copy_sections, "COPY_SECTIONS", [])
    answer = login("grid_worker").post(f"/w/registry/people/{register.zhang.pk}/copy/", {"reason": "本人申请"})
    assert answer.status_code == 200
    assert list(_sheets(answer.content)) == ["基本信息", "居住记录", "人口变动", "联系电话"]
