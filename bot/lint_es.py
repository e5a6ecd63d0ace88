"""Spanish word lists for draft lint (usted register): withdrawal, thanks, reasons, "we spoke", tone.

Data only (see `exit_coach.lint_rules.LanguageRules`); the checks are in `exit_coach.lint`.
Patterns accept the words with or without accents, since drafts are often typed without them.
"""

from __future__ import annotations

from exit_coach.lint_rules import STOPWORDS, LanguageRules, Reason, ToneWords, any_of

_NEGATION = any_of(r"\b(?:no|nunca|ya no|tampoco)\b")

_STRONG = any_of(
    r"\b(?:desorganizad[oa]s?|caótic[oa]s?|caos|groser[oa]s?|maleducad[oa]s?|tóxic[oa]s?|toxic[oa]s?)\b",
    r"\b(?:terrible|horrible|pésim[oa]s?|pesim[oa]s?|insultante|ridícul[oa]s?|ridicul[oa]s?|incompetentes?)\b",
    r"\b(?:irrespetuos[oa]s?|condescendientes?|arrogantes?|inaceptable|vergonzos[oa]s?|indignante|lamentable)\b",
    r"\b(?:patétic[oa]s?|patetic[oa]s?|penos[oa]s?|abusiv[oa]s?|engaños[oa]s?|deshonest[oa]s?|prepotentes?)\b",
    r"\b(?:poco|nada|muy poco) profesional(?:es)?\b|\bfalta de (?:respeto|profesionalidad|seriedad|educación)\b",
    r"\b(?:un|una|todo un) (?:desastre|caos|circo|chiste|broma|farsa|engaño|timo|despropósito)\b",
    r"\b(?:una )?pérdida de tiempo\b|\bperdida de tiempo\b|\bperder (?:mi|el) tiempo\b|\bme hicieron perder\b",
    r"\b(?:me )?(?:mintieron|mintió|engañaron|engañó|ignoraron|ignoró)\b|\bmentiras?\b|\btomadura de pelo\b",
    r"\bnadie (?:se (?:molestó|molesto|dignó|digno)|(?:me )?(?:respondió|respondio|contestó|contesto|llamó|llamo))\b",
    r"\bni siquiera\b|\bbasura\b|\bestafa\b|\bexplotación\b|\bexplotador[ae]?s?\b|\bridiculez\b",
    r"\b(?:harto|harta|furios[oa]|indignad[oa]|ofendid[oa]|humillad[oa]|humillante)\b",
)
_MILD = any_of(r"\b(?:decepcionante|decepcionad[oa]|lent[oa]|retrasos?|silencio|confus[oa])\b")
_INTENSIFIERS = any_of(r"\b(?:francamente|sinceramente|totalmente|completamente|absolutamente|realmente)\b")
_BLAME = any_of(
    r"\b(?:ustedes|usted) (?:nunca|no) (?:me )?(?:respond|contest|llam|cumpl|avis)\w*",
    r"\bsu (?:equipo|empresa|proceso|reclutador\w*) (?:nunca|no) (?:me )?(?:respond|contest|cumpl|avis)\w*",
)
_SARCASM = any_of(
    r"\bgracias por (?:nada|hacerme perder)\b|\bqué (?:sorpresa|generos\w*)\b|\bmenuda\b|\bvaya (?:forma|manera)\b"
)
_NEGATED_PRAISE = any_of(r"\bno (?:fue|es|ha sido|me pareció) (?:nada )?(?:profesional|serio|respetuos[oa]|justo)\b")

RULES = LanguageRules(
    code="es",
    name="Spanish",
    withdrawal=any_of(
        r"\bretir\w* (?:mi|la|formalmente mi) (?:candidatura|solicitud|postulación|postulacion|aceptación|aceptacion)",
        r"\bretir\w*(?:me)? del proceso\b|\bme retiro\b|\bdesist\w*",
        r"\bdeclin\w*|\brechaz\w* (?:la|su|esta) (?:oferta|propuesta)",
        r"\bno (?:podré|podre|puedo|voy a) (?:aceptar|incorporarme|continuar|seguir)\b",
        r"\bya no (?:estoy disponible|deseo continuar|puedo continuar|me es posible)\b",
        r"\b(?:he decidido|decidí|decidi) no (?:continuar|seguir|aceptar|incorporarme)\b",
        r"\brenunci\w* a (?:la oferta|mi candidatura|la posición|la posicion|el puesto)",
        r"\bdejar sin efecto mi aceptación\b|\bno seguir adelante\b",
    ),
    thanks=any_of(r"\bgracias\b", r"\bagrade[cz]\w*", r"\bagradecid[oa]\b", r"\bgratitud\b"),
    call_made=any_of(
        r"\bcomo (?:lo )?(?:hablamos|comentamos|conversamos)\b",
        r"\bnuestra (?:llamada|conversación telefónica|conversacion telefonica)\b",
        r"\bpor teléfono\b|\bpor telefono\b|\bhablamos (?:hoy|ayer|esta mañana|esta tarde)\b",
    ),
    reasons=(
        Reason(
            "another offer",
            any_of(
                r"\botra (?:oferta|oportunidad|posición|posicion)\b|\botro (?:puesto|empleo|trabajo)\b",
                r"\bhe aceptado (?:una|otra) (?:oferta|posición|posicion|propuesta)\b",
            ),
        ),
        Reason("pay", any_of(r"\bsalario\b|\bsueldo\b|\bremuneración\b|\bremuneracion\b|\bcompensación\b")),
        Reason(
            "personal reasons", any_of(r"\b(?:motivos|razones|asuntos) personales\b|\bfamilia(?:r|res)?\b|\bsalud\b")
        ),
        Reason(
            "relocation or visa",
            any_of(
                r"\breubicación\b|\breubicacion\b|\btraslado\b|\bmudanza\b|\bvisado\b|\bvisa\b|\bpermiso de trabajo\b"
            ),
            not_with=any_of(r"\bpasos\b|\bdevol\w*|\breembols\w*|\bgastos\b|\bayuda\b"),
        ),
        Reason("the commute", any_of(r"\bdesplazamiento\b|\btrayecto\b")),
        Reason("culture", any_of(r"\bcultura\b"), only_with=_NEGATION),
        Reason("fit", any_of(r"\bencaj\w*|\bajust\w* a (?:mi|mis)\b|\bperfil\b"), only_with=_NEGATION),
    ),
    tone=ToneWords(
        strong=_STRONG,
        mild=_MILD,
        intensifiers=_INTENSIFIERS,
        blame=_BLAME,
        sarcasm=_SARCASM,
        negated_praise=_NEGATED_PRAISE,
    ),
    word_budget=1.2,
    withdrawal_example="Le escribo para retirar mi candidatura.",
    rescind_example="Lamento comunicarle que retiro mi aceptación de la oferta.",
    thanks_example="Muchas gracias por su tiempo.",
    stopwords=STOPWORDS["es"],
)
