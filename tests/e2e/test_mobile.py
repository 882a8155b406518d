"""On a phone (375 × 812) the three columns become one, with tabs: rooms / chat / people."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_mobile_layout_has_one_column_with_tabs(chat, pseudo) -> None:
    friend_name = pseudo("Desk")
    friend = chat.person(friend_name, gender="man")
    phone = chat.person(pseudo("Phone"), width=375, height=812)

    tabs = phone.get_by_role("navigation", name="Vues")
    expect(tabs).to_be_visible()
    expect(phone.locator("#main")).to_be_visible()
    expect(phone.locator("#rooms-pane")).to_be_hidden()
    expect(phone.locator("#people-pane")).to_be_hidden()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"horizontal scroll: {width}px"

    chat.say(friend, "coucou le téléphone")
    expect(phone.locator(".msg-text", has_text="coucou le téléphone")).to_be_visible()

    tabs.get_by_role("button", name="Personnes").click()
    expect(phone.locator("#people-pane")).to_be_visible()
    expect(phone.locator("#chat")).to_be_hidden()
    card = phone.locator(f"#people-list li[data-pseudo='{friend_name}']")
    card.get_by_role("button", name=f"Message privé à {friend_name}").click()
    expect(phone.locator("#chat")).to_be_visible()  # opening a PM goes back to the chat
    chat.say(phone, "réponse mobile")
    expect(friend.locator(".msg-text", has_text="réponse mobile")).to_have_count(1)

    tabs.get_by_role("button", name="Salons").click()
    expect(phone.locator("#rooms-pane")).to_be_visible()
    phone.locator("#rooms-list button", has_text="Musique").click()
    expect(phone.locator("#chat")).to_be_visible()
    expect(phone.locator("#conv-title")).to_have_text("Musique")
    box = phone.locator("#composer-input").bounding_box()
    assert box and box["y"] + box["height"] <= 812 and box["x"] >= 0 and box["x"] + box["width"] <= 375
