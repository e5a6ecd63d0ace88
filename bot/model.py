"""The roadmap's vocabulary: stages, reasons, channels, the situation and the plan.

Plain frozen dataclasses and string enums, no I/O. Everything that crosses a
module boundary in the core (roadmap, drafts, lint, flow) is spelled here, so
the command line, the store and the adapters all speak the same words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Stage(StrEnum):
    """How far the application got; the `--stage` values."""

    NO_RESPONSE = "no_response"
    APPLIED = "applied"
    SCREENING = "screening"
    INTERVIEWING = "interviewing"
    FINAL = "final"
    OFFER = "offer"
    ACCEPTED = "accepted"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]

    @property
    def is_late(self) -> bool:
        """Late stages: a LinkedIn message no longer fits, and they count as late withdrawals."""
        return self in (Stage.FINAL, Stage.OFFER, Stage.ACCEPTED)


STAGE_LABELS: dict[Stage, str] = {
    Stage.NO_RESPONSE: "Applied, never heard back",
    Stage.APPLIED: "Applied, they reached out",
    Stage.SCREENING: "After a screening call",
    Stage.INTERVIEWING: "Between interview rounds",
    Stage.FINAL: "After the final interview",
    Stage.OFFER: "Offer received, not accepted",
    Stage.ACCEPTED: "Offer accepted",
}


class Reason(StrEnum):
    """Why the user is leaving; the `--reason` values."""

    OTHER_OFFER = "other_offer"
    NOT_A_FIT = "not_a_fit"
    COMPENSATION = "compensation"
    PERSONAL = "personal"
    RED_FLAGS = "red_flags"
    RELOCATION_VISA = "relocation_visa"
    UNSPECIFIED = "unspecified"

    @property
    def label(self) -> str:
        return REASON_LABELS[self]


REASON_LABELS: dict[Reason, str] = {
    Reason.OTHER_OFFER: "I took another offer",
    Reason.NOT_A_FIT: "The role isn't a fit",
    Reason.COMPENSATION: "Pay or benefits fall short",
    Reason.PERSONAL: "Personal circumstances",
    Reason.RED_FLAGS: "Red flags in the process",
    Reason.RELOCATION_VISA: "Relocation or visa timing",
    Reason.UNSPECIFIED: "I'd rather not say",
}


class Channel(StrEnum):
    """Ways to deliver the news, in the order the plan recommends them."""

    RECRUITER = "recruiter"
    PHONE = "phone"
    EMAIL = "email"
    LINKEDIN = "linkedin"

    @property
    def label(self) -> str:
        """How a user reads the channel ("LinkedIn", not "Linkedin"); the one place labels come from."""
        return CHANNEL_LABELS[self]


CHANNEL_LABELS: dict[Channel, str] = {
    Channel.RECRUITER: "Recruiter",
    Channel.PHONE: "Phone",
    Channel.EMAIL: "Email",
    Channel.LINKEDIN: "LinkedIn",
}
"""The one spelling of each channel a user sees (never `value.capitalize()`: that says "Linkedin")."""


class DraftKind(StrEnum):
    """One template file per kind."""

    EMAIL = "email"
    PHONE_SCRIPT = "phone_script"
    FOLLOW_UP_EMAIL = "follow_up_email"
    RECRUITER_NOTE = "recruiter_note"
    LINKEDIN = "linkedin"
    NEGOTIATION_EMAIL = "negotiation_email"

    @property
    def label(self) -> str:
        return DRAFT_KIND_LABELS[self]


DRAFT_KIND_LABELS: dict[DraftKind, str] = {
    DraftKind.EMAIL: "Email",
    DraftKind.PHONE_SCRIPT: "Call script",
    DraftKind.FOLLOW_UP_EMAIL: "Email confirming the call",
    DraftKind.RECRUITER_NOTE: "Note to your recruiter",
    DraftKind.LINKEDIN: "LinkedIn message",
    DraftKind.NEGOTIATION_EMAIL: "Email asking to talk it over",
}


class Action(StrEnum):
    NONE = "none"
    WITHDRAW = "withdraw"
    NEGOTIATE = "negotiate"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS: dict[Action, str] = {
    Action.NONE: "No action needed",
    Action.WITHDRAW: "Withdraw",
    Action.NEGOTIATE: "Negotiate first, then withdraw if it doesn't work out",
}


class Language(StrEnum):
    """The language a case's drafts are written in: the employer's, chosen by the user."""

    EN = "en"
    ES = "es"
    DE = "de"
    FR = "fr"

    @property
    def label(self) -> str:
        return LANGUAGE_LABELS[self]

    @classmethod
    def from_locale(cls, locale: str | None) -> Language:
        """The draft language for a platform locale such as "es-ES", "de", "fr_CA"; English otherwise."""
        code = (locale or "").strip().lower().replace("_", "-").split("-", 1)[0]
        return next((lang for lang in cls if lang.value == code), cls.EN)


LANGUAGE_LABELS: dict[Language, str] = {
    Language.EN: "English",
    Language.ES: "Spanish (español)",
    Language.DE: "German (Deutsch)",
    Language.FR: "French (français)",
}


class Urgency(StrEnum):
    NONE = "none"
    PROMPT = "prompt"
    IMMEDIATE = "immediate"


@dataclass(frozen=True)
class Signature:
    """How the user signs: asked once, reused for every draft."""

    name: str = ""
    email: str = ""
    phone: str = ""

    @property
    def is_complete(self) -> bool:
        return bool(self.name and (self.email or self.phone))


@dataclass(frozen=True)
class Situation:
    """Everything the roadmap needs to know about one application."""

    stage: Stage
    reason: Reason = Reason.UNSPECIFIED
    via_recruiter: bool = False
    rapport: bool = False
    main_channel: Channel = Channel.EMAIL
    informal: bool = False
    signed: bool = False
    relocation: bool = False
    signing_bonus: bool = False
    visa: bool = False
    keep_door_open: bool = False
    negotiable: bool = False
    tell_employer_too: bool = False
    """Through a recruiter: the user also contacts the employer instead of letting the recruiter relay it."""
    company: str = ""
    role: str = ""
    contact: str = ""
    """Who the user has been talking to at the employer."""
    recruiter: str = ""
    """The recruiter's or agency contact's name, when they applied through one."""
    signature: Signature = field(default_factory=Signature)
    late_withdrawals_before: int = 0
    """Earlier withdrawals at final/offer/accepted in this user's history."""
    language: Language = Language.EN
    """The language the drafts are written in (the employer's)."""


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    text: str


@dataclass(frozen=True)
class DraftSpec:
    """Which draft to write, for which channel; the renderer fills in the words."""

    kind: DraftKind
    channel: Channel


@dataclass(frozen=True)
class DraftStyle:
    """The revision knobs a user turns: each action flips or sets one of these."""

    shorter: bool = False
    warmer: bool = False
    include_reason: bool = True
    door_open: bool = False


@dataclass(frozen=True)
class Draft:
    kind: DraftKind
    channel: Channel
    subject: str
    body: str
    language: Language = Language.EN
    """The language it is written in: the case's, or English where that language has no template for the kind."""


@dataclass(frozen=True)
class Finding:
    """One lint result: a stable code and a sentence for the user."""

    code: str
    message: str


@dataclass(frozen=True)
class HelpSuggestion:
    """A nudge towards a human coach, with the community's link."""

    url: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """The roadmap's answer for one situation, before any draft is rendered."""

    action: Action
    channels: tuple[Channel, ...]
    urgency: Urgency
    reasoning: tuple[str, ...]
    checklist: tuple[ChecklistItem, ...]
    draft_specs: tuple[DraftSpec, ...]
    help: HelpSuggestion | None
