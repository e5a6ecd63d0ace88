"""discord.ui for our components: the persistent `DynamicItem`, views from rendered rows, and modals.

`CoachItem` is registered in `setup_hook`; discord.py rebuilds it from the
custom_id of any button or select of ours, whatever process sent the message,
so old buttons keep working after a restart. Its callback hands the click to
the client (`CoachClient.on_coach_component`), which must answer within 3 s.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from exit_coach.adapters.discord import ids, render
from exit_coach.flow.replies import AskForm

if TYPE_CHECKING:
    from exit_coach.adapters.discord.client import CoachClient

MODAL_TITLE = 45  # Discord: modal title and text input label
PLACEHOLDER = 100  # Discord: text input placeholder
INPUT_LIMIT = 4000  # Discord: text input max_length
MODAL_FIELDS = 5  # Discord: components per modal
MODAL_TIMEOUT = 900.0  # an interaction token lives 15 minutes; forget unsubmitted modals after that

_STYLES = {"primary": discord.ButtonStyle.primary, "danger": discord.ButtonStyle.danger}


class CoachItem(discord.ui.DynamicItem[discord.ui.Item[Any]], template=re.compile(ids.TEMPLATE)):
    """Any button or select of ours, rebuilt from its custom_id at click time."""

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> CoachItem:
        return cls(item)

    async def callback(self, interaction: discord.Interaction) -> None:
        client: CoachClient = interaction.client  # type: ignore[assignment]
        await client.on_coach_component(interaction)


def _button(spec: render.Button, row: int) -> CoachItem:
    style = _STYLES.get(spec.style, discord.ButtonStyle.secondary)
    return CoachItem(discord.ui.Button(label=spec.label, custom_id=spec.custom_id, style=style), row=row)


def _select(spec: render.Select, row: int) -> CoachItem:
    options = [discord.SelectOption(label=label, value=value) for label, value in spec.options]
    menu: discord.ui.Select[Any] = discord.ui.Select(custom_id=spec.custom_id, placeholder="Choose…", options=options)
    return CoachItem(menu, row=row)


def view(rows: tuple[render.Row, ...]) -> discord.ui.View | None:
    """A never-expiring view holding the message's rows, or None when there are none."""
    if not rows:
        return None
    out = discord.ui.View(timeout=None)
    for n, row in enumerate(rows[: render.MAX_ROWS]):
        if isinstance(row, render.Select):
            out.add_item(_select(row, n))
        else:
            for spec in row:
                out.add_item(_button(spec, n))
    return out


class FormModal(discord.ui.Modal):
    """A modal built from the core's AskForm; its submission is handled by the client's `on_interaction`.

    (Handling it there, by custom_id, also works for a modal opened before a restart.)
    """

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        return None


OPTIONAL = " (optional)"


def input_label(text: str) -> str:
    """A text input's label within Discord's 45 characters; a trailing "(optional)" is kept whole."""
    if len(text) <= MODAL_TITLE or not text.endswith(OPTIONAL):
        return render.cut(text, MODAL_TITLE)
    return render.cut(text.removesuffix(OPTIONAL), MODAL_TITLE - len(OPTIONAL)) + OPTIONAL


def modal(form: AskForm) -> FormModal:
    """The modal for a form: one text input per field (custom_id = the field's name), at most five."""
    out = FormModal(title=render.cut(form.title or "Exit Coach", MODAL_TITLE), custom_id=ids.view(form.case_id,
                                                                                                   form.question),
                    timeout=MODAL_TIMEOUT)
    for f in form.fields[:MODAL_FIELDS]:
        limit = max(1, min(f.max_length, INPUT_LIMIT))
        out.add_item(discord.ui.TextInput(
            label=input_label(f.label),
            custom_id=f.name,
            style=discord.TextStyle.paragraph if f.multiline else discord.TextStyle.short,
            required=f.required,
            max_length=limit,
            default=f.initial[:limit] or None,
            placeholder=render.cut(f.hint, PLACEHOLDER) or None,
        ))
    return out
