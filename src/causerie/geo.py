"""French postal codes → communes (La Poste data), and coarse distance bands between communes."""

from __future__ import annotations

import csv
import math
import re
from functools import lru_cache
from importlib import resources

from causerie.domain import DistanceBand, Place

_POSTAL_RE = re.compile(r"^\d{5}$")


def _departement(insee: str) -> str:
    return insee[:3] if insee.startswith("97") or insee.startswith("98") else insee[:2]


def _title(name: str) -> str:
    return " ".join(w.capitalize() if not w.isdigit() else w for w in name.split())


class PostalCodes:
    def __init__(self, places: dict[str, list[Place]]) -> None:
        self._by_code = places

    @classmethod
    def load(cls) -> PostalCodes:
        places: dict[str, list[Place]] = {}
        seen: set[tuple[str, str]] = set()
        with resources.files("causerie.data").joinpath("postal_codes.csv").open(encoding="utf-8") as f:
            reader = csv.reader(f, delimiter=";")
            next(reader)
            for insee, name, code, _line5, _label, gps in reader:
                if (code, insee) in seen:
                    continue
                seen.add((code, insee))
                lat = lon = None
                if gps:
                    a, b = gps.split(",")
                    lat, lon = float(a), float(b)
                places.setdefault(code, []).append(
                    Place(code, insee, _title(name), _departement(insee), lat, lon)
                )
        return cls(places)

    @staticmethod
    def valid(code: str) -> bool:
        return bool(_POSTAL_RE.match(code))

    def communes(self, code: str) -> list[Place]:
        return self._by_code.get(code, [])

    def __len__(self) -> int:
        return len(self._by_code)


@lru_cache(maxsize=1)
def postal_codes() -> PostalCodes:
    return PostalCodes.load()


def km_between(a: Place, b: Place) -> float | None:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def distance_band(a: Place, b: Place) -> DistanceBand | None:
    km = km_between(a, b)
    if km is None:
        return None
    if km < 10:
        return DistanceBand.LT10
    if km < 50:
        return DistanceBand.B10_50
    if km < 200:
        return DistanceBand.B50_200
    return DistanceBand.GT200
