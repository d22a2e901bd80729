"""The admin is configuration for administrators: entered by role, scoped, every change audited."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.accounts import services as accounts
from gongzhi.accounts.models import RoleAssignment
from gongzhi.areas.models import Area
from gongzhi.audit.models import AuditEntry
from gongzhi.conftest import C1, CITY, G1, JINJIANG, PASSWORD, S1, SYSTEM, box, feature, sign_in
from gongzhi.orgs.models import Organization


@pytest.mark.parametrize(("who", "allowed"), [
    ("system_admin", True), ("security_admin", True), ("audit_admin", True), ("dispatcher", True),
    ("grid_worker", False), ("community_worker", False), ("handler", False), ("leader", False),
    ("org_staff", False), ("revoked", False), ("nobody", False),
])
def test_only_administrative_roles_enter_the_admin(client, cast, who, allowed):
    response = client.post("/admin/login/", {"username": who, "password": PASSWORD})
    assert (response.status_code == 302) is allowed
    sign_in(client, getattr(cast, who))
    assert (client.get("/admin/").status_code == 200) is allowed


def test_the_admin_speaks_chinese_by_default(client, cast):
    sign_in(client, cast.system_admin)
    assert "管理" in client.get("/admin/").content.decode()


def test_a_dispatchers_area_list_is_their_subdistrict(client, cast):
    sign_in(client, cast.dispatcher)
    page = client.get("/admin/areas/area/?level__exact=grid").content.decode()
    assert G1 in page and "510104001001001" not in page


def test_an_area_outside_scope_is_not_found_in_the_admin(client, cast):
    sign_in(client, cast.dispatcher)
    hidden = Area.objects.unscoped().get(code=JINJIANG)
    missing = client.get("/admin/areas/area/999999/change/", follow=True)
    out_of_scope = client.get(f"/admin/areas/area/{hidden.pk}/change/", follow=True)
    assert out_of_scope.redirect_chain == [("/admin/", 302)] == missing.redirect_chain


def test_an_administrator_opens_an_areas_change_page_with_its_parent_named(client, cast):
    # The parent's id box names the parent, read through the user's scope (it raised
    # ScopeNotApplied, a server error, for everyone who may change areas).
    sign_in(client, cast.system_admin)
    grid = Area.objects.unscoped().get(code=G1)
    page = client.get(f"/admin/areas/area/{grid.pk}/change/")
    assert page.status_code == 200 and f"洗面桥社区 ({C1})" in page.content.decode()


def test_creating_an_organisation_is_audited_with_its_values(client, cast):
    sign_in(client, cast.system_admin)
    area = Area.objects.unscoped().get(code=C1)
    response = client.post("/admin/orgs/organization/add/", {
        "kind": "workstation", "name": "洗面桥社区工作站", "area": area.code, "duties": "", "is_active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    org = Organization.objects.unscoped().get(name="洗面桥社区工作站")
    assert "政务" in org.duties  # the kind's default duties
    entry = AuditEntry.objects.filter(action="orgs.organization.created").latest("seq")
    assert entry.actor_id == cast.system_admin.pk and entry.changes["name"] == [None, "洗面桥社区工作站"]


def test_changing_an_area_is_audited_as_a_diff(client, cast):
    sign_in(client, cast.system_admin)
    grid = Area.objects.unscoped().get(code=G1)
    response = client.post(f"/admin/areas/area/{grid.pk}/change/", {
        "name": "洗面桥一网格", "short_name": "", "parent": C1, "grid_kind": "base",
        "geometry": json.dumps(grid.geometry)})
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="areas.area.changed").latest("seq")
    assert entry.changes == {"name": ["洗面桥第1网格", "洗面桥一网格"]}


def test_granting_a_role_in_the_admin_checks_the_rules(client, cast):
    sign_in(client, cast.system_admin)
    newcomer = cast.nobody
    bad = client.post("/admin/accounts/roleassignment/add/", {
        "user": newcomer.pk, "role": "grid_worker", "area": C1})
    assert bad.status_code == 200 and "网格员不能授权在" in bad.content.decode()
    sod = client.post("/admin/accounts/roleassignment/add/", {
        "user": newcomer.pk, "role": "audit_admin", "area": CITY})
    assert "无权授予" in sod.content.decode()
    ok = client.post("/admin/accounts/roleassignment/add/", {
        "user": newcomer.pk, "role": "grid_worker", "area": G1})
    assert ok.status_code == 302
    assert RoleAssignment.objects.unscoped().filter(user=newcomer, role="grid_worker", area_id=G1).exists()


def test_granting_an_organisations_staff_and_a_sensitive_group_in_the_admin(client, cast, social_orgs):
    from gongzhi.registry.models import Tag

    Tag.objects.update_or_create(code="drug", defaults={"name": "吸毒人员", "sensitive": True})
    sign_in(client, cast.system_admin)
    add = "/admin/accounts/roleassignment/add/"
    form = client.get(add).content.decode()
    assert "吸毒人员" in form and 'name="organization"' in form and "老年人" not in form  # sensitive ones only
    org = social_orgs["c1_social_org"]
    newcomer = cast.nobody
    wrong_holder = client.post(add, {"user": newcomer.pk, "role": "org_staff", "area": C1})
    errors = wrong_holder.context["adminform"].form.errors
    assert "组织工作人员的授权范围须是一个组织" in " ".join(errors["organization"])
    wrong_kind = client.post(add, {"user": newcomer.pk, "role": "org_staff", "organization": org.pk,
                                   "categories": ["drug"]})
    assert "只有查阅人口信息的角色才能授予敏感类别" in " ".join(wrong_kind.context["adminform"].form.errors["categories"])
    elsewhere = Organization.objects.create(kind="workstation", name="和平社区工作站", area_id="510104001001")
    wuhou_admin = accounts.create_staff(actor=SYSTEM, username="wuhou_admin", password=PASSWORD, must_change=False)
    accounts.assign_role(actor=SYSTEM, user=wuhou_admin, role="system_admin", area=Area.objects.unscoped().get(
        code="510107000000"))
    sign_in(client, wuhou_admin)
    outside = client.post(add, {"user": newcomer.pk, "role": "org_staff", "organization": elsewhere.pk})
    assert "不在您的管辖范围内" in " ".join(outside.context["adminform"].form.errors["organization"])
    sign_in(client, cast.system_admin)
    assert not RoleAssignment.objects.unscoped().filter(user=newcomer).exists()
    ok = client.post(add, {"user": newcomer.pk, "role": "org_staff", "organization": org.pk})
    assert ok.status_code == 302
    assert RoleAssignment.objects.unscoped().get(user=newcomer, role="org_staff").organization == org
    named = client.post(add, {"user": newcomer.pk, "role": "community_worker", "area": C1, "categories": ["drug"]})
    assert named.status_code == 302
    assert RoleAssignment.objects.unscoped().get(user=newcomer, role="community_worker").categories == ["drug"]


def test_importing_a_bad_file_in_the_admin_lists_problems_and_imports_nothing(client, cast):
    sign_in(client, cast.system_admin)
    doc = {"type": "FeatureCollection", "features": [
        feature("510107001001003", "新网格", "grid", C1, box(0.2, 0.2, 0.3, 0.3)),
        feature("5101070010010", "坏编码", "grid", C1, box(0, 0, 0.1, 0.1)),
    ]}
    upload = SimpleUploadedFile("grids.geojson", json.dumps(doc).encode(), "application/geo+json")
    page = client.post("/admin/areas/area/import/", {"file": upload}).content.decode()
    assert "第1个要素" in page and "第2个要素" in page and "未导入" in page
    assert not Area.objects.unscoped().filter(code="510107001001003").exists()


def test_a_grid_worker_cannot_reach_the_import_page(client, cast):
    sign_in(client, cast.grid_worker)
    assert client.get("/admin/areas/area/import/").status_code == 302  # to the admin login


def test_exporting_from_the_admin_gives_geojson_of_what_is_in_scope(client, cast):
    sign_in(client, cast.dispatcher)
    ids = list(Area.objects.unscoped().values_list("pk", flat=True))
    response = client.post("/admin/areas/area/", {"action": "export_geojson", "_selected_action": ids})
    codes = {f["properties"]["code"] for f in json.loads(response.content)["features"]}
    assert S1 in codes and JINJIANG not in codes


@pytest.mark.parametrize(("who", "status"), [
    ("audit_admin", 200), ("system_admin", 403), ("security_admin", 403), ("dispatcher", 403)])
def test_only_the_audit_administrator_reads_the_audit_log(client, cast, who, status):
    sign_in(client, getattr(cast, who))
    assert client.get("/admin/audit/auditentry/").status_code == status


def test_the_audit_log_cannot_be_edited_in_the_admin(client, cast):
    sign_in(client, cast.audit_admin)
    entry = AuditEntry.objects.order_by("seq").first()
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_coverage_page_lists_gaps_within_scope(client, cast):
    feature_doc = {"type": "FeatureCollection", "features": [
        feature("510104001001001", "和平第1网格", "grid", "510104001001", box(2, 0, 3, 2))]}
    from gongzhi.areas import importers

    features, _ = importers.read_geojson(json.dumps(feature_doc))
    assert importers.import_areas(features, actor=SYSTEM).ok
    sign_in(client, cast.city_dispatcher)
    page = client.get("/admin/areas/area/coverage/").content.decode()
    assert "和平社区居委会" in page and "平方米" in page and "全覆盖" in page
    sign_in(client, cast.dispatcher)
    assert "和平社区" not in client.get("/admin/areas/area/coverage/").content.decode()


def test_choosing_an_area_offers_only_areas_in_scope(client, cast):
    sign_in(client, cast.dispatcher)
    response = client.get("/admin/autocomplete/", {
        "app_label": "orgs", "model_name": "organization", "field_name": "area", "term": "5101"})
    codes = {row["id"] for row in response.json()["results"]}
    assert G1 in codes and S1 in codes and JINJIANG not in codes and CITY not in codes


def test_system_administrators_keep_the_tags_but_not_the_residents(client, cast):
    sign_in(client, cast.system_admin)
    assert client.get("/admin/registry/tag/").status_code == 200
    assert client.get("/admin/registry/person/").status_code == 404  # not in the admin at all


def test_a_password_set_in_the_admin_must_be_changed_by_its_owner(client, cast):
    # A reset by one administrator takes effect once a second approves it (issue 15, item 2).
    from gongzhi.accounts.models import CredentialReset

    sign_in(client, cast.system_admin)
    answer = client.post(f"/admin/accounts/user/{cast.leader.pk}/password/",
                         {"new_password1": "Temp#2026abc", "new_password2": "Temp#2026abc"})
    assert answer.status_code == 302
    assert not cast.leader.check_password("Temp#2026abc")
    reset = CredentialReset.objects.get(target=cast.leader)
    sign_in(client, cast.security_admin)
    client.post("/admin/accounts/credentialreset/", {"action": "approve", "_selected_action": [reset.pk]})
    leader = cast.leader
    assert leader.check_password("Temp#2026abc") and leader.must_change_password


def test_the_security_administrator_unlocks_and_resets_the_authenticator(client, cast):
    from axes.models import AccessAttempt
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gongzhi.accounts.models import CredentialReset
    from gongzhi.audit.models import AuditEntry

    AccessAttempt.objects.create(username="grid_worker", ip_address="10.0.0.1", failures_since_start=5,
                                 user_agent="", http_accept="", path_info="/accounts/login/")
    TOTPDevice.objects.create(user=cast.grid_worker, name="lost phone", confirmed=True)
    sign_in(client, cast.security_admin)
    for action in ("unlock", "reset_authenticator"):
        answer = client.post("/admin/accounts/user/", {"action": action, "_selected_action": [cast.grid_worker.pk]})
        assert answer.status_code == 302
    assert not AccessAttempt.objects.filter(username="grid_worker").exists()
    assert TOTPDevice.objects.filter(user=cast.grid_worker, name="lost phone").exists()  # until approved
    reset = CredentialReset.objects.get(target=cast.grid_worker, kind="second_factor")
    sign_in(client, cast.system_admin)
    client.post("/admin/accounts/credentialreset/", {"action": "approve", "_selected_action": [reset.pk]})
    assert not TOTPDevice.objects.filter(user=cast.grid_worker, name="lost phone").exists()
    assert AuditEntry.objects.filter(action="accounts.otp.reset", actor_id=cast.system_admin.pk).exists()
    sign_in(client, cast.security_admin)
    assert client.get("/admin/axes/accessattempt/").status_code == 200
