"""German word lists for draft lint (Sie register): withdrawal, thanks, reasons, "we spoke", tone.

Data only (see `exit_coach.lint_rules.LanguageRules`); the checks are in `exit_coach.lint`.
German splits verbs ("ziehe ich meine Bewerbung zurück"), so a few patterns allow a bounded
gap inside one sentence; umlauts may be typed as ae/oe/ue.
"""

from __future__ import annotations

from exit_coach.lint_rules import STOPWORDS, LanguageRules, Reason, ToneWords, any_of

_NEGATION = any_of(r"\b(?:nicht|kein\w*|nie|niemals)\b")
_GAP = r"\b[^.!?;]{0,80}\b"  # a bounded stretch of one sentence between the parts of a split verb

_STRONG = any_of(
    r"\b(?:unorganisiert\w*|desorganisiert\w*|chaotisch\w*|chaos|unprofessionell\w*|unhöflich\w*|unhoeflich\w*)\b",
    r"\b(?:respektlos\w*|toxisch\w*|schrecklich\w*|furchtbar\w*|katastrophal\w*|katastrophe|lächerlich\w*)\b",
    r"\b(?:laecherlich\w*|inkompetent\w*|inkompetenz|arrogant\w*|herablassend\w*|unverschämt\w*|unverschaemt\w*)\b",
    r"\b(?:inakzeptabel|zeitverschwendung|frechheit|zumutung|farce|desaster|belogen|gelogen|lüge|luege)\b",
    r"\b(?:irreführend\w*|irrefuehrend\w*|ausbeuterisch\w*|ausbeutung|miserabel\w*|peinlich\w*|armutszeugnis)\b",
    r"\b(?:dreist\w*|unseriös\w*|unserioes\w*|unfair\w*|unmöglich\w*|rücksichtslos\w*|abgehoben\w*|ignorant\w*)\b",
    r"\bein (?:witz|skandal|reinfall|trauerspiel)\b|\bmangel an (?:respekt|professionalität|wertschätzung)\b",
    r"\bniemand hat" + _GAP + r"(?:geantwortet|gemeldet|zurückgerufen|reagiert)\b",
    r"\bnicht (?:einmal|mal) (?:eine|einen|ein)?\b|\bverärgert\b|\bwütend\b|\bempört\b|\bbeleidigend\w*\b",
)
_MILD = any_of(r"\b(?:enttäuschend\w*|enttaeuschend\w*|enttäuscht|langsam\w*|verzögerung\w*|schweigen)\b")
_INTENSIFIERS = any_of(r"\b(?:ehrlich gesagt|offen gesagt|völlig|voellig|total|absolut|wirklich|äußerst)\b")
_BLAME = any_of(
    r"\bsie haben (?:mich )?(?:nie|nicht|niemals)" + _GAP + r"(?:geantwortet|gemeldet|informiert|gehalten)\b",
    r"\bsie haben mich" + _GAP + r"(?:belogen|getäuscht|hingehalten|ignoriert)\b",
)
_SARCASM = any_of(r"\bdanke für nichts\b|\bwie (?:großzügig|grosszuegig|überraschend)\b|\bna toll\b")
_NEGATED_PRAISE = any_of(r"\b(?:nicht|wenig) (?:sehr )?(?:professionell|respektvoll|fair|seriös|ehrlich)\b")

RULES = LanguageRules(
    code="de",
    name="German",
    withdrawal=any_of(
        r"\bzurückzuziehen\b|\bzurückziehen\b|\bzurueckziehen\b|\bzurückgezogen\b|\brückzug\b",
        r"\bzieh\w*" + _GAP + r"(?:zurück|zurueck)\b",
        r"\bsage?" + _GAP + r"\bab\b|\babsagen\b|\babzusagen\b|\babsage\b",
        r"\btrete\w*" + _GAP + r"(?:zurück|zurueck)\b|\bzurückzutreten\b|\bzurücktreten\b",
        r"\bablehn\w*|\babzulehnen\b|\blehne\w*" + _GAP + r"ab\b|\bnehme\w*" + _GAP + r"(?:zurück|zurueck)\b",
        r"\bnicht (?:fortzusetzen|fortsetzen|fortführen|fortzuführen|weiterführen)\b|\brücknahme\b",
        r"\bnicht (?:an|wahr)nehmen\b|\bnicht annehmen\b|\bnicht antreten\b|\bnicht weiterverfolgen\b",
        r"\bnicht (?:mehr|länger|laenger) zur verfügung\b|\bnicht mehr zur verfuegung\b",
        r"\bnicht weiter (?:am|im) (?:bewerbungs)?(?:verfahren|prozess)\b|\bwiderrufe\w*\b|\bwiderrufen\b",
    ),
    thanks=any_of(r"\bdank\w*", r"\bbedank\w*", r"\bwertschätz\w*", r"\bdankbar\w*"),
    call_made=any_of(
        r"\bwie (?:telefonisch |heute |soeben )?(?:besprochen|vereinbart|angekündigt)\b",
        r"\bunser(?:em|es)? (?:heutigen? |kurzen? )?(?:telefonat|gespräch|gespraech)\b",
        r"\btelefonisch\b|\bam telefon\b",
    ),
    reasons=(
        Reason(
            "another offer",
            any_of(
                r"\b(?:ein|einem|einen) ander\w* (?:angebot|stelle|position|arbeitgeber)\b",
                r"\bangebot (?:eines anderen|von einem anderen)\b|\bangebot angenommen\b|\banderweitig\b",
            ),
        ),
        Reason("pay", any_of(r"\bgehalt\w*\b|\bvergütung\b|\bverguetung\b|\bbezahlung\b")),
        Reason(
            "personal reasons",
            any_of(r"\b(?:persönlich|persoenlich|privat)\w* gründe\w*|\bfamili\w*|\bgesundheit\w*"),
        ),
        Reason(
            "relocation or visa",
            any_of(r"\bumzug\w*|\bvisum\b|\bvisa\b|\baufenthalts\w*|\barbeitserlaubnis\b|\brelocation\b"),
            not_with=any_of(r"\bschritte\w*|\brückzahl\w*|\bzurückzahl\w*|\bkosten\b|\berstatt\w*"),
        ),
        Reason("the commute", any_of(r"\bpendel\w*|\barbeitsweg\w*|\bfahrtweg\w*")),
        Reason("culture", any_of(r"\bkultur\b|\bunternehmenskultur\b"), only_with=_NEGATION),
        Reason("fit", any_of(r"\bpasst\b|\bpassen\b|\bpassung\b"), only_with=_NEGATION),
    ),
    tone=ToneWords(
        strong=_STRONG,
        mild=_MILD,
        intensifiers=_INTENSIFIERS,
        blame=_BLAME,
        sarcasm=_SARCASM,
        negated_praise=_NEGATED_PRAISE,
    ),
    word_budget=1.1,
    withdrawal_example="Hiermit ziehe ich meine Bewerbung zurück.",
    rescind_example="Leider muss ich meine Zusage zurückziehen.",
    thanks_example="Vielen Dank für Ihre Zeit.",
    stopwords=STOPWORDS["de"],
)
