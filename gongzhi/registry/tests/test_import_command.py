"""`gongzhi registry import KIND FILE --as USERNAME`: the import page's job, run from the shell
with the same checks, its counts printed and the error workbook written where it says."""

import io
import stat

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from gongzhi.registry.models import ImportJob, Person

from .factories import id_number
from .test_imports import H1_CODE_TEXT, PEOPLE_HEADER, csv_bytes, good_people


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


def run(*args) -> str:
    out = io.StringIO()
    call_command("registry", "import", *map(str, args), stdout=out)
    return out.getvalue()


def test_a_clean_file_imports_and_says_what_it_did(register, cast, tmp_path, var_dir):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes([PEOPLE_HEADER, *good_people(3)]))
    said = run("people", path, "--as", "community_worker")
    assert "3 rows, 3 created, 0 updated, 0 unchanged, 0 refused" in said
    assert "3 rows checked" in said  # progress, chunk by chunk
    assert "refused rows" not in said and not (var_dir / "imports").exists()
    assert Person.objects.unscoped().filter(name__startswith="居民").count() == 3
    job = ImportJob.objects.get()
    assert (job.status, job.created_by.username) == ("done", "community_worker") and not job.source


def test_refused_rows_are_written_to_an_error_workbook_whose_path_is_printed(register, cast, tmp_path, var_dir):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes([PEOPLE_HEADER, *good_people(1),
                                ["外区", id_number(serial="791"), "户籍人口", "锦里路6号2栋1单元502", "", "", "", ""],
                                ["坏号码", "510107199001011234", "外星人", H1_CODE_TEXT, "", "", "", ""]]))
    said = run("people", path, "--as", "grid_worker")  # G1's grid worker: 锦里路 is in C2
    assert "3 rows, 1 created, 0 updated, 0 unchanged, 2 refused" in said
    written = var_dir / "imports" / f"errors-{ImportJob.objects.get().pk}.xlsx"
    assert f"refused rows, each bad cell marked with its reason: {written}" in said
    assert stat.S_IMODE(written.stat().st_mode) == 0o600  # residents' data in clear: its owner's alone
    sheet = load_workbook(written).active
    header = [c.value for c in sheet[1]]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    assert set(rows) == {3, 4}
    assert rows[3][header.index("现住地址")].comment is not None
    assert "校验位" in rows[4][header.index("身份证号")].comment.text
    assert "不是有效选项" in rows[4][header.index("人口类型")].comment.text


def test_the_error_workbook_goes_where_errors_says(register, cast, tmp_path, var_dir):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes([PEOPLE_HEADER, ["", id_number(serial="777"), "户籍人口", H1_CODE_TEXT, "", "", "", ""]]))
    target = tmp_path / "out" / "refused.xlsx"
    said = run("people", path, "--as", "community_worker", "--errors", target)
    assert str(target) in said and target.exists()
    assert "必填" in load_workbook(target).active.cell(row=2, column=2).comment.text


def test_an_unknown_or_inactive_account_is_refused(register, cast, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes([PEOPLE_HEADER, *good_people(1)]))
    with pytest.raises(CommandError, match="no active account nobody_here"):
        run("people", path, "--as", "nobody_here")
    gone = cast.community_worker
    gone.is_active = False
    gone.save()
    with pytest.raises(CommandError, match="no active account community_worker"):
        run("people", path, "--as", "community_worker")
    assert not ImportJob.objects.exists()


def test_an_account_without_the_kinds_permission_is_refused(register, cast, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes([PEOPLE_HEADER, *good_people(1)]))
    with pytest.raises(CommandError, match=r"您的角色不能导入.*dispatcher may not import people: needs registry\.import"):
        run("people", path, "--as", "dispatcher")  # reads the register, does not import into it
    assert not ImportJob.objects.exists() and not Person.objects.unscoped().filter(name="居民1").exists()


def test_an_unknown_kind_is_refused_naming_the_kinds(register, cast, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"a,b\n1,2\n")
    with pytest.raises(CommandError, match=r"未知的导入类型.*the kinds are: people, houses, entities, addresses, "
                                           "routing_rules"):
        run("spaceships", path, "--as", "community_worker")


def test_a_file_that_cannot_be_imported_is_refused(register, cast, tmp_path):
    missing = tmp_path / "people.csv"
    missing.write_bytes(csv_bytes([["姓名", "电话"], ["张", "1"]]))
    with pytest.raises(CommandError, match=r"缺少必填列.*refused: nothing imported"):
        run("people", missing, "--as", "community_worker")
    assert ImportJob.objects.get().status == "failed"
    pdf = tmp_path / "people.pdf"
    pdf.write_bytes(b"%PDF")
    with pytest.raises(CommandError, match="只支持"):
        run("people", pdf, "--as", "community_worker")
    with pytest.raises(CommandError, match="no such file"):
        run("people", tmp_path / "gone.csv", "--as", "community_worker")


def test_a_kind_another_app_registers_imports_from_the_shell_too(departments, cast, tmp_path):
    from gongzhi.cases import categories
    from gongzhi.cases.models import RoutingRule
    from gongzhi.conftest import S1

    categories.load_defaults()
    path = tmp_path / "routing.csv"
    path.write_bytes(csv_bytes([["分类代码", "区域代码", "承办部门"], ["noise", S1, "浆洗街城管执法中队"]]))
    said = run("routing_rules", path, "--as", "dispatcher")
    assert "1 rows, 1 created" in said and RoutingRule.objects.get().area_id == S1
