"""The web chat page in a real headless Chromium (Debian's), driven by Playwright.

Every page is watched: a console error, a Content-Security-Policy violation or a failed request
(the favicon's 404 once) fails the test, so the page keeps working under the strict policy.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, sync_playwright
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


# Before any of the page's own script: violations are recorded where the test can read them.
_RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


class Watched:
    """A page whose console errors, CSP violations and failed requests are kept."""

    def __init__(self, browser: Browser, site: str) -> None:
        self.page: Page = browser.new_page()
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("response", self._response)
        self.page.add_init_script(_RECORD_VIOLATIONS)
        self.page.goto(site + "/")

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in {"error", "warning"} or "Refused to" in message.text:
            self.problems.append(f"console {message.type}: {message.text}")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.problems.append(f"{response.status} {response.url}")

    def violations(self) -> list[str]:
        found: list[str] = self.page.evaluate("() => window.__violations")
        return found

    def assert_clean(self) -> None:
        assert self.violations() == []
        assert self.problems == []


def _chat(browser: Browser, site: str, text: str, screenshot: Path) -> str:
    watched = Watched(browser, site)
    page = watched.page
    assert page.get_by_text("call 999").is_visible()
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()
    reply = page.locator("#transcript li.out").first
    reply.wait_for(timeout=15_000)
    page.screenshot(path=str(screenshot))
    text_shown = reply.inner_text()
    watched.assert_clean()
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


def test_the_page_runs_under_its_policy_and_the_policy_is_enforced(
    browser: Browser, site: str
) -> None:
    watched = Watched(browser, site)
    page = watched.page
    page.wait_for_load_state("load")
    assert page.evaluate("() => document.querySelector('link[rel=icon]').href").endswith(".svg")
    watched.assert_clean()
    # Script injected into the page the way an XSS would be is refused, and reported.
    page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.__ran = true";
        document.body.append(script);
    }"""
    )
    page.wait_for_function("() => window.__violations.length > 0")
    assert page.evaluate("() => window.__ran") is None
    assert any(found.startswith("script-src") for found in watched.violations())
    page.close()


def test_markup_in_a_message_is_shown_as_text_and_never_run(browser: Browser, site: str) -> None:
    hostile = '<img src=x onerror="window.__pwned = 1"><script>window.__pwned = 2</script>'
    watched = Watched(browser, site)
    page = watched.page
    page.get_by_label("Your message").fill(hostile)
    page.get_by_role("button", name="Send").click()
    page.locator("#transcript li.out").first.wait_for(timeout=15_000)
    assert page.locator("#transcript li.in").first.inner_text() == hostile
    assert page.locator("#transcript img, #transcript script").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    watched.assert_clean()
    page.close()
