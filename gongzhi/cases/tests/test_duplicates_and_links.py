"""Possible duplicates shown and merged by hand; register records linked within scope."""

import pytest
from django.http import Http404

from gongzhi.cases import duplicates, intake, links, rates, reporters, workflow
from gongzhi.cases.models import Case, Category


def report(cast, category, lon, lat):
    return intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=category, description="垃圾",
                         lon=lon, lat=lat).case


def test_nearby_open_cases_of_the_same_category_are_candidates(cast, garbage):
    first = report(cast, garbage, 0.2500, 0.5000)
    near = report(cast, garbage, 0.2505, 0.5004)  # ~70 m away
    report(cast, garbage, 0.4, 0.5)  # ~17 km away
    other_kind = report(cast, Category.objects.get(code="noise"), 0.2501, 0.5)
    assert duplicates.candidates(cast.dispatcher, near) == [first]
    [(found, metres)] = duplicates.nearby(cast.dispatcher, near)
    assert found == first and 60 < metres < 80
    assert duplicates.candidates(cast.dispatcher, other_kind) == []


def test_merging_closes_the_later_case_into_the_earlier(cast, garbage):
    first = report(cast, garbage, 0.25, 0.5)
    second = report(cast, garbage, 0.2501, 0.5)
    merged = workflow.act(actor=cast.dispatcher, case=second, action="merge", into=first)
    assert merged.state == "merged" and merged.duplicate_of == first and merged.closed_at
    with pytest.raises(workflow.WorkflowError):
        workflow.act(actor=cast.dispatcher, case=report(cast, garbage, 0.25, 0.5), action="merge", into=merged)
    from django.utils import timezone

    [row] = rates.rates(cast.dispatcher, start=timezone.localdate(), end=timezone.localdate())
    assert row["closed"] == 1


def test_register_records_are_linked_within_scope(cast, garbage, register):
    case = report(cast, garbage, 0.25, 0.5)
    links.link(actor=cast.grid_worker, case=case, person=register.zhang, house=register.h1)
    case = Case.objects.unscoped().get(pk=case.pk)
    assert list(case.people.unscoped()) == [register.zhang] and list(register.zhang.cases.unscoped()) == [case]
    with pytest.raises(Http404):  # 王五 lives in another grid
        links.link(actor=cast.grid_worker, case=case, person=register.wang)
