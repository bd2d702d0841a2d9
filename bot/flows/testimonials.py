"""Adding a testimonial (its text, then its author) and editing either part."""
from __future__ import annotations

from collections.abc import Callable

from aiogram import Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.access import StaffRouter
from bot.conversation import Draft, Leave, Reply, Stay, Step, end
from bot.handlers.testimonials import card_text
from bot.keyboards.testimonials import Part, TestimonialAdd, TestimonialEdit, testimonial_card
from bot.middlewares.callback_answer import alert
from core.clock import Clock
from core.ports import UnitOfWork
from core.staff import Permission
from core.testimonials import MAX_AUTHOR, MAX_TEXT
from core.usecases.testimonials import (
    TooLong,
    UnknownTestimonial,
    add_testimonial,
    clean_author,
    clean_text,
    edit_testimonial,
)


class TestimonialFlow(StatesGroup):
    new_text = State()
    new_author = State()
    changed_text = State()
    changed_author = State()


class TestimonialDraft(Draft):
    text: str = ""  # a new testimonial's text, until its author is given
    testimonial: int = 0  # the one being changed


def commands() -> Router:
    router = StaffRouter(name="testimonial-editing-commands", permission=Permission.MANAGE_TESTIMONIALS)
    router.message.register(stop, StateFilter(TestimonialFlow), Command("cancel"))
    return router


def router() -> Router:
    router = StaffRouter(name="testimonial-editing", permission=Permission.MANAGE_TESTIMONIALS)
    router.callback_query.register(start_adding, TestimonialAdd.filter())
    router.callback_query.register(start_editing, TestimonialEdit.filter())
    # Other commands pass through to their own handlers; the step waits meanwhile.
    for step in (NEW_TEXT, NEW_AUTHOR, CHANGED_TEXT, CHANGED_AUTHOR):
        step.register(router)
    return router


async def start_adding(query: CallbackQuery, message: Message, state: FSMContext) -> None:
    await NEW_TEXT.ask(Reply(message), state, TestimonialDraft(), _ask_text())


async def start_editing(
    query: CallbackQuery, message: Message, callback_data: TestimonialEdit, state: FSMContext, uow: UnitOfWork, callback_answer: CallbackAnswer
) -> None:
    testimonial = await uow.testimonials.get(callback_data.id)
    if testimonial is None:
        alert(callback_answer, _("This testimonial has been removed already. Open /testimonials for the current list."))
        return
    draft = TestimonialDraft(testimonial=testimonial.id)
    if callback_data.part is Part.TEXT:
        await CHANGED_TEXT.ask(Reply(message), state, draft, _ask_text())
    else:
        await CHANGED_AUTHOR.ask(Reply(message), state, draft, _ask_author())


async def _new_text(message: Message, text: str, draft: TestimonialDraft, state: FSMContext) -> None:
    draft.text = _valid(text, clean_text)
    await NEW_AUTHOR.ask(Reply(message), state, draft, _ask_author())


async def _new_author(message: Message, text: str, draft: TestimonialDraft, state: FSMContext, uow: UnitOfWork, clock: Clock) -> None:
    author = _valid(text, clean_author)
    testimonial = await add_testimonial(uow, clock, author=author, text=draft.text)
    await end(state)
    await _show(message, uow, testimonial.id, _("Added; it is shown last. Move it with the arrows."))


async def _changed_text(message: Message, text: str, draft: TestimonialDraft, state: FSMContext, uow: UnitOfWork) -> None:
    await _change(message, state, uow, draft.testimonial, text=_valid(text, clean_text))


async def _changed_author(message: Message, text: str, draft: TestimonialDraft, state: FSMContext, uow: UnitOfWork) -> None:
    await _change(message, state, uow, draft.testimonial, author=_valid(text, clean_author))


async def _change(message: Message, state: FSMContext, uow: UnitOfWork, testimonial_id: int, **part: str) -> None:
    try:
        await edit_testimonial(uow, testimonial_id, **part)
    except UnknownTestimonial:
        raise Leave(_("This testimonial has been removed meanwhile; nothing was saved. /testimonials shows the list.")) from None
    await end(state)
    await _show(message, uow, testimonial_id, _("Saved."))


async def stop(message: Message, state: FSMContext) -> None:
    await end(state)
    await message.answer(_("Stopped; nothing was changed. /testimonials shows the list."))


async def _text_expected() -> tuple[str, None]:
    return _("Please send it as text.") + "\n" + _ask_text(), None


async def _author_expected() -> tuple[str, None]:
    return _("Please send it as text.") + "\n" + _ask_author(), None


NEW_TEXT = Step(TestimonialFlow.new_text, TestimonialDraft, take=_new_text, expected=_text_expected)
NEW_AUTHOR = Step(TestimonialFlow.new_author, TestimonialDraft, take=_new_author, expected=_author_expected)
CHANGED_TEXT = Step(TestimonialFlow.changed_text, TestimonialDraft, take=_changed_text, expected=_text_expected)
CHANGED_AUTHOR = Step(TestimonialFlow.changed_author, TestimonialDraft, take=_changed_author, expected=_author_expected)


def _valid(text: str, clean: Callable[[str], str]) -> str:
    """The text as kept, or Stay with what is wrong with it."""
    try:
        return clean(text)
    except TooLong as error:
        raise Stay(
            _("That is {length} characters; the limit is {limit}. Please make it shorter.").format(
                length=len(text.strip()), limit=error.limit
            )
        ) from None
    except ValueError:
        raise Stay(_("It can't be empty. Please send the text, or /cancel.")) from None


async def _show(message: Message, uow: UnitOfWork, testimonial_id: int, note: str) -> None:
    ordered = await uow.testimonials.in_order()
    number = next(n for n, t in enumerate(ordered, start=1) if t.id == testimonial_id)
    await message.answer(note)
    await message.answer(card_text(ordered[number - 1], number, len(ordered)), reply_markup=testimonial_card(testimonial_id))


def _ask_text() -> str:
    return _("Send the testimonial's text, as applicants will read it (up to {limit} characters). /cancel to stop.").format(
        limit=MAX_TEXT
    )


def _ask_author() -> str:
    return _("Who said it? Send the name to show under it, e.g. «Iryna, psychotherapist, CBT» (up to {limit} characters).").format(
        limit=MAX_AUTHOR
    )
