"""Browser-test fixtures shared by every app: the system Chromium driven by Playwright.

Exposed to all tests by ``src/govhall/conftest.py``. Playwright never downloads a browser here; the
test script installs Debian's ``chromium``. Screenshots go to ``GOVHALL_SCREENSHOT_DIR`` (default
``<tmp>/govhall-screens``) for a person to look at.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENS = Path(
    os.environ.get("GOVHALL_SCREENSHOT_DIR", Path(tempfile.gettempdir()) / "govhall-screens")
)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail("system Chromium is missing: run scripts/test.sh, which installs it")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM (used by the
    # fixtures and the live server) refuses to run beside one unless told it is safe here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    SCREENS.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page_for(browser, live_server):
    """``page_for(width, height)``: a fresh browser context; the test fails on requests to other
    hosts (no CDN, nothing leaves the machine) and on JavaScript errors."""
    contexts = []
    problems: list[str] = []

    def make(width: int = 1280, height: int = 800):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)

        def on_request(request) -> None:
            if not request.url.startswith((live_server.url, "data:")):
                problems.append(f"external request: {request.url}")

        page.on("request", on_request)
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        return page

    yield make
    for context in contexts:
        context.close()
    assert problems == []


@pytest.fixture
def flushed_db_posts(transactional_db) -> None:
    """Transactional tests empty every table afterwards, including the posts (受理, 审核...) that
    a data migration created; put them back before a browser test."""
    from govhall.organizations.services import posts_ensure

    posts_ensure()


def login(page, live_server, user, password: str, next_url: str) -> None:
    """Sign in on the portal's login page and land on ``next_url``."""
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/login/?next={next_url}")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(password)
    page.locator("main form").get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}{next_url}")


def case_act(
    page_for, live_server, user, password: str, number: str, button: str, opinion="", before=None
):
    """One staff member opens the case, does ``before(page)`` (a look at the page first), writes
    the opinion and presses one button."""
    from django.urls import reverse
    from playwright.sync_api import expect

    page = page_for(1280, 900)
    login(page, live_server, user, password, reverse("cases:case_detail", args=[number]))
    if before is not None:
        before(page)
    actions = page.locator("#actions")
    if opinion:
        actions.locator("textarea").first.fill(opinion)
    actions.get_by_role("button", name=button, exact=True).first.click()
    expect(page.locator(".messages")).to_be_visible()
    page.context.close()
