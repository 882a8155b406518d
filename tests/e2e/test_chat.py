"""Two people in two browsers: enter, talk in a room, write privately, filter people, ignore."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_entry_shows_the_commune_and_inline_errors(chat, pseudo) -> None:
    page = chat.page()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.fill("#entry-postal", "75011")
    expect(page.locator("#entry-commune")).to_contain_text("Paris")
    page.fill("#entry-postal", "01400")
    expect(page.locator("#entry-commune-choice")).to_be_visible()
    assert page.locator("#entry-insee option").count() > 1

    page.click("#entry-submit")  # nothing filled in: local messages from the catalogue
    expect(page.locator("#entry-pseudo-error")).to_be_visible()
    expect(page.locator("#entry-pseudo")).to_have_attribute("aria-invalid", "true")

    page.fill("#entry-pseudo", pseudo("Kid"))
    page.fill("#entry-age", "13")
    page.check("#entry-form input[name=gender][value=other]")
    page.click("#entry-submit")  # the server refuses under 15: its code lands on the age field
    expect(page.locator("#entry-age-error")).to_contain_text("15 ans")
    expect(page.locator("#entry-age")).to_be_focused()

    taken = pseudo("Taken")
    chat.person(taken)
    page.fill("#entry-pseudo", taken)
    page.fill("#entry-age", "30")
    page.click("#entry-submit")
    expect(page.locator("#entry-pseudo-error")).to_contain_text("déjà pris")


def test_two_people_chat_pm_filter_and_ignore(chat, pseudo) -> None:
    alice_name, bruno_name = pseudo("Alice"), pseudo("Bruno")
    alice = chat.person(alice_name, age=27, gender="woman")
    bruno = chat.person(bruno_name, age=34, gender="man")

    # a room: both land in the general room and see each other's messages
    expect(alice.locator("#conv-title")).to_have_text("Général")
    chat.say(alice, "Bonjour tout le monde")
    expect(bruno.locator(".msg-text", has_text="Bonjour tout le monde")).to_have_count(1)
    chat.say(bruno, "Salut Alice")
    expect(alice.locator(".msg-text", has_text="Salut Alice")).to_have_count(1)
    expect(alice.locator("#rooms-list li[data-room=general] .room-count")).to_contain_text("personnes")

    # the people list: age, city, gender as symbol + word; a PM opened from a card
    card = bruno.locator(f"#people-list li[data-pseudo='{alice_name}']")
    expect(card).to_contain_text("27 ans")
    expect(card).to_contain_text("♀")
    expect(card).to_contain_text("femme")
    expect(card).to_contain_text("moins de 10 km")
    card.get_by_role("button", name=f"Message privé à {alice_name}").click()
    expect(bruno.locator("#composer-input")).to_be_focused()
    chat.say(bruno, "Un mot en privé")

    # Alice gets a tab with an unread badge, the writer's age and band, and the title counts it
    tab = alice.locator("#conv-tabs .tab-pm")
    expect(tab).to_contain_text(bruno_name)
    expect(tab.locator(".badge")).to_have_text("1 non lu")
    expect(alice).to_have_title(re.compile(r"^\(1\) Causerie"))
    tab.click()
    expect(alice.locator("#conv-details")).to_contain_text("34 ans")
    expect(alice.locator("#conv-details")).to_contain_text("espace adultes")
    expect(alice.locator("#conv-details .first-writer")).to_contain_text(bruno_name)
    expect(alice.locator(".log:not([hidden]) .msg-text", has_text="Un mot en privé")).to_have_count(1)
    expect(alice).to_have_title("Causerie")

    # read marker on Bruno's side, typing indicator on Bruno's side while Alice types
    expect(bruno.locator(".log:not([hidden]) .read-mark")).to_have_count(1)
    alice.locator("#composer-input").press_sequentially("je te réponds ici", delay=20)
    expect(bruno.locator("#typing")).to_have_text(f"{alice_name} écrit…")
    alice.press("#composer-input", "Enter")
    expect(bruno.locator(".log:not([hidden]) .msg-text", has_text="je te réponds ici")).to_have_count(1)
    expect(bruno.locator("#typing")).to_have_text("")

    # filters: only men → Alice disappears from Bruno's list; reset → she is back
    carol_name = pseudo("Carol")
    chat.person(carol_name, age=52, gender="other", postal="13001")
    expect(bruno.locator(f"#people-list li[data-pseudo='{carol_name}']")).to_have_count(1)
    bruno.locator("#filters-box summary").click()
    bruno.locator("#filters input[name=gender][value=woman]").check()
    expect(bruno.locator(f"#people-list li[data-pseudo='{alice_name}']")).to_have_count(1)
    expect(bruno.locator(f"#people-list li[data-pseudo='{carol_name}']")).to_have_count(0)
    bruno.locator("#filters input[name=gender][value=woman]").uncheck()
    bruno.fill("#filter-age-min", "40")
    expect(bruno.locator(f"#people-list li[data-pseudo='{alice_name}']")).to_have_count(0)
    expect(bruno.locator(f"#people-list li[data-pseudo='{carol_name}']")).to_have_count(1)
    bruno.get_by_role("button", name="Effacer les filtres").click()
    bruno.locator("#filters input[name=distance][value=lt10]").check()
    expect(bruno.locator(f"#people-list li[data-pseudo='{alice_name}']")).to_have_count(1)
    expect(bruno.locator(f"#people-list li[data-pseudo='{carol_name}']")).to_have_count(0)
    bruno.get_by_role("button", name="Effacer les filtres").click()

    # ignore from the message menu: Bruno's messages vanish for Alice (the server announces reports:
    # the message and its author can be reported from the same menu, see test_console.py)
    alice.locator("#conv-tabs .tab", has_text="Général").click()
    alice.get_by_role("button", name=f"Actions sur le message de {bruno_name}").first.click()
    menu = alice.get_by_role("menu")
    expect(menu.get_by_role("menuitem")).to_have_count(4)
    expect(menu.get_by_role("menuitem", name=f"Signaler ce message de {bruno_name}")).to_have_count(1)
    menu.get_by_role("menuitem", name=f"Ignorer {bruno_name}").click()
    expect(alice.locator(".log:not([hidden]) .msg", has_text="Salut Alice")).to_be_hidden()
    chat.say(bruno, "tu m'entends ?")
    chat.say(alice, "témoin")
    expect(bruno.locator(".msg-text", has_text="témoin")).to_have_count(1)
    expect(alice.locator(".msg-text", has_text="tu m'entends")).to_have_count(0)
    expect(alice.locator(f"#people-list li[data-pseudo='{bruno_name}']")).to_contain_text("ignoré")

    # settings: unignore, PM policy, sound, language — keyboard only
    alice.locator("#open-settings").focus()
    alice.keyboard.press("Enter")
    dialog = alice.locator("#settings")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#settings-ignored")).to_contain_text(bruno_name)
    dialog.get_by_role("button", name=f"Ne plus ignorer {bruno_name}").click()
    expect(dialog.locator("#settings-ignored li")).to_have_count(0)
    dialog.get_by_label("Personne", exact=True).check()
    dialog.get_by_label("Son à l'arrivée d'un message privé").uncheck()
    alice.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(alice.locator(".log:not([hidden]) .msg", has_text="Salut Alice")).to_be_visible()


def test_english_from_the_browser_and_the_switch(chat) -> None:
    page = chat.page(locale="en-GB")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#entry-submit")).to_have_text("Enter")
    page.click("#lang-toggle")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#entry-submit")).to_have_text("Entrer")


def test_keyboard_only_entry_and_message(chat, pseudo) -> None:
    page = chat.page()
    name = pseudo("Clavier")
    page.locator("#entry-pseudo").focus()
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.type("41")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")  # radios: the arrow moves to "homme" and selects it
    expect(page.locator("#entry-form input[name=gender][value=man]")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.type("69001")
    expect(page.locator("#entry-commune")).to_contain_text("Lyon")
    page.keyboard.press("Enter")
    expect(page.locator("#composer-input")).to_be_enabled()
    page.locator("#composer-input").focus()
    page.keyboard.type("au clavier")
    page.keyboard.press("Enter")
    expect(page.locator(".msg.mine .msg-text", has_text="au clavier")).to_have_count(1)
