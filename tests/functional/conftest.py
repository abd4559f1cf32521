"""Browser fixtures: Playwright driving Debian's Chromium against pytest-django's live server.

We never run `playwright install`: the browser comes from the distribution (`apt-get install
chromium`), so CI needs no network access to a browser CDN and gets security updates from
Debian.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from coproduce.accounts.models import User
from tests import factories

CHROMIUM = Path(os.environ.get("COPRODUCE_CHROMIUM", "/usr/bin/chromium"))
# Headless, no sandbox (CI containers run as root), and nothing that calls home or
# waits on the network: the tests must not depend on anything but the live server.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
PHONE_VIEWPORT = {"width": 360, "height": 740}


@pytest.fixture(scope="package")
def chromium() -> Iterator[Browser]:
    """One Chromium for all browser tests; skipped (failed under CI=true) without it."""
    if not CHROMIUM.is_file():
        message = f"{CHROMIUM} not found. Install it: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    # The sync API runs an asyncio loop in this thread, and Django then refuses ORM calls
    # from it. The test's own ORM calls are safe (the live server has its own thread and
    # connection), so allow them, for the browser tests only.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield browser
            browser.close()


@dataclass
class BrowserTab:
    """A page plus what it logged: Content-Security-Policy violations seen in the console."""

    page: Page
    base_url: str
    csp_violations: list[str] = field(default_factory=list)

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def record(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)


def open_tab(browser: Browser, base_url: str, **context_options) -> Iterator[BrowserTab]:
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    tab = BrowserTab(page=page, base_url=base_url)
    page.on("console", tab.record)
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def tab(chromium, live_server) -> Iterator[BrowserTab]:
    """A fresh browser context (no cookies) on the live server, desktop size."""
    yield from open_tab(chromium, live_server.url)


@pytest.fixture
def phone_tab(chromium, live_server) -> Iterator[BrowserTab]:
    """A fresh browser context on the live server, 360 px wide like a small phone."""
    yield from open_tab(chromium, live_server.url, viewport=PHONE_VIEWPORT, is_mobile=True)


@pytest.fixture
def browser_cast(fast_password_hasher, transactional_db) -> factories.Cast:
    """The cast with passwords; MD5 makes the six hashes cheap (login still checks them)."""
    return factories.make_cast(password=factories.PASSWORD)


def log_in(tab: BrowserTab, user: User) -> None:
    """Log in through the form like a person would, with the TOTP step for staff."""
    page = tab.page
    tab.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    if user.needs_mfa:
        page.get_by_label("Six-digit code").fill(factories.totp_code(user))
        page.get_by_role("button", name="Verify").click()
        page.wait_for_load_state()
