"""Signing in, in a real browser: the pages work under the Content-Security-Policy (nothing
refused in the console), the second factor is enrolled by scanning-or-typing the key, the
language switch works without inline script, and the phone width does not scroll sideways."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongzhi.conftest import PASSWORD, screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_leader_signs_in_and_switches_to_english(browse, cast):
    page = browse()
    _sign_in(page, "leader")
    page.wait_for_url("**/w/")
    assert "首次登录" in page.content()
    screenshot(page, "workbench-home")
    page.get_by_label("语言").select_option("en")  # submits by itself (static/gongzhi/app.js)
    page.locator("html[lang=en]").wait_for(state="attached")  # the page came back in English
    assert page.console_errors == []


def test_a_grid_worker_enrols_an_authenticator_in_the_browser(browse, cast):
    page = browse()
    _sign_in(page, "grid_worker")
    page.wait_for_url("**/accounts/otp/setup/**")
    assert page.locator("svg").count() >= 1  # the QR code, drawn on the server
    screenshot(page, "otp-setup")
    secret = re.search(r"[A-Z2-7]{16,}", page.locator("figcaption code").inner_text()).group(0)
    device = TOTPDevice.objects.get(user=cast.grid_worker, confirmed=False)
    assert secret and device.bin_key
    page.get_by_label("动态口令").fill(f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}")
    page.get_by_role("button", name="绑定").click()
    page.wait_for_url("**/w/")
    assert page.console_errors == []


def test_the_sign_in_and_start_pages_fit_a_phone(browse, cast):
    page = browse(width=360, height=740)
    page.goto("/accounts/login/")
    screenshot(page, "login-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _sign_in(page, "leader")
    page.wait_for_url("**/w/")
    screenshot(page, "workbench-home-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.console_errors == []


def test_an_administrator_enrols_on_the_first_visit_to_the_admin(browse, cast, settings):
    # ./dev demo's optional second factor: the admin still needs one (issue 15, item 3).
    settings.GONGZHI_TWO_FACTOR = "optional"
    page = browse()
    _sign_in(page, "system_admin")
    page.wait_for_url("**/w/")
    page.goto("/admin/")
    page.wait_for_url("**/accounts/otp/setup/**")
    assert "进入管理后台须使用动态口令" in page.content() and page.locator("svg").count() >= 1
    device = TOTPDevice.objects.get(user=cast.system_admin, confirmed=False)
    page.get_by_label("动态口令").fill(f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}")
    page.get_by_role("button", name="绑定").click()
    page.wait_for_url("**/admin/")
    assert "配置管理" in page.content() or "管理后台" in page.content()
    assert page.console_errors == []
