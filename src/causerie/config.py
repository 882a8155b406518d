"""Settings: one frozen object, built from the command line and the environment."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from causerie.policy import config as policy_config
from causerie.policy.config import PolicySettings


def _default_db_url() -> str:
    return f"sqlite:///{Path('var') / 'causerie.db'}"


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    db_url: str = field(default_factory=_default_db_url)
    broker_url: str = "memory://"
    # Secret for keyed hashes (IP addresses, device tokens). From CAUSERIE_SECRET; a random one per
    # process otherwise, which is fine on one machine but not across nodes or restarts.
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    session_grace_s: float = 60.0
    # Cluster (Redis bus): heartbeat period and how long a silent node is still thought alive.
    heartbeat_s: float = 2.0
    node_ttl_s: float = 10.0
    history_on_join: int = 50
    resume_cap: int = 500
    max_text: int = 1000
    max_frame_bytes: int = 64 * 1024
    teen_min_age: int = 15
    adult_min_age: int = 18
    max_age: int = 120
    trust_forwarded: bool = False
    access_log: bool = False
    cookie_secure: bool = False
    # Age consistency, contact rules, rate limits and anti-flood thresholds (docs/policy.md).
    policy: PolicySettings = field(default_factory=PolicySettings)

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        env = os.environ
        values: dict[str, Any] = {}
        if "CAUSERIE_HOST" in env:
            values["host"] = env["CAUSERIE_HOST"]
        if "CAUSERIE_PORT" in env:
            values["port"] = int(env["CAUSERIE_PORT"])
        if "CAUSERIE_DB" in env:
            values["db_url"] = env["CAUSERIE_DB"]
        if "CAUSERIE_BROKER" in env:
            values["broker_url"] = env["CAUSERIE_BROKER"]
        if "CAUSERIE_SECRET" in env:
            values["secret"] = env["CAUSERIE_SECRET"].encode()
        if "CAUSERIE_SESSION_GRACE" in env:
            values["session_grace_s"] = float(env["CAUSERIE_SESSION_GRACE"])
        if "CAUSERIE_HEARTBEAT" in env:
            values["heartbeat_s"] = float(env["CAUSERIE_HEARTBEAT"])
        if "CAUSERIE_NODE_TTL" in env:
            values["node_ttl_s"] = float(env["CAUSERIE_NODE_TTL"])
        if "CAUSERIE_ACCESS_LOG" in env:
            values["access_log"] = env["CAUSERIE_ACCESS_LOG"] == "1"
        if "CAUSERIE_TRUST_FORWARDED" in env:
            values["trust_forwarded"] = env["CAUSERIE_TRUST_FORWARDED"] == "1"
        values["policy"] = policy_config.from_env(env)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)
