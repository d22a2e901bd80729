"""The case page in a real browser under the Content-Security-Policy: the map draws the case's
point on its grid's outline, a photo uploaded from the page comes back as a thumbnail through
the scoped photo view, axe-core finds nothing wrong with photos and duplicates on the page, and a
possible duplicate is merged with one button."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from gongzhi.cases import intake, reporters
from gongzhi.cases.models import Case
from gongzhi.cases.tests.test_photos import jpeg_with_gps
from gongzhi.conftest import PASSWORD, screenshot, wait_until

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("width", [1280, 360])
def test_map_photo_and_merge_on_the_case_page(browse, cast, garbage, width):
    first = intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=garbage, description="门口垃圾",
                          lon=0.25, lat=0.5).case
    later = intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=garbage, description="同一堆垃圾",
                          lon=0.2504, lat=0.5003).case
    page = browse(width=width)
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("dispatcher")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/w/**")

    page.goto(f"/w/cases/{later.number}/")
    page.wait_for_selector("#case-map path.leaflet-interactive")  # the point, drawn over …
    assert page.locator("#case-map path").count() == 2  # … the grid's outline
    assert page.locator(".photos img").count() == 0 and page.get_by_text("暂无照片").is_visible()

    page.set_input_files("#photo-files", files=[
        {"name": "site.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}])
    page.get_by_role("button", name="上传照片").click()
    page.wait_for_selector(".messages")
    thumbnail = page.locator(".photos img").first
    thumbnail.wait_for()
    wait_until(page, "document.querySelector('.photos img') !== null && document.querySelector('.photos img').complete")
    assert page.evaluate("document.querySelector('.photos img').naturalWidth") > 0  # served to this user
    assert thumbnail.get_attribute("alt")
    screenshot(page, f"case-page-photo-{width}")
    violations = Axe().run(page).response["violations"]  # with a photo and a duplicate on the page
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.get_by_role("button", name=f"合并到{first.number}").click()
    page.wait_for_selector(".messages")
    assert "已合并" in page.locator(".messages").inner_text()
    assert Case.objects.unscoped().get(pk=later.pk).state == "merged"
    assert page.console_errors == []
