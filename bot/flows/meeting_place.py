"""Where a therapist's sessions happen: a standing video room of their own, or a fresh room per session.

Set in the cabinet (🎥 Meeting place). A typed link must be a plain https
address; anything else is explained and the step waits for another try. A
change reaches every paid session still ahead (core/usecases/meetings.py).
"""
from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.cabinet_gate import CabinetRouter, CabinetSteps
from bot.conversation import Nothing, Reply, Stay, Step, end
from bot.editing import replace_message
from bot.keyboards.cabinet import Section
from bot.keyboards.data import ButtonData
from bot.middlewares.callback_answer import alert
from bot.settings import Settings
from bot.views.meetings import place_line
from core.clock import Clock
from core.meetings import valid_link
from core.ports import UnitOfWork
from core.therapists import TherapistProfile
from core.usecases.meetings import set_meeting_place


class CabinetMeeting(CabinetSteps):
    link = State()


class MeetingLinkAsk(ButtonData, prefix="kml"):
    pass


class MeetingFreshRooms(ButtonData, prefix="kmf"):
    pass


def commands() -> Router:
    router = CabinetRouter(name="meeting-place-commands")
    router.message.register(stop, StateFilter(CabinetMeeting), Command("cancel"))
    return router


def router() -> Router:
    router = CabinetRouter(name="meeting-place")
    router.callback_query.register(show_place, Section.filter(F.name == "meeting"))
    router.callback_query.register(ask_link, MeetingLinkAsk.filter())
    router.callback_query.register(fresh_rooms, MeetingFreshRooms.filter())
    LINK.register(router)
    return router


def _place_keyboard(therapist: TherapistProfile, base_url: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✏️ Use my own link"), callback_data=MeetingLinkAsk())
    if therapist.meeting_url and base_url:
        builder.button(text=_("🔄 A fresh room for every session"), callback_data=MeetingFreshRooms())
    builder.button(text=_("« Cabinet"), callback_data=Section(name="overview"))
    builder.adjust(1)
    return builder.as_markup()


def _place_text(therapist: TherapistProfile, base_url: str) -> str:
    return "\n\n".join((
        place_line(therapist, base_url),
        _(
            "Clients get the link only once a session is paid: right after «Оплата пройшла успішно», in 📅 My "
            "sessions and in the reminders. You see the same link."
        ),
    ))


async def show_place(query: CallbackQuery, message: Message, state: FSMContext, therapist: TherapistProfile, settings: Settings) -> None:
    await end(state)
    base = settings.meeting_base_url
    await replace_message(message, _place_text(therapist, base), _place_keyboard(therapist, base))


def _ask() -> str:
    return _(
        "Send the link to your video room: an address that starts with https:// (Zoom, Google Meet, Jitsi, …). "
        "/cancel keeps what you have."
    )


async def ask_link(query: CallbackQuery, message: Message, state: FSMContext) -> None:
    await LINK.ask(Reply(message), state, Nothing(), _ask())


async def _typed_link(
    message: Message, text: str, state: FSMContext, uow: UnitOfWork, clock: Clock, therapist: TherapistProfile, settings: Settings
) -> None:
    link = valid_link(text)
    if link is None:
        raise Stay(_("This is not a link I can give clients: it must be one address starting with https://.") + "\n\n" + _ask())
    await end(state)
    saved = await set_meeting_place(uow, clock, therapist.telegram_id, link)
    base = settings.meeting_base_url
    await message.answer(_("Saved. Paid sessions ahead use this link now.") + "\n\n" + place_line(saved, base), reply_markup=_place_keyboard(saved, base))


async def _link_expected() -> tuple[str, None]:
    return _("Please type the link as text.") + "\n\n" + _ask(), None


LINK = Step(CabinetMeeting.link, Nothing, take=_typed_link, expected=_link_expected)


async def fresh_rooms(
    query: CallbackQuery, message: Message, uow: UnitOfWork, clock: Clock, therapist: TherapistProfile, settings: Settings, callback_answer: CallbackAnswer
) -> None:
    base = settings.meeting_base_url
    if not base:
        alert(callback_answer, _("This platform has no video service of its own: please keep a link of yours."))
        return
    saved = await set_meeting_place(uow, clock, therapist.telegram_id, None)
    await replace_message(message, _place_text(saved, base), _place_keyboard(saved, base))


async def stop(message: Message, state: FSMContext) -> None:
    await end(state)
    await message.answer(_("Stopped; your meeting place stays as it was."))
