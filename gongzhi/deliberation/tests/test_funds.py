"""Fund and project disclosures are disclosures with an account: lines in yuan (never negative,
two places), totals the system sums, beneficiaries as a count and a description that names no
one; published, they stay as they are, and a correction carries its own lines."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from gongzhi.accounts import services as accounts
from gongzhi.accounts.roles import Role
from gongzhi.audit.models import AuditEntry
from gongzhi.conftest import C2, SYSTEM
from gongzhi.deliberation import disclosures, funds
from gongzhi.deliberation.models import DeliberationError, Disclosure, DisclosureItem

from .conftest import community

Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
ROWS = [("高龄老人慰问", "30000", "28500.50"), {"name": "院落绿化", "budgeted": Decimal("12000.5"), "spent": 0},
        ("", "", "")]  # a blank row of the form is skipped


def fund(actor, rows=ROWS, **kw):
    values = {"title": "2026年第一季度社区基金收支", "period_start": Q1[0], "period_end": Q1[1], "rows": rows,
              "beneficiaries": 120, "beneficiaries_note": "辖区80岁以上老人", **kw}
    if "corrects" not in kw:
        values.setdefault("area", community())
    return funds.disclose_fund(actor=actor, **values)


def test_a_fund_disclosure_sums_its_lines_and_is_public_with_them(cast, register, django_assert_num_queries):
    row = fund(cast.community_worker)
    assert row.kind == "fund" and row.published_at is not None and row.corrects is None
    assert [(i.order, i.name, i.budgeted, i.spent) for i in row.items.all()] == [
        (1, "高龄老人慰问", Decimal("30000.00"), Decimal("28500.50")), (2, "院落绿化", Decimal("12000.50"), Decimal("0.00"))]
    sums = funds.totals(row)
    assert (sums.budgeted, sums.spent, sums.balance) == (Decimal("42000.50"), Decimal("28500.50"), Decimal("13500.00"))
    assert "预算合计 42000.50 元，支出合计 28500.50 元，结余 13500.00 元" in row.body
    assert (row.beneficiaries, row.beneficiaries_note, row.period_start) == (120, "辖区80岁以上老人", Q1[0])
    entry = AuditEntry.objects.get(action="deliberation.disclosure.accounted", target_id=str(row.pk))
    assert entry.changes["budgeted"] == "42000.50" and len(entry.changes["lines"]) == 2
    listed = list(disclosures.public(community()))
    with django_assert_num_queries(0):  # the portal's page reads the lines prefetched
        assert [funds.totals(d).spent for d in listed] == [Decimal("28500.50")]


@pytest.mark.parametrize(("rows", "message"), [
    ([("慰问", "-1", "0")], "第1行的预算金额不能为负数"),
    ([("慰问", "10", "0"), ("绿化", "5", "-0.01")], "第2行的支出金额不能为负数"),
    ([("慰问", "10.005", "0")], "最多保留两位小数"),
    ([("慰问", "一万", "0")], "请填写金额"),
    ([("慰问", "NaN", "0")], "请填写金额"),
    ([("", "10", "0")], "请填写科目"),
    ([("", "", "")], "至少填写一行"),
])
def test_amounts_are_yuan_never_negative(cast, rows, message):
    with pytest.raises(DeliberationError, match=message):
        fund(cast.community_worker, rows=rows)
    assert not Disclosure.objects.unscoped().exists()


def test_beneficiaries_are_a_count_and_a_description_naming_no_one(cast, register):
    worker = cast.community_worker
    for note, message in (("张三等困难户", "居民姓名“张三”"), ("联系人13800138000", "手机号"),
                          ("510107199001011234", "身份证号")):
        with pytest.raises(DeliberationError, match=message):
            fund(worker, beneficiaries_note=note)
    with pytest.raises(DeliberationError, match="居民姓名“李四”"):
        fund(worker, rows=[("李四 医疗救助", "500", "500")])
    with pytest.raises(DeliberationError, match="不小于0的整数"):
        fund(worker, beneficiaries="十来户")
    with pytest.raises(DeliberationError, match="不小于0的整数"):
        fund(worker, beneficiaries=-3)
    with pytest.raises(DeliberationError, match="受益对象说明"):
        fund(worker, beneficiaries_note=" ")
    assert not Disclosure.objects.unscoped().exists()
    row = fund(worker, beneficiaries="35", beneficiaries_note="低保户")  # 王五 lives elsewhere: no matter here
    assert (row.beneficiaries, row.beneficiaries_note) == (35, "低保户")
    assert not {f.name for f in Disclosure._meta.fields} & {"beneficiary", "beneficiary_names", "names"}


def test_only_keepers_in_scope_disclose(cast):
    outsider = accounts.create_staff(actor=SYSTEM, username="c2_worker", password="Test-pass-2026", full_name="c2",
                                     must_change=False)
    accounts.assign_role(actor=SYSTEM, user=outsider, role=Role.COMMUNITY_WORKER, area=community(C2))
    with pytest.raises(Http404):
        fund(outsider)
    with pytest.raises(PermissionDenied):
        fund(cast.leader)
    assert not Disclosure.objects.unscoped().exists() and not DisclosureItem.objects.exists()


def test_a_correction_carries_its_own_lines_and_the_old_stays_as_published(cast):
    worker = cast.community_worker
    first = fund(worker)
    line = first.items.get(order=1)
    line.spent = Decimal("1")
    with pytest.raises(DeliberationError, match="不能修改"):
        line.save()
    with pytest.raises(DeliberationError, match="不能修改"):
        line.delete()
    with pytest.raises(DeliberationError, match="连同收支明细"):
        disclosures.correct(actor=worker, disclosure=first, title="更正", body="只改文字")
    with pytest.raises(DeliberationError, match="类型相同"):
        funds.disclose_project(actor=worker, name="x", rows=[("x", "1", "0")], contractor="x", progress="planned",
                               start=Q1[0], corrects=first)
    second = fund(worker, title="2026年第一季度社区基金收支（更正）", rows=[("高龄老人慰问", "30000", "29000")],
                  corrects=first)
    assert (second.corrects, second.area_id, funds.totals(second).spent) == (first, first.area_id, Decimal("29000.00"))
    with pytest.raises(DeliberationError, match="最新的一份"):
        fund(worker, corrects=first)
    kept = Disclosure.objects.unscoped().get(pk=first.pk)
    assert funds.totals(kept).spent == Decimal("28500.50") and kept.items.count() == 2 and kept.correction == second
    assert list(disclosures.public(community())) == [second, first]


def test_a_project_disclosure(cast):
    worker = cast.community_worker
    values = {"actor": worker, "area": community(), "name": "老旧小区加装电梯", "contractor": "成都某电梯工程有限公司",
              "rows": [("设备采购", "480000", "240000"), ("土建", "120000", "60000")], "progress": "under_way",
              "start": dt.date(2026, 3, 1), "end": dt.date(2026, 9, 30)}
    with pytest.raises(DeliberationError, match="项目进度"):
        funds.disclose_project(**{**values, "progress": "half"})
    with pytest.raises(DeliberationError, match="不能早于开始"):
        funds.disclose_project(**{**values, "end": dt.date(2026, 2, 1)})
    with pytest.raises(DeliberationError, match="实施单位"):
        funds.disclose_project(**{**values, "contractor": " "})
    row = funds.disclose_project(**values, beneficiaries=96, beneficiaries_note="3个单元的住户")
    assert (row.kind, row.title, row.contractor, row.progress, row.period_start, row.period_end) == (
        "project", "老旧小区加装电梯", "成都某电梯工程有限公司", "under_way", dt.date(2026, 3, 1), dt.date(2026, 9, 30))
    assert funds.totals(row).budgeted == Decimal("600000.00") and "实施中" in row.body
