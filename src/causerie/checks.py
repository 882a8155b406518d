"""`check_*` reject bad input; `access_*` fetch something with a permission check.

Both raise `CauserieError` with a stable code. Nothing here changes state.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from causerie.domain import Band, Gender, Place, PmPolicy, Room, RoomKind
from causerie.errors import CauserieError
from causerie.geo import PostalCodes

if TYPE_CHECKING:
    from causerie.app import Causerie
    from causerie.hub import LiveSession
    from causerie.storage.pms import ConversationRecord

PSEUDO_RE = re.compile(r"^[A-Za-z0-9_-]{3,20}$")
RESERVED = frozenset({
    "admin", "administrateur", "administrator", "modo", "moderateur", "moderatrice", "moderator",
    "causerie", "system", "systeme", "root", "support", "staff", "police", "pharos", "equipe", "team",
    "officiel", "official", "bot", "legal",
})


def check_pseudo(pseudo: str) -> str:
    pseudo = pseudo.strip()
    if not PSEUDO_RE.match(pseudo):
        raise CauserieError("pseudo_invalid")
    folded = pseudo.casefold().replace("_", "").replace("-", "")
    if folded in RESERVED or any(folded.startswith(word) for word in ("admin", "modo", "moderat", "causerie")):
        raise CauserieError("pseudo_reserved")
    return pseudo


def check_age(age: object, *, teen_min: int, adult_min: int, max_age: int) -> Band:
    if not isinstance(age, int) or isinstance(age, bool) or age < 0 or age > max_age:
        raise CauserieError("age_invalid", min_age=teen_min, max_age=max_age)
    if age < teen_min:
        raise CauserieError("age_too_young", min_age=teen_min)
    return Band.ADULT if age >= adult_min else Band.TEEN


def check_gender(gender: str) -> Gender:
    try:
        return Gender(gender)
    except ValueError:
        raise CauserieError("gender_invalid") from None


def check_place(postal: PostalCodes, code: str, insee: str | None) -> Place:
    code = code.strip()
    if not postal.valid(code):
        raise CauserieError("postal_code_invalid")
    communes = postal.communes(code)
    if not communes:
        raise CauserieError("postal_code_unknown")
    if insee:
        for place in communes:
            if place.insee == insee:
                return place
        raise CauserieError("postal_code_unknown")
    return communes[0]


def check_text(text: str, limit: int) -> str:
    text = text.strip()
    if not text:
        raise CauserieError("text_empty")
    if len(text) > limit:
        raise CauserieError("text_too_long", limit=limit)
    return text


def check_client_id(client_id: str) -> str:
    if not 1 <= len(client_id) <= 64:
        raise CauserieError("client_id_invalid")
    return client_id


def check_pm_policy(policy: str) -> PmPolicy:
    try:
        return PmPolicy(policy)
    except ValueError:
        raise CauserieError("pm_policy_invalid") from None


def check_room_name(name: str) -> str:
    name = " ".join(name.split())
    if not 3 <= len(name) <= 40:
        raise CauserieError("room_name_invalid")
    return name


async def access_room(app: Causerie, session: LiveSession, room_id: str) -> Room:
    """A room the session may see: of its band, and for a private room, invited or a member.

    A room of the other band answers `room_unknown`, exactly like a room that does not exist.
    """
    room = await app.room(room_id)
    if room is None or room.band is not session.person.band:
        raise CauserieError("room_unknown")
    if room.kind is RoomKind.PRIVATE and room_id not in session.rooms:
        if not await app.rooms.is_invited(room_id, session.id):
            raise CauserieError("room_private")
    return room


def access_room_for_send(session: LiveSession, room_id: str) -> None:
    if room_id not in session.rooms:
        raise CauserieError("not_joined")


async def access_pm(app: Causerie, session: LiveSession, pm_id: int) -> ConversationRecord:
    conv = await app.pms.get(pm_id)
    if conv is None or session.id not in (conv.a, conv.b):
        raise CauserieError("pm_unknown")
    return conv
