"""The few draft words computed in Python, per language: reason lines, greetings, placeholders.

Everything else a draft says lives in its template (`templates/<lang>/<kind>.j2`). What is here
has to be chosen from data the templates do not see whole: the one neutral reason line per
`Reason`, the salutation (which in German and Spanish depends on a title the user may have typed,
"Frau Weber", "Sra. García"), and the placeholder shown for a missing detail. Pure data and small
functions; no jinja2, no I/O.

Greetings follow each language's business conventions for a withdrawal, always in the polite
register (usted, Sie, vous): a title typed with the name picks the gendered form ("Sehr geehrte
Frau Weber", "Estimada Sra. García", "Madame"); without one we never guess a gender ("Guten Tag
Mia Chen", "Estimado/a Mia Chen", "Bonjour Mia Chen"); with no name at all, the neutral form.
The greeting comes without its closing punctuation: Spanish templates add ":", the others ",".
"""

from __future__ import annotations

from dataclasses import dataclass

from exit_coach.model import Language, Reason

_NO_REASON: dict[Reason, str] = {Reason.RED_FLAGS: "", Reason.UNSPECIFIED: ""}
# red_flags: no reason at all keeps the message shortest and free of criticism.


@dataclass(frozen=True)
class Placeholders:
    """What a draft shows for a detail the user has not given (each matches lint's placeholder check)."""

    contact: str
    recruiter: str
    company: str
    role: str
    name: str


# fmt: off
PLACEHOLDERS: dict[Language, Placeholders] = {
    Language.EN: Placeholders("[Contact name]", "[Recruiter's name]", "[Company]", "[Role]", "[Your name]"),
    Language.ES: Placeholders(
        "[Nombre del contacto]", "[Nombre del reclutador]", "[Empresa]", "[Puesto]", "[Su nombre]"
    ),
    Language.DE: Placeholders(
        "[Name der Ansprechperson]", "[Name des Recruiters]", "[Firma]", "[Stelle]", "[Ihr Name]"
    ),
    Language.FR: Placeholders("[Nom du contact]", "[Nom du recruteur]", "[Entreprise]", "[Poste]", "[Votre nom]"),
}
# fmt: on

REASON_LINES: dict[Language, dict[Reason, str]] = {
    Language.EN: {
        Reason.OTHER_OFFER: "I've accepted another offer.",
        Reason.NOT_A_FIT: "I've concluded the role isn't the right fit for my goals.",
        Reason.COMPENSATION: "The overall package doesn't meet what I need at this point.",
        Reason.PERSONAL: "Personal circumstances mean the timing no longer works for me.",
        Reason.RELOCATION_VISA: "My relocation and visa timeline no longer fits the start date.",
        **_NO_REASON,
    },
    Language.ES: {
        Reason.OTHER_OFFER: "He aceptado otra oferta.",
        Reason.NOT_A_FIT: "He llegado a la conclusión de que el puesto no encaja con mis objetivos.",
        Reason.COMPENSATION: "Las condiciones económicas no se ajustan a lo que necesito en este momento.",
        Reason.PERSONAL: "Por motivos personales, el momento ya no es el adecuado para mí.",
        Reason.RELOCATION_VISA: (
            "Mis plazos de traslado y de visado ya no son compatibles con la fecha de incorporación."
        ),
        **_NO_REASON,
    },
    Language.DE: {
        Reason.OTHER_OFFER: "Ich habe mich für eine andere Stelle entschieden.",
        Reason.NOT_A_FIT: "Die Stelle passt nicht zu meinen beruflichen Zielen.",
        Reason.COMPENSATION: "Das Gesamtpaket entspricht derzeit nicht meinen Vorstellungen.",
        Reason.PERSONAL: "Aus persönlichen Gründen ist der Zeitpunkt für mich nicht mehr der richtige.",
        Reason.RELOCATION_VISA: (
            "Mein Zeitplan für Umzug und Visum lässt sich mit dem Eintrittstermin nicht mehr vereinbaren."
        ),
        **_NO_REASON,
    },
    Language.FR: {
        Reason.OTHER_OFFER: "J'ai accepté une autre proposition.",
        Reason.NOT_A_FIT: "Le poste ne correspond pas pleinement à mes objectifs professionnels.",
        Reason.COMPENSATION: "La rémunération proposée n'est pas à la hauteur de mes attentes.",
        Reason.PERSONAL: "Pour des raisons personnelles, le moment n'est plus opportun pour moi.",
        Reason.RELOCATION_VISA: (
            "Mon calendrier de déménagement et de visa n'est plus compatible avec la date de prise de poste."
        ),
        **_NO_REASON,
    },
}

SHORT_REASON_LINES: dict[Language, dict[Reason, str]] = {
    Language.EN: {
        Reason.NOT_A_FIT: "The role isn't the right fit for me.",
        Reason.COMPENSATION: "The package doesn't meet my needs.",
        Reason.PERSONAL: "My personal circumstances have changed.",
        Reason.RELOCATION_VISA: "My relocation and visa timeline no longer fits.",
    },
    Language.ES: {
        Reason.NOT_A_FIT: "El puesto no encaja con lo que busco.",
        Reason.COMPENSATION: "Las condiciones no se ajustan a lo que necesito.",
        Reason.PERSONAL: "Mis circunstancias personales han cambiado.",
        Reason.RELOCATION_VISA: "Mis plazos de traslado y de visado ya no lo permiten.",
    },
    Language.DE: {
        Reason.NOT_A_FIT: "Die Stelle passt nicht zu mir.",
        Reason.COMPENSATION: "Das Gesamtpaket entspricht nicht meinen Vorstellungen.",
        Reason.PERSONAL: "Meine persönliche Situation hat sich geändert.",
        Reason.RELOCATION_VISA: "Mein Zeitplan für Umzug und Visum hat sich verschoben.",
    },
    Language.FR: {
        Reason.NOT_A_FIT: "Le poste ne me correspond pas.",
        Reason.COMPENSATION: "La rémunération n'est pas à la hauteur de mes attentes.",
        Reason.PERSONAL: "Ma situation personnelle a changé.",
        Reason.RELOCATION_VISA: "Mon calendrier de déménagement et de visa ne le permet plus.",
    },
}
"""The same reasons in fewer words, for the "Shorter" revision (missing ones use the full line)."""

_TITLES = frozenset({
    "mr", "mrs", "ms", "mx", "miss", "dr", "prof", "sir", "madam",
    "sr", "sra", "srta", "señor", "señora", "don", "doña",
    "herr", "frau",
    "m", "mme", "mlle", "monsieur", "madame", "mademoiselle",
})  # fmt: skip
_FEMININE = frozenset({"mrs", "ms", "miss", "madam", "sra", "srta", "señora", "doña", "frau", "mme", "mlle", "madame",
                       "mademoiselle"})
_MASCULINE = frozenset({"mr", "sir", "sr", "señor", "don", "herr", "m", "monsieur"})


def title_of(full: str) -> str:
    """The title a name starts with, lower case without its dot ("frau", "sra", "dr"), or ""."""
    first = full.split(" ", 1)[0].rstrip(".").lower()
    return first if first in _TITLES and " " in full else ""


def first_name(full: str) -> str:
    """The first name to greet someone by informally: "Ms Priya Shah" → "Priya"; a title before a single
    name ("Dr. Chen", "Frau Weber") is kept, since there is no first name to use."""
    parts = full.split(" ")
    if not parts[0]:
        return ""
    if title_of(full):
        return parts[1] if len(parts) > 2 else full
    return parts[0]


def surname(full: str) -> str:
    """The last word of a name that starts with a title ("Frau Anna Weber" → "Weber"); the name otherwise."""
    return full.split(" ")[-1] if title_of(full) else full


def greeting(lang: Language, name: str, *, informal: bool) -> str:
    """The salutation for `name` (already on one line; "" when unknown), without closing punctuation.

    A title typed with the name (in any of our languages) is written the way this language writes it, with
    the surname: "Frau Anna Weber" is "Estimada Sra. Weber" in Spanish and "Bonjour Madame Weber" in French.
    """
    title = title_of(name)
    if lang is Language.ES:
        if informal:
            return f"Hola, {first_name(name)}" if name else "Hola"
        if not name:
            return "Estimado equipo de selección"
        if title in _FEMININE:
            return f"Estimada Sra. {surname(name)}"
        return f"Estimado Sr. {surname(name)}" if title in _MASCULINE else f"Estimado/a {name}"
    if lang is Language.DE:
        if informal:
            if title in _FEMININE or title in _MASCULINE:  # with a title Germans drop the first name
                return f"Guten Tag {'Frau' if title in _FEMININE else 'Herr'} {surname(name)}"
            return f"Hallo {name}" if name else "Guten Tag"
        if not name:
            return "Sehr geehrte Damen und Herren"
        if title in _FEMININE:
            return f"Sehr geehrte Frau {surname(name)}"
        return f"Sehr geehrter Herr {surname(name)}" if title in _MASCULINE else f"Guten Tag {name}"
    if lang is Language.FR:
        if informal:
            if title in _FEMININE or title in _MASCULINE:
                return f"Bonjour {'Madame' if title in _FEMININE else 'Monsieur'} {surname(name)}"
            return f"Bonjour {first_name(name)}" if name else "Bonjour"
        if not name:
            return "Madame, Monsieur"
        if title in _FEMININE:
            return "Madame"
        return "Monsieur" if title in _MASCULINE else f"Bonjour {name}"
    if informal:
        return f"Hi {first_name(name)}" if name else "Hello"
    return f"Dear {name}" if name else "Dear hiring team"
