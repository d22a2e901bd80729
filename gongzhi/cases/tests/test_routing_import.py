"""A dispatcher imports their area's routing table through the register's import (an import kind
the cases app registers): every row checked, the valid rules kept and used, bad cells explained."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from gongzhi.accounts import services as accounts
from gongzhi.accounts.roles import Role
from gongzhi.audit.models import AuditEntry
from gongzhi.cases import categories, routing
from gongzhi.cases.models import Category, RoutingRule
from gongzhi.conftest import C1, G1, JINJIANG, PASSWORD, S1, S2, SYSTEM, sign_in
from gongzhi.registry import imports, sheets
from gongzhi.registry.models import ImportJob

HEADER = ["分类代码", "区域代码", "承办部门"]
CITY_MANAGEMENT = "浆洗街城管执法中队"  # the departments fixture's, in S1
HOUSING = "武侯区住建局"  # the district's: outside an S1 dispatcher's scope


def csv_bytes(rows) -> bytes:
    return "\n".join(",".join(str(c) for c in row) for row in rows).encode("utf-8")


@pytest.fixture
def upload(cast, django_capture_on_commit_callbacks):
    categories.load_defaults()

    def run(rows, who="dispatcher"):
        actor = who if not isinstance(who, str) else getattr(cast, who)
        with django_capture_on_commit_callbacks(execute=True):
            job = imports.start(actor=actor, kind="routing_rules", file_name="routing.csv", data=csv_bytes(rows))
        return ImportJob.objects.get(pk=job.pk)

    return run


def errors_by_row(job) -> dict:
    """{row number: {column title: the cell's note}} from the job's error workbook."""
    sheet = load_workbook(io.BytesIO(imports.error_workbook(job))).active
    header = [c.value for c in sheet[1]]
    return {row[0].value: {header[i]: cell.comment.text for i, cell in enumerate(row) if cell.comment}
            for row in sheet.iter_rows(min_row=2)}


def test_the_imported_rules_route_cases(departments, upload):
    job = upload([HEADER, ["street_vending", S1, CITY_MANAGEMENT], ["sanitation", C1, CITY_MANAGEMENT]])
    assert (job.status, job.total, job.created, job.failed) == ("done", 2, 2, 0)
    street_vending = Category.objects.get(code="street_vending")
    assert routing.suggest(street_vending, G1) == departments["s1_city_management"]
    assert routing.suggest(Category.objects.get(code="garbage_pileup"), G1) == departments["s1_city_management"]
    entry = AuditEntry.objects.get(action="cases.routingrule.imported")
    assert entry.actor_name == "dispatcher" and entry.changes["created"] == 2


def test_each_bad_cell_is_explained_and_the_good_rows_still_import(departments, upload):
    job = upload([HEADER,
                  ["street_vending", S1, CITY_MANAGEMENT],
                  ["no_such_category", S1, CITY_MANAGEMENT],  # unknown category
                  ["noise", "510107999000", CITY_MANAGEMENT],  # no such place
                  ["noise", S2, CITY_MANAGEMENT],  # 望江路街道: another subdistrict
                  ["noise", JINJIANG, CITY_MANAGEMENT],  # another district
                  ["noise", S1, "不存在的部门"],
                  ["noise", S1, HOUSING],  # the district's department: not the S1 dispatcher's
                  ["street_vending", S1, CITY_MANAGEMENT],  # repeats row 2
                  ["", "", ""]])  # an empty line is no row
    assert (job.status, job.total, job.created, job.failed) == ("done", 8, 1, 7)
    bad = errors_by_row(job)
    assert set(bad) == {3, 4, 5, 6, 7, 8, 9}
    assert "不存在" in bad[3]["分类代码"]
    for row in (4, 5, 6):
        assert "不存在或不在您的管辖范围" in bad[row]["区域代码"]
    assert "不在您的管辖范围" in bad[7]["承办部门"] and "不在您的管辖范围" in bad[8]["承办部门"]
    assert "与第2行重复" in bad[9]["区域代码"]
    assert RoutingRule.objects.count() == 1


def test_importing_again_changes_nothing_and_a_new_department_updates_the_rule(world, departments, upload):
    rows = [HEADER, ["street_vending", S1, HOUSING]]
    job = upload(rows, who="city_dispatcher")  # the city's dispatcher holds the district's department
    assert job.created == 1
    again = upload(rows, who="city_dispatcher")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    rule = RoutingRule.objects.get()
    rule.is_active = False
    rule.save()
    changed = upload([HEADER, ["street_vending", S1, CITY_MANAGEMENT]])
    assert (changed.created, changed.updated) == (0, 1)
    rule.refresh_from_db()
    assert rule.department == departments["s1_city_management"] and rule.is_active
    entry = AuditEntry.objects.filter(action="cases.routingrule.imported").latest("pk")
    assert entry.changes["rules"] == [["street_vending", S1, HOUSING, CITY_MANAGEMENT]]


def test_only_those_who_keep_routing_may_import_it(departments, upload):
    for who in ("grid_worker", "community_worker", "leader", "handler", "system_admin"):
        with pytest.raises(PermissionDenied):
            upload([HEADER, ["street_vending", S1, CITY_MANAGEMENT]], who=who)
    assert not ImportJob.objects.exists()


def test_the_rows_lie_in_the_dispatchers_grants_not_in_another_roles(world, departments, upload):
    """A dispatcher of S1 who is also a grid worker in 锦江 routes nothing there."""
    both = accounts.create_staff(actor=SYSTEM, username="both", password=PASSWORD, full_name="both", must_change=False)
    accounts.assign_role(actor=SYSTEM, user=both, role=Role.DISPATCHER, area=world[S1])
    accounts.assign_role(actor=SYSTEM, user=both, role=Role.GRID_WORKER, area=world["510104001001001"])
    job = upload([HEADER, ["noise", "510104001001001", CITY_MANAGEMENT], ["noise", S1, CITY_MANAGEMENT]], who=both)
    assert (job.created, job.failed) == (1, 1)
    assert "不在您的管辖范围" in errors_by_row(job)[2]["区域代码"]


def test_a_name_several_departments_share_is_read_as_the_nearest_above_the_place(world, departments, upload):
    from gongzhi.orgs.models import Department

    district = Department.objects.create(kind="city_management", name=CITY_MANAGEMENT, area_id="510107000000")
    job = upload([HEADER, ["noise", S1, CITY_MANAGEMENT], ["noise", "510107000000", CITY_MANAGEMENT],
                  ["noise", "510104000000", CITY_MANAGEMENT]], who="city_dispatcher")
    assert (job.created, job.failed) == (2, 1)
    assert RoutingRule.objects.get(area_id=S1).department == departments["s1_city_management"]
    assert RoutingRule.objects.get(area_id="510107000000").department == district
    assert "2个" in errors_by_row(job)[4]["承办部门"]  # 锦江 lies under neither: which one is unknown


def test_the_template_has_the_kinds_columns(world):
    headers = [c.value for c in load_workbook(io.BytesIO(sheets.template("routing_rules"))).active[1]]
    assert headers == ["分类代码*", "区域代码*", "承办部门*"]


def test_a_dispatcher_imports_from_the_page_and_sees_only_their_kinds(client, cast, departments,
                                                                      django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    categories.load_defaults()
    sign_in(client, cast.dispatcher)
    assert 'href="/w/registry/imports/"' in client.get("/w/").content.decode()  # the top bar's 导入
    page = client.get("/w/registry/imports/").content.decode()
    assert 'value="routing_rules"' in page and 'value="people"' not in page
    assert client.get("/w/registry/templates/routing_rules.xlsx").status_code == 200
    assert client.get("/w/registry/templates/people.xlsx").status_code == 403  # the register's: not theirs
    assert client.get("/w/registry/templates/spaceships.xlsx").status_code == 404
    file = SimpleUploadedFile("routing.csv", csv_bytes([HEADER, ["noise", S1, CITY_MANAGEMENT],
                                                        ["noise", S1, "不存在的部门"]]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/w/registry/imports/", {"kind": "routing_rules", "file": file})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/imports/{job.pk}/")
    shown = client.get(f"/w/registry/imports/{job.pk}/").content.decode()
    assert "派遣规则" in shown and f"/imports/{job.pk}/errors.xlsx" in shown
    assert client.get(f"/w/registry/imports/{job.pk}/errors.xlsx").status_code == 200
    refused = client.post("/w/registry/imports/", {"kind": "people", "file": SimpleUploadedFile("p.csv", b"x")})
    assert refused.status_code == 200 and ImportJob.objects.count() == 1  # not a choice the form offers
