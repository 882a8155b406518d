"""Moderator accounts: argon2id passwords, TOTP second factor, console sessions with CSRF tokens and a
short idle timeout."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from causerie.errors import CauserieError
from causerie.moderation.audit import record
from causerie.moderation.roles import check_roles
from causerie.storage.moderators import Moderator

if TYPE_CHECKING:
    from causerie.app import Causerie

_hasher = PasswordHasher()
# Verified against when the name is unknown, so a wrong name costs as much time as a wrong password.
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))
TOTP_STEP = 30


@dataclass(frozen=True, slots=True)
class NewModerator:
    id: int
    name: str
    roles: list[str]
    totp_secret: str
    totp_uri: str


@dataclass(frozen=True, slots=True)
class ConsoleSession:
    moderator: Moderator
    token_hash: str
    csrf: str

    @property
    def actor(self) -> str:
        return f"mod:{self.moderator.id}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_moderator_name(name: str) -> str:
    name = name.strip()
    if not 3 <= len(name) <= 40 or not all(c.isalnum() or c in "._-" for c in name):
        raise ValueError("the name must be 3 to 40 letters, digits, '.', '_' or '-'")
    return name


async def do_add_moderator(app: Causerie, name: str, password: str, roles: list[str]) -> NewModerator:
    name = check_moderator_name(name)
    roles = check_roles(roles)
    if len(password) < 12:
        raise ValueError("the password must be at least 12 characters")
    secret = pyotp.random_base32()
    new_id = await app.moderation.moderators.add(name, _hasher.hash(password), secret, roles, app.clock.now_ms())
    if new_id is None:
        raise ValueError(f"a moderator named {name!r} exists already")
    await record(app, actor="system", action="moderator_added", target=f"mod:{new_id}", data={"roles": roles})
    uri = pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name="Causerie")
    return NewModerator(new_id, name, roles, secret, uri)


def _totp_step(secret: str, code: str, now_ms: int) -> int | None:
    """The time step a code belongs to (now, or one step either side for clock drift), else None."""
    code = code.strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now_s = now_ms // 1000
    for drift in (0, -1, 1):
        at = now_s + drift * TOTP_STEP
        if hmac.compare_digest(totp.at(at), code):
            return at // TOTP_STEP
    return None


async def do_login(app: Causerie, name: str, password: str, code: str) -> tuple[str, ConsoleSession]:
    """Password and TOTP code; the same answer for every failure. Returns (cookie token, session)."""
    store = app.moderation.moderators
    moderator = await store.by_name(name.strip()) if name else None
    try:
        _hasher.verify(moderator.password_hash if moderator else _DUMMY, password)
        password_ok = moderator is not None
    except (VerificationError, InvalidHashError):
        password_ok = False
    now = app.clock.now_ms()
    step = _totp_step(moderator.totp_secret, code, now) if moderator and password_ok else None
    if moderator is None or not password_ok or moderator.disabled or step is None \
            or not await store.use_totp_step(moderator.id, step):
        await record(app, actor="system", action="login_failed", target=f"mod:{moderator.id}" if moderator else "-")
        raise CauserieError("mod_login_failed")
    if _hasher.check_needs_rehash(moderator.password_hash):
        await store.set_password_hash(moderator.id, _hasher.hash(password))
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    await store.open_session(token_hash(token), moderator.id, csrf, now)
    await record(app, actor=f"mod:{moderator.id}", action="login", target=f"mod:{moderator.id}")
    return token, ConsoleSession(moderator, token_hash(token), csrf)


async def access_console(app: Causerie, token: str | None, csrf: str | None, *, mutating: bool,
                         touch: bool = True) -> ConsoleSession:
    """The console session of a request: a live, recently active session; CSRF header on every change."""
    if not token:
        raise CauserieError("mod_not_authenticated")
    digest = token_hash(token)
    store = app.moderation.moderators
    session = await store.session(digest)
    now = app.clock.now_ms()
    if session is None or session.moderator.disabled:
        raise CauserieError("mod_not_authenticated")
    if now - session.last_seen > app.moderation.config.idle_timeout_s * 1000:
        await store.end_session(digest, now)
        raise CauserieError("mod_not_authenticated")
    if mutating and not (csrf and hmac.compare_digest(csrf, session.csrf)):
        raise CauserieError("csrf_invalid")
    if touch:
        await store.touch(digest, now)
    return ConsoleSession(session.moderator, digest, session.csrf)


async def do_logout(app: Causerie, session: ConsoleSession) -> None:
    await app.moderation.moderators.end_session(session.token_hash, app.clock.now_ms())
    await record(app, actor=session.actor, action="logout", target=session.actor)
