"""Fixed words of the coach: welcome, help, FAQ, the re-entry plan.

Kept apart from the flow logic so the wording can be reviewed in one place.
Our own wording; the facts follow the article in shared/seed.
"""

from __future__ import annotations

from dataclasses import dataclass

STALE = "That button is from an earlier step, so I didn't act on it. Here's where we are:"
FOREIGN = "That button belongs to someone else's conversation, so I can't act on it."
FORM_CLOSED = "That form isn't open any more. Type `status` to see where we are."

WELCOME = (
    "Hi, I'm Exit Coach. Leaving a hiring process is normal, and doing it well takes a few minutes: "
    "I'll ask a few short questions, show you a plan and draft the message with you. "
    "Only you and the operator of this bot can read what you tell me; `privacy` says what I keep. "
    "Type `help` at any point."
)

HELP = (
    "Answer with a button or its number. Commands that work at any point:\n"
    "help — this list · back — the previous question · cancel — close this case · "
    "restart — start this case over · status — where this case stands · cases — list and switch cases · "
    "start — a new case · history — what happened so far · export — all your data · "
    "forget — delete all your data · faq — common questions · "
    "settings — signature, check-ins, time zone and quiet hours · "
    "closeout — after accepting another offer, close out the rest · reopen — a withdrawn case came back · "
    "privacy — what I keep and who can read it"
)


RETENTION_CHOICES = (7, 30, 90)
"""The shorter keeping times a user can choose in `settings` (days)."""


def privacy_text(*, operator_days: int, own_days: int | None, encrypted: bool) -> str:
    """The five lines of `privacy`: what is kept, who can read it, for how long, how to export or delete it."""
    days = min(operator_days, own_days) if own_days else operator_days
    stored = "encrypted with their key" if encrypted else "unencrypted"
    mine = bool(own_days) and own_days < operator_days  # type: ignore[operator]
    shorter = " (your choice in `settings`)" if mine else "; `settings` can make that shorter"
    return (
        "What I keep: your answers (company, role, contact), your drafts and what happened, your signature "
        "(name, email, phone) and your settings.\n"
        f"Who can read it: the operator who runs this bot, in their database ({stored}); no one else in this "
        "workspace, and I never post it in a channel. Our direct messages are also kept by the chat platform.\n"
        f"How long: a case no one has touched for {days} days is deleted with its reminders"
        f"{shorter}.\n"
        "Export: `export` gives you a copy of everything (JSON and a readable history).\n"
        "Delete: `forget` deletes all of it at once."
    )


@dataclass(frozen=True)
class FaqEntry:
    key: str
    question: str
    answer: str


FAQ: tuple[FaqEntry, ...] = (
    FaqEntry(
        "future",
        "Will withdrawing hurt my chances with this company later?",
        "Usually not. A prompt, polite message with no negativity is accepted by most employers, and if you "
        "said you'd like to stay in touch you can apply again when the timing is right.",
    ),
    FaqEntry(
        "explain",
        "Do I have to explain why?",
        "No. One short, neutral line is fine if you want to give it, and no reason at all is fine too.",
    ),
    FaqEntry(
        "accepted",
        "I already accepted the offer. What now?",
        "Move today. Call them first, apologise for the trouble, then confirm in writing. Re-read anything "
        "you signed and be ready to talk through logistics; the relationship may be strained for a while.",
    ),
    FaqEntry(
        "visa",
        "How do visa or relocation issues change things?",
        "They raise the stakes, so tell them earlier. If the visa timeline or relocation support no longer "
        "works, withdraw quickly and name the logistic reason in a line. A mobility-first plan helps next time.",
    ),
    FaqEntry(
        "okay",
        "Is it okay to withdraw after an interview at all?",
        "Yes. It's legal and routine, and hiring teams expect it. What people remember is how you told them: "
        "promptly, briefly and kindly.",
    ),
    FaqEntry(
        "public",
        "The process was bad. Can I say so in a review or a post?",
        "Keep criticism out of public places: reviews and posts follow you, and a neutral exit protects your "
        "reputation. If you want to give feedback, give it privately and constructively, ideally through "
        "the recruiter.",
    ),
    FaqEntry(
        "channel",
        "Email or phone?",
        "Email for early stages. A call when you had several interviews and a rapport, got an offer, or "
        "accepted one, followed by an email that confirms it. Through the recruiter first if you applied via one.",
    ),
)

REENTRY_TWO_WEEKS = (
    "• Within two weeks: let your references know, update your job tracker, and write down the criteria "
    "that made this decision, so the next one is easier."
)
REENTRY_TRANSITION = " Since you're leaving for another offer, finalise that transition properly in these two weeks."
REENTRY_MONTHS = (
    "• In one to three months: refresh your résumé and cover letter, and pick one focused thing to learn "
    "for the roles you want."
)
REENTRY_MOBILITY = (
    "• In three to twelve months: since relocation or visas drove this, sketch a mobility-first roadmap: "
    "where, when, and which employers sponsor."
)
RELAY_FOLLOW_UP = "In a day or two, check that they confirmed it reached the hiring team, and tick it off below."
SEND_ANYWAY = "Before it goes out: {problems}. Send it anyway, or go back to the draft?"

CHECKIN_TEXT: dict[str, str] = {
    "checkin_2w": "Two-week check-in: have you told your references, updated your tracker and written down "
    "your decision criteria?",
    "checkin_2w_transition": "Two-week check-in: have you told your references, updated your tracker, written "
    "down your decision criteria and finalised the move to your new role?",
    "checkin_3m": "Check-in: a good moment to refresh your résumé and cover letter and pick one thing to learn.",
    "checkin_mobility": "Check-in: how is your mobility-first plan going — places, timing, sponsors?",
    "negotiation_check": "Your decision deadline has come. Did the negotiation work?",
    "relay_check": "Did your recruiter confirm your news reached the hiring team? If not, a short nudge to them "
    "is fine; tick it off once they have.",
}
