"""Browser tests: Playwright driving Debian's chromium against the live test server. Each page
collects the console's errors (a Content-Security-Policy refusal shows there), and
`screenshot` keeps pictures of the main pages under the test run's output for review."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]
OUTPUT = Path(os.environ.get("GONGZHI_TEST_OUTPUT", Path(__file__).resolve().parents[3] / "var" / "test-output"))


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: ./dev test installs Debian's chromium for the browser tests")
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    # between browser steps are still plain synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def browse(chromium, live_server):
    """browse(width=…) opens a page on the live server; page.console_errors lists what went wrong."""
    contexts = []

    def open_page(width: int = 1280, height: int = 900):
        context = chromium.new_context(base_url=live_server.url, viewport={"width": width, "height": height},
                                       locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: page.console_errors.append(str(e)))
        return page

    yield open_page
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    folder = OUTPUT / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
