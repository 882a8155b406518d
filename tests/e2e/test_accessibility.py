"""axe-core finds no violation on any screen; a deliberately broken page proves the check can fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

BROKEN = Path(__file__).with_name("broken.html")


def violations(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in results.response["violations"]]


def test_axe_finds_nothing_on_any_screen(chat, pseudo) -> None:
    entry = chat.page()
    assert violations(entry) == [], "entry"
    entry.click("#entry-submit")  # inline errors shown
    expect(entry.locator("#entry-pseudo-error")).to_be_visible()
    assert violations(entry) == [], "entry with errors"

    other_name = pseudo("Axe")
    other = chat.person(other_name, gender="man")
    page = chat.person(pseudo("Axel"))
    chat.say(other, "bonjour")
    expect(page.locator(".msg-text", has_text="bonjour")).to_have_count(1)
    assert violations(page) == [], "room"

    page.locator(f"#people-list li[data-pseudo='{other_name}']").get_by_role(
        "button", name=f"Message privé à {other_name}").click()
    chat.say(page, "en privé")
    expect(other.locator("#conv-tabs .tab-pm .badge")).to_be_visible()
    assert violations(page) == [], "pm (writer)"
    assert violations(other) == [], "room with an unread PM tab"
    other.locator("#conv-tabs .tab-pm").click()
    assert violations(other) == [], "pm (recipient)"

    page.locator("#filters-box summary").click()
    page.locator("#filters input[name=gender][value=man]").check()
    assert violations(page) == [], "people filters"

    page.get_by_role("button", name=f"Actions pour {other_name}").click()
    expect(page.get_by_role("menu")).to_be_visible()
    assert violations(page) == [], "person menu"
    page.keyboard.press("Escape")

    page.click("#open-settings")
    expect(page.locator("#settings")).to_be_visible()
    assert violations(page) == [], "settings"
    page.keyboard.press("Escape")

    phone = chat.person(pseudo("AxeMob"), width=375, height=812)
    assert violations(phone) == [], "mobile chat"
    phone.get_by_role("button", name="Personnes").click()
    assert violations(phone) == [], "mobile people"

    english = chat.page(locale="en-US")
    assert violations(english) == [], "entry in English"


def test_axe_check_can_fail(page) -> None:
    page.set_content(BROKEN.read_text(encoding="utf-8"))
    found = {v.split(":")[0] for v in violations(page)}
    assert {"image-alt", "label"} <= found, found
