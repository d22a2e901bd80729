"""A person's copy of their own information (registry/rights.py) holds the cases they are
linked to: cases add that sheet themselves, through the register's hook, so the register
never reads cases."""

import io

from openpyxl import load_workbook

from gongzhi.cases import intake, links, reporters
from gongzhi.registry import rights

REGISTER_SHEETS = ["基本信息", "居住记录", "人口变动", "联系电话"]


def _sheets(content: bytes) -> dict[str, list[list]]:
    book = load_workbook(io.BytesIO(content))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def _case(actor, garbage, description: str, lon: float, lat: float):
    return intake.report(source=reporters.staff(actor, "grid_patrol"), category=garbage, description=description,
                         lon=lon, lat=lat).case


def test_the_copy_lists_every_case_the_person_is_linked_to_last(cast, garbage, register):
    first = _case(cast.grid_worker, garbage, "楼道堆放杂物", 0.25, 0.5)
    second = _case(cast.grid_worker, garbage, "垃圾桶满溢", 0.26, 0.5)
    # Linked in another district by the city's desk: outside the grid worker's scope, still the
    # person's own information, so their copy holds it.
    elsewhere = _case(cast.city_dispatcher, garbage, "春熙路垃圾", 3.0, 1.0)
    someone_else = _case(cast.grid_worker, garbage, "李四的事件", 0.27, 0.5)
    links.link(actor=cast.grid_worker, case=first, person=register.zhang)
    links.link(actor=cast.grid_worker, case=second, person=register.zhang)
    links.link(actor=cast.city_dispatcher, case=elsewhere, person=register.zhang)
    links.link(actor=cast.grid_worker, case=someone_else, person=register.li)

    copy = rights.subject_copy(user=cast.grid_worker, person=register.zhang, reason="本人书面申请")

    sheets = _sheets(copy)
    assert list(sheets) == [*REGISTER_SHEETS, "关联事件"]
    stamp, header, *rows = sheets["关联事件"]
    assert "grid_worker" in stamp[0]
    assert header == ["编号", "上报时间", "状态", "描述"]
    assert [(row[0], row[2], row[3]) for row in rows] == [
        (first.number, "已上报", "楼道堆放杂物"), (second.number, "已上报", "垃圾桶满溢"),
        (elsewhere.number, "已上报", "春熙路垃圾")]


def test_a_person_without_cases_gets_an_empty_cases_sheet(cast, garbage, register):
    sheets = _sheets(rights.subject_copy(user=cast.grid_worker, person=register.li, reason="本人书面申请"))
    assert list(sheets) == [*REGISTER_SHEETS, "关联事件"]
    assert len(sheets["关联事件"]) == 2  # the stamp and the header
