"""rollups.rebuild() recounts from the events exactly what live transitions counted, in the fine
rollup and in the community one (which is the fine one summed per day and community)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongzhi.cases import categories, intake, reporters, rollups, tracking, workflow
from gongzhi.cases.models import CaseEvent, CaseStat, Category, CommunityStat
from gongzhi.cases.rates import COMMUNITY, COUNTERS
from gongzhi.cases.tests.conftest import reporter


def _rows() -> list[tuple]:
    rows = CaseStat.objects.unscoped().values_list("day", "area_id", "category_id", "channel", "department_id",
                                                   *COUNTERS)
    return sorted(rows, key=lambda row: (*row[:4], row[4] or 0))


def _community_rows() -> list[tuple]:
    return sorted(CommunityStat.objects.unscoped().values_list("day", "area_id", *COUNTERS))


def _summed(fine: list[tuple]) -> list[tuple]:
    """The fine rows summed per day and community: what the community rollup must hold."""
    sums: dict[tuple, list[int]] = {}
    for day, area, _category, _channel, _unit, *counts in fine:
        total = sums.setdefault((day, area[:COMMUNITY]), [0] * len(COUNTERS))
        for i, n in enumerate(counts):
            total[i] += n
    return sorted((*key, *counts) for key, counts in sums.items())


@pytest.fixture
def history(cast, departments, monkeypatch):
    """A few days of live work, the clock moved between steps: on time and late, settled on the
    spot, rejected, escalated, returned, merged, rated by the resident and by the desk, reopened."""
    categories.load_defaults()
    garbage, noise = Category.objects.get(code="garbage_pileup"), Category.objects.get(code="noise")
    clock = [timezone.localtime().replace(hour=10, minute=0) - dt.timedelta(days=6)]
    monkeypatch.setattr(timezone, "now", lambda: clock[0])

    def later(**span):
        clock[0] += dt.timedelta(**span)

    def report(category=garbage, lon=0.25, lat=0.5, channel="grid_patrol"):
        return intake.report(source=reporters.staff(reporter(cast, lon, lat), channel), category=category, description="事",
                             lon=lon, lat=lat)

    def act(who, case, action, **kwargs):
        later(minutes=20)
        return workflow.act(actor=getattr(cast, who), case=case, action=action, **kwargs)

    unit, housing = departments["s1_city_management"], departments["district_housing"]

    first = report()
    case = act("dispatcher", first.case, "accept")
    case = act("dispatcher", case, "dispatch", department=unit)
    duplicate = report(channel="hotline")
    act("dispatcher", duplicate.case, "merge", into=case)
    case = act("handler", case, "handle", note="已清运")
    case = act("grid_worker", case, "verify")
    case = act("dispatcher", case, "close")
    later(days=1)
    tracking.rate(number=case.number, code=first.tracking_code, satisfaction="satisfied")

    late = report(noise, channel="hotline").case
    later(days=1)  # past the accept deadline
    case = act("community_worker", late, "accept")
    case = act("dispatcher", case, "dispatch", department=unit)
    later(days=9)  # past the handle deadline
    case = act("handler", case, "handle", note="已处理")
    case = act("community_worker", case, "verify")
    case = act("dispatcher", case, "close")
    case = act("dispatcher", case, "evaluate", satisfaction="unsatisfied")
    case = act("dispatcher", case, "reopen", note="居民不满意")
    case = act("dispatcher", case, "dispatch", department=housing)
    case = act("community_worker", case, "handle", note="再次处理")
    case = act("community_worker", case, "verify")
    case = act("dispatcher", case, "close")
    act("community_worker", case, "evaluate", satisfaction="basically_satisfied")

    act("grid_worker", report().case, "self_resolve", note="已劝离")
    act("dispatcher", report(lon=0.75).case, "reject", note="不属于受理范围")
    case = act("grid_worker", report().case, "escalate", note="网格无法处置")
    case = act("dispatcher", case, "dispatch", department=unit)
    case = act("handler", case, "return", note="非本单位职责")
    case = act("dispatcher", case, "dispatch", department=housing)
    report(lon=3.0, lat=1.0)  # 锦江区, left open
    return clock


def test_a_rebuild_gives_the_live_counts(history):
    live = _rows()
    assert len({row[0] for row in live}) >= 3  # several days
    assert len({row[4] for row in live}) == 3  # no unit, and two units
    totals = {name: sum(row[5 + i] for row in live) for i, name in enumerate(COUNTERS)}
    assert totals["responded_on_time"] < totals["responded"] and totals["handled_on_time"] < totals["handled"]
    assert totals["closed"] == 5 and totals["rated"] == 3

    rollups.rebuild()
    assert _rows() == live


def test_the_live_community_rollup_is_the_fine_one_summed_and_a_rebuild_gives_it_again(history):
    live = _community_rows()
    assert live == _summed(_rows())
    assert len({row[1] for row in live}) == 2 and all(len(row[1]) == COMMUNITY for row in live)  # C1 and 锦江's
    reports = CaseEvent.objects.filter(action="report").values_list("case__area_id", flat=True)
    assert {c: sum(r[2] for r in live if r[1] == c) for c in {r[1] for r in live}} == \
        {c: sum(1 for a in reports if a[:COMMUNITY] == c) for c in {r[1] for r in live}}
    CommunityStat.objects.unscoped().update(reported=0)
    CommunityStat.objects.unscoped().filter(day=live[0][0]).delete()
    rollups.rebuild()
    assert _community_rows() == live


def test_a_rebuild_of_some_days_keeps_the_others(history):
    live = _rows()
    days = sorted({row[0] for row in live})
    CaseStat.objects.unscoped().filter(day=days[1]).update(reported=99)
    CaseStat.objects.unscoped().filter(day=days[0]).update(reported=77)
    rollups.rebuild(days[1], days[-1])
    rebuilt = _rows()
    assert [r for r in rebuilt if r[0] != days[0]] == [r for r in live if r[0] != days[0]]
    assert {r[5] for r in rebuilt if r[0] == days[0]} == {77}
    # The community rows of the rebuilt days are summed again; those of the day left alone stay.
    communities = _community_rows()
    assert [r for r in communities if r[0] != days[0]] == [r for r in _summed(rebuilt) if r[0] != days[0]]
    assert [r for r in communities if r[0] == days[0]] == [r for r in _summed(live) if r[0] == days[0]]


def test_the_command_rebuilds_a_range(history, capsys):
    live = _rows()
    CaseStat.objects.unscoped().all().delete()
    first, last = live[0][0], live[-1][0]
    call_command("cases", "rebuild-rollups", "--start", first.isoformat(), "--end", last.isoformat())
    assert _rows() == live
    assert f"{len(live)} rollup rows" in capsys.readouterr().out
