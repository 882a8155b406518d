"""Contact rules: no links in the teen band, and limits on new private conversations.

The screening engine already blocks contact details (phone numbers, handles, e-mails) in the teen
band; this adds a cheap structural check for links, which needs no model and cannot be talked round.
Photos do not exist in Causerie yet; when they come, the teen band has none (docs/policy.md).
"""

from __future__ import annotations

import re
import unicodedata

from causerie.domain import Band
from causerie.errors import CauserieError

# A scheme, "www.", or a host name ending in a common top-level domain, or a well-known short host.
_TLDS = ("com|fr|net|org|io|gg|me|ly|be|ch|ca|eu|info|biz|co|tv|app|link|xyz|club|online|site|live|to|"
         "cc|sh|ru|de|uk|us|tk|ml|ga|cf|gq|top|vip|shop|store|page|chat|pro|fun|one")
LINK_RE = re.compile(
    r"(?:[a-z][a-z0-9+.-]{1,15}://)"  # https://, snap://, tg://
    r"|(?:\bwww\s*\.)"
    r"|(?:\b[a-z0-9-]{2,63}\s*(?:\.|\(\s*(?:dot|point)\s*\)|\[\s*(?:dot|point)\s*\])\s*(?:" + _TLDS + r")\b"
    r"(?:\s*/|\s|$|[?!,;:)]))",
    re.IGNORECASE,
)


def has_link(text: str) -> bool:
    folded = unicodedata.normalize("NFKC", text)
    return LINK_RE.search(folded) is not None


def check_band_text(band: Band, text: str) -> None:
    """In the teen band no message carries a link: `link_not_allowed` (nothing is stored or sent)."""
    if band is Band.TEEN and has_link(text):
        raise CauserieError("link_not_allowed")
