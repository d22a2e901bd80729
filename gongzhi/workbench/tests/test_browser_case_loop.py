"""The whole loop in a real browser, each person on their own screen: a resident reports on the
portal, the dispatcher accepts and dispatches to the suggested unit, the handler handles, the
grid worker (with their second factor) verifies, the dispatcher closes, the resident rates."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongzhi.cases import categories, routing
from gongzhi.cases.models import Case
from gongzhi.conftest import screenshot, sign_in_page

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _act(page, number: str, label: str, note: str = "") -> None:
    page.goto(f"/w/cases/{number}/")
    form = page.locator("form.action", has=page.get_by_role("button", name=label, exact=True))
    if note:
        form.locator("textarea").fill(note)
    form.get_by_role("button", name=label, exact=True).click()
    page.wait_for_selector(".messages")


def test_the_loop_from_the_portal_through_the_workbench_and_back(browse, cast, departments, settings):
    settings.GONGZHI_PORTAL_AREA = "510107000000"
    categories.load_defaults()
    routing.default_rules(["510107001000"])
    resident = browse(width=360)
    resident.goto("/report/")
    resident.get_by_label("问题类型").select_option("garbage_pileup")
    resident.get_by_label("问题描述").fill("垃圾堆放三天了")
    resident.wait_for_selector("#pin-map path.leaflet-interactive")
    resident.locator("#pin-map path.leaflet-interactive").first.click()
    resident.get_by_role("button", name="提交").click()
    number = resident.locator("#case-number").inner_text()
    code = resident.locator("#tracking-code").inner_text()

    dispatcher = browse()
    sign_in_page(dispatcher, "dispatcher")
    dispatcher.goto("/w/cases/")
    assert number in dispatcher.content()
    screenshot(dispatcher, "inbox-dispatcher")
    _act(dispatcher, number, "受理")
    dispatcher.goto(f"/w/cases/{number}/")
    assert "建议" in dispatcher.locator("select[name=department]").inner_text()  # the routed unit
    screenshot(dispatcher, "case-dispatch")
    _act(dispatcher, number, "派遣")

    handler = browse()
    sign_in_page(handler, "handler")
    _act(handler, number, "处置", note="已清运")

    device = TOTPDevice.objects.create(user=cast.community_worker, name="phone", confirmed=True)
    worker = browse(width=360)
    sign_in_page(worker, "community_worker", device)
    _act(worker, number, "核查")
    screenshot(worker, "case-verified-360")
    assert worker.evaluate("document.documentElement.scrollWidth") <= 360

    _act(dispatcher, number, "结案")

    resident.goto("/track/")
    resident.get_by_label("事件编号").fill(number)
    resident.get_by_label("查询码或反映时留的手机号").fill(code)
    resident.get_by_role("button", name="查询").click()
    resident.get_by_label("满意", exact=True).check()
    resident.get_by_role("button", name="提交评价").click()
    resident.wait_for_selector("text=感谢您的评价")
    case = Case.objects.unscoped().get(number=number)
    assert case.state == "evaluated" and case.satisfaction == "satisfied"
    assert case.department is not None  # dispatched to the suggested unit
    for page in (resident, dispatcher, handler, worker):
        assert page.console_errors == []


def test_a_grid_worker_does_not_see_another_grids_case(browse, cast, settings, world):
    from gongzhi.cases import intake, reporters
    from gongzhi.cases.models import Category
    from gongzhi.common.actors import ResidentActor
    from gongzhi.conftest import CITY

    categories.load_defaults()
    elsewhere = intake.report(source=reporters.portal(ResidentActor("反映人"), world[CITY]),
                              category=Category.objects.get(code="noise"),
                              description="噪音", lon=0.75, lat=0.5).case  # G2, not the grid worker's G1
    device = TOTPDevice.objects.create(user=cast.grid_worker, name="phone", confirmed=True)
    page = browse(width=360)
    sign_in_page(page, "grid_worker", device)
    page.goto("/w/cases/")
    assert elsewhere.number not in page.content()
    response = page.goto(f"/w/cases/{elsewhere.number}/")
    assert response.status == 404
