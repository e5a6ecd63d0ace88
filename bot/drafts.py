"""Draft rendering: one jinja2 template per draft kind, filled in for one situation.

This module owns the sandboxed jinja2 environment (built once per renderer), the
context every template sees, the placeholders for missing details, the one
neutral reason line per `Reason`, and the split of a template's output into a
subject and a body. The wording itself lives in `templates/*.j2`. It does not
choose which drafts to write (`exit_coach.roadmap`) nor check them (`exit_coach.lint`), and it
does no platform escaping (the adapters do).

Template context (the names operators' override templates can rely on):
`kind`, `company`, `role`, `contact`, `recruiter`, `name`, `signature` (list of the non-empty
lines among name, email, phone), `stage`, `reason` (the enum values as str),
`reason_line`, `door_open`, `shorter`, `warmer`, `relocation`, `signing_bonus`,
`visa`, `signed`, `via_recruiter`, `greeting` (the salutation without its comma: "Dear Mia Chen",
"Hi Mia", "Dear hiring team", "Hello"; per language, see `exit_coach.draft_words`),
`to_recruiter` (this draft goes to the recruiter),
`tell_employer_too` (through a recruiter, the user contacts the employer as well; always true after an
accepted offer, when the user phones the employer themselves), `lang` (the draft's
language: "en", "es", "de" or "fr"; `greeting`, `reason_line` and the placeholders are already in it).

Languages: the template for a kind in Spanish is `es/<kind>.j2` (German `de/`, French `fr/`); where a
language has no file for a kind, the English `<kind>.j2` is used, per file (`template_names`).

Greetings follow the relationship (article: adapt the tone to the relationship): the name as given in a
formal email to the employer; the first name in a call, a LinkedIn message and a note to one's own
recruiter; a neutral greeting when no name was given, never a bracketed placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from importlib.resources import files
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from exit_coach.draft_words import PLACEHOLDERS, REASON_LINES, SHORT_REASON_LINES
from exit_coach.draft_words import first_name as _first_name
from exit_coach.draft_words import greeting as _greeting
from exit_coach.model import Channel, Draft, DraftKind, DraftSpec, DraftStyle, Language, Situation, Stage

PLACEHOLDER_RE: re.Pattern[str] = re.compile(r"\[[A-Za-z][A-Za-z .'/_-]{0,40}\]")
"""Matches an unfilled placeholder such as "[Contact name]", "[Company]" or "[Your name]"."""

CONTACT_PLACEHOLDER = PLACEHOLDERS[Language.EN].contact
RECRUITER_PLACEHOLDER = PLACEHOLDERS[Language.EN].recruiter
COMPANY_PLACEHOLDER = PLACEHOLDERS[Language.EN].company
ROLE_PLACEHOLDER = PLACEHOLDERS[Language.EN].role
NAME_PLACEHOLDER = PLACEHOLDERS[Language.EN].name

NO_SUBJECT_KINDS = frozenset({DraftKind.PHONE_SCRIPT, DraftKind.LINKEDIN})

_MULTI_BLANK = re.compile(r"\n{3,}")


class TemplateProblem(Exception):
    """A draft template could not be loaded or rendered; the message names the file."""

    def __init__(self, where: str, detail: str) -> None:
        super().__init__(f"draft template {where}: {detail}")
        self.where = where
        self.detail = detail


def reason_line(situation: Situation, *, shorter: bool = False) -> str:
    """The one neutral sentence for the situation's reason, in its language; "" when there is none to give."""
    full = REASON_LINES[situation.language][situation.reason]
    if shorter:
        return SHORT_REASON_LINES[situation.language].get(situation.reason, full)
    return full


def _clean(value: str) -> str:
    """User text on one line: newlines and runs of spaces collapse, so it can't fake a subject."""
    return " ".join(value.split())


INFORMAL_KINDS = frozenset({DraftKind.PHONE_SCRIPT, DraftKind.LINKEDIN, DraftKind.RECRUITER_NOTE})


def first_name(full: str) -> str:
    """The first name to greet someone by informally: "Ms Priya Shah" → "Priya". A title before a single
    name ("Dr. Chen") is kept, since there is no first name to use."""
    return _first_name(_clean(full))


def to_recruiter(kind: DraftKind, channel: Channel) -> bool:
    """Whether this draft is read by the recruiter (their note, or a negotiation routed through them)."""
    return kind is DraftKind.RECRUITER_NOTE or channel is Channel.RECRUITER


def greeting(situation: Situation, kind: DraftKind, channel: Channel) -> str:
    """The salutation for whoever receives this draft on its channel, without the trailing comma."""
    name = _clean(situation.recruiter if to_recruiter(kind, channel) else situation.contact)
    informal = kind in INFORMAL_KINDS or to_recruiter(kind, channel)
    return _greeting(situation.language, name, informal=informal)


def draft_context(
    situation: Situation, style: DraftStyle, kind: DraftKind, channel: Channel | None = None
) -> dict[str, object]:
    """The data a template sees; user-typed values are data here, never template source."""
    s = situation
    channel = channel or Channel.EMAIL
    missing = PLACEHOLDERS[s.language]
    name = _clean(s.signature.name) or missing.name
    signature = [line for line in (name, _clean(s.signature.email), _clean(s.signature.phone)) if line]
    return {
        "kind": kind.value,
        "lang": s.language.value,
        "company": _clean(s.company) or missing.company,
        "role": _clean(s.role) or missing.role,
        "contact": _clean(s.contact) or missing.contact,
        "recruiter": _clean(s.recruiter) or missing.recruiter,
        "name": name,
        "signature": signature,
        "stage": s.stage.value,
        "reason": s.reason.value,
        "reason_line": reason_line(s, shorter=style.shorter) if style.include_reason else "",
        "door_open": style.door_open,
        "shorter": style.shorter,
        "warmer": style.warmer,
        "relocation": s.relocation,
        "signing_bonus": s.signing_bonus,
        "visa": s.visa,
        "signed": s.signed,
        "via_recruiter": s.via_recruiter,
        "greeting": greeting(s, kind, channel),
        "to_recruiter": to_recruiter(kind, channel),
        "tell_employer_too": s.tell_employer_too or (s.via_recruiter and s.stage is Stage.ACCEPTED),
    }


def split_subject(text: str) -> tuple[str, str]:
    """Split a leading `Subject: ...` line off `text`; tidy the body's blank lines."""
    first, _, rest = text.strip().partition("\n")
    if first.lower().startswith("subject:"):
        return first[len("subject:") :].strip(), tidy_body(rest)
    return "", tidy_body(text)


def tidy_body(text: str) -> str:
    """Strip trailing spaces and the ends; collapse runs of blank lines to one."""
    lines = "\n".join(line.rstrip() for line in text.splitlines())
    return _MULTI_BLANK.sub("\n\n", lines).strip()


def template_names(kind: DraftKind, language: Language) -> list[str]:
    """Where the template for `kind` in `language` is looked up, first match wins.

    `<lang>/<kind>.j2`, then the English `<kind>.j2`: a language can be added or overridden one
    file at a time. Each name is tried in the operator's folder (COACH_TEMPLATES_DIR) first, then
    in the shipped templates, so an override of `es/email.j2` changes the Spanish email only.
    """
    english = f"{kind.value}.j2"
    return [english] if language is Language.EN else [f"{language.value}/{english}", english]


def _load_shipped(name: str) -> tuple[str, str, Callable[[], bool]] | None:
    """Read a shipped template through importlib.resources, so any working directory works."""
    resource = files("exit_coach.templates").joinpath(*name.split("/"))
    if not resource.is_file():
        return None
    return resource.read_text(encoding="utf-8"), f"templates/{name}", lambda: True


class DraftRenderer:
    """Renders drafts from the shipped templates, or an operator's override of the same name."""

    def __init__(self, *, override_dir: Path | None = None) -> None:
        if override_dir is not None and not Path(override_dir).is_dir():
            raise TemplateProblem(repr(str(override_dir)), "the templates folder does not exist")
        self._override_dir = Path(override_dir) if override_dir is not None else None
        loaders: list[jinja2.BaseLoader] = [jinja2.FunctionLoader(_load_shipped)]
        if self._override_dir is not None:
            loaders.insert(0, jinja2.FileSystemLoader(str(self._override_dir)))
        self._env = SandboxedEnvironment(
            loader=jinja2.ChoiceLoader(loaders),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )

    def render(self, spec: DraftSpec, situation: Situation, style: DraftStyle) -> Draft:
        """Fill the template for `spec.kind`; raise `TemplateProblem` if the template is broken."""
        names = template_names(spec.kind, situation.language)
        name = names[0]
        try:
            template = self._env.select_template(names)
            name = template.name or name
            # An English fallback is English throughout: its greeting and reason line too.
            language = situation.language if name == names[0] else Language.EN
            context = draft_context(replace(situation, language=language), style, spec.kind, spec.channel)
            text = template.render(context)
        except jinja2.TemplateSyntaxError as exc:
            where = self._where(exc.name or name)
            raise TemplateProblem(where, f"syntax error on line {exc.lineno}: {exc.message}") from exc
        except jinja2.TemplateNotFound as exc:  # TemplatesNotFound (none of the names) is one of these
            raise TemplateProblem(self._where(name), "no such template") from exc
        except Exception as exc:  # an override may fail in any way; report it, never a raw traceback
            raise TemplateProblem(self._where(name), f"{type(exc).__name__}: {exc}") from exc
        if spec.kind in NO_SUBJECT_KINDS:
            subject, body = "", tidy_body(text)
        else:
            subject, body = split_subject(text)
        return Draft(kind=spec.kind, channel=spec.channel, subject=subject, body=body, language=language)

    def _where(self, name: str) -> str:
        if self._override_dir is not None and (self._override_dir / name).is_file():
            return str(self._override_dir / name)
        return f"templates/{name}"
