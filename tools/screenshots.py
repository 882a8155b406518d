"""Refresh docs/screenshots/ (entry, room, pm, people-filters, mobile) from the real client.

Starts the server on a free loopback port with a throwaway SQLite database and drives Debian's Chromium
with Playwright (`make screenshots`). Needs nothing but the server: every request stays on 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(tmp: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "causerie", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--db", f"sqlite+aiosqlite:///{tmp}/screenshots.db"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/health", timeout=1):
                return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


def fill_entry(page: Page, pseudo: str, age: int, gender: str, postal: str) -> None:
    page.fill("#entry-pseudo", pseudo)
    page.fill("#entry-age", str(age))
    page.check(f"#entry-form input[name=gender][value={gender}]")
    page.fill("#entry-postal", postal)
    page.wait_for_selector("#entry-commune:not(:empty)")


def enter(browser, url: str, pseudo: str, age: int, gender: str, postal: str, **viewport) -> Page:
    context = browser.new_context(base_url=url, locale="fr-FR",
                                  viewport=viewport or {"width": 1280, "height": 760})
    page = context.new_page()
    page.goto("/")
    page.wait_for_selector("body[data-ready=true]")
    fill_entry(page, pseudo, age, gender, postal)
    page.click("#entry-submit")
    page.wait_for_selector("#composer-input:not([disabled])")
    return page


def say(page: Page, text: str) -> None:
    page.fill("#composer-input", text)
    page.press("#composer-input", "Enter")
    page.wait_for_selector(f".log:not([hidden]) .msg.mine[data-seq] >> text={text[:12]}")


def shoot(page: Page, name: str) -> None:
    page.wait_for_timeout(300)
    page.screenshot(path=str(OUT / f"{name}.png"))
    print(f"wrote docs/screenshots/{name}.png")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_server(Path(tmp))
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                entry = browser.new_context(base_url=url, locale="fr-FR",
                                            viewport={"width": 1280, "height": 900})
                page = entry.new_page()
                page.goto("/")
                page.wait_for_selector("body[data-ready=true]")
                fill_entry(page, "Camille_75", 27, "woman", "75011")
                shoot(page, "entry")

                camille = enter(browser, url, "Camille_75", 27, "woman", "75011")
                karim = enter(browser, url, "Karim69", 34, "man", "69003")
                sasha = enter(browser, url, "Sasha", 29, "other", "92100")
                enter(browser, url, "Lea_Nantes", 41, "woman", "44000")
                say(karim, "Bonsoir à tous ! Quelqu'un a vu le match hier ?")
                say(camille, "Pas moi, j'étais au concert à Bercy.")
                say(sasha, "Moi oui, belle fin de match.")
                say(karim, "Ah Camille, c'était qui ?")
                camille.wait_for_selector(".msg-text >> text=c'était qui")
                shoot(camille, "room")

                karim.locator("#people-list li[data-pseudo='Camille_75']").get_by_role(
                    "button", name="Message privé à Camille_75").click()
                say(karim, "Salut ! Tu connais un bon resto près de Bastille ?")
                camille.wait_for_selector("#conv-tabs .tab-pm .badge")
                camille.locator("#conv-tabs .tab-pm").click()
                say(camille, "Oui, rue de Lappe il y en a plein.")
                camille.locator("#composer-input").press_sequentially("Sinon", delay=10)
                karim.wait_for_selector("#typing:not(:empty)")
                shoot(karim, "pm")

                camille.locator("#filters-box summary").click()
                camille.locator("#filters input[name=gender][value=woman]").check()
                camille.locator("#filters input[name=gender][value=other]").check()
                camille.fill("#filter-age-min", "25")
                camille.fill("#filter-age-max", "45")
                camille.wait_for_timeout(600)
                shoot(camille, "people-filters")

                phone = enter(browser, url, "Noa_mobile", 22, "other", "33000", width=375, height=812)
                karim.locator("#conv-tabs .tab", has_text="Général").click()
                say(karim, "Bienvenue Noa !")
                phone.wait_for_selector(".msg-text >> text=Bienvenue Noa")
                shoot(phone, "mobile")
                browser.close()
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
