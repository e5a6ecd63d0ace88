"""What a user pastes: the draft as one piece of text, and a mail link that fits a platform's limit.

Every front end shows a draft's copy-ready text on its own (a Slack message, a
Discord message, a block of terminal lines) with nothing else in it: no header,
no fences, no lint notes, no invisible characters. An email's subject comes on
its own line above the body, so one copy holds both. `mail_link` builds the
`mailto:` a platform can carry: the whole draft when it fits the limit, else
the subject with a shortened body (the caller says so next to the link).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from exit_coach.model import Draft

SUBJECT = "Subject: "
ELLIPSIS = "…"


def copy_text(draft: Draft) -> str:
    """Exactly what the user pastes: `Subject: …`, a blank line and the body for an email; else the body."""
    return f"{SUBJECT}{draft.subject}\n\n{draft.body}" if draft.subject else draft.body


@dataclass(frozen=True)
class MailLink:
    url: str
    shortened: bool
    """True when the body in the link stops before the draft does (say so next to it)."""


def _url(subject: str, body: str) -> str:
    return f"mailto:?subject={quote(subject)}&body={quote(body)}"


def mail_link(subject: str, body: str, limit: int) -> MailLink | None:
    """The longest `mailto:` within `limit` characters: whole, or with the body cut at a word and "…".

    None only when not even the subject fits.
    """
    full = _url(subject, body)
    if len(full) <= limit:
        return MailLink(full, False)
    if len(_url(subject, ELLIPSIS)) > limit:
        return None
    low, high = 0, len(body)  # the longest prefix whose link fits: encoded length grows with the prefix
    while low < high:
        mid = (low + high + 1) // 2
        if len(_url(subject, body[:mid].rstrip() + ELLIPSIS)) <= limit:
            low = mid
        else:
            high = mid - 1
    cut = body[:low]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space > low // 2:  # end at a word when one is near
        cut = cut[:space]
    return MailLink(_url(subject, cut.rstrip() + ELLIPSIS), True)
