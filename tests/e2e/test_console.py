"""Moderation in real browsers: a person reports a message, a moderator logs in (password + TOTP) to the
/mod console, claims the case, reads the frozen evidence and bans; the banned person reads the statement
of reasons and appeals; a second moderator decides the appeal; a held message reaches the console live
and is released. axe-core on the console screens.

These tests run their own server (own database, so moderators can be created with the real CLI
`causerie moderators add` against it; rate limits off so a scripted flow is not throttled).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/health", timeout=1) as res:
                if res.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not become healthy in time")


class ModServer:
    def __init__(self, url: str, db: str) -> None:
        self.url = url
        self.db = db

    def add_moderator(self, name: str, *roles: str) -> str:
        """`causerie moderators add` against the running server's database; returns the TOTP secret."""
        args = [sys.executable, "-m", "causerie", "moderators", "add", name, "--password-stdin", "--db", self.db]
        for role in roles:
            args += ["--role", role]
        out = subprocess.run(args, input=PASSWORD + "\n", capture_output=True, text=True, timeout=60, cwd=ROOT)
        assert out.returncode == 0, out.stderr
        [secret] = [line.split(":", 1)[1].strip() for line in out.stdout.splitlines()
                    if line.startswith("TOTP secret:")]
        return secret


@pytest.fixture(scope="module")
def mod_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModServer]:
    tmp = tmp_path_factory.mktemp("e2e-mod")
    port = _free_port()
    db = f"sqlite+aiosqlite:///{tmp}/mod.db"
    log = (tmp / "server.log").open("wb")
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "CAUSERIE_LIMITS": "off"}
    proc = subprocess.Popen([sys.executable, "-m", "causerie", "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--db", db], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield ModServer(url, db)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture
def people(chat, mod_server: ModServer):  # the e2e `Chat` helper, pointed at this module's server
    chat.base_url = mod_server.url
    return chat


def violations(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in results.response["violations"]]


def report_message(page, author: str, text: str, category: str, details: str = "") -> None:
    """Open the message's menu, choose "report this message", pick a category and send."""
    message = page.locator(".log:not([hidden]) .msg", has=page.locator(".msg-text", has_text=text))
    message.get_by_role("button", name=f"Actions sur le message de {author}").click()
    page.get_by_role("menuitem", name=f"Signaler ce message de {author}").click()
    dialog = page.locator("#report-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".report-quote")).to_have_text(text)
    dialog.locator(f"input[name=category][value={category}]").check()
    if details:
        dialog.get_by_label("Précisions (facultatif)").fill(details)
    dialog.get_by_role("button", name="Envoyer le signalement").click()


def test_report_dialog_needs_a_category_and_acknowledges(people, pseudo) -> None:
    author, reporter = pseudo("Rude"), pseudo("Witness")
    rude = people.person(author, gender="man")
    witness = people.person(reporter)
    people.say(rude, "achète mes lunettes de soleil")
    expect(witness.locator(".msg-text", has_text="lunettes de soleil")).to_have_count(1)

    message = witness.locator(".log:not([hidden]) .msg", has_text="lunettes de soleil")
    message.get_by_role("button", name=f"Actions sur le message de {author}").click()
    witness.get_by_role("menuitem", name=f"Signaler ce message de {author}").click()
    dialog = witness.locator("#report-dialog")
    expect(dialog.get_by_role("heading")).to_have_text(f"Signaler un message de {author}")
    for label in ("Approche sexuelle envers un·e mineur·e", "Prostitution ou offre sexuelle tarifée",
                  "Vente ou achat de drogue", "Haine envers un groupe", "Harcèlement ou insultes",
                  "Menaces de violence", "Arnaque, hameçonnage ou spam", "Partage de coordonnées",
                  "Contenu sexuel explicite"):
        expect(dialog.get_by_label(label)).to_be_visible()
    dialog.get_by_role("button", name="Envoyer le signalement").click()  # no category: refused locally
    expect(dialog.get_by_role("alert")).to_have_text("Choisissez ce qui décrit le mieux le problème.")
    assert violations(witness) == [], "report dialog with an error"
    dialog.get_by_label("Arnaque, hameçonnage ou spam").check()
    dialog.get_by_label("Précisions (facultatif)").fill("il spamme le salon")
    dialog.get_by_role("button", name="Envoyer le signalement").click()
    expect(dialog.get_by_role("heading")).to_have_text("Signalement envoyé")
    expect(dialog.locator("#report-ack")).to_contain_text("Référence : n°")
    assert violations(witness) == [], "report acknowledged"
    dialog.get_by_role("button", name="Fermer").click()
    expect(dialog).to_be_hidden()

    # English labels come from the English catalogue
    witness.click("#lang-toggle")
    witness.locator(f"#people-list li[data-pseudo='{author}']").get_by_role(
        "button", name=f"Actions for {author}").click()
    witness.get_by_role("menuitem", name=f"Report {author}").click()
    expect(dialog.get_by_role("heading")).to_have_text(f"Report {author}")
    expect(dialog.get_by_label("Scam, phishing or spam")).to_be_visible()
    witness.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
