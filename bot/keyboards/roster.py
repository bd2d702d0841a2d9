"""Buttons of the therapists' roster: the paged list, a therapist's card and what staff may do there."""
from __future__ import annotations

from enum import StrEnum

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.data import ButtonData
from core.therapists import TherapistProfile
from core.usecases.roster import RosterPage

# What of a typed name a page button carries: callback data is at most 64 bytes.
QUERY_BYTES = 40


class RosterAction(StrEnum):
    PAUSE = "pause"
    HIDE = "hide"
    SHOW = "show"
    PUBLISH = "publish"  # the therapist's pending profile changes


class RosterPageTurn(ButtonData, prefix="rsp"):
    page: int
    q: str = ""


class RosterOpen(ButtonData, prefix="rso"):
    id: int


class RosterCard(ButtonData, prefix="rsc"):
    """The status card again, in place (after a "No")."""

    id: int


class RosterAct(ButtonData, prefix="rsa"):
    id: int
    action: RosterAction
    sure: bool = False


class RosterFind(ButtonData, prefix="rsf"):
    pass


def carried_query(query: str) -> str:
    """The name as a button can carry it: no ":" (the data's separator), cut whole characters to fit."""
    query = " ".join(query.replace(":", " ").split())
    while len(query.encode()) > QUERY_BYTES:
        query = query[:-1]
    return query.rstrip()


def roster_page(page: RosterPage) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for entry in page.entries:
        builder.button(text=entry.full_name, callback_data=RosterOpen(id=entry.telegram_id))
    query = carried_query(page.query)
    turns = []
    if page.number > 0:
        turns.append((_("◀️ Back"), RosterPageTurn(page=page.number - 1, q=query)))
    if page.number < page.pages - 1:
        turns.append((_("Next ▶️"), RosterPageTurn(page=page.number + 1, q=query)))
    for text, data in turns:
        builder.button(text=text, callback_data=data)
    builder.button(text=_("🔎 Find by name"), callback_data=RosterFind())
    if page.query:
        builder.button(text=_("📋 Everyone"), callback_data=RosterPageTurn(page=0))
    builder.adjust(*([1] * len(page.entries)), *([len(turns)] if turns else []), 2)
    return builder.as_markup()


def therapist_actions(profile: TherapistProfile, pending_changes: int | None) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if profile.accepting_clients:
        builder.button(text=_("⏸ Pause new clients"), callback_data=RosterAct(id=profile.telegram_id, action=RosterAction.PAUSE))
    if profile.hidden:
        builder.button(text=_("👁 Show the profile"), callback_data=RosterAct(id=profile.telegram_id, action=RosterAction.SHOW))
    else:
        builder.button(text=_("🙈 Hide the profile"), callback_data=RosterAct(id=profile.telegram_id, action=RosterAction.HIDE))
    if pending_changes:
        builder.button(
            text=_("✅ Publish pending changes ({count})").format(count=pending_changes),
            callback_data=RosterAct(id=profile.telegram_id, action=RosterAction.PUBLISH),
        )
    builder.button(text=_("« All therapists"), callback_data=RosterPageTurn(page=0))
    builder.adjust(1)
    return builder.as_markup()


def confirm_action(therapist_id: int, action: RosterAction) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    yes = {
        RosterAction.PAUSE: _("⏸ Yes, pause"),
        RosterAction.HIDE: _("🙈 Yes, hide"),
        RosterAction.PUBLISH: _("✅ Yes, publish"),
    }[action]
    builder.button(text=yes, callback_data=RosterAct(id=therapist_id, action=action, sure=True))
    builder.button(text=_("« No, back"), callback_data=RosterCard(id=therapist_id))
    builder.adjust(1)
    return builder.as_markup()
