"""The command line: help, schema upgrade, and `causerie serve` as a real process."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CAUSERIE = [sys.executable, "-m", "causerie"]


def test_help_lists_every_command() -> None:
    out = subprocess.run([*CAUSERIE, "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("serve", "db", "screen", "audit"):
        assert command in out


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    db = tmp_path / "up.db"
    out = subprocess.run([*CAUSERIE, "db", "upgrade", "--db", f"sqlite:///{db}"], capture_output=True,
                         text=True, check=True)
    assert "up to date" in out.stdout
    import sqlite3

    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert {"sessions", "rooms", "messages", "pm_messages", "ignores"} <= tables
    assert version == "0010"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_runs_the_chat(tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen([*CAUSERIE, "serve", "--host", "127.0.0.1", "--port", str(port), "--db",
                             f"sqlite+aiosqlite:///{tmp_path}/serve.db"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/ready", timeout=1) as resp:
                    assert resp.status == 200
                    break
            except OSError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as resp:
            assert "default-src 'self'" in resp.headers["Content-Security-Policy"]
        assert (tmp_path / "serve.db").exists()
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    assert "Traceback" not in out
    assert "127.0.0.1:" not in out.replace(f"http://127.0.0.1:{port}", "")  # no client address logged
