"""A dropped WebSocket: a banner, reconnection with back-off, and the missed messages exactly once."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


class NetworkGate:
    """Sits between the page and the server's /ws: can cut the link and refuse new connections."""

    def __init__(self) -> None:
        self.offline = False
        self.live: list = []
        self.sent: list[dict] = []

    def handler(self, ws) -> None:
        if self.offline:
            ws.close(code=4000, reason="offline")
            return
        server = ws.connect_to_server()

        def from_page(message) -> None:
            if isinstance(message, str):
                self.sent.append(json.loads(message))
            server.send(message)

        ws.on_message(from_page)
        server.on_message(lambda message: ws.send(message))
        self.live.append((ws, server))

    def cut(self) -> None:
        self.offline = True
        for ws, server in self.live:
            ws.close(code=4000, reason="cut")
            server.close()
        self.live.clear()

    def hellos(self) -> list[dict]:
        return [frame for frame in self.sent if frame.get("type") == "hello"]


def test_dropped_socket_reconnects_and_fills_the_gap_once(chat, pseudo) -> None:
    gate = NetworkGate()
    alice_page = chat.page()
    alice_page.route_web_socket("**/ws", gate.handler)
    alice_name, bruno_name = pseudo("Alice"), pseudo("Bruno")
    alice = chat.enter(alice_page, alice_name)
    bruno = chat.person(bruno_name, gender="man")

    chat.say(bruno, "avant la coupure")
    expect(alice.locator(".msg-text", has_text="avant la coupure")).to_have_count(1)
    # a PM too, so resume covers a conversation as well as a room
    card = bruno.locator(f"#people-list li[data-pseudo='{alice_name}']")
    card.get_by_role("button", name=f"Message privé à {alice_name}").click()
    chat.say(bruno, "pm avant")
    expect(alice.locator(".msg-text", has_text="pm avant")).to_have_count(1)
    bruno.locator("#conv-tabs .tab", has_text="Général").click()

    last_general = int(alice.locator(".msg[data-seq]", has_text="avant la coupure").get_attribute("data-seq"))
    gate.cut()
    banner = alice.locator("#conn-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Connexion perdue")

    for i in range(3):
        chat.say(bruno, f"pendant la coupure {i}")
    expect(bruno.locator(".msg.mine[data-seq] .msg-text", has_text="pendant la coupure 2")).to_have_count(1)
    bruno.locator("#conv-tabs .tab-pm").click()
    chat.say(bruno, "pm pendant")
    expect(bruno.locator(".msg.mine[data-seq] .msg-text", has_text="pm pendant")).to_have_count(1)
    chat.say(alice, "écrit hors ligne")  # kept pending, re-sent with the same client_id
    expect(alice.locator(".msg.pending .msg-text", has_text="écrit hors ligne")).to_have_count(1)

    gate.offline = False
    alice.locator("#conn-retry").click()
    expect(banner).to_be_hidden()

    hello = gate.hellos()[-1]
    assert hello["resume"]["rooms"]["general"] == last_general
    assert list(hello["resume"]["pms"].values()) == [1]
    for i in range(3):
        expect(alice.locator(".msg-text", has_text=f"pendant la coupure {i}")).to_have_count(1)
    expect(alice.locator(".msg-text", has_text="avant la coupure")).to_have_count(1)
    expect(alice.locator(".msg-text", has_text="pm pendant")).to_have_count(1)
    expect(alice.locator(".msg-text", has_text="écrit hors ligne")).to_have_count(1)
    expect(alice.locator(".msg.pending")).to_have_count(0)
    expect(bruno.locator(".msg-text", has_text="écrit hors ligne")).to_have_count(1)

    seqs = alice.locator(".log .msg[data-seq]").evaluate_all(
        "els => els.map(e => e.closest('.log').getAttribute('aria-label') + '#' + e.dataset.seq)")
    assert len(seqs) == len(set(seqs)), seqs

    # a second cut while the retries back off: the banner counts down, then it comes back by itself
    gate.cut()
    expect(banner).to_contain_text("Nouvelle tentative")
    gate.offline = False
    expect(banner).to_be_hidden(timeout=15000)


def test_reload_keeps_the_session_and_history_once(chat, pseudo) -> None:
    page = chat.person(pseudo("Reload"))
    chat.say(page, "avant rechargement")
    expect(page.locator(".msg[data-seq] .msg-text", has_text="avant rechargement")).to_have_count(1)
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#chat")).to_be_visible()
    expect(page.locator(".msg-text", has_text="avant rechargement")).to_have_count(1)
