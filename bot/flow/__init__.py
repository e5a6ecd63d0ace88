"""The conversation: a declared state machine over plain data.

Theory of operation. `step(conversation, event, ctx) -> Step` (`step.py`) is the only entry: it
routes one event and returns the new state, the replies and the effects, doing no I/O. A case is
always on one screen, named by `Case.question`: first the roadmap questions, declared in
`questions.py` (what is asked, when it applies, what an answer changes), then the screens after them,
declared in `screens.py` (plan, drafts and their sub-screens, negotiation outcome, after-send), each
with its phase, its display (`view.py`) and its handler (`drafting.py`). Screen ids such as `rev:3`
are parsed once into a `ScreenRef` (`state.py`). Global commands (`commands.py`) work on any screen;
the fixed words live in `texts.py`. After every step the flow shows where the user is (`prompt`), so
a stale click, a restart or a reply a day later always ends on the right screen.
"""
