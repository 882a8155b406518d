"""Contact details: phone numbers (spaced, dotted, in words), e-mail addresses, handles and links."""

from __future__ import annotations

import re

from causerie.screening.detectors.base import Evidence
from causerie.screening.normalise import Normalised
from causerie.screening.types import ScreenContext

# French numbers (0X XX XX XX XX, +33 X, 0033 X) once separators are gone; read on the digits view.
_PHONE = re.compile(r"(?<!\d)(?:\+ ?33|0033|33)? ?\(?0?\)?[1-9](?:[ .\-/]*\d){8}(?!\d)")
_LONG_DIGITS = re.compile(r"(?<!\d)\d(?:[ .\-/]*\d){8,}(?!\d)")
# Written to start with the literal `0` (the look-behind after it) so that `re` jumps from one `0` to the
# next instead of trying every position.
_PARTIAL_MOBILE = re.compile(r"0(?<![\d.,]0)[67](?:[ .\-/]*\d{2}){1,3}(?![\d.,])")
_EMAIL = re.compile(r"[a-z0-9._%+\-]+ ?(?:@|\(at\)|\[at\]| at | arobase ) ?[a-z0-9\-]+ ?(?:\.|\(dot\)| dot | point ) ?"
                    r"[a-z]{2,}")
_HANDLE_AT = re.compile(r"(?<![\w@])@[a-z0-9_.]{3,30}")
# theo.zz.92, clara_lune07: letters with dots/underscores and digits, the shape of a handle.
_HANDLE_SHAPE = re.compile(r"(?<![\w@.])(?=[a-z0-9._]*[a-z]{2})(?=[a-z0-9._]*\d)[a-z][a-z0-9]*[._][a-z0-9._]*[a-z0-9]"
                           r"(?![\w@])")
_URL = re.compile(r"https?://|www\.|(?<![\w@])[a-z0-9\-]{2,}\.(?:com|fr|net|org|io|gg|me|ly|app|link|xyz|ru|"
                  r"example|be|ch|tv|co|info|site|online|shop)\b(?!\.)")
# Apps where a conversation can move, by their plain names. `_SOCIAL` finds one in the matching view
# (a handle next to it weighs more); `_APP` also knows how they are typed (read on `lower`, where
# punctuation is kept): shortened, nicknamed or dotted (`tel.egram`, `sig.nal`); `tg` there is Telegram,
# because a handle follows.
_APP_NAMES = sorted(["snap", "snapchat", "insta", "instagram", "ig", "telegram", "whatsapp", "discord", "kik",
                     "tiktok", "emoghost", "fantome", "skype", "wizz", "yubo", "signal", "facebook", "fb",
                     "messenger", "twitch", "twitter", "onlyfans", "linkedin", "threads", "viber", "wechat"],
                    key=len, reverse=True)
_SOCIAL = re.compile(r"\b(?:" + "|".join(_APP_NAMES) + r")\b")
_AT_SIGN_EMAIL = re.compile(r"[a-z0-9._%+\-] ?@ ?[a-z0-9\-]+\.[a-z]{2,}")
_APP = (r"(?:" + "|".join(_APP_NAMES) + r"|snp|sn@p|tg|tele|tel\.?egram(?:me)?|whats(?:app?)?|whatsap+|watsap+|"
        r"wts|wsp|wtsp|sig\.nal|disco)")
# The app's name, then a separator (`:`, `=`, `->`, `c'est`, `nouveau`…), then a handle: a token with a
# digit, a dot, an underscore or a `#` in it, or any token behind an `@`.
_APP_HANDLE = re.compile(
    r"(?<![a-z0-9])" + _APP + r"(?:\s*(?:[:=/>,\-]+|\bc'?\s?est\b|\bnouveau\b|\bnew\b|\bpseudo\b|\bid\b)){0,3}\s*"
    r"(?:@\s?[a-z0-9_.]{3,30}|(?=[a-z0-9._#\-]*[0-9._#])(?=(?:[0-9._#\-]*[a-z]){3})"
    r"[a-z0-9][a-z0-9._#\-]{3,29}[a-z0-9])")
# Links that open a profile or a chat on another app.
_APP_LINK = re.compile(r"(?<![a-z0-9])(?:t\.me(?:\.[a-z]+)?|wa\.me|discord\.gg|snapchat\.[a-z]+/add|linktr\.?[a-z]*|"
                       r"(?:insta(?:gram)?|tiktok|twitch|onlyfans|onlyf[a-z]*|facebook|fb|telegram)"
                       r"\.[a-z]+)/\s?@?[a-z0-9_.\-]{2,}")


# Cheap necessary conditions, checked before the expensive patterns: every URL match contains "http",
# "www." or ".<tld>"; every handle shape a digit and a dot or underscore.
_URL_HINT = re.compile(r"\.(?:com|fr|net|org|io|gg|me|ly|app|link|xyz|ru|example|be|ch|tv|co|info|site|online|shop)\b")
_DIGIT = re.compile(r"\d")
# Nine digits with at most separators between them, which every phone number and every long run of digits
# holds: a pattern that starts with a digit class, so `re` skips straight to digits (the phone pattern,
# with its optional prefixes, is tried at every position).
_NINE_DIGITS = re.compile(r"\d(?:[ .\-/]*\d){8}")


class ContactDetector:
    name = "contact"

    def detect(self, n: Normalised, ctx: ScreenContext, evidence: Evidence) -> None:
        lower = n.lower
        if n.has_digits():
            digits = n.digits
            nine = _NINE_DIGITS.search(digits) is not None
            if nine and any(9 <= len(re.sub(r"\D", "", m.group(0))) <= 13 for m in _PHONE.finditer(digits)):
                evidence.add_pattern("contact", 0.9, "contact:phone")
            elif nine and _LONG_DIGITS.search(digits) and re.search(r"\b(num|numero|tel|appel|06|07|sms|whatsapp)",
                                                                    n.text):
                evidence.add_pattern("contact", 0.6, "contact:digits")
            elif _PARTIAL_MOBILE.search(digits):
                evidence.add_pattern("contact", 0.35, "contact:partial-mobile")
        if ("@" in lower or " at " in lower or "arobase" in lower or "(at)" in lower) and _EMAIL.search(lower):
            evidence.add_pattern("contact", 0.9, "contact:email")
        url = (("http" in lower or "www." in lower or _URL_HINT.search(lower) is not None)
               and _URL.search(lower) is not None)
        if "@" in lower and _HANDLE_AT.search(lower) and not _AT_SIGN_EMAIL.search(lower):
            social = _SOCIAL.search(n.text) is not None
            evidence.add_pattern("contact", 0.65 if social else 0.35, "contact:handle-at")
        elif ("." in lower or "_" in lower) and not url and _DIGIT.search(lower) and _HANDLE_SHAPE.search(lower):
            social = _SOCIAL.search(n.text) is not None
            evidence.add_pattern("contact", 0.6 if social else 0.3, "contact:handle")
        # Only where an app was named (the lexicon, which runs first, found one) or a handle character is.
        if ("contact" in evidence.hits or "@" in lower or "_" in lower) and _APP_HANDLE.search(lower):
            evidence.add_pattern("contact", 0.9, "contact:app-handle")
        if ("/" in lower) and _APP_LINK.search(lower):
            evidence.add_pattern("contact", 0.9, "contact:app-link")
        if url:
            evidence.add("contact", 0.2, "contact:link")
            evidence.add("scam", 0.2, "scam:link")
