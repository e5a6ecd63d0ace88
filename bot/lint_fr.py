"""French word lists for draft lint (vous register): withdrawal, thanks, reasons, "we spoke", tone.

Data only (see `exit_coach.lint_rules.LanguageRules`); the checks are in `exit_coach.lint`.
Elisions ("n'ai", "l'offre") and both apostrophes are accepted; accents may be missing.
"""

from __future__ import annotations

from exit_coach.lint_rules import STOPWORDS, LanguageRules, Reason, ToneWords, any_of

_A = "['’]"  # either apostrophe
_NEGATION = any_of(r"\b(?:ne|n" + _A + r"|pas|plus|jamais|aucun\w*)\b")

_STRONG = any_of(
    r"\b(?:désorganisé\w*|desorganise\w*|chaotique\w*|chaos|impoli\w*|grossier\w*|grossière\w*|irrespectueu\w*)\b",
    r"\b(?:toxique\w*|terrible\w*|horrible\w*|lamentable\w*|catastroph\w*|ridicule\w*|incompétent\w*)\b",
    r"\b(?:incompetent\w*|arrogant\w*|condescendant\w*|méprisant\w*|meprisant\w*|inacceptable\w*|honteu\w*)\b",
    r"\b(?:scandaleu\w*|mensonge\w*|menteu\w*|trompeu\w*|pathétique\w*|minable\w*|inadmissible\w*|indigne\w*)\b",
    r"\b(?:peu|pas|non) professionnel\w*|\bmanque de (?:respect|professionnalisme|sérieux|serieux|considération)\b",
    r"\b(?:une|un) (?:blague|farce|cirque|désastre|desastre|catastrophe|honte|arnaque|mascarade)\b",
    r"\bperte de temps\b|\bperdre (?:mon|votre|notre) temps\b|\bfait perdre\b|\bn" + _A + r"importe quoi\b",
    r"\b(?:on )?m"
    + _A
    + r"a (?:menti|trompé|trompe|ignoré|ignore|mené en bateau)\b|\bvous m"
    + _A
    + r"avez (?:menti|trompé)",
    r"\bpersonne n" + _A + r"a (?:daigné|daigne|pris la peine|répondu|repondu|rappelé|rappele)\b",
    r"\b(?:même pas|meme pas|pas même)\b|\bexaspér\w*|\bfurieu\w*|\bindigné\w*|\bhumiliant\w*",
    r"\bexploit(?:ation|eur)\w*\b",
)
_MILD = any_of(r"\b(?:décevant\w*|decevant\w*|déçu\w*|lent\w*|retards?|silence|confus\w*)\b")
_INTENSIFIERS = any_of(r"\b(?:franchement|honnêtement|honnetement|totalement|complètement|absolument|vraiment)\b")
_BLAME = any_of(
    r"\bvous (?:ne m" + _A + r"avez jamais|n" + _A + r"avez jamais|ne m" + _A + r"avez pas)"
    r" (?:répondu|repondu|rappelé|rappele|informé|informe|tenu)\b",
    r"\bvotre (?:équipe|equipe|entreprise|recruteu\w*|processus) (?:n" + _A + r"a|ne m" + _A + r"a) jamais\b",
)
_SARCASM = any_of(r"\bmerci pour rien\b|\bquelle (?:surprise|générosité|generosite)\b|\bbravo pour\b")
_NEGATED_PRAISE = any_of(
    r"\b(?:pas|peu|guère) (?:très |du tout )?(?:professionnel\w*|respectueu\w*|sérieu\w*|serieu\w*|honnête\w*)\b"
)

RULES = LanguageRules(
    code="fr",
    name="French",
    withdrawal=any_of(
        r"\bretir\w* (?:ma|la|formellement ma) (?:candidature|acceptation)",
        r"\bme retir\w*|\bdésist\w*|\bdesist\w*|\bdéclin\w*|\bdeclin\w*",
        r"\brenonc\w* (?:à|a) (?:ma candidature|l" + _A + r"offre|cette offre|ce poste|votre offre|rejoindre)",
        r"\bne (?:pas |plus )?(?:pourrai|peux|vais|souhaite)(?: \w{1,15}ment)?(?: pas| plus)? "
        r"(?:accepter|rejoindre|donner suite|poursuivre)",
        r"\brefus\w* (?:votre|cette|la|l['’]) ?(?:offre|proposition|poste)\b",
        r"\bne (?:pas|plus) donner suite\b|\bne plus poursuivre\b|\bne pas poursuivre\b",
        r"\bne suis plus disponible\b|\bre(?:venir|viens|viendrai) sur (?:mon|ma) (?:acceptation|accord|décision)\b",
        r"\bannuler (?:mon|ma) (?:acceptation|candidature)\b|\bmettre fin (?:à|a) ma candidature\b",
    ),
    thanks=any_of(r"\bmerci\b", r"\bremerci\w*", r"\breconnaissan\w*", r"\bgratitude\b"),
    call_made=any_of(
        r"\bcomme (?:convenu|évoqué|evoque|discuté|discute|indiqué|indique)\b",
        r"\bnotre (?:appel|échange|echange|conversation|entretien) (?:téléphonique|telephonique|de ce matin|d"
        + _A
        + r"aujourd)",
        r"\bau téléphone\b|\bau telephone\b|\bpar téléphone\b|\bpar telephone\b",
    ),
    reasons=(
        Reason(
            "another offer",
            any_of(
                r"\bautre (?:offre|opportunité|opportunite|poste|proposition)\b",
                r"\baccepté (?:une|un) (?:offre|proposition|poste)\b|\bailleurs\b",
            ),
        ),
        Reason("pay", any_of(r"\bsalaire\w*|\brémunération\b|\bremuneration\b|\bpackage salarial\b")),
        Reason(
            "personal reasons",
            any_of(r"\b(?:raisons?|motifs?) personnel\w*|\bfamil\w*|\bsanté\b|\bsante\b"),
        ),
        Reason(
            "relocation or visa",
            any_of(
                r"\bdéménagement\b|\bdemenagement\b|\brelocalisation\b|\bvisa\b|\bpermis de travail\b|\bexpatriation\b"
            ),
            not_with=any_of(r"\bétapes\b|\betapes\b|\brembours\w*|\bfrais\b|\baide\b"),
        ),
        Reason("the commute", any_of(r"\btrajet\w*|\btemps de transport\b")),
        Reason("culture", any_of(r"\bculture\b"), only_with=_NEGATION),
        Reason("fit", any_of(r"\bcorrespond\w*|\badéquation\b|\badequation\b"), only_with=_NEGATION),
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
    withdrawal_example="Je vous informe que je retire ma candidature.",
    rescind_example="Je suis au regret de revenir sur mon acceptation de votre offre.",
    thanks_example="Je vous remercie pour votre temps.",
    stopwords=STOPWORDS["fr"],
)
