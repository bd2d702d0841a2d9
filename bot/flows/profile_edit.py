"""Editing the profile: the text about oneself, the price, topics, approaches, the photo.

Every edit becomes a proposal for the platform's team to approve; the live
profile changes only then (core/usecases/profile_changes.py). Typed values obey
the same rules as the questionnaire the profile was built from; a value that
can't be taken is explained, and the step waits for another try.
"""
from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from pydantic import Field

from bot.cabinet_gate import CabinetRouter, CabinetSteps
from bot.conversation import Draft, Reply, Stay, Step, end, settle
from bot.editing import replace_message
from bot.keyboards.cabinet import PickDone, PickToggle, ProfileEdit, my_profile_keyboard, picker_keyboard
from bot.middlewares.callback_answer import alert, out_of_date
from bot.settings import Settings
from bot.views.cabinet import field_name
from bot.views.presenting import money, number
from bot.views.therapist_labels import APPROACHES, TOPICS
from core.applications import Form
from core.clock import Clock
from core.ports import UnitOfWork
from core.profile_changes import ENGLISH_TEXTS, ProfileField, chosen_codes, photo_value, typed_value
from core.questionnaires import InvalidAnswer, question
from core.therapists import TherapistProfile
from core.usecases.profile_changes import Proposal, propose, waiting_of

PICKABLE = {ProfileField.TOPICS: TOPICS, ProfileField.APPROACHES: APPROACHES}


class CabinetProfile(CabinetSteps):
    about = State()
    price = State()
    picking = State()
    photo = State()


class EditDraft(Draft):
    field: ProfileField
    picked: list[str] = Field(default_factory=list)  # topics or approaches ticked so far


def commands() -> Router:
    router = CabinetRouter(name="profile-edit-commands")
    router.message.register(stop, StateFilter(CabinetProfile), Command("cancel"))
    return router


def router() -> Router:
    router = CabinetRouter(name="profile-edit")
    router.callback_query.register(start_editing, ProfileEdit.filter())
    router.callback_query.register(toggle, PickToggle.filter(), CabinetProfile.picking)
    router.callback_query.register(done, PickDone.filter(), CabinetProfile.picking)
    router.callback_query.register(closed_list, PickToggle.filter())
    router.callback_query.register(closed_list, PickDone.filter())
    for step in (ABOUT, PRICE, PHOTO, PICKING):
        step.register(router)
    return router


async def start_editing(
    query: CallbackQuery, message: Message, callback_data: ProfileEdit, state: FSMContext, uow: UnitOfWork, therapist: TherapistProfile, callback_answer: CallbackAnswer
) -> None:
    try:
        field = ProfileField(callback_data.field)
    except ValueError:
        out_of_date(callback_answer)
        return
    if field in PICKABLE:
        # Ticks start from what she sent last, if it still waits, else from the live profile.
        waiting = [c for c in await waiting_of(uow, therapist_id=therapist.telegram_id) if c.field is field]
        picked = list(waiting[-1].value if waiting else getattr(therapist, field.value))
        await PICKING.ask(Reply(message), state, EditDraft(field=field, picked=picked), _ask_pick(field), picker_keyboard(PICKABLE[field], picked))
        return
    step = PHOTO if field is ProfileField.PHOTO else PRICE if field is ProfileField.PRICE else ABOUT  # ABOUT: typed text
    await step.ask(Reply(message), state, EditDraft(field=field), _ask(field, therapist))


async def _typed(
    message: Message, text: str, draft: EditDraft, state: FSMContext, uow: UnitOfWork, clock: Clock, settings: Settings,
    therapist: TherapistProfile,
) -> None:
    try:
        value = typed_value(draft.field, text)
    except InvalidAnswer as invalid:
        raise Stay(_invalid(draft.field, invalid) + "\n\n" + _ask(draft.field, therapist)) from None
    await _propose(message, state, uow, clock, settings, therapist, draft.field, value)


async def _sent_photo(
    message: Message, state: FSMContext, uow: UnitOfWork, clock: Clock, settings: Settings, therapist: TherapistProfile
) -> None:
    assert message.photo
    largest = max(message.photo, key=lambda size: size.width * size.height)
    await _propose(message, state, uow, clock, settings, therapist, ProfileField.PHOTO, photo_value(largest.file_id))


async def _text_expected(draft: EditDraft, therapist: TherapistProfile) -> tuple[str, None]:
    return _("Please type it as text.") + "\n\n" + _ask(draft.field, therapist), None


async def _photo_expected(message: Message, therapist: TherapistProfile) -> tuple[str, None]:
    hint = (
        _("Please send it as a photo, not as a file: then clients see it right.")
        if message.document
        else _("I need a photo here.")
    )
    return hint + "\n\n" + _ask(ProfileField.PHOTO, therapist), None


async def _buttons_expected(draft: EditDraft) -> tuple[str, InlineKeyboardMarkup]:
    return _("Please tick with the buttons, then press Done."), picker_keyboard(PICKABLE[draft.field], draft.picked)


ABOUT = Step(CabinetProfile.about, EditDraft, take=_typed, expected=_text_expected)
PRICE = Step(CabinetProfile.price, EditDraft, take=_typed, expected=_text_expected)
PHOTO = Step(CabinetProfile.photo, EditDraft, take=_sent_photo, takes=F.photo, expected=_photo_expected)
PICKING = Step(CabinetProfile.picking, EditDraft, expected=_buttons_expected)


async def toggle(query: CallbackQuery, message: Message, callback_data: PickToggle, state: FSMContext, callback_answer: CallbackAnswer) -> None:
    draft = await EditDraft.load(state)
    if draft is None or draft.field not in PICKABLE or callback_data.code not in PICKABLE[draft.field]:
        out_of_date(callback_answer)
        return
    if callback_data.code in draft.picked:
        draft.picked.remove(callback_data.code)
    else:
        draft.picked.append(callback_data.code)
    await settle(state, CabinetProfile.picking, draft)
    await replace_message(message, _ask_pick(draft.field), picker_keyboard(PICKABLE[draft.field], draft.picked))


async def done(
    query: CallbackQuery, message: Message, state: FSMContext, uow: UnitOfWork, clock: Clock, settings: Settings, therapist: TherapistProfile, callback_answer: CallbackAnswer
) -> None:
    draft = await EditDraft.load(state)
    if draft is None or draft.field not in PICKABLE:
        out_of_date(callback_answer)
        return
    try:
        value = chosen_codes(draft.field, draft.picked)
    except ValueError:
        alert(callback_answer, _("Please choose at least one."))
        return
    await message.edit_reply_markup(reply_markup=None)
    await _propose(message, state, uow, clock, settings, therapist, draft.field, value)


async def closed_list(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    alert(callback_answer, _("This list is closed. Open your profile to edit it again: /profile"))


async def stop(message: Message, state: FSMContext) -> None:
    await end(state)
    await message.answer(_("Stopped; nothing was sent for approval. /profile shows your profile."))


async def _propose(
    message: Message, state: FSMContext, uow: UnitOfWork, clock: Clock, settings: Settings,
    therapist: TherapistProfile, field: ProfileField, value: object,
) -> None:
    proposal = await propose(
        uow, clock, therapist_id=therapist.telegram_id, field=field, value=value, full_admins=settings.admin_ids
    )
    await end(state)
    await message.answer(_proposed(proposal, field), reply_markup=my_profile_keyboard())


def _proposed(proposal: Proposal, field: ProfileField) -> str:
    if proposal.change is None:
        text = _("That is what your profile shows already, so there is nothing to approve.")
        if proposal.replaced:
            text += " " + _("Your earlier proposal for it is withdrawn.")
        return text
    text = _(
        "✅ Sent for approval: «{field}». Clients will see it once the platform's team approves it; I will let you know."
    ).format(field=field_name(field))
    if proposal.replaced:
        text += " " + _("It replaces your earlier proposal, which was still waiting.")
    return text


def _ask(field: ProfileField, therapist: TherapistProfile) -> str:
    if field is ProfileField.ABOUT:
        about = question(Form.SECOND, "about")
        return _(
            "Send the new text about you, as clients will read it: {low}–{high} characters. /cancel to stop."
        ).format(low=about.low, high=about.high)
    if field is ProfileField.PRICE:
        price = question(Form.SECOND, "price")
        return _(
            "The new price per session, in hryvnias ({low}–{high}), e.g. 1300. Now it is {price}. /cancel to stop."
        ).format(low=price.low, high=number(price.high), price=money(therapist.price_minor))
    if field in ENGLISH_TEXTS:
        asked = question(Form.SECOND, field.value)
        return _(
            "Send «{field}» as clients who read English will see it: {low}–{high} characters. /cancel to stop."
        ).format(field=field_name(field), low=asked.low, high=asked.high)
    return _("Send the new photo for your profile, as a photo. /cancel to stop.")


def _ask_pick(field: ProfileField) -> str:
    if field is ProfileField.TOPICS:
        return _("Which topics do you work with? Tap to tick or untick, then press Done.")
    return _("Which approaches do you work in? Tap to tick or untick, then press Done.")


def _invalid(field: ProfileField, invalid: InvalidAnswer) -> str:
    details = invalid.details
    if invalid.reason == "too_short":
        return _("That is {length} characters; at least {low} are needed.").format(**details)
    if invalid.reason == "too_long":
        return _("That is {length} characters; the limit is {high}.").format(**details)
    if invalid.reason == "no_letters":
        return _("That has no words in it.")
    return _("Please type a whole number of hryvnias from {low} to {high}, e.g. 1300.").format(
        low=details.get("low", ""), high=details.get("high", "")
    )
