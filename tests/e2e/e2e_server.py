"""Start the real server as a subprocess for the browser tests, and stop it afterwards."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Every browser of these tests comes from 127.0.0.1: rate limits and the network age rule would see one
# person. tests/test_policy_*.py test them; here they are off.
ENV = {"PYTHONUNBUFFERED": "1", "CAUSERIE_LIMITS": "off", "CAUSERIE_NETWORK_AGE_RULE": "off"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
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


@contextlib.contextmanager
def serving(tmp: Path, db: str) -> Iterator[str]:
    """`causerie serve` on a free loopback port with database `db`; yields its base URL."""
    port = free_port()
    with (tmp / "server.log").open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "causerie", "serve", "--host", "127.0.0.1", "--port", str(port), "--db", db],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **ENV},
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, proc)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
