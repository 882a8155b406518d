"""The policy table (category × space → action), read from a TOML file and reloadable."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from causerie.screening.types import ACTIONS, CATEGORIES

DEFAULT_POLICY_PATH = Path(__file__).with_name("policy.toml")
SPACES = ("teen", "adult", "adult_explicit")


class PolicyError(ValueError):
    """The policy file is invalid; the previous policy stays in force."""


@dataclass(frozen=True, slots=True)
class CategoryPolicy:
    threshold: float
    actions: dict[str, str]
    open_case: bool
    reason: dict[str, str]


@dataclass(frozen=True, slots=True)
class Policy:
    version: int
    categories: dict[str, CategoryPolicy]
    failsafe: dict[str, str]
    detector_budget_ms: float
    teen_rooms: frozenset[str]
    explicit_rooms: frozenset[str]
    error_reason: dict[str, str]

    def action(self, category: str, space: str) -> str:
        return self.categories[category].actions[space]


def _reason(table: dict, where: str) -> dict[str, str]:
    reason = table.get("reason", {})
    if not isinstance(reason, dict) or not reason.get("fr") or not reason.get("en"):
        raise PolicyError(f"{where}: reason.fr and reason.en are required")
    return {"fr": str(reason["fr"]), "en": str(reason["en"])}


def _check_action(action: object, where: str) -> str:
    if action not in ACTIONS:
        raise PolicyError(f"{where}: unknown action {action!r} (expected one of {', '.join(ACTIONS)})")
    return str(action)


def load_policy(path: Path = DEFAULT_POLICY_PATH) -> Policy:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"{path}: {exc}") from exc
    tables = data.get("categories", {})
    categories: dict[str, CategoryPolicy] = {}
    for category in CATEGORIES:
        table = tables.get(category)
        if not isinstance(table, dict):
            raise PolicyError(f"{path}: [categories.{category}] is missing")
        actions = {space: _check_action(table.get(space), f"{category}.{space}") for space in SPACES}
        categories[category] = CategoryPolicy(
            threshold=float(table.get("threshold", 0.5)),
            actions=actions,
            open_case=bool(table.get("open_case", False)),
            reason=_reason(table, f"categories.{category}"),
        )
    failsafe = data.get("failsafe", {})
    rooms = data.get("rooms", {})
    return Policy(
        version=int(data.get("version", 1)),
        categories=categories,
        failsafe={"teen": _check_action(failsafe.get("teen", "hold"), "failsafe.teen"),
                  "adult": _check_action(failsafe.get("adult", "flag"), "failsafe.adult")},
        detector_budget_ms=float(failsafe.get("detector_budget_ms", 25.0)),
        teen_rooms=frozenset(rooms.get("teen", [])),
        explicit_rooms=frozenset(rooms.get("explicit_allowed", [])),
        error_reason=_reason(data.get("errors", {}), "errors"),
    )
