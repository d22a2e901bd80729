"""Imports are bounded (issue 15, items 13 and 14): a zip bomb, a file of too many rows and a
file of too many bad rows cost no more than the limits allow, and control characters neither
crash the error workbook nor, as a NUL, roll back the clean rows of their chunk."""

import io
import zipfile

import pytest
from openpyxl import load_workbook

from gongzhi.registry import importers, imports, sheets
from gongzhi.registry.models import Person

from . import test_imports
from .factories import id_number
from .test_imports import H1_CODE_TEXT, PEOPLE_HEADER, csv_bytes, good_people, xlsx_bytes

upload = test_imports.upload  # the fixture, shared


def bad_people(n, start=1):
    """Rows refused for their ID number's check digit."""
    return [[f"坏{i}", "510107199001011234", "户籍人口", H1_CODE_TEXT, "", "", "", ""] for i in range(start, start + n)]


def with_part(xlsx: bytes, name: str, content: bytes) -> bytes:
    """The workbook with one more part in its zip (a bomb: `content` compresses to almost nothing)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr(name, content)
    return out.getvalue()


def test_an_xlsx_inflating_beyond_the_limit_is_refused_before_it_is_read(register, upload, settings):
    settings.GONGZHI_IMPORT_MAX_INFLATED_BYTES = 2 * 1024 * 1024
    bomb = with_part(xlsx_bytes([PEOPLE_HEADER, *good_people(2)]), "xl/media/pad.bin", b"\0" * (3 * 1024 * 1024))
    assert len(bomb) < 50_000
    job = upload("people", "people.xlsx", bomb)
    assert job.status == "failed" and "解压后达3 MB，超过上限2 MB" in job.message and "拆分" in job.message
    assert not Person.objects.unscoped().filter(name__startswith="居民").exists()


def test_an_xlsx_compressed_beyond_any_real_sheet_is_refused(register, upload, settings):
    bomb = with_part(xlsx_bytes([PEOPLE_HEADER, *good_people(2)]), "xl/media/pad.bin", b"\0" * (4 * 1024 * 1024))
    job = upload("people", "people.xlsx", bomb)  # 4 MB is within 500 MB, but at about 1000:1
    assert job.status == "failed" and "xl/media/pad.bin" in job.message and "压缩比超过100倍" in job.message
    assert not Person.objects.unscoped().filter(name__startswith="居民").exists()


def test_a_part_holding_more_than_it_declares_is_refused(settings):
    data = bytearray(with_part(xlsx_bytes([PEOPLE_HEADER]), "xl/pad.bin", b"x" * 200_000))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/pad.bin")
    # Declare 1,000 bytes for the part (local header and central directory alike).
    real = info.file_size.to_bytes(4, "little")
    assert bytes(data).count(real) >= 2
    lying = bytes(data).replace(real, (1000).to_bytes(4, "little"))
    with pytest.raises(sheets.SheetError, match="无法读取Excel文件"):
        list(sheets.read_rows("x.xlsx", lying))


@pytest.mark.parametrize("name, encode", [("people.csv", csv_bytes), ("people.xlsx", xlsx_bytes)])
def test_a_file_of_more_rows_than_the_limit_is_refused_whole_saying_how_to_split_it(register, upload, settings,
                                                                                    name, encode):
    settings.GONGZHI_IMPORT_MAX_ROWS = 3
    job = upload("people", name, encode([PEOPLE_HEADER, *good_people(4)]))
    assert job.status == "failed" and "超过3行数据" in job.message and "拆分为多个不超过3行的文件" in job.message
    assert not Person.objects.unscoped().filter(name__startswith="居民").exists()
    job = upload("people", name, encode([PEOPLE_HEADER, *good_people(3)]))
    assert (job.status, job.created) == ("done", 3)


def test_the_error_workbook_lists_the_first_refused_rows_and_says_how_many_there_were(register, upload, settings):
    settings.GONGZHI_IMPORT_MAX_ERRORS = 3
    rows = [PEOPLE_HEADER, *bad_people(4), *good_people(2), *bad_people(4, start=5)]
    job = upload("people", "people.csv", csv_bytes(rows))
    assert (job.status, job.created, job.failed, job.total) == ("done", 2, 8, 10)  # the counts stay exact
    sheet = load_workbook(io.BytesIO(imports.error_workbook(job))).active
    assert sheet["A1"].value == "原行号"
    assert sheet["A2"].value == "共8行未导入，此处只列出行号最小的3行；请先改正这些行并重新导入，再处理其余的行"
    assert [r[0].value for r in sheet.iter_rows(min_row=3)] == [2, 3, 4]


def test_refused_rows_kept_stay_bounded_while_counting_all():
    from django.conf import settings

    outcome = importers.Outcome()
    for number in range(3 * settings.GONGZHI_IMPORT_MAX_ERRORS, 0, -1):
        outcome.refuse([(number, [], {"name": "x"})])
        assert len(outcome.bad) <= 2 * settings.GONGZHI_IMPORT_MAX_ERRORS
    importers.finish(outcome)
    assert outcome.failed == 3 * settings.GONGZHI_IMPORT_MAX_ERRORS
    assert [n for n, _r, _p in outcome.bad] == list(range(1, settings.GONGZHI_IMPORT_MAX_ERRORS + 1))


def test_control_characters_in_refused_rows_still_make_the_error_workbook(register, upload):
    rows = [PEOPLE_HEADER, ["竖\x0b表", "510107199001011234", "户籍人口", H1_CODE_TEXT, "", "", "", ""],
            ["空\x00字符", id_number(serial="801"), "户籍人口", H1_CODE_TEXT, "", "", "", "\x1b"]]
    job = upload("people", "people.csv", csv_bytes(rows))
    assert (job.status, job.failed) == ("done", 2) and job.error_file
    sheet = load_workbook(io.BytesIO(imports.error_workbook(job))).active
    by_row = {r[0].value: [c.value for c in r] for r in sheet.iter_rows(min_row=2)}
    assert by_row[2][1] == "竖␋表" and by_row[3][1] == "空␀字符" and by_row[3][8] == "␛"
    assert "姓名：含有空字符（NUL）" in by_row[3][-1]


def test_a_nul_refuses_its_row_alone_and_the_clean_rows_of_its_chunk_commit(register, upload, settings):
    settings.GONGZHI_IMPORT_CHUNK = 100  # every row below in one chunk
    rows = [PEOPLE_HEADER, *good_people(2), ["居民\x00零", id_number(serial="802"), "户籍人口", H1_CODE_TEXT, "", "", "", ""],
            ["居民\x0b叁", id_number(serial="803"), "户籍人口", H1_CODE_TEXT, "", "", "", ""]]
    job = upload("people", "people.csv", csv_bytes(rows))
    assert (job.status, job.created, job.failed) == ("done", 3, 1)
    assert sorted(Person.objects.unscoped().filter(name__startswith="居民").values_list("name", flat=True)) == [
        "居民1", "居民2", "居民叁"]  # the vertical tab is removed, the NUL's row refused
    sheet = load_workbook(io.BytesIO(imports.error_workbook(job))).active
    assert sheet.cell(row=2, column=1).value == 4 and "含有空字符" in sheet.cell(row=2, column=2).comment.text
