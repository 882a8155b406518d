"""The tamper-evident audit log: a SHA-256 hash chain.

Each entry's hash covers its own fields (`seq`, time, actor, action, target, canonical JSON data) and
the hash of the entry before it. `verify` walks the chain and names the first entry that was altered,
inserted or removed. Chaining makes edits evident, not impossible: someone able to rewrite the whole
table could recompute every hash, so the head hash (`causerie audit verify` prints it) is worth copying
somewhere else from time to time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec

from causerie.storage.audit import AuditEntry, AuditStore

if TYPE_CHECKING:
    from causerie.app import Causerie

GENESIS = "0" * 64


def canonical(data: Any) -> str:
    """JSON with sorted keys and no spaces: the same bytes for the same data, always."""
    return msgspec.json.encode(data, order="sorted").decode()


def entry_hash(prev_hash: str, seq: int, ts: int, actor: str, action: str, target: str, data: str) -> str:
    payload = msgspec.json.encode([prev_hash, seq, ts, actor, action, target, data])
    return hashlib.sha256(payload).hexdigest()


def _rehash(e: AuditEntry, seq: int | None = None) -> str:
    return entry_hash(e.prev_hash, e.seq if seq is None else seq, e.ts, e.actor, e.action, e.target, e.data)


async def record(app: Causerie, *, actor: str, action: str, target: str, data: dict[str, Any] | None = None
                 ) -> AuditEntry:
    """Append one entry. Never put message text, IP addresses or secrets in `data`."""
    return await append(app.audit, ts=app.clock.now_ms(), actor=actor, action=action, target=target,
                        data=data or {})


async def append(store: AuditStore, *, ts: int, actor: str, action: str, target: str,
                 data: dict[str, Any]) -> AuditEntry:
    return await store.append(ts=ts, actor=actor[:64], action=action[:32], target=target[:80],
                              data=canonical(data), genesis=GENESIS, hasher=entry_hash)


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    count: int
    head: str
    problem: str | None = None  # "altered", "inserted", "removed"
    seq: int | None = None  # the first entry concerned
    detail: str = ""


def verify_entries(entries: list[AuditEntry]) -> Verification:
    """Recompute the chain; report the first entry altered, inserted or removed."""
    prev: AuditEntry | None = None
    for e in entries:
        expected_seq = prev.seq + 1 if prev else 1
        prev_hash = prev.hash if prev else GENESIS
        if prev is not None and e.seq == prev.seq:
            return Verification(False, len(entries), "", "inserted", e.seq,
                                f"entry {e.seq} appears twice: one copy was inserted")
        if _rehash(e) != e.hash:
            # An entry whose hash matches a lower seq was pushed down by an inserted entry; one whose
            # hash matches a higher seq was renumbered to hide a removal.
            for shift in range(1, 4):
                if _rehash(e, e.seq - shift) == e.hash:
                    first = e.seq - shift
                    return Verification(False, len(entries), "", "inserted", first,
                                        f"entry {first} was inserted: the entries after it were renumbered")
                if _rehash(e, e.seq + shift) == e.hash:
                    return Verification(False, len(entries), "", "removed", e.seq,
                                        f"entry {e.seq} was removed: the entries after it were renumbered")
            return Verification(False, len(entries), "", "altered", e.seq,
                                f"entry {e.seq} was altered: its content no longer matches its hash")
        if e.seq > expected_seq:
            missing = f"{expected_seq}" if e.seq == expected_seq + 1 else f"{expected_seq}–{e.seq - 1}"
            return Verification(False, len(entries), "", "removed", expected_seq,
                                f"entry {missing} was removed: entry {e.seq} follows entry {expected_seq - 1}")
        if e.seq < expected_seq:
            return Verification(False, len(entries), "", "inserted", e.seq, f"entry {e.seq} is out of order")
        if e.prev_hash != prev_hash:
            if prev is not None and e.prev_hash != GENESIS and prev.prev_hash == e.prev_hash:
                return Verification(False, len(entries), "", "inserted", prev.seq,
                                    f"entry {prev.seq} was inserted: entry {e.seq} chains past it")
            return Verification(False, len(entries), "", "inserted", e.seq,
                                f"entry {e.seq} was inserted or replaced: it does not chain to entry "
                                f"{expected_seq - 1}")
        prev = e
    return Verification(True, len(entries), prev.hash if prev else GENESIS)


async def verify(store: AuditStore) -> Verification:
    return verify_entries(await store.entries())
