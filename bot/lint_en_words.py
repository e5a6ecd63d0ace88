"""English words that criticise people, a process or a company: the broad lexicon behind `negative`.

Data only. Grouped by what they describe so a gap is easy to see; every word is a single
token, matched whole and skipped when a negator stands just before it ("not unfair"). Words
that a kind withdrawal uses about itself ("unfortunately", "difficult", "regret") are
deliberately absent. Multi-word criticism (idioms, blame, sarcasm) lives in `exit_coach.lint_en`.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


PEOPLE = _words(
    """
    rude rudely rudeness arrogant arrogance smug condescending patronising patronizing patronised patronized
    dismissive hostile hostility aggressive aggressively pushy evasive defensive petty spiteful snide sneering
    callous insincere two-faced deceitful dishonest untrustworthy incompetent incompetence clueless lazy
    careless negligent negligence abrasive abusive bullying bullied bully belittling belittled demeaning
    mocking mocked contemptuous contempt disdainful disdain entitled egotistical narcissistic manipulative
    manipulated micromanaging micromanaged micromanagement inept unprepared uninterested indifferent
    apathetic inattentive impolite discourteous disrespectful disrespect disrespected unhelpful
    unresponsive ignorant prejudiced biased sexist racist ageist bigoted homophobic misogynistic creepy
    sleazy shady sketchy dodgy slimy devious shifty cagey hypocritical hypocrisy greedy exploitative
    predatory ruthless heartless cynical jaded dishonesty liar liars rudest laziness arrogantly
    unprofessional unprofessionally unethical
    """
)

PROCESS = _words(
    """
    chaotic chaos disorganised disorganized unorganised unorganized shambolic haphazard sloppy slipshod botched
    bungled mismanaged mismanagement dysfunctional bureaucratic opaque secretive convoluted inconsistent
    contradictory erratic sluggish glacial interminable tedious pointless futile meaningless useless
    worthless irrelevant outdated archaic antiquated inflexible unreasonable unrealistic unfair unjust
    unjustified illegal dubious questionable misleading deceptive bogus phony phoney fraudulent rigged
    discriminatory oppressive gruelling grueling brutal cruel harsh draconian insulting degrading
    humiliating disgraceful shameful scandalous outrageous appalling atrocious abysmal dreadful horrendous
    horrible terrible awful lousy pathetic pitiful laughable ridiculous ludicrous absurd farcical
    preposterous nonsensical subpar substandard mediocre underwhelming lacklustre lackluster amateurish
    disastrous catastrophic hellish nightmarish soul-destroying demoralising demoralizing toxic
    unacceptable inexcusable unforgivable embarrassing shoddy flimsy half-baked insultingly sickening
    infuriating maddening exasperating frustrating aggravating galling disgusting shocking alarming
    worst horrid vile miserable dismal bleak joyless soulless
    """
)

THINGS = _words(
    """
    shambles farce circus nightmare disaster fiasco debacle scam sham charade fraud
    sweatshop madhouse clowns clown nonsense insult disgrace embarrassment travesty outrage ego egos
    favouritism favoritism nepotism lowball lowballed lowballing garbage rubbish junk trash crap
    red-flag cowboys amateurs
    """
)

ACTIONS = _words(
    """
    misled mislead misleads lied deceived tricked cheated conned scammed exploited ignored ignoring ghosted
    ghosting stonewalled stonewalling dodged vanished disappeared snubbed humiliated insulted mocked ridiculed
    harassed harassing pressured pressuring pressurised pressurized badgered pestered hounded hassled
    squandered mishandled screwed ruined sabotaged backtracked reneged dithered gossiped gossiping
    bad-mouthed yelled shouted snapped interrogated ambushed blindsided shortchanged undervalued
    underpaid overworked fobbed wasted wasting condescended lectured berated scolded
    """
)

FEELINGS = _words(
    """
    furious angry livid outraged fuming irate annoyed irritated exasperated frustrated infuriated incensed
    disgusted appalled horrified offended resentful resent resented aggrieved indignant embittered sickened
    dismayed unimpressed disillusioned betrayed insulted humiliated fed-up
    """
)

MORE = _words(
    """
    afterthought nuisance excuses glorified badmouthed badmouthing bad-mouthing deceit backstabbing
    cowardly spineless vindictive unwelcoming cliquey cliquish elitist snobbish snobby pretentious pompous
    self-important smarmy obnoxious unbearable intolerable insufferable understaffed gaslighting gaslit
    gaslighted misrepresented misrepresentation misrepresenting overpromised underdelivered backpedalled
    backpedaled u-turn stingy miserly penny-pinching pittance peanuts drudgery dead-end menial
    mansplained mansplaining cultish nosy prying unlawful crooked corrupt cronyism ineptitude carelessness
    sloppiness disregard runaround run-around flaky flakey unreliable disorganisation disorganization
    dysfunction turmoil poisonous harassment unsafe dishonourable dishonorable stonewall belittle undermined
    sidelined railroaded strong-armed coerced bungling fumbled botch shambles disgrace hypocrite hypocrites
    cheapskate exploit exploiting exploitation unprofessionalism rudeness hostility incompetently sloppily
    blamed blaming baffled bewildered laughably brags bragging boasts yawning yawned yawn buzzwords
    smirked smirking sneered
    """
)

CRITICAL_WORDS: frozenset[str] = PEOPLE | PROCESS | THINGS | ACTIONS | FEELINGS | MORE
"""Every single word that criticises on its own."""

POLITE_REGRET: frozenset[str] = _words(
    """
    unfortunately unfortunate regrettably regret regrets regretfully sorry sad sadly difficult hard tough
    disappointed disappointing disappoint miss missed inconvenience cancel cancelled doubt pressure leave
    worried worry concern concerns concerned hesitate hesitation loss lost lose losing reject rejected
    rejection fail failed apologize apologise apologies stress stressed stressful painful pain hurt tired
    bother decline declined withdraw uncertain uncertainty
    """
)
"""Regret a kind withdrawal voices about itself: a sentiment lexicon rates these negative, lint does not."""
