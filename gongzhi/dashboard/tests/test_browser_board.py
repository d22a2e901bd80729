"""The dashboard in a real browser: the map and the chart draw from the page's own data (no
inline script), and clicking a part of the map drills down to it."""

import pytest

from gongzhi.cases import categories, intake, reporters
from gongzhi.cases.models import Category
from gongzhi.conftest import PASSWORD, screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_city_board_draws_and_drills_down(browse, cast):
    categories.load_defaults()
    intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=Category.objects.get(code="noise"),
                  description="噪音", lon=0.25, lat=0.5)
    page = browse()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("city_dispatcher")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto("/w/dashboard/")
    page.wait_for_selector("#board-map path.leaflet-interactive")
    page.wait_for_selector("#board-trend svg")
    screenshot(page, "dashboard-city")
    assert page.locator("#board-map path.leaflet-interactive").count() == 2  # the two districts
    page.locator("#board-map path.leaflet-interactive").first.click()
    page.wait_for_url("**?area=*")
    assert "area=5101" in page.url
    page.wait_for_selector("#board-map path.leaflet-interactive")
    screenshot(page, "dashboard-district")
    assert page.console_errors == []
