"""Plain types of the chat: bands, genders, people, rooms."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Band(StrEnum):
    TEEN = "teen"
    ADULT = "adult"


class Gender(StrEnum):
    WOMAN = "woman"
    MAN = "man"
    OTHER = "other"


class PmPolicy(StrEnum):
    BAND = "band"  # everyone in my age band
    SHARED_ROOM = "shared_room"  # people who share a room with me
    NOBODY = "nobody"


class RoomKind(StrEnum):
    GENERAL = "general"
    THEME = "theme"
    REGION = "region"
    PRIVATE = "private"


class DistanceBand(StrEnum):
    LT10 = "lt10"
    B10_50 = "10-50"
    B50_200 = "50-200"
    GT200 = "gt200"


@dataclass(frozen=True, slots=True)
class Place:
    """Where someone declared to be: a commune, never shown with its postal code or coordinates."""

    postal_code: str
    insee: str
    commune: str
    departement: str
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class Person:
    """A session as others may see it (plus the private place used for distance bands)."""

    session_id: str
    pseudo: str
    age: int
    gender: Gender
    band: Band
    place: Place


@dataclass(frozen=True, slots=True)
class Room:
    id: str
    name_fr: str
    name_en: str
    band: Band
    kind: RoomKind
    owner: str | None = None  # session id of the creator of a private room
