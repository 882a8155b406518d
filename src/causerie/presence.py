"""Who is online: the node's view of every live session, and the filters of the people list.

The view is built from the database at start-up and kept current by `directory` events, so every
node of a cluster sees everyone. Each viewer only ever sees people of their own age band.
"""

from __future__ import annotations

from causerie.domain import Band, DistanceBand, Gender, Person, Place
from causerie.errors import Text
from causerie.geo import distance_band
from causerie.protocol import PersonInfo, PresenceFilters


def person_info(person: Person, viewer: Person | None) -> PersonInfo:
    band = distance_band(viewer.place, person.place) if viewer is not None else None
    return PersonInfo(pseudo=person.pseudo, age=person.age, gender=person.gender.value,
                      commune=person.place.commune, departement=person.place.departement,
                      distance=band.value if band else None, band=person.band.value)


def matches(viewer: Person, person: Person, filters: PresenceFilters | None) -> bool:
    """May `viewer` see `person` in the list, with these filters?"""
    if person.band is not viewer.band or person.session_id == viewer.session_id:
        return False
    if filters is None:
        return True
    if filters.gender and person.gender.value not in filters.gender:
        return False
    if filters.age_min is not None and person.age < filters.age_min:
        return False
    if filters.age_max is not None and person.age > filters.age_max:
        return False
    if filters.departement and person.place.departement != filters.departement:
        return False
    if filters.distance:
        band = distance_band(viewer.place, person.place)
        if band is None or band.value not in filters.distance:
            return False
    return True


def _choices(values: list[str], last: str) -> str:
    return ", ".join(values[:-1]) + f" {last} " + values[-1]


def check_filters(filters: PresenceFilters | None) -> Text | None:
    """What is wrong with the filters, in French and English, or None. The allowed values are listed
    from the enums, so the message cannot fall behind them."""
    if filters is None:
        return None
    if filters.gender and any(g not in Gender.__members__.values() for g in filters.gender):
        genders = [g.value for g in Gender]
        return Text(f"filters.gender : genre inconnu ({_choices(genders, 'ou')})",
                    f"filters.gender: unknown gender ({_choices(genders, 'or')})")
    if filters.distance and any(d not in DistanceBand.__members__.values() for d in filters.distance):
        bands = [d.value for d in DistanceBand]
        return Text(f"filters.distance : distance inconnue ({_choices(bands, 'ou')})",
                    f"filters.distance: unknown distance ({_choices(bands, 'or')})")
    for age in (filters.age_min, filters.age_max):
        if age is not None and not 0 <= age <= 200:
            return Text("filters.age : un âge de 0 à 200 ans", "filters.age: an age from 0 to 200")
    return None


class Directory:
    """Every live person, by session id and by case-folded pseudonym, and every room's members."""

    def __init__(self) -> None:
        self.people: dict[str, Person] = {}
        self.by_pseudo: dict[str, str] = {}
        self.room_members: dict[str, set[str]] = {}

    def add(self, person: Person) -> bool:
        if person.session_id in self.people:
            return False
        self.people[person.session_id] = person
        self.by_pseudo[person.pseudo.casefold()] = person.session_id
        return True

    def remove(self, session_id: str) -> Person | None:
        person = self.people.pop(session_id, None)
        if person is not None and self.by_pseudo.get(person.pseudo.casefold()) == session_id:
            del self.by_pseudo[person.pseudo.casefold()]
        for members in self.room_members.values():
            members.discard(session_id)
        return person

    def find(self, pseudo: str) -> Person | None:
        sid = self.by_pseudo.get(pseudo.casefold())
        return self.people.get(sid) if sid else None

    def join(self, room: str, session_id: str) -> int:
        members = self.room_members.setdefault(room, set())
        members.add(session_id)
        return len(members)

    def leave(self, room: str, session_id: str) -> int:
        members = self.room_members.get(room, set())
        members.discard(session_id)
        return len(members)

    def count(self, room: str) -> int:
        return len(self.room_members.get(room, ()))

    def replace(self, people: dict[str, Person], members: dict[str, set[str]]) -> None:
        """Become exactly this: these people online (by session id) and these room members, as read from
        the database at start or after the bus comes back."""
        for sid in [sid for sid in self.people if sid not in people]:
            self.remove(sid)
        for person in people.values():
            self.add(person)
        for room in self.room_members:
            self.room_members[room] = set()
        for room, sids in members.items():
            for sid in sids:
                self.join(room, sid)

    def band_of(self, session_id: str) -> Band | None:
        person = self.people.get(session_id)
        return person.band if person else None


def place_dict(place: Place) -> dict[str, object]:
    return {"postal_code": place.postal_code, "insee": place.insee, "commune": place.commune,
            "departement": place.departement, "lat": place.lat, "lon": place.lon}


def person_to_dict(p: Person) -> dict[str, object]:
    return {"session_id": p.session_id, "pseudo": p.pseudo, "age": p.age, "gender": p.gender.value,
            "band": p.band.value, "place": place_dict(p.place)}


def person_from_dict(d: dict[str, object]) -> Person:
    pl = d["place"]
    assert isinstance(pl, dict)
    place = Place(pl["postal_code"], pl["insee"], pl["commune"], pl["departement"], pl["lat"], pl["lon"])
    return Person(str(d["session_id"]), str(d["pseudo"]), int(d["age"]),  # type: ignore[call-overload]
                  Gender(d["gender"]), Band(d["band"]), place)
