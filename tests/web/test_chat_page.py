"""The web chat page in a real headless Chromium (Debian's), driven by Playwright."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright
from werkzeug.serving import make_server

from app import create_app
from tests.factories import seed_demo

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Quiet, self-contained Chromium: this machine has no network beyond loopback.
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
    "--disable-background-networking", "--disable-component-update",
]  # fmt: skip


@pytest.fixture
def site(settings_for: Callable[..., dict[str, Any]]) -> Iterator[str]:
    app = create_app(settings_for())
    seed_demo(app.extensions["frontdoor"])
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    app.extensions["frontdoor"].engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield chromium
        chromium.close()


def _chat(browser: Browser, site: str, text: str, screenshot: Path) -> str:
    page = browser.new_page()
    page.goto(site + "/")
    assert page.get_by_text("call 999").is_visible()
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()
    reply = page.locator("#transcript li.out").first
    reply.wait_for(timeout=15_000)
    page.screenshot(path=str(screenshot))
    text_shown = reply.inner_text()
    page.close()
    return text_shown


def test_a_resident_asks_for_their_bin_day(browser: Browser, site: str, tmp_path: Path) -> None:
    reply = _chat(browser, site, "when is my bin day? NN1 1AA", tmp_path / "bins.png")
    assert "Bins for NN1 1AA are collected on Tuesdays" in reply
    assert (tmp_path / "bins.png").stat().st_size > 10_000


def test_someone_in_crisis_sees_999_and_samaritans_first(
    browser: Browser, site: str, tmp_path: Path
) -> None:
    reply = _chat(browser, site, "I can't go on, I want to end it all", tmp_path / "crisis.png")
    assert reply.startswith("If you or anyone else is in immediate danger, call 999")
    assert "116 123" in reply


def test_a_bad_postcode_is_explained_and_the_message_kept(browser: Browser, site: str) -> None:
    page = browser.new_page()
    page.goto(site + "/")
    page.get_by_label("Your message").fill("when are my bins")
    page.get_by_text("Tell us who you are (optional)").click()
    page.get_by_label("Postcode").fill("not a postcode")
    page.get_by_role("button", name="Send").click()
    alert = page.get_by_role("alert")
    alert.wait_for(timeout=10_000)
    assert "postcode" in alert.inner_text()
    assert page.get_by_label("Your message").input_value() == "when are my bins"
    page.close()
