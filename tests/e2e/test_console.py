"""Moderation in real browsers: a person reports a message, a moderator logs in (password + TOTP) to the
/mod console, claims the case, reads the frozen evidence and bans; the banned person reads the statement
of reasons and appeals; a second moderator decides the appeal; a held message reaches the console live
and is released. axe-core on the console screens.

These tests run their own server (own database, so moderators can be created with the real CLI
`causerie moderators add` against it; rate limits off so a scripted flow is not throttled).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from e2e_server import ROOT, serving
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


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
    db = f"sqlite+aiosqlite:///{tmp}/mod.db"
    with serving(tmp, db) as url:
        yield ModServer(url, db)


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


def console_login(browser, server: ModServer, name: str, secret: str, *, check_axe: bool = False):
    """A moderator in their own browser: /mod, name + password + the current TOTP code."""
    context = browser.new_context(base_url=server.url, locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    response = page.goto("/mod")
    assert response is not None and response.status == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe" not in csp
    page.wait_for_selector("body[data-ready=true]")
    expect(page.get_by_role("heading", name="Connexion à la console de modération")).to_be_visible()
    if check_axe:
        assert violations(page) == [], "console login"
    page.get_by_label("Nom ou e-mail").fill(name)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_label("Code à 6 chiffres").fill("000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    page.get_by_role("button", name="Se connecter").click()  # a wrong code first: refused, same message
    expect(page.locator("#login-error")).to_have_text("Nom, mot de passe ou code incorrect.")
    if check_axe:
        assert violations(page) == [], "console login with an error"
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_label("Code à 6 chiffres").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("#live")).to_have_text("Flux en direct : connecté")
    return page


def open_case(console, text: str) -> None:
    console.locator("#queue .case-link", has_text=text).first.click()
    expect(console.locator("#case-title")).to_be_focused()


def test_report_ban_statement_appeal_and_held_message(browser, people, pseudo, mod_server) -> None:
    camille = mod_server.add_moderator("camille", "moderator")
    dominique = mod_server.add_moderator("dominique", "moderator")
    rude_name, witness_name = pseudo("Rude"), pseudo("Temoin")
    rude = people.person(rude_name, gender="man")
    witness = people.person(witness_name)
    people.say(witness, "bonjour à tous")
    people.say(rude, "tu m'énerves avec tes questions idiotes")
    people.say(witness, "calme-toi")
    expect(witness.locator(".msg-text", has_text="calme-toi")).to_have_count(1)
    report_message(witness, rude_name, "tu m'énerves avec tes questions idiotes", "harassment",
                   "il m'insulte depuis ce matin")
    expect(witness.locator("#report-ack")).to_contain_text("Référence : n°")
    witness.get_by_role("button", name="Fermer").click()

    # the first moderator: password + TOTP, the case in the queue, claimed, the frozen evidence
    mod1 = console_login(browser, mod_server, "camille", camille, check_axe=True)
    case = mod1.locator("#queue .case-link", has_text=rude_name)
    expect(case).to_contain_text("Harcèlement ou insultes")
    assert violations(mod1) == [], "console queue"
    open_case(mod1, rude_name)
    evidence = mod1.locator("ol.evidence").first
    expect(evidence.locator("li.reported .ev-text")).to_have_text("tu m'énerves avec tes questions idiotes")
    expect(evidence.locator("li", has_text="bonjour à tous")).to_have_count(1)  # the messages around it
    expect(evidence.locator("li", has_text="calme-toi")).to_have_count(1)
    expect(mod1.locator(".intact")).to_have_text("Preuves intactes.")
    expect(mod1.locator("q.quoted", has_text="il m'insulte depuis ce matin")).to_be_visible()
    expect(mod1.locator("#case-person")).to_contain_text(rude_name)
    expect(mod1.locator("#actions-form")).to_have_count(0)  # nothing to do before claiming
    assert violations(mod1) == [], "case view"
    mod1.get_by_role("button", name="Prendre ce dossier").click()
    expect(mod1.locator("#case-claimed")).to_have_text("vous")
    expect(mod1.locator("#case-timeline")).to_contain_text("pris")
    mod1.get_by_label("Action").select_option("ban")
    expect(mod1.get_by_label("Portée")).to_be_visible()
    expect(mod1.get_by_label("N° du message")).to_be_hidden()
    mod1.get_by_label("Portée").select_option("device")
    mod1.get_by_label("Durée de l'exclusion").select_option(label="7 jours")
    mod1.get_by_label("Explication (envoyée à la personne)").fill("Insultes répétées dans le salon.")
    # a live event for this case while the decision is half made (a second report) re-renders the case;
    # what the moderator chose and typed stays
    other = people.person(pseudo("Autre"))
    people.say(rude, "et alors, tu vas faire quoi ?")
    report_message(other, rude_name, "et alors, tu vas faire quoi ?", "harassment", "il continue")
    expect(other.locator("#report-ack")).to_contain_text("Référence : n°")
    expect(mod1.locator("q.quoted", has_text="il continue")).to_be_visible()
    expect(mod1.get_by_label("Action")).to_have_value("ban")
    expect(mod1.get_by_label("Portée")).to_have_value("device")
    expect(mod1.get_by_label("Explication (envoyée à la personne)")).to_have_value("Insultes répétées dans le salon.")
    assert violations(mod1) == [], "actions form"
    mod1.get_by_role("button", name="Appliquer").click()
    expect(mod1.locator("#case-state")).to_contain_text("clos")
    expect(mod1.locator("#case-decisions")).to_contain_text("Exclure")
    expect(mod1.locator("#queue .case-link", has_text=rude_name)).to_have_count(0)

    # the evidence bundle: the digest recomputed by the server, verified; then the case among closed ones
    mod1.get_by_role("button", name="Préparer le dossier de preuves").click()
    expect(mod1.locator("#bundle-verified")).to_contain_text("Preuves vérifiées")
    bundle = mod1.locator(".bundle-evidence").first
    expect(bundle).to_contain_text("avant et")
    expect(bundle.locator("li.reported .ev-text")).to_have_text("tu m'énerves avec tes questions idiotes")
    expect(mod1.locator("#bundle")).to_contain_text("Chaîne de conservation")
    assert violations(mod1) == [], "evidence bundle"
    mod1.get_by_label("Pseudo visé (ou salon)").fill(rude_name.lower())
    mod1.get_by_role("button", name="Rechercher").click()
    expect(mod1.locator("#search-cases .case-link", has_text=rude_name)).to_have_count(1)
    assert violations(mod1) == [], "closed-case search"

    # the banned person reads the statement of reasons (the session has ended behind it) and appeals
    statement = rude.locator("#statement-dialog")
    expect(statement).to_be_visible()
    expect(statement).to_contain_text("Exclusion")
    expect(statement).to_contain_text("harcèlement ou insultes")
    expect(statement).to_contain_text("un membre de l'équipe de modération")
    expect(statement).to_contain_text("jusqu'au")
    expect(statement).to_contain_text("Insultes répétées dans le salon.")
    expect(rude.locator("#entry")).to_be_attached()
    expect(rude.locator("#chat")).to_be_hidden()
    assert violations(rude) == [], "statement of reasons"
    statement.get_by_role("button", name="Envoyer le recours").click()  # empty: refused locally
    expect(statement.get_by_role("alert")).to_have_text("Écrivez quelques mots pour expliquer votre recours.")
    statement.get_by_label("Votre recours").fill("Je ne l'insultais pas, c'était une blague entre nous.")
    statement.get_by_role("button", name="Envoyer le recours").click()
    expect(statement.locator("#appeal-result")).to_contain_text("Votre recours a été reçu")
    statement.get_by_role("button", name="Où en est mon recours ?").click()
    expect(statement.locator("#appeal-result")).to_have_text("Votre recours est en attente d'examen.")

    # the reporter learns the outcome
    expect(witness.locator(".toast", has_text="Signalement n°")).to_contain_text("a agi")

    # the appeal reaches the queue live; the moderator who decided cannot take it
    appeal = mod1.locator("#queue .case-link", has_text="recours")
    expect(appeal).to_have_count(1)
    appeal.click()
    mod1.get_by_role("button", name="Prendre ce dossier").click()
    expect(mod1.locator("#case-status")).to_contain_text("autre")
    expect(mod1.locator("#case-claimed")).to_have_text("personne")

    # a second moderator decides it: reversed
    mod2 = console_login(browser, mod_server, "dominique", dominique)
    mod2.locator("#queue .case-link", has_text="recours").click()
    expect(mod2.locator(".item-appeal")).to_contain_text("c'était une blague entre nous")
    expect(mod2.locator(".item-appeal")).to_contain_text("Exclure")
    expect(mod2.locator(".item-appeal")).to_contain_text("par camille")  # by name, not "modérateur n°"
    mod2.get_by_role("button", name="Prendre ce dossier").click()
    mod2.get_by_label("Motif (envoyé à la personne)").fill("Contexte de plaisanterie établi.")
    assert violations(mod2) == [], "appeal case"
    mod2.get_by_role("button", name="Annuler la décision").click()
    expect(mod2.locator("#case-state")).to_contain_text("clos")
    statement.get_by_role("button", name="Où en est mon recours ?").click()
    expect(statement.locator("#appeal-result")).to_have_text("Votre recours a été accepté : la décision est annulée.")

    # a held message reaches the console live, and is released into the room
    sender = people.person(pseudo("Vif"), gender="man")
    people.say(sender, "t'es vraiment un gros connard")
    expect(sender.locator(".msg.failed", has_text="gros connard")).to_have_count(1)
    held = mod2.locator("#queue .case-link", has_text="Harcèlement")
    expect(held).to_have_count(1, timeout=5_000)
    held.click()
    expect(mod2.locator(".item-screened .held-text")).to_have_text("t'es vraiment un gros connard")
    expect(mod2.locator(".item-screened")).to_contain_text("en attente")
    mod2.get_by_role("button", name="Prendre ce dossier").click()
    assert violations(mod2) == [], "held message case"
    mod2.get_by_role("button", name="Publier le message").click()
    expect(mod2.locator(".item-screened")).to_contain_text("publié")
    expect(witness.locator(".msg-text", has_text="t'es vraiment un gros connard")).to_have_count(1)

    # English catalogue on the console
    mod2.click("#lang-toggle")
    expect(mod2.locator("#queue-title")).to_have_text("Queue")
    assert violations(mod2) == [], "console in English"


def test_admin_verifies_the_audit_log_and_the_legal_officer_looks_up_a_session(browser, people, pseudo,
                                                                               mod_server) -> None:
    import sqlite3

    alix = mod_server.add_moderator("alix", "admin")
    lea = mod_server.add_moderator("lea", "legal")
    name = pseudo("Ident")
    people.person(name)
    with sqlite3.connect(mod_server.db.split(":///", 1)[1]) as db:
        [(session_id,)] = db.execute("SELECT id FROM sessions WHERE pseudo = ?", (name,)).fetchall()

    admin = console_login(browser, mod_server, "alix", alix)
    expect(admin.locator("#legal-tool")).to_be_hidden()
    admin.get_by_role("button", name="Vérifier le journal").click()
    expect(admin.locator("#audit-result")).to_contain_text("Journal intact")
    expect(admin.locator("#audit-head")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    assert violations(admin) == [], "audit verification"

    legal = console_login(browser, mod_server, "lea", lea)
    expect(legal.locator("#audit-tool")).to_be_hidden()
    legal.get_by_role("button", name="Consulter").click()  # nothing typed: checked before any request
    expect(legal.locator("#legal-result")).to_have_text("Saisissez un identifiant de session.")
    legal.get_by_label("Identifiant de session").fill("inconnu")
    legal.get_by_role("button", name="Consulter").click()
    expect(legal.locator("#legal-result")).to_have_text("Introuvable.")
    legal.get_by_label("Identifiant de session").fill(session_id)
    legal.get_by_role("button", name="Consulter").click()
    facts = legal.locator("#legal-facts")
    expect(facts).to_contain_text(name)
    expect(facts).to_contain_text("127.0.0.1")
    expect(facts).to_contain_text("75011")
    assert violations(legal) == [], "identification look-up"
