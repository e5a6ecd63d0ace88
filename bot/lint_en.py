"""English word lists for draft lint: withdrawal, thanks, reasons, "we spoke", and tone.

Data only (see `exit_coach.lint_rules.LanguageRules`); the checks are in `exit_coach.lint`.
Tone lists were tuned on the development half of tests/core/lint_corpus only; the blind batch
(blind_*_en.txt) was never tuned on.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from exit_coach.lint_en_words import CRITICAL_WORDS, POLITE_REGRET
from exit_coach.lint_rules import STOPWORDS, LanguageRules, Reason, ToneWords, Unanchored, Valence, any_of, lower_case

_NEGATION = any_of(r"\b(?:not|never|no longer|cannot)\b", r"n['’]t\b", r"\bmis(?:match|align)")

# Negative words that are criticism on their own. Word boundaries everywhere: "rude" is not "prudent".
_STRONG = lower_case(
    r"\b(?:disorgani[sz]ed|unorgani[sz]ed|unprofessional\w*|rude(?:ly|ness)?|toxic|terrible|awful|horrible)\b",
    r"\b(?:chaotic|chaos|lowball\w*|low-ball\w*|insult(?:s|ing|ed)?|ridiculous|incompetent|disrespect\w*)\b",
    r"\b(?:condescending|arrogant|shady|sketchy|unacceptable|frustrat\w*|infuriat\w*|worst|pathetic)\b",
    r"\b(?:exploitative|(?<!\bno )(?<!\bany )red flags?|bait and switch|wast(?:ed|ing))\b",
    r"\bwaste of (?:my |our |your |an? )?\w{0,10}",
    r"\b(?:a mess|a joke|a scam|a farce|a (?:complete |total )?shambles|a disaster)\b",
    r"\b(?:(?:total|complete) mess|this mess)\b",
    r"\b(?:poorly|badly|so poorly) (?:run|organi[sz]ed|managed|handled|designed|treated)\b",
    r"\b(?:treated (?:so |very )?poorly|treated (?:with|like) (?:zero|no|numbers)|like numbers)\b",
    r"\b(?:mislead\w*|misled|lied|lying|lies|dishonest|deceptive|scam|farce|shambles|disaster)\b",
    r"\b(?:appall\w*|disgust\w*|offensive|shock(?:ed|ing)|absurd|laughable|clueless|dismissive|sloppy)\b",
    r"\b(?:miserable|overworked|useless|pointless|embarrass(?:ing|ment)|ashamed|unrealistic|intrusive)\b",
    r"\b(?:dysfunctional|disposable|amateur(?:ish| hour)|outdated|irrelevant|humiliat\w*|box-ticking|tick-box)\b",
    r"\b(?:grilled|badgered|pestered|hounded|harass\w*) me\b|\bfobbed off\b|\bcontradict\w*",
    r"\bwarn(?:ing)? (?:my network|others|people|friends)\b|\bhard to believe\b",
    r"\b(?:sexist|racist|ageist|homophobic|misogynist\w*|discriminat\w*|junk|rubbish|garbage|trash|crap)\b",
    r"\blost (?:all )?(?:respect|faith|trust|confidence)\b|\bdrag(?:ged|ging)? (?:your|their|its|his|her) feet\b",
    r"\bmak\w* (?:candidates|me|people|us) (?:squirm|suffer|beg)\b|\b(?:were|was|is) (?:my|our) problem\b",
    r"\b(?:a |pure )(?:fantasy|fiction)\b",
    r"\broll(?:ed|ing|s)? (?:his|her|their|your) eyes\b|\bcut(?:s|ting)? corners\b|\b(?:ego|power) trip\b",
    r"\bstuck in the past\b|\bbehind the times\b|\bhung (?:me |us )?out to dry\b|\bno (?:faith|clue)\b",
    r"\bmade up (?:a|an|the|some) (?:deadline|excuse|story|number|reason)s?\b|\bno intention of\b",
    r"\bleft (?:me |us )?(?:hanging|in limbo|in the dark)\b|\b(?:checking|on) (?:his|her|their) phone\b",
    r"\bnone of (?:it|them|this|that) (?:was|were|is|are) (?:good|great|positive|encouraging)\b|\bhow not to\b",
    r"\blike a (?:debt collector|cult|zoo|prison|sweatshop|circus)\b|\bfor good reason\b|\bhazing\b",
    r"\b(?:astonish\w*|stagger\w*|baffl\w*|mind-boggling) that\b",
    r"\black of (?:basic |any |common )?(?:manners|respect|courtesy|professionalism|communication|transparency|"
    r"organi[sz]ation|structure|clarity|honesty|integrity|empathy|care|direction|leadership|decency)\b",
    r"\btreat(?:ed|s|ing)? (?:me|us|candidates|people|applicants|staff|employees|my \w{1,20}) (?:as|like)\b",
    r"\bmade (?:me )?(?:to )?feel (?:like|as if|small|stupid|unwelcome|worthless|invisible)\b",
    r"\bno (?:serious|decent|reasonable|professional|self-respecting|competent|sane) "
    r"(?:company|employer|organi[sz]ation|person|business|recruiter|manager)\b",
    r"\blost (?:my |all )?(?:patience|interest|respect|faith|trust|confidence)\b",
    r"\b(?:you|you've|you have|your \w{1,20} (?:has|have)) made it (?:very |abundantly |perfectly )?clear that\b",
    r"\bsold (?:to )?(?:me|us) as\b|\binto the ground\b|\b(?:leaves?|left) (?:a lot|much) to be desired\b",
    r"\b(?:says|said|speaks|spoke|tells|told) (?:me |us )?(?:it all|everything|volumes)\b|\bpar for the course\b",
    r"\b(?:more interested in|cares? more about|cared more about) \w{1,20}(?: \w{1,20})? than\b",
    r"\b(?:was|were) kept waiting\b|\bwith no (?:explanation|apology|warning)\b|\bthe (?:basic |common )?decency\b",
    r"\bempty promises\b|\ballergic to\b|\btalked down to\b|\blooked down on\b|\b(?:mov|shift)\w* the goalposts\b",
    r"\b(?:talks?|talking|preach\w*) about \w{1,20} (?:while|but)\b|\bidea of \w{1,20} is\b|\byet another\b",
    r"\bno longer surprised\b|\bnot (?:even )?surprised (?:anymore|any more)\b",
    r"\bwithout (?:a word of |any )(?:apology|explanation|warning)\b",
    r"\b(?:couldn't|could not|can't|cannot) (?:organi[sz]e|manage|run|plan) (?:a|an|the)\b",
    r"\bhow (?:little|badly|poorly)\b",
    r"\bno (?:respect|regard|consideration|care) for\b|\b(?:zero|no|little) (?:effort|thought) (?:was|went|into)\b",
    r"\bover (?:people|staff|candidates|employees|its people)\b|\bpressure tactics?\b|\bcopied from\b|\bcopy-pasted\b",
    r"\b(?:been )?told (?:me |us )?the truth\b|\bstopped (?:replying|responding|answering|returning)\b",
    r"\boffice politics\b|\binfighting\b|\blip service\b|\bbreach of (?:trust|faith|contract)\b|\bhalf-truths?\b",
    r"\b(?:inappropriate|pushy|aggressive|ambushed|blindsided|interrogation|unprepared|ghost(?:ed|ing))\b",
    r"\b(?:process|system) is broken\b|\bfree (?:labou?r|work)\b|\bstrung me along\b|\bstring(?:ing)? me along\b",
    r"\b(?:let down|fed up|sick of|tired of|done (?:with|waiting)|dropped the ball|out of touch)\b",
    r"\b(?:talk(?:ed|s|ing)? over me|interrupt(?:ed|ing) me|pressur(?:ed|ing) me|made me laugh|dragged on)\b",
    r"\b(?:expected (?:far |much |a lot )?(?:more|better)|a step backwards?|for no (?:good )?reason)\b",
    r"\b(?:glassdoor|review sites?|sharing my experience|(?:riddled|full) with (?:errors|mistakes))\b",
    r"\b(?:jump through hoops|in the dark|in limbo|kept me waiting|left (?:a|me with a) bad taste)\b",
    r"\b(?:uninterested|zero (?:respect|confidence|interest))\b",
    r"\b(?:want nothing to do|refuse to work|regret (?:ever )?applying|deserve better|can't trust|cannot trust)\b",
    r"\b(?:don't|do not|never) (?:contact|email|call) me again\b|\bstop (?:sending|contacting|emailing|calling)\b",
    r"\b(?:can't|cannot|can not) believe\b|\bbeyond me\b|\bno resemblance\b",
    r"\b(?:managed|handled|run) (?:so )?badly\b|\bhad no (?:idea|interest)\b|\bno idea what\b",
)
# Words that hint at criticism but are also said kindly ("I know this is disappointing"): half weight.
_MILD = lower_case(
    r"\b(?:disappoint\w*|delays?|silence|vague|exhaust\w*|sad|pity|shame|low|messy|confus\w*|endless|tiresome)\b",
    r"\b(?:unclear|slow|late|sick)\b",
)
_INTENSIFIERS = lower_case(
    r"\b(?:frankly|honestly|seriously|absolutely|completely|totally|utterly|incredibly|painfully)\b",
    r"\b(?:obviously|clearly|entire|whole|even|beyond|constant(?:ly)?|every (?:single )?time)\b",
)
# Blame: "you"/"your team"/"nobody" doing something bad to me.
_BLAME = lower_case(
    r"\b(?:nobody|no one|no-one|none of (?:you|your \w{1,20}|them))\b(?:\W{1,3}\w{1,20}){0,4}?\W{1,3}"
    r"(?:bothered|repl\w*|return\w*|answer\w*|respond\w*|told|tell|explain\w*|care[sd]?|apologi[sz]\w*|"
    r"had the courtesy|seemed|kept|prepared|show(?:ed)? up|read|looked|listened|checked)\b",
    r"\b(?:couldn't|could not|can't|cannot|didn't|did not|won't)(?: even)? be bothered\b|\bbother(?:ed)? to\b",
    r"\bnot once\b|\bnone of your\b|\bno one had\b|\bheard (?:absolutely |literally )?nothing\b",
    r"\byou(?:r \w{1,20})? (?:never|failed|lied|misled|ignored|ghosted|wasted|kept me|strung|obviously|clearly|"
    r"really dropped|should be ashamed|have a lot to learn|made promises|made me|expect(?:ed)? me to)\b",
    r"\byou know it\b|\b(?:your|the) \w{1,20} (?:kept|keeps) (?:changing|moving)\b",
    r"\b(?:everything|anything) (?:we|you) (?:discussed|said|promised)\b",
    r"\b(?:told|promised) (?:one thing|a \w{1,12} role)\b.{0,40}\b(?:then|opposite)\b",
    r"\bwithout (?:asking|telling|warning) me\b|\bafter i (?:said no|declined)\b",
    r"\bthe (?:complete|exact) opposite\b",
    r"\bthat(?:'s| is) (?:frankly )?not how\b|\bnothing more than\b",
    r"\b(?:can't|cannot|couldn't|could not) even\b",
)
# Sarcasm: thanks or praise for something bad, mock surprise, scare quotes.
_SARCASM = lower_case(
    # Rhetorical questions: "Why did nobody tell me?", "How can you expect ...?", "Who does that?"
    r"^\W{0,3}(?:\w{1,12}, )?(?:why (?:did|didn't|would|does|do|is|was|were|are|can't|couldn't|wasn't|on earth)"
    r"(?! (?:i|we)\b)|"
    r"how (?:can|could|dare) (?:you|anyone|they|a company|your)|how do you (?:expect|justify|explain)|"
    r"who (?:in their right mind|would|does|on earth|\w{1,15}s (?:a|an|the))|what (?:was|is) the point|"
    r"is this how|what kind of)\b[^?]{0,200}\?",
    r"\bthanks? (?:you )?(?:so much |a lot |again )?for (?:nothing|wasting|letting me find|reschedul\w*|keeping me)\b",
    r"\bthanks a lot\b|\bgreat job\b|^\W{0,3}way to\b|\bnice to finally\b|\bwhat a (?:surprise|waste|shock)\b",
    r"^\W{0,3}how (?:generous|convenient|nice|thoughtful|kind|lovely)\b(?! of you)|\boh,? (?:and|great|sure)\b",
    r"\bi guess\b|\bapparently\b|\bsure, another\b|\bso-called\b|\bgood luck (?:finding|with that)\b",
    r"\blet's just say\b|\bwow\b|\bbecause that's (?:exactly|just) what\b",
    r"\"[^\"\n]{1,30}\" means\b|\bi can only assume\b|,\s{0,3}why not\W{0,3}$|^\W{0,3}sure, (?:a|an|another)\b",
    r"\b(?:another|so-called) [\"“][^\"”\n]{1,25}[\"”]",
    r"^\W{0,3}(?:brilliant|great|lovely|perfect|fantastic|wonderful|super|fabulous|marvell?ous|terrific|splendid)\b"
    r"(?: of you)?[,!]? "
    r"(?:another|to \w{1,12} me)\b",
    r"\b(?:great|brilliant|superb|excellent|stellar|fantastic|wonderful) \w{1,20},? as (?:always|usual|ever)\b",
)
# Praise negated ("not impressed", "no respect"): criticism by understatement.
_NEGATED_PRAISE = lower_case(
    r"(?:\b(?:not|never|no|zero|hardly|barely|least|far from|anything but)\b|n['’]t\b|\bless than\b)"
    r"(?:\W{1,3}\w{1,20}){0,3}?\W{1,3}"
    r"(?:impressed|professional(?:ly)?|respect(?:ed|ful)?|honest|fair(?:ly)?|"
    r"transparent|organi[sz]ed|appreciate|inspire|confidence|courtesy|strong suit|one of your values|kept|"
    r"prepared|acceptable|appropriate|reasonable|serious|competent|consistent|reliable|welcoming|polite|"
    r"courteous|friendly|helpful|value|valued|care[ds]?|listen(?:ed)?|good enough)\b"
    r"(?! (?:for|of|on|to) (?:me|you|them|the team)\b)",  # "it wouldn't be fair to you": about me, not them
    r"(?:\b(?:not|never)\b|n['’]t\b) keep (?:its|your|their|his|her) (?:word|promises?)\b",
)

_NEGATORS = frozenset(["not", "no", "never", "nothing", "nobody", "without", "hardly", "cannot"])


@cache
def vader_negative_words() -> dict[str, float]:
    """The negative half of VADER's sentiment lexicon (vaderSentiment, MIT licence), read once.

    Only the lexicon file is read (about 3,200 negative words of its 7,500); the package's
    analyser is never imported. Without the package installed the lexicon is empty and the
    word lists above work alone.
    """
    spec = importlib.util.find_spec("vaderSentiment")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / "vader_lexicon.txt"
    negative: dict[str, float] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            word, _, rest = line.partition("\t")
            if rest.startswith("-") and word.isalpha():
                negative[word] = float(rest.split("\t", 1)[0])
    return negative


_VALENCE = Valence(
    lexicon=vader_negative_words,
    cut=-1.2,
    harsh=-2.5,
    polite=POLITE_REGRET,
    about_them=lower_case(
        r"\b(?:you|your|yours|yourselves|they|their|them|nobody|no one|everyone|anyone|whoever|someone)\b",
        r"\b(?:team|recruiters?|panel|managers?|interviewers?|hr|company|firm|employer|leadership|process)\b",
        r"\b(?:interviews?|offer|salary|pay|people|staff|this|that|it|place|experience|everything)\b",
    ),
    apology=lower_case(r"\b(?:sorry|apologi[sz]e|apologies)\b(?: \w{1,12}){0,2} (?:for|about|if)\b"),
    softeners=_NEGATORS | {"any"},
)

_UNANCHORED = Unanchored(
    target=lower_case(
        # Them, by name; a bare "you" is left out: in a call script's cues "you" is the user.
        r"\b(?:your|their|team|teams|recruiters?|panel|managers?|interviewers?|hr)\b",
        r"\b(?:company|firm|employer|leadership|director|ceo|process|interviews?|offer|package|contract|salary)\b",
        r"\b(?:pay|benefits|advert|ad|description|assessment|test|round|culture|office|people|department|staff)\b",
        r"\b(?:onboarding|hiring|recruitment|references)\b",
    ),
    about_me=lower_case(r"\b(?:i|i'm|i've|i'd|i'll|my|me|mine|myself)\b", r"\bi['’](?:m|ve|d|ll)\b"),
    warm=lower_case(
        r"\b(?:thank\w*|appreciat\w*|enjoy\w*|pleasure|great|impress\w*|generous|kind\w*|welcom\w*|helpful|fair)\b",
        r"\b(?:wonderful|glad|happy|best|luck|hope\w*|wish\w*|respect\w*|grateful|lovely|excellent|good|nice)\b",
        r"\b(?:thoughtful|valu\w*|admir\w*|fan|privilege|honou?r\w*|passion\w*|promising|fascinating|inspir\w*)\b",
        r"\b(?:insightful|interesting|excit\w*|remarkable|outstanding|brilliant|superb|smooth|clear|quick|prompt)\b",
        r"\b(?:organi[sz]ed|professional|friendly|supportive|warm\w*|open\w*|honest\w*|transparent|competitive)\b",
        r"\b(?:attractive|talented|skilled|smart|capable|dedicated|positive|pleasant|enjoyable|useful|informative)\b",
        r"\b(?:engaging|rewarding|genuine\w*|well|success\w*|sure|confident|patien\w*|flexib\w*|understanding)\b",
        r"\b(?:stood out|highlight|delight\w*|love|loved|congratulat\w*|proud|strong|talent|pleased|safe)\b",
        r"\b(?:fine|okay|ok|standard|solid|in line with|not about|not because of)\b",
        r"\b(?:nothing|no way) (?:you|anyone) could\b",  # reassurance: "there is nothing you could have done"
    ),
    logistics=lower_case(
        r"\b(?:attached|return\w*|sign\w*|documents?|laptop|equipment|bonus|repay\w*|start date|notice|call\w*)\b",
        r"\b(?:email\w*|phone|contact\w*|confirm\w*|schedul\w*|next steps|please|let me know|withdraw\w*)\b",
        r"\b(?:declin\w*|no need|don't hesitate|visa|relocat\w*|sponsor\w*|arrived|sent|attach\w*|today)\b",
        r"^\W{0,3}(?:dear|hi|hello|hey|to whom|good (?:morning|afternoon|evening)|regards|sincerely|cheers)\b",
    ),
)

RULES = LanguageRules(
    code="en",
    name="English",
    withdrawal=any_of(
        r"\bwithdr[ae]w\w*",
        r"\brescind\w*",
        r"\bdeclin\w*",
        r"\bpull(?:ing)? out\b",
        r"\bturn(?:ing)? down\b",
        r"\bno longer (?:be )?(?:available|interested|pursu|consider|a candidate|able to (?:accept|join|proceed)"
        r"|mov\w* forward|proceed|continu)",
        r"(?:\bnot|n['’]t) (?:be )?(?:moving|move|going) forward",
        r"\b(?:not able|unable) to (?:accept|join|proceed|continue)\b",
        r"\bstep(?:ping)? (?:back|away|aside)\b",
        r"\bdecided not to\b",
        r"\bremove (?:me|myself|my (?:application|candidacy|name))\b",
        r"\b(?:won't|won’t|will not|cannot|can't|can’t) (?:be )?(?:join|accept|pursu|proceed|continu)",
    ),
    thanks=any_of(r"\bthank", r"\bthx\b", r"\bgrateful\b", r"\bgratitude\b", r"\bappreciat"),
    call_made=any_of(
        r"\bas (?:we )?discussed\b",
        r"\bon the phone\b",
        r"\b(?:our|my|today's|today’s|earlier|phone) call\b",
        r"\bphone conversation\b",
        r"\b(?:we|just) spoke\b",
        r"\b(?:spoke|talked|speaking) (?:earlier|today|yesterday|this (?:morning|afternoon|evening))\b",
        r"\b(?:spoke|talked|speaking) (?:on the phone|by phone)\b",
    ),
    # Relocation and visa are one logistic reason; repaying relocation costs or agreeing on visa next
    # steps is logistics, not a reason. "Culture" and "fit" are often praise, hence the negation.
    reasons=(
        Reason(
            "another offer",
            any_of(
                r"\b(?:another|other|competing|different|alternative) (?:job )?"
                r"(?:offer|opportunit\w*|role|position|job)\b",
                r"\baccepted (?:an? )?(?:offer|position|role|job)\b",
                r"\belsewhere\b",
            ),
        ),
        Reason("pay", any_of(r"\bsalary\b", r"\bcompensation\b", r"\bpay\b", r"\bbenefits package\b")),
        Reason(
            "personal reasons",
            any_of(
                r"\bpersonal\b",
                r"\bmy (?:health|family)\b",
                r"\bfamily (?:reasons|circumstances|matters|needs|situation)\b",
                r"\bhealth (?:reasons|issues|concerns)\b",
            ),
        ),
        Reason(
            "relocation or visa",
            any_of(r"\brelocat", r"\bvisa\b", r"\bsponsorship\b", r"\bimmigration\b"),
            not_with=any_of(
                r"\bsteps?\b", r"\brepa(?:y|id|ying|yment)\b", r"\bsettl", r"\b(?:assistance|costs|expenses)\b"
            ),
        ),
        Reason("the commute", any_of(r"\bcommut")),
        Reason("culture", any_of(r"\bcultur(?:e|al)\b(?! fit)"), only_with=_NEGATION),
        Reason("fit", any_of(r"\bfit\b", r"\bmismatch", r"\bmatch\b", r"\balign", r"\bscope\b"), only_with=_NEGATION),
    ),
    tone=ToneWords(
        strong=_STRONG,
        mild=_MILD,
        intensifiers=_INTENSIFIERS,
        blame=_BLAME,
        sarcasm=_SARCASM,
        negated_praise=_NEGATED_PRAISE,
        words=CRITICAL_WORDS,
        unanchored=_UNANCHORED,
        negators=_NEGATORS,
        valence=_VALENCE,
    ),
    word_budget=1.0,
    withdrawal_example="I am withdrawing my application.",
    rescind_example="I am withdrawing my acceptance of the offer.",
    thanks_example="Thank you for your time.",
    stopwords=STOPWORDS["en"],
)
