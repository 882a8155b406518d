"""Browser tests: the real server in a subprocess, Debian's Chromium driven by Playwright.

See ../shared/design/browser-testing.md. Never `playwright install`: the system Chromium is used.
"""

from __future__ import annotations

import itertools
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_server import serving
from playwright.sync_api import expect

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]

# Two browsers, a server and the screening model share two cores: give assertions some slack.
expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update",
                 "--disable-sync", "--autoplay-policy=no-user-gesture-required"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "locale": "fr-FR", "viewport": {"width": 1280, "height": 800}}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("e2e")
    with serving(tmp, f"sqlite+aiosqlite:///{tmp}/e2e.db") as url:
        yield url


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    return live_server


_counter = itertools.count(1)


@pytest.fixture
def pseudo() -> Iterator:
    """Unique pseudonyms across the session (the server keeps them while sessions live)."""
    stamp = format(int(time.time()) % 46656, "x")

    def make(prefix: str) -> str:
        return f"{prefix}{stamp}{next(_counter)}"[:20]

    yield make


class Chat:
    """Drives the client the way a person would, for the tests and the screenshots."""

    def __init__(self, browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.contexts: list = []
        self.requests: list[str] = []

    def page(self, *, width: int = 1280, height: int = 800, locale: str = "fr-FR"):
        context = self.browser.new_context(base_url=self.base_url, locale=locale,
                                           viewport={"width": width, "height": height})
        self.contexts.append(context)
        page = context.new_page()
        page.route("**/*", self._record)
        page.goto("/")
        page.wait_for_selector("body[data-ready=true]")
        return page

    def _record(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        if url.startswith(self.base_url + "/") or url == self.base_url:
            route.continue_()
        else:
            route.abort()

    def enter(self, page, pseudo: str, *, age: int = 30, gender: str = "woman", postal: str = "75011"):
        page.fill("#entry-pseudo", pseudo)
        page.fill("#entry-age", str(age))
        page.check(f"#entry-form input[name=gender][value={gender}]")
        page.fill("#entry-postal", postal)
        page.wait_for_selector("#entry-commune:not(:empty)")
        page.click("#entry-submit")
        page.wait_for_selector("#composer-input:not([disabled])")
        return page

    def person(self, pseudo: str, *, age: int = 30, gender: str = "woman", postal: str = "75011", **kw):
        return self.enter(self.page(**kw), pseudo, age=age, gender=gender, postal=postal)

    @staticmethod
    def say(page, text: str) -> None:
        page.fill("#composer-input", text)
        page.press("#composer-input", "Enter")

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def chat(browser, base_url: str) -> Iterator[Chat]:
    helper = Chat(browser, base_url)
    yield helper
    helper.close()
