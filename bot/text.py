"""Free text from users, checked the same way on every front end (chat, forms, `coach plan`).

It says why a value can't be taken as typed: too long, or holding control
characters (escapes, NUL, line breaks where one line is expected, bidi
overrides that could disguise a message). Letters of any script, emoji and the
joiners some languages spell with stay allowed. Text that would show nothing
at all (zero-width spaces, a Braille blank, combining marks with no letter)
counts as empty (`is_blank`). Pure; never raises on a str.
"""

from __future__ import annotations

import re
import unicodedata

BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"[+()0-9 .\-]{5,40}")


# Characters that show as nothing but are letters or symbols to Unicode: the Braille blank, the Hangul
# fillers, the Mongolian vowel separator, the Khmer inherent vowels, the combining grapheme joiner.
_BLANK_LOOKING = frozenset("\u2800\u3164\u115f\u1160\uffa0\u180e\u17b4\u17b5\u034f")
_INVISIBLE_CATEGORIES = frozenset(("Cf", "Mn", "Me", "Zs", "Zl", "Zp", "Cc"))


def is_blank(value: str) -> bool:
    """True when `value` would show nothing: only spaces, format characters (zero-width spaces and joiners,
    the BOM, soft hyphens, tags), combining marks with no letter to sit on, and blank-looking fillers."""
    return all(
        ch.isspace() or ch in _BLANK_LOOKING or unicodedata.category(ch) in _INVISIBLE_CATEGORIES for ch in value
    )


def text_problem(value: str, *, max_length: int, multiline: bool = False) -> str | None:
    """What is wrong with `value` ("is 130 characters long; the limit is 120"), or None when it is fine.

    The caller puts its own label in front (a field name, a command-line option).
    """
    if len(value) > max_length:
        return f"is {len(value):,} characters long; the limit is {max_length:,}"
    allowed = ("\n", "\t") if multiline else ()
    for ch in value:
        category = unicodedata.category(ch)
        if category == "Cs":
            return "is not valid UTF-8 text"
        if ch not in allowed and (category in ("Cc", "Zl", "Zp") or ch in BIDI_CONTROLS):
            return f"contains a control character (U+{ord(ch):04X}); please use plain text"
    return None


def looks_like_email(value: str) -> bool:
    return bool(_EMAIL.fullmatch(value))


PHONE_DIGITS = range(7, 16)
"""How many digits a reachable phone number has (E.164 allows up to 15); lint counts the same way."""


def looks_like_phone(value: str) -> bool:
    """Digits with the usual separators (+, spaces, dots, dashes, brackets), 7 to 15 of them."""
    return bool(_PHONE.fullmatch(value)) and sum(ch.isdigit() for ch in value) in PHONE_DIGITS
