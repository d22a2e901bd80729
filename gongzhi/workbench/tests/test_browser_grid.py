"""The grid worker on a 360-px phone: my grid on the map with its open case, then a report from
the patch with the phone's position and a camera photo, landing on the new case."""


import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from gongzhi.cases import categories, intake, reporters
from gongzhi.cases.models import Case, CasePhoto
from gongzhi.conftest import G1, page_weight, screenshot, sign_in_page

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PHONE = {"width": 360, "height": 740, "geolocation": {"latitude": 0.5, "longitude": 0.25},
         "permissions": ["geolocation"], "is_mobile": True, "has_touch": True}
BUDGET = 300 * 1024  # bytes a page may weigh before photos (issue: "no page over 300 kB")


def test_my_grid_and_a_report_from_the_patch_on_a_phone(browse, cast, tmp_path):
    categories.load_defaults()
    waiting = intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), description="路灯不亮",
                            category=categories.active("garbage_pileup"), lon=0.3, lat=0.4).case
    device = TOTPDevice.objects.create(user=cast.grid_worker, name="phone", confirmed=True)
    page = browse(**PHONE)
    sign_in_page(page, "grid_worker", device)

    page.get_by_role("link", name="我的网格").first.click()
    page.wait_for_selector("#grid-map path.leaflet-interactive")  # the grid's outline and the case's dot
    assert page.locator("#grid-map path.leaflet-interactive").count() == 2
    page.locator("#grid-map path.leaflet-interactive").nth(1).click()  # the case's dot: its popup links it
    assert page.locator(".leaflet-popup-content a").inner_text().startswith(waiting.number)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page_weight(page) < BUDGET
    screenshot(page, "grid-360")

    page.get_by_role("link", name="上报事件").click()
    # The phone's position fills the place (a selector is polled by Playwright itself: a string
    # predicate would be evaluated in the page, which the CSP forbids).
    page.locator("#pin-status", has_text="已标出位置").wait_for()
    assert page.input_value("#id_lon") == "0.250000" and page.input_value("#id_lat") == "0.500000"
    photo = tmp_path / "scene.jpg"
    Image.new("RGB", (800, 600), "#7a5").save(photo, format="JPEG")
    page.get_by_label("事件类型").select_option("garbage_pileup")
    page.get_by_label("事件描述").fill("小区后门垃圾满溢")
    page.get_by_label("现场照片（可拍照，最多6张）").set_input_files(str(photo))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page_weight(page) < BUDGET
    screenshot(page, "grid-report-360")
    assert page.console_errors == []
    page.get_by_role("button", name="上报", exact=True).click()
    page.wait_for_url("**/w/cases/GZ*/")
    case = Case.objects.unscoped().get(description="小区后门垃圾满溢")
    assert page.url.endswith(f"/w/cases/{case.number}/")
    assert (case.area_id, case.channel, round(case.lon, 6), round(case.lat, 6)) == (G1, "grid_patrol", 0.25, 0.5)
    assert CasePhoto.objects.filter(case=case).count() == 1
    assert page.console_errors == []
