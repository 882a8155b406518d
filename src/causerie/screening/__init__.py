"""Real-time message screening: normalisation, detectors, a learned stage and a policy table.

    from causerie.screening import Screener, ScreenContext, Verdict

See docs/screening.md.
"""

from causerie.screening.engine import Screener
from causerie.screening.types import CATEGORIES, ScreenContext, Verdict

__all__ = ["CATEGORIES", "ScreenContext", "Screener", "Verdict"]
