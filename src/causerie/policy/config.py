"""Every threshold of the safety policy, in one frozen object (`Settings.policy`); see docs/policy.md."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Rate:
    """A token bucket: up to `burst` at once, refilled at `count` per `seconds`."""

    burst: float
    count: float
    seconds: float

    @property
    def per_s(self) -> float:
        return self.count / self.seconds


HOUR = 3600.0


@dataclass(frozen=True)
class PolicySettings:
    # Rate limits, slow mode, duplicate blasts and join waves. Off only for benchmarks and for tests of
    # something else (CAUSERIE_LIMITS=off). Age bands and age consistency never switch off here.
    limits: bool = True
    # Age consistency: a device or network that declared an adult age within `age_memory_days` cannot
    # enter the teen band. The network half can be switched off (tests from one loopback address).
    age_memory_days: float = 30.0
    network_age_rule: bool = True
    # A session is "new" during its first `new_session_s` seconds: stricter PM limits, and it counts
    # towards join waves and gets the newcomers' slow mode.
    new_session_s: float = 600.0
    # New PM conversations a session may open.
    pm_new_adult: Rate = Rate(10, 10, HOUR)
    pm_new_teen: Rate = Rate(5, 5, HOUR)
    pm_new_adult_first: Rate = Rate(3, 3, 600)  # during the session's first 10 minutes
    pm_new_teen_first: Rate = Rate(2, 2, 600)
    pm_new_network: Rate = Rate(60, 60, HOUR)
    # Messages (rooms and PMs together), room joins, entries.
    messages_session: Rate = Rate(8, 1, 2)
    messages_network: Rate = Rate(100, 10, 1)
    joins_session: Rate = Rate(12, 1, 10)
    joins_network: Rate = Rate(120, 1, 1)
    entries_device: Rate = Rate(10, 1, 60)
    entries_network: Rate = Rate(60, 1, 5)
    # Duplicate blasts: the same (or nearly the same) text to more than `dup_max_targets` rooms or people
    # within `dup_window_s` is held for review. Texts shorter than `dup_min_chars` (once normalised:
    # "salut", "ça va ?") never count.
    dup_max_targets: int = 5
    dup_window_s: float = 600.0
    dup_min_chars: int = 12
    # Join waves: more than `wave_joins` new sessions joining one room within `wave_window_s` switch the
    # room to slow mode (`wave_slow_s` between messages) for new sessions, for `wave_duration_s`.
    wave_joins: int = 10
    wave_window_s: float = 10.0
    wave_slow_s: int = 10
    wave_duration_s: float = 600.0
    # A signal of the same kind for the same key is recorded at most once per this many seconds (a flood
    # of refusals is one signal, not thousands).
    signal_quiet_s: float = 60.0


def from_env(env: dict[str, str] | Any) -> PolicySettings:
    values: dict[str, Any] = {}
    if "CAUSERIE_LIMITS" in env:
        values["limits"] = env["CAUSERIE_LIMITS"].lower() not in ("0", "off", "false", "no")
    if "CAUSERIE_NETWORK_AGE_RULE" in env:
        values["network_age_rule"] = env["CAUSERIE_NETWORK_AGE_RULE"].lower() not in ("0", "off", "false", "no")
    return PolicySettings(**values)
