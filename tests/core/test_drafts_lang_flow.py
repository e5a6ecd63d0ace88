"""The language in the conversation: asked once per case, defaulting to the platform locale; switched per draft."""

from __future__ import annotations

from exit_coach.flow.events import Start
from exit_coach.flow.replies import Ask
from exit_coach.flow.state import situation_of
from exit_coach.model import Language
from tests.core.conversation import SIGNATURE, Talk, answer_through

SCREENING = dict(stage="screening", reason="other_offer", recruiter="no", main_channel="email", door="yes")


def test_a_spanish_conversation_ends_in_a_spanish_draft() -> None:
    talk = Talk()
    answer_through(talk, contact="Sra. García", language="es", **SCREENING)
    assert talk.question == "plan"
    talk.click("draft")
    rev = talk.revision()
    assert rev.draft.subject == "Retirada de mi candidatura: Data Engineer"
    assert rev.draft.body.startswith("Estimada Sra. García:\n\nMuchas gracias")
    assert "He aceptado otra oferta." in rev.draft.body and "Me encantaría seguir en contacto" in rev.draft.body
    assert rev.findings == (), "our Spanish draft passes the Spanish lint"
    talk.click("shorter")
    shorter = talk.revision()
    assert len(shorter.draft.body) < len(rev.draft.body) and shorter.draft.body.startswith("Estimada Sra. García:")


def test_the_language_is_asked_once_per_case_with_the_platform_locale_first() -> None:
    talk = Talk()
    talk.send(Start(locale="fr-CA"))
    talk.fill(company="Acme", role="Analyste", contact="")
    for q, v in [("stage", "screening"), ("reason", "other_offer"), ("recruiter", "no"), ("main_channel", "email"),
                 ("door", "no")]:
        assert talk.question == q
        talk.click(v)
    asked = talk.last
    assert isinstance(asked, Ask) and asked.question == "language"
    assert asked.text == "Which language will you write to Acme in?"
    assert [o.value for o in asked.options][0] == "fr" and asked.options[0].style == "primary"
    assert {o.value for o in asked.options} == {lang.value for lang in Language}
    talk.click("fr")
    talk.fill(**SIGNATURE)
    assert talk.question == "plan", "asked once, then the plan"
    assert situation_of(talk.case, talk.state).language is Language.FR
    talk.click("draft")
    assert talk.revision().draft.body.startswith("Madame, Monsieur,\n")


def test_switch_language_rewrites_the_draft_in_the_same_style_and_keeps_it_for_the_case() -> None:
    talk = Talk()
    answer_through(talk, contact="Frau Weber", language="en", **SCREENING)
    talk.click("draft")
    talk.click("warmer")
    english = talk.revision()
    assert "Switch language" in [a.label for a in english.actions]
    talk.click("language")
    menu = talk.last
    assert isinstance(menu, Ask) and "en" not in {o.value for o in menu.options} and menu.options[-1].value == "keep"
    talk.click("de")
    german = talk.revision()
    assert german.number == english.number + 1
    assert german.draft.body.startswith("Sehr geehrte Frau Weber,\n\nvielen Dank")
    assert "Herzliche Grüße" in german.draft.body, "the warmer style carried over"
    assert talk.case.language is Language.DE
    assert any("German" in entry.text for entry in talk.case.log)
    talk.click("language")
    talk.click("keep")
    assert talk.revision().number == german.number, "keep changes nothing"


def test_an_edited_draft_offers_no_switch_that_would_drop_the_users_words() -> None:
    talk = Talk()
    answer_through(talk, language="es", **SCREENING)
    talk.click("draft")
    talk.click("edit")
    talk.fill(body="Estimado Sr. Díaz: retiro mi candidatura. Muchas gracias por su tiempo. Sam Lee, sam@example.com")
    assert "language" not in {a.value for a in talk.revision().actions}
