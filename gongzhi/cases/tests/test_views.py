"""The cases in the workbench: my inbox with its lights and counts, the case page with the
actions my role may take as forms, refusals said in words, other grids out of sight."""

import pytest

from gongzhi.cases import categories, intake, reporters
from gongzhi.cases.models import Case, Category


@pytest.fixture
def reported(cast, world):
    categories.load_defaults()
    return intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=Category.objects.get(
        code="garbage_pileup"), description="门口垃圾 <b>堆放</b>", lon=0.25, lat=0.5).case


def test_the_dispatcher_sees_the_case_waiting_with_its_light_and_count(login, reported):
    page = login("dispatcher").get("/w/cases/").content.decode()
    assert reported.number in page and "light-green" in page
    assert "已上报" in page and '<span class="count">1</span>' in page
    filtered = login("dispatcher").get("/w/cases/?light=red").content.decode()
    assert reported.number not in filtered and "没有等待您处理的事件" in filtered


def test_the_loop_through_the_case_page(login, reported, departments):
    url = f"/w/cases/{reported.number}/"
    page = login("dispatcher").get(url).content.decode()
    assert "受理" in page and "门口垃圾 &lt;b&gt;堆放&lt;/b&gt;" in page  # escaped
    client = login("dispatcher")
    assert client.post(url + "act/", {"action": "accept"}).status_code == 302
    page = client.get(url).content.decode()
    assert "已受理" in page and "派遣" in page
    client.post(url + "act/", {"action": "dispatch", "department": departments["s1_city_management"].pk})
    client = login("handler")
    refused = client.post(url + "act/", {"action": "handle", "note": ""}, follow=True).content.decode()
    assert "请填写说明" in refused
    client.post(url + "act/", {"action": "handle", "note": "已清运"})
    assert Case.objects.unscoped().get(pk=reported.pk).state == "handled"


def test_an_action_the_role_may_not_take_is_refused(login, reported):
    assert login("grid_worker").post(f"/w/cases/{reported.number}/act/", {"action": "accept"}).status_code == 403


def test_another_grid_does_not_see_the_case(login, reported):
    assert login("other_grid_worker").get(f"/w/cases/{reported.number}/").status_code == 404
    assert reported.number not in login("other_grid_worker").get("/w/cases/").content.decode()


def test_roles_without_cases_are_refused(login, reported):
    assert login("system_admin").get("/w/cases/").status_code == 403
