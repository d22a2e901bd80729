"""A resident in a real browser: puts a pin on the map, adds a photo, reports, follows the case
and rates it; whatever staff wrote on the way is shown as text, never run."""

import pytest

from gongzhi.cases import categories, workflow
from gongzhi.cases.models import Case, CasePhoto
from gongzhi.cases.tests.test_photos import jpeg_with_gps
from gongzhi.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

XSS = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>'


@pytest.mark.parametrize("width", [1280, 360])
def test_a_resident_reports_with_a_pin_then_tracks_and_rates(browse, cast, departments, settings, width):
    settings.GONGZHI_PORTAL_AREA = "510107000000"
    categories.load_defaults()
    page = browse(width=width, height=900)
    page.goto("/report/")
    page.get_by_label("问题类型").select_option("garbage_pileup")
    page.get_by_label("问题描述").fill("垃圾堆放 " + XSS)
    page.wait_for_selector("#pin-map path.leaflet-interactive")  # the outlines arrived
    page.locator("#pin-map path.leaflet-interactive").first.click()
    assert page.input_value("#id_lon") and page.input_value("#id_lat")
    page.get_by_label("照片（可不填）").set_input_files(
        files=[{"name": "street.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}])
    screenshot(page, f"portal-report-{width}")
    page.get_by_role("button", name="提交").click()
    number = page.locator("#case-number").inner_text()
    code = page.locator("#tracking-code").inner_text()
    screenshot(page, f"portal-receipt-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    case = Case.objects.unscoped().get(number=number)
    assert CasePhoto.objects.filter(case=case, uploaded_by=None).count() == 1
    for who, action, extra in [("dispatcher", "accept", {}),
                               ("dispatcher", "dispatch", {"department": departments["s1_city_management"]}),
                               ("handler", "handle", {"note": "已清运 " + XSS}), ("community_worker", "verify", {}),
                               ("dispatcher", "close", {})]:
        case = workflow.act(actor=getattr(cast, who), case=case, action=action, **extra)

    page.goto("/track/")
    page.get_by_label("事件编号").fill(number)
    page.get_by_label("查询码或反映时留的手机号").fill(code)
    page.get_by_role("button", name="查询").click()
    assert "已清运" in page.locator("ol.timeline").inner_text()
    assert "<script>" in page.locator("ol.timeline").inner_text()  # shown as text
    page.get_by_label("满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_selector("text=感谢您的评价")
    screenshot(page, f"portal-rated-{width}")
    assert page.title() != "pwned" and page.console_errors == []
    assert Case.objects.unscoped().get(pk=case.pk).satisfaction == "satisfied"
