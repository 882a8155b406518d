"""A real cluster for the tests: `causerie serve` processes on one PostgreSQL database and one Redis prefix."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import services
from chat_client import ChatClient

SECRET = "cluster-test-secret-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Node:
    def __init__(self, index: int, db_url: str, broker_url: str, log_dir: Path, env: dict[str, str]) -> None:
        self.index = index
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_url, self.broker_url = db_url, broker_url
        self.log_path = log_dir / f"node{index}.log"
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {**os.environ, "CAUSERIE_SECRET": SECRET, "CAUSERIE_LIMITS": "off",
               "CAUSERIE_NETWORK_AGE_RULE": "off", **self.env}
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "causerie", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                 "--db", self.db_url, "--broker", self.broker_url], stdout=log, stderr=subprocess.STDOUT, env=env)

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/api/ready", timeout=2) as resp:
                return resp.status == 200
        except OSError:
            return False

    def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.ready():
            assert self.proc is not None and self.proc.poll() is None, f"node {self.index} exited:\n{self.log()}"
            assert time.monotonic() < deadline, f"node {self.index} not ready:\n{self.log()}"
            time.sleep(0.2)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class Cluster:
    def __init__(self, n: int, log_dir: Path, **env: str) -> None:
        services.require_services()
        self.db = services.create_database()
        self.prefix = services.redis_prefix()
        broker = f"{services.REDIS_URL}?prefix={self.prefix}"
        self.nodes = [Node(i, services.pg_url(self.db), broker, log_dir, env) for i in range(n)]

    def start(self) -> Cluster:
        for node in self.nodes:
            node.start()
        for node in self.nodes:
            node.wait_ready()
        return self

    def close(self) -> None:
        for node in self.nodes:
            node.stop()
        services.drop_database(self.db)
        services.drop_redis_prefix(self.prefix)

    def logs(self) -> str:
        return "\n".join(node.log() for node in self.nodes)


class Member(ChatClient):
    """A chat client that remembers every message frame it got, to check order, gaps and duplicates."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url)
        self.seen: dict[str, list[int]] = {}  # room or "pm:<id>" -> seqs in arrival order

    async def _read_one(self, timeout: float) -> dict[str, Any]:
        frame = await super()._read_one(timeout)
        if frame["type"] == "message":
            self.seen.setdefault(frame["room"], []).append(frame["seq"])
        elif frame["type"] == "pm_message":
            self.seen.setdefault(f"pm:{frame['pm']}", []).append(frame["seq"])
        return frame

    async def move_to(self, base_url: str) -> dict[str, Any]:
        """Reconnect (to this node) and resume from the last sequence numbers seen."""
        if self.ws is not None:
            await self.ws.close()
            self.ws = None
        self.base_url = base_url
        return await self.connect(resume={"rooms": dict(self.last_seq), "pms": dict(self.last_pm_seq)})

    async def read_until(self, key: str, seq: int, timeout: float = 30.0) -> None:
        """Read frames until `key` reached `seq` (frames stay in the inbox)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while max(self.seen.get(key, [0])) < seq:
            left = deadline - loop.time()
            assert left > 0, f"{self.pseudo} stuck at {max(self.seen.get(key, [0]))} < {seq} on {key}"
            try:
                self.inbox.append(await self._read_one(left))
            except TimeoutError:
                continue


async def settle(predicate: Any, timeout: float, what: str, every: float = 0.2) -> None:
    """Wait (bounded) until `predicate()` (sync or async) is true."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return
        assert loop.time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(every)


async def send_until_acked(client: Member, nodes: list[str], frame: dict[str, Any],
                           timeout: float = 60.0) -> dict[str, Any]:
    """Send a frame until it is acknowledged, reconnecting (and resuming) wherever a node answers.

    Every attempt gets an answer or a closed connection: `unavailable` is retried, anything else fails.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    attempt = 0
    while True:
        assert loop.time() < deadline, f"never acknowledged: {frame.get('client_id')}"
        try:
            if client.ws is None or client.ws.closed:
                await client.move_to(nodes[attempt % len(nodes)])
            got = await client.request(frame, "ack", timeout=10.0)
        except Exception:  # a node gone, a connection closed for resync, no welcome yet
            if client.ws is not None:
                await client.ws.close()
                client.ws = None
            got = None
        if got is not None:
            if got["type"] == "ack":
                return got
            assert got["code"] == "unavailable", got
        attempt += 1
        await asyncio.sleep(0.3)
