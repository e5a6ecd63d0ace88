"""Lint in English, Spanish, German and French: good drafts pass, each broken draft trips its own check.

Every draft here is written as a native professional would write a withdrawal (usted, Sie,
vous). A draft in one language checked as another gets `other_language`, never a false
`no_withdrawal` or `no_thanks`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from exit_coach.adapters.cli import main
from exit_coach.lint import CODES, WORD_LIMITS, lint_text, word_limit
from exit_coach.model import Channel, DraftKind, Stage

EMAIL = {
    "en": """Subject: Withdrawing my application - Jane Doe

Dear Ms Patel,

Thank you for your time and for the conversation about the data analyst role.
I have accepted another offer, so I am withdrawing my application.
It was a pleasure to meet the team, and I would be glad to stay in touch.

Best regards,
Jane Doe
jane.doe@example.com | +1 415 555 0134
""",
    "es": """Asunto: Retiro de mi candidatura – Lucía Fernández

Estimada Sra. Martínez:

Muchas gracias por su tiempo y por la conversación sobre el puesto de analista de datos.
Le escribo para comunicarle que he aceptado otra oferta, por lo que retiro mi candidatura.
Ha sido un placer conocer a su equipo y me encantaría que siguiéramos en contacto.

Atentamente,
Lucía Fernández
lucia.fernandez@example.com | +34 612 345 678
""",
    "de": """Betreff: Rücknahme meiner Bewerbung – Jonas Weber

Sehr geehrte Frau Schneider,

vielen Dank für Ihre Zeit und das angenehme Gespräch über die Position als Datenanalyst.
Ich habe mich für ein anderes Angebot entschieden und ziehe meine Bewerbung daher zurück.
Das Kennenlernen Ihres Teams habe ich sehr geschätzt, und ich würde mich freuen, in Kontakt zu bleiben.

Mit freundlichen Grüßen
Jonas Weber
jonas.weber@example.com | +49 30 1234567
""",
    "fr": """Objet : Retrait de ma candidature – Camille Durand

Madame,

Je vous remercie sincèrement pour le temps que vous m'avez consacré au sujet du poste d'analyste de données.
J'ai accepté une autre proposition et je vous informe donc que je retire ma candidature.
J'ai beaucoup apprécié de rencontrer votre équipe et serais ravie de rester en contact.

Je vous prie d'agréer, Madame, l'expression de mes salutations distinguées.
Camille Durand
camille.durand@example.com | +33 6 12 34 56 78
""",
}

# After the phone call, at `accepted`: the confirming email names the call and apologises.
FOLLOW_UP = {
    "en": """Dear Mr Brown,

Thank you again for taking my call this morning. As we discussed, I am withdrawing my acceptance
of the analyst offer for personal reasons, and I am sorry for the trouble this causes.

Kind regards,
Jane Doe
+44 20 7946 0958
""",
    "es": """Estimado Sr. Gómez:

Muchas gracias de nuevo por atender mi llamada esta mañana. Como hablamos, lamento comunicarle que
retiro mi aceptación de la oferta por motivos personales. Le pido disculpas por las molestias que
esto pueda ocasionarle.

Un cordial saludo,
Lucía Fernández
+34 612 345 678
""",
    "de": """Sehr geehrter Herr Becker,

vielen Dank, dass Sie sich heute Morgen Zeit für unser Telefonat genommen haben. Wie besprochen, ziehe
ich meine Zusage für die Stelle aus persönlichen Gründen zurück. Ich bitte vielmals um Entschuldigung
für die Umstände, die Ihnen dadurch entstehen.

Mit freundlichen Grüßen
Jonas Weber
+49 30 1234567
""",
    "fr": """Madame Lefèvre,

Je vous remercie encore d'avoir pris le temps de me parler au téléphone ce matin. Comme convenu, je vous
confirme par écrit que je reviens sur mon acceptation de votre offre pour des raisons personnelles.
Je vous présente toutes mes excuses pour le désagrément que cela occasionne.

Bien cordialement,
Camille Durand
+33 6 12 34 56 78
""",
}

PHONE_SCRIPT = {
    "en": """Hello Mr Brown, thank you for making time for me today.
I wanted to tell you myself that I am withdrawing from the process for the analyst role.
I have accepted another offer. I really appreciated meeting the team.""",
    "es": """Buenos días, Sr. Gómez, muchas gracias por atenderme.
Quería decírselo personalmente: retiro mi candidatura al puesto de analista.
He aceptado otra oferta. Le agradezco de verdad el tiempo que usted y su equipo me han dedicado.""",
    "de": """Guten Tag, Herr Becker, vielen Dank, dass Sie sich die Zeit nehmen.
Ich wollte es Ihnen persönlich sagen: Ich ziehe meine Bewerbung für die Stelle als Analyst zurück.
Ich habe ein anderes Angebot angenommen. Die Gespräche mit Ihrem Team habe ich sehr geschätzt.""",
    "fr": """Bonjour Madame Lefèvre, merci beaucoup de prendre le temps de me parler.
Je tenais à vous le dire de vive voix : je retire ma candidature au poste d'analyste.
J'ai accepté une autre offre. J'ai vraiment apprécié les échanges avec votre équipe.""",
}

LINKEDIN = {
    "en": "Hi Priya, thank you for the chat last week! I'm withdrawing from the process, "
    "but I'd love to stay in touch.",
    "es": "Hola, Marta: muchas gracias por la conversación de la semana pasada. He decidido retirar mi candidatura, "
    "pero me encantaría que siguiéramos en contacto.",
    "de": "Hallo Frau Schneider, vielen Dank für das nette Gespräch letzte Woche. Ich habe mich entschieden, "
    "meine Bewerbung zurückzuziehen, würde mich aber freuen, in Kontakt zu bleiben.",
    "fr": "Bonjour Claire, merci encore pour notre échange de la semaine dernière. J'ai décidé de retirer ma "
    "candidature, mais je serais ravie de rester en contact.",
}

# One broken thing per draft, per language: (code, the good email's text, its replacement).
BREAKS: dict[str, list[tuple[str, str, str]]] = {
    "en": [
        ("placeholder", "Dear Ms Patel", "Dear [Hiring Manager Name]"),
        ("no_withdrawal", "so I am withdrawing my application", "so I wanted to let you know"),
        ("no_thanks", "Thank you for your time and for the conversation", "We spoke"),
        ("several_reasons", "another offer", "another offer and the salary was below my range"),
        ("negative", "It was a pleasure to meet the team", "Frankly the process was a total mess"),
    ],
    "es": [
        ("placeholder", "Estimada Sra. Martínez", "Estimado/a [Nombre]"),
        ("no_withdrawal", "por lo que retiro mi candidatura", "y quería hacérselo saber"),
        ("no_thanks", "Muchas gracias por su tiempo y por la conversación", "Hablamos"),
        ("several_reasons", "otra oferta", "otra oferta y el salario no se ajusta a lo que necesito"),
        ("negative", "Ha sido un placer conocer a su equipo", "El proceso ha sido un desastre y muy poco profesional"),
    ],
    "de": [
        ("placeholder", "Sehr geehrte Frau Schneider", "Sehr geehrte/r <Name>"),
        ("no_withdrawal", "und ziehe meine Bewerbung daher zurück", "und wollte Sie darüber informieren"),
        ("no_thanks", "vielen Dank für Ihre Zeit und das angenehme Gespräch", "wir sprachen"),
        (
            "several_reasons",
            "für ein anderes Angebot",
            "für ein anderes Angebot entschieden, auch das Gehalt war zu niedrig, und",
        ),
        (
            "negative",
            "Das Kennenlernen Ihres Teams habe ich sehr geschätzt",
            "Ehrlich gesagt war der Prozess chaotisch und unprofessionell",
        ),
    ],
    "fr": [
        ("placeholder", "Madame,", "Madame [Nom],"),
        ("no_withdrawal", "je vous informe donc que je retire ma candidature", "je tenais à vous en informer"),
        ("no_thanks", "Je vous remercie sincèrement pour le temps que vous m'avez consacré", "Nous avons parlé"),
        (
            "several_reasons",
            "une autre proposition",
            "une autre proposition et le salaire ne correspond pas à mes attentes",
        ),
        (
            "negative",
            "J'ai beaucoup apprécié de rencontrer votre équipe",
            "Franchement, le processus était chaotique et peu professionnel",
        ),
    ],
}
LANGS = list(EMAIL)


def codes(text: str, **options: object) -> list[str]:
    return [finding.code for finding in lint_text(text, **options)]  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", LANGS)
def test_good_drafts_are_clean_in_their_language(lang: str) -> None:
    assert codes(EMAIL[lang], lang=lang, stage=Stage.INTERVIEWING) == []
    assert codes(FOLLOW_UP[lang], lang=lang, stage=Stage.ACCEPTED) == []  # it names the call
    assert codes(PHONE_SCRIPT[lang], lang=lang, stage=Stage.OFFER, kind=DraftKind.PHONE_SCRIPT) == []
    assert codes(LINKEDIN[lang], lang=lang, stage=Stage.SCREENING, kind=DraftKind.LINKEDIN) == []


@pytest.mark.parametrize(("lang", "code", "old", "new"), [(lang, *b) for lang, bs in BREAKS.items() for b in bs])
def test_each_broken_draft_trips_its_own_check_and_only_that(lang: str, code: str, old: str, new: str) -> None:
    assert old in EMAIL[lang]
    assert codes(EMAIL[lang].replace(old, new), lang=lang) == [code]


# The many ways a native speaker says "I withdraw" and "thank you": none may get a false finding.
WITHDRAWALS: dict[str, list[str]] = {
    "es": [
        "Le escribo para informarle de que retiro mi candidatura al puesto.",
        "Lamento informarle de que no podré aceptar la oferta.",
        "He decidido no continuar con el proceso de selección.",
        "Por la presente, retiro formalmente mi solicitud.",
        "Tras pensarlo detenidamente, he decidido declinar su oferta.",
        "Ya no estoy disponible para el puesto.",
        "Me veo en la obligación de rechazar la oferta.",
        "Le comunico que desisto de mi candidatura.",
        "Quisiera retirarme del proceso de selección.",
        "Lamentablemente, debo retirar mi aceptación de la oferta.",
        "No voy a seguir adelante con mi candidatura.",
    ],
    "de": [
        "Hiermit ziehe ich meine Bewerbung zurück.",
        "Ich möchte meine Bewerbung zurückziehen.",
        "Leider muss ich Ihnen mitteilen, dass ich das Angebot nicht annehmen kann.",
        "Nach reiflicher Überlegung habe ich mich entschieden, das Angebot abzulehnen.",
        "Ich stehe für die Position nicht mehr zur Verfügung.",
        "Ich muss meine Zusage leider zurückziehen.",
        "Daher sage ich das geplante Gespräch ab und ziehe meine Kandidatur zurück.",
        "Ich habe mich entschieden, den Bewerbungsprozess nicht fortzusetzen.",
        "Ich werde die Stelle nicht antreten.",
        "Ich nehme meine Bewerbung hiermit zurück.",
    ],
    "fr": [
        "Je vous informe que je retire ma candidature.",
        "Je souhaite retirer ma candidature au poste d'analyste.",
        "Après mûre réflexion, j'ai décidé de décliner votre offre.",
        "Je me vois contrainte de renoncer à ce poste.",
        "Je ne pourrai malheureusement pas donner suite à votre proposition.",
        "Je ne suis plus disponible pour ce poste.",
        "Je suis au regret de revenir sur mon acceptation.",
        "J'ai pris la décision de ne pas poursuivre le processus de recrutement.",
        "Je me retire du processus de recrutement.",
        "Je dois malheureusement refuser votre offre.",
    ],
}
THANKS: dict[str, list[str]] = {
    "es": [
        "Muchas gracias por su tiempo.",
        "Le agradezco sinceramente la oportunidad.",
        "Quedo muy agradecida por su atención.",
        "Agradezco mucho su confianza.",
    ],
    "de": [
        "Vielen Dank für Ihre Zeit.",
        "Ich danke Ihnen herzlich für das Gespräch.",
        "Herzlichen Dank für Ihr Vertrauen.",
        "Ich bedanke mich für die Einladung.",
    ],
    "fr": [
        "Merci beaucoup pour votre temps.",
        "Je vous remercie de votre confiance.",
        "Je vous suis très reconnaissante de votre accueil.",
        "Avec tous mes remerciements.",
    ],
}


@pytest.mark.parametrize(("lang", "sentence"), [(lang, s) for lang, ss in WITHDRAWALS.items() for s in ss])
def test_native_withdrawal_sentences_count_as_withdrawing(lang: str, sentence: str) -> None:
    found = codes(sentence, lang=lang, kind=DraftKind.PHONE_SCRIPT)
    assert "no_withdrawal" not in found and "negative" not in found and "several_reasons" not in found


@pytest.mark.parametrize(("lang", "sentence"), [(lang, s) for lang, ss in THANKS.items() for s in ss])
def test_native_thanks_count_as_thanks(lang: str, sentence: str) -> None:
    found = codes(sentence, lang=lang)
    assert "no_thanks" not in found and "negative" not in found


@pytest.mark.parametrize("lang", LANGS)
def test_too_long_uses_the_language_word_budget(lang: str) -> None:
    limit = word_limit(DraftKind.EMAIL, lang)
    body_words = len(re.findall(r"\w+(?:['’.-]\w+)*", EMAIL[lang].split("\n", 1)[1]))  # the subject is not counted
    at_limit = EMAIL[lang] + " word" * (limit - body_words)
    assert codes(at_limit, lang=lang) == []
    assert codes(at_limit + " word", lang=lang) == ["too_long"]
    message = lint_text(at_limit + " word", lang=lang)[0].message
    assert f"cut to {limit} or fewer" in message


def test_word_budgets_scale_for_languages_that_need_more_words() -> None:
    assert word_limit(DraftKind.EMAIL) == WORD_LIMITS[DraftKind.EMAIL]
    assert word_limit(DraftKind.EMAIL, "es") > WORD_LIMITS[DraftKind.EMAIL]
    assert word_limit(DraftKind.EMAIL, "fr") > WORD_LIMITS[DraftKind.EMAIL]
    assert word_limit(DraftKind.LINKEDIN, "de") >= WORD_LIMITS[DraftKind.LINKEDIN]


@pytest.mark.parametrize("lang", LANGS)
def test_stage_rules_read_the_call_in_each_language(lang: str) -> None:
    assert codes(EMAIL[lang], lang=lang, stage=Stage.OFFER) == ["wrong_channel"]  # an email before any call
    assert "wrong_channel" in codes(LINKEDIN[lang], lang=lang, stage=Stage.FINAL, channel=Channel.LINKEDIN)


@pytest.mark.parametrize("lang", LANGS)
def test_the_withdrawal_example_is_in_the_drafts_language(lang: str) -> None:
    broken = dict((code, (old, new)) for code, old, new in BREAKS[lang])
    old, new = broken["no_withdrawal"]
    message = lint_text(EMAIL[lang].replace(old, new), lang=lang)[0].message
    example = message.split('"')[1]
    assert codes(f"{example}", lang=lang, kind=DraftKind.PHONE_SCRIPT) == ["no_thanks"]  # the example withdraws
    old, new = broken["no_thanks"]
    message = lint_text(EMAIL[lang].replace(old, new), lang=lang)[0].message
    assert "no_thanks" not in codes(message.split('"')[1], lang=lang)


@pytest.mark.parametrize("lang", ["es", "de", "fr"])
def test_a_draft_checked_in_the_wrong_language_says_so_instead_of_false_findings(lang: str) -> None:
    for text in (EMAIL[lang], FOLLOW_UP[lang]):
        found = codes(text)  # checked as English, the default
        assert "other_language" in found
        assert not {"no_withdrawal", "no_thanks", "several_reasons", "negative"} & set(found)
    message = lint_text(EMAIL[lang])[0].message
    assert f"({lang})" in message
    assert "other_language" in codes(EMAIL["en"], lang=lang)


def test_english_drafts_and_the_english_corpus_never_read_as_another_language() -> None:
    corpus = Path(__file__).with_name("lint_corpus")
    for name in ("critical_en.txt", "neutral_en.txt"):
        text = (corpus / name).read_text(encoding="utf-8")
        assert "other_language" not in codes(text)
    for text in (EMAIL["en"], FOLLOW_UP["en"], PHONE_SCRIPT["en"], LINKEDIN["en"]):
        assert "other_language" not in codes(text)


# Tone in each language: criticism is caught, and polite regret ("leider", "malheureusement") is not.
TONE: dict[str, tuple[list[str], list[str]]] = {
    "es": (
        [
            "El proceso fue caótico de principio a fin.",
            "Nadie se molestó en responder a mis correos.",
            "Francamente, la oferta me pareció insultante.",
            "Me mintieron sobre las condiciones del puesto.",
            "Ha sido una pérdida de tiempo.",
            "¡¡Inaceptable!!",
        ],
        [
            "Lamentablemente, no puedo aceptar la oferta.",
            "Ha sido una decisión difícil y no la he tomado a la ligera.",
            "Siento mucho las molestias que esto pueda causarle.",
            "No me es posible incorporarme en la fecha prevista.",
            "Le agradezco sinceramente su paciencia.",
        ],
    ),
    "de": (
        [
            "Der gesamte Prozess war chaotisch.",
            "Niemand hat sich auf meine E-Mails gemeldet.",
            "Ehrlich gesagt finde ich das Angebot lächerlich.",
            "Das Gespräch war eine reine Zeitverschwendung.",
            "Der Umgang mit Bewerbern ist unprofessionell.",
            "DAS IST WIRKLICH NICHT AKZEPTABEL!!",
        ],
        [
            "Leider kann ich das Angebot nicht annehmen.",
            "Die Entscheidung ist mir nicht leichtgefallen.",
            "Ich bitte um Entschuldigung für die Umstände.",
            "Es tut mir leid, Ihnen keine bessere Nachricht geben zu können.",
            "Ich danke Ihnen herzlich für Ihr Verständnis.",
        ],
    ),
    "fr": (
        [
            "Le processus a été complètement désorganisé.",
            "Personne n'a daigné répondre à mes messages.",
            "Franchement, cette offre est ridicule.",
            "On m'a menti sur le contenu du poste.",
            "Ces entretiens ont été une perte de temps.",
            "C'EST TOUT SIMPLEMENT INADMISSIBLE !!",
        ],
        [
            "Malheureusement, je ne suis pas en mesure d'accepter votre offre.",
            "C'est une décision difficile, que je n'ai pas prise à la légère.",
            "Je vous prie de m'excuser pour le désagrément.",
            "Je ne pourrai pas rejoindre l'équipe à la date prévue.",
            "Je vous remercie sincèrement pour votre compréhension.",
        ],
    ),
}


@pytest.mark.parametrize("lang", list(TONE))
def test_tone_in_each_language(lang: str) -> None:
    critical, neutral = TONE[lang]
    assert [s for s in critical if "negative" not in codes(s, lang=lang)] == []
    assert [s for s in neutral if "negative" in codes(s, lang=lang)] == []


def test_an_unknown_language_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match=r"'it'.*en, es, de, fr"):
        lint_text("Grazie", lang="it")
    assert "other_language" in CODES


@pytest.fixture
def german_draft(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "entwurf.txt"
    path.write_text(EMAIL["de"], encoding="utf-8")
    return str(path)


def test_coach_lint_lang_de_passes_a_correct_german_withdrawal(
    german_draft: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", german_draft, "--lang", "de"]) == 0
    assert capsys.readouterr().out == "clean: no findings\n"
    assert main(["lint", german_draft, "--lang", "DE", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"findings": [], "clean": True}


def test_coach_lint_without_lang_checks_english_and_says_the_draft_is_german(
    german_draft: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", german_draft, "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"findings", "clean"} and result["clean"] is False
    assert [f["code"] for f in result["findings"]] == ["other_language"]


@pytest.mark.parametrize("lang", ["es", "de", "fr"])
@pytest.mark.parametrize("drafts", [EMAIL, FOLLOW_UP])
def test_coach_lint_lang_passes_correct_withdrawals_in_each_language(
    lang: str, drafts: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "draft.txt"
    path.write_text(drafts[lang], encoding="utf-8")
    stage = "accepted" if drafts is FOLLOW_UP else "interviewing"
    assert main(["lint", str(path), "--lang", lang, "--stage", stage, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"findings": [], "clean": True}


def test_coach_lint_refuses_an_unknown_language(german_draft: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", german_draft, "--lang", "klingon"]) == 2
    assert "en, es, de, fr" in capsys.readouterr().err
