"""🧭 Help me choose: five short questions, each skippable, then three therapists who fit, why, and when.

The conversation's shape is `bot/conversation.py`: one typed draft (`MatchDraft`) holding the answers so
far, a step per question whose answers are its buttons (a sticker or text there is told what is expected
and shown the question again, with what is ticked), and buttons that name their round of questions, so a
button of an earlier round (the client started again, or finished) changes nothing and says so.
The matching itself is `core/usecases/matching.py: find_matches`; a match's time is the booking's own
«Book» button, so one tap starts booking that very time (bot/flows/request.py).
"""
from __future__ import annotations

from typing import TypeVar

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from pydantic import Field

from bot.access import OpenRouter
from bot.conversation import Draft, Reply, Step, end, settle
from bot.editing import replace_message
from bot.handlers.start import greeting
from bot.keyboards.data import ButtonData
from bot.keyboards.directory import ANY
from bot.keyboards.matching import (
    MatchApproach,
    MatchConsent,
    MatchForget,
    MatchLanguage,
    MatchNext,
    MatchPrice,
    MatchStart,
    MatchTopic,
    MatchWindow,
    approach_keyboard,
    consent_button,
    language_keyboard,
    price_keyboard,
    results_keyboard,
    topics_keyboard,
    windows_keyboard,
)
from bot.menus import BUTTON_MATCH, main_menu
from bot.middlewares.callback_answer import alert, out_of_date
from bot.settings import Settings
from bot.views import matching as views
from core.clock import Clock
from core.ports import UnitOfWork
from core.rules.matching import Answers, Question, Window
from core.therapists import APPROACHES, LANGUAGES, PRICE_BANDS, TOPICS
from core.usecases.matching import answers_of, find_matches, forget_answers, let_answers_fill_requests
from core.users import User

# `/start match`: the web directory's link into this conversation.
DEEP_LINK = "match"
T = TypeVar("T")


class Choosing(StatesGroup):
    topics = State()
    language = State()
    price = State()
    windows = State()
    approach = State()


class MatchDraft(Draft):
    """The answers so far; `round` is on every question's button, so an older round's buttons are known."""

    round: int
    again: bool = False  # the kept answers of last time came ticked
    topics: list[str] = Field(default_factory=list)
    language: str | None = None
    price_band: int | None = None
    windows: list[Window] = Field(default_factory=list)
    approach: str | None = None

    def answers(self) -> Answers:
        return Answers(
            topics=tuple(topic for topic in TOPICS if topic in self.topics),
            language=self.language,
            price_band=self.price_band,
            windows=tuple(window for window in Window if window in self.windows),
            approach=self.approach,
        )


def links() -> Router:
    router = OpenRouter(name="matching-links")
    router.message.register(start_from_link, CommandStart(deep_link=True, magic=F.args == DEEP_LINK))
    return router


def commands() -> Router:
    router = OpenRouter(name="matching-commands")
    router.message.register(start_from_message, Command("match"))
    router.message.register(start_from_message, F.text == BUTTON_MATCH)
    return router


def router() -> Router:
    router = OpenRouter(name="matching")
    router.callback_query.register(start_from_button, MatchStart.filter())
    router.callback_query.register(toggle_topic, MatchTopic.filter())
    router.callback_query.register(toggle_window, MatchWindow.filter())
    router.callback_query.register(next_question, MatchNext.filter())
    router.callback_query.register(choose_language, MatchLanguage.filter())
    router.callback_query.register(choose_price, MatchPrice.filter())
    router.callback_query.register(choose_approach, MatchApproach.filter())
    router.callback_query.register(consent, MatchConsent.filter())
    router.callback_query.register(forget, MatchForget.filter())
    for step in (TOPICS_STEP, LANGUAGE_STEP, PRICE_STEP, WINDOWS_STEP, APPROACH_STEP):
        step.register(router)
    return router


# -- starting, with last time's answers ticked ---------------------------------------------------


async def start_from_message(message: Message, state: FSMContext, uow: UnitOfWork, user: User, event_update: Update) -> None:
    await _begin(Reply(message), state, uow, user, event_update.update_id)


async def start_from_link(
    message: Message, state: FSMContext, uow: UnitOfWork, user: User, settings: Settings, event_update: Update,
    is_new_user: bool = False,
) -> None:
    """From the web directory: a newcomer gets the main menu first, as every link does."""
    if is_new_user:
        role = user.main_role(settings.admin_ids)
        await message.answer(greeting(user, role), reply_markup=main_menu(role))
    await _begin(Reply(message), state, uow, user, event_update.update_id)


async def start_from_button(
    query: CallbackQuery, message: Message, state: FSMContext, uow: UnitOfWork, user: User, event_update: Update,
    callback_answer: CallbackAnswer,
) -> None:
    # The results stay where they are: the questions come in a message of their own.
    await _begin(Reply(message), state, uow, user, event_update.update_id)


async def _begin(reply: Reply, state: FSMContext, uow: UnitOfWork, user: User, round_: int) -> None:
    kept = await answers_of(uow, user.telegram_id)
    draft = MatchDraft(round=round_)
    if kept is not None:
        answers = kept.answers
        draft = MatchDraft(
            round=round_,
            again=bool(answers.asked),
            topics=list(answers.topics),
            language=answers.language,
            price_band=answers.price_band,
            windows=list(answers.windows),
            approach=answers.approach,
        )
    reply.lead = views.opening_text(again=draft.again)
    await TOPICS_STEP.ask(reply, state, draft, views.topics_question(), topics_keyboard(draft.round, draft.topics))


# -- the questions ---------------------------------------------------------------------------------


async def toggle_topic(
    query: CallbackQuery, message: Message, callback_data: MatchTopic, state: FSMContext, callback_answer: CallbackAnswer
) -> None:
    draft = await _in_round(state, callback_data.round, Choosing.topics, callback_answer)
    if draft is None:
        return
    if callback_data.topic not in TOPICS:
        out_of_date(callback_answer)
        return
    draft.topics = _toggled(draft.topics, callback_data.topic)
    await settle(state, Choosing.topics, draft)
    await replace_message(message, message.text or views.topics_question(), topics_keyboard(draft.round, draft.topics))


async def toggle_window(
    query: CallbackQuery, message: Message, callback_data: MatchWindow, state: FSMContext, user: User, clock: Clock,
    callback_answer: CallbackAnswer,
) -> None:
    draft = await _in_round(state, callback_data.round, Choosing.windows, callback_answer)
    if draft is None:
        return
    draft.windows = _toggled(draft.windows, callback_data.window)
    await settle(state, Choosing.windows, draft)
    text = message.text or views.windows_question(user.timezone, clock.now(), zone_chosen=user.timezone_chosen)
    await replace_message(message, text, windows_keyboard(draft.round, draft.windows))


async def next_question(
    query: CallbackQuery, message: Message, callback_data: MatchNext, state: FSMContext, user: User, clock: Clock,
    callback_answer: CallbackAnswer,
) -> None:
    """«Next» or «Skip» on topics or windows: what is ticked is the answer (nothing ticked: skipped)."""
    at = Choosing.topics if callback_data.question is Question.TOPICS else Choosing.windows
    if callback_data.question not in (Question.TOPICS, Question.WINDOWS):
        out_of_date(callback_answer)
        return
    draft = await _in_round(state, callback_data.round, at, callback_answer)
    if draft is None:
        return
    reply = Reply(message, callback_answer)
    if callback_data.question is Question.TOPICS:
        await _ask_language(reply, state, draft)
    else:
        await _ask_approach(reply, state, draft)


async def choose_language(
    query: CallbackQuery, message: Message, callback_data: MatchLanguage, state: FSMContext, callback_answer: CallbackAnswer
) -> None:
    draft = await _in_round(state, callback_data.round, Choosing.language, callback_answer)
    if draft is None:
        return
    if callback_data.language and callback_data.language not in LANGUAGES:
        out_of_date(callback_answer)
        return
    draft.language = callback_data.language or None
    await _ask_price(Reply(message, callback_answer), state, draft)


async def choose_price(
    query: CallbackQuery, message: Message, callback_data: MatchPrice, state: FSMContext, user: User, clock: Clock,
    callback_answer: CallbackAnswer,
) -> None:
    draft = await _in_round(state, callback_data.round, Choosing.price, callback_answer)
    if draft is None:
        return
    if callback_data.band != ANY and not 0 <= callback_data.band < len(PRICE_BANDS):
        out_of_date(callback_answer)
        return
    draft.price_band = None if callback_data.band == ANY else callback_data.band
    await _ask_windows(Reply(message, callback_answer), state, draft, user, clock)


async def choose_approach(
    query: CallbackQuery, message: Message, callback_data: MatchApproach, state: FSMContext, uow: UnitOfWork, clock: Clock,
    user: User, settings: Settings, callback_answer: CallbackAnswer,
) -> None:
    draft = await _in_round(state, callback_data.round, Choosing.approach, callback_answer)
    if draft is None:
        return
    if callback_data.approach and callback_data.approach not in APPROACHES:
        out_of_date(callback_answer)
        return
    draft.approach = callback_data.approach or None
    await end(state)
    result = await find_matches(
        uow, clock, client_id=user.telegram_id, answers=draft.answers(), zone=user.timezone, policy=settings.booking_policy()
    )
    kept = await answers_of(uow, user.telegram_id)
    await Reply(message, callback_answer).show(
        views.results_text(result, user.timezone),
        results_keyboard(result, user.timezone, consented=bool(kept and kept.fill_requests), kept=kept is not None),
    )


async def _ask_language(reply: Reply, state: FSMContext, draft: MatchDraft) -> None:
    await LANGUAGE_STEP.ask(reply, state, draft, views.language_question(), language_keyboard(draft.round, draft.language))


async def _ask_price(reply: Reply, state: FSMContext, draft: MatchDraft) -> None:
    await PRICE_STEP.ask(reply, state, draft, views.price_question(), price_keyboard(draft.round, draft.price_band))


async def _ask_windows(reply: Reply, state: FSMContext, draft: MatchDraft, user: User, clock: Clock) -> None:
    await WINDOWS_STEP.ask(
        reply, state, draft, views.windows_question(user.timezone, clock.now(), zone_chosen=user.timezone_chosen), windows_keyboard(draft.round, draft.windows)
    )


async def _ask_approach(reply: Reply, state: FSMContext, draft: MatchDraft) -> None:
    await APPROACH_STEP.ask(reply, state, draft, views.approach_question(), approach_keyboard(draft.round, draft.approach))


# -- a sticker, a photo or text where a button is expected: the question again, what is ticked kept ---


async def _topics_expected(draft: MatchDraft) -> tuple[str, InlineKeyboardMarkup]:
    return _again(views.topics_question()), topics_keyboard(draft.round, draft.topics)


async def _language_expected(draft: MatchDraft) -> tuple[str, InlineKeyboardMarkup]:
    return _again(views.language_question()), language_keyboard(draft.round, draft.language)


async def _price_expected(draft: MatchDraft) -> tuple[str, InlineKeyboardMarkup]:
    return _again(views.price_question()), price_keyboard(draft.round, draft.price_band)


async def _windows_expected(draft: MatchDraft, user: User, clock: Clock) -> tuple[str, InlineKeyboardMarkup]:
    return _again(views.windows_question(user.timezone, clock.now(), zone_chosen=user.timezone_chosen)), windows_keyboard(draft.round, draft.windows)


async def _approach_expected(draft: MatchDraft) -> tuple[str, InlineKeyboardMarkup]:
    return _again(views.approach_question()), approach_keyboard(draft.round, draft.approach)


def _lost() -> tuple[str, InlineKeyboardMarkup]:
    return _("These questions were left unfinished. Please start again."), InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=_("🧭 Help me choose"), callback_data=MatchStart().pack())]]
    )


TOPICS_STEP = Step(Choosing.topics, MatchDraft, expected=_topics_expected, lost=_lost)
LANGUAGE_STEP = Step(Choosing.language, MatchDraft, expected=_language_expected, lost=_lost)
PRICE_STEP = Step(Choosing.price, MatchDraft, expected=_price_expected, lost=_lost)
WINDOWS_STEP = Step(Choosing.windows, MatchDraft, expected=_windows_expected, lost=_lost)
APPROACH_STEP = Step(Choosing.approach, MatchDraft, expected=_approach_expected, lost=_lost)


# -- after the matches: the kept answers, to let fill in a first request or to forget ---------------


async def consent(
    query: CallbackQuery, message: Message, callback_data: MatchConsent, uow: UnitOfWork, clock: Clock, user: User,
    callback_answer: CallbackAnswer,
) -> None:
    kept = await let_answers_fill_requests(uow, clock, user.telegram_id, agreed=callback_data.agreed)
    if kept is None:
        alert(callback_answer, _("Your answers are no longer kept. To answer again, press «Change my answers»."))
        return
    callback_answer.text = (
        _("Done: your topics will be ticked when you book a first session.")
        if kept.fill_requests
        else _("Done: your topics will not fill in your requests.")
    )
    await replace_message(message, message.text or "", _swapped(message.reply_markup, MatchConsent, consent_button(agreed=kept.fill_requests)))


async def forget(
    query: CallbackQuery, message: Message, uow: UnitOfWork, user: User, callback_answer: CallbackAnswer
) -> None:
    forgotten = await forget_answers(uow, user.telegram_id)
    callback_answer.text = _("Your answers are forgotten.") if forgotten else _("Your answers were already forgotten.")
    await replace_message(message, message.text or "", _swapped(message.reply_markup, MatchConsent, None, MatchForget))


# -- inside ----------------------------------------------------------------------------------------


async def _in_round(state: FSMContext, round_: int, at: State, callback_answer: CallbackAnswer) -> MatchDraft | None:
    """The draft this button is about, if its round is the one being answered and at this question."""
    draft = await MatchDraft.load(state)
    if draft is None or draft.round != round_ or await state.get_state() != at.state:
        alert(callback_answer, views.stale_round())
        return None
    return draft


def _again(question: str) -> str:
    return views.buttons_expected() + "\n\n" + question


def _toggled(chosen: list[T], value: T) -> list[T]:
    return [item for item in chosen if item != value] if value in chosen else [*chosen, value]


def _swapped(
    markup: InlineKeyboardMarkup | None, kind: type[ButtonData], button: InlineKeyboardButton | None, *also: type[ButtonData]
) -> InlineKeyboardMarkup | None:
    """The results' keyboard with the button of `kind` replaced (None: dropped), and those of `also` dropped."""
    if markup is None:
        return None
    rows = []
    for row in markup.inline_keyboard:
        kept_row = []
        for existing in row:
            if _is(kind, existing):
                if button is not None:
                    kept_row.append(button)
            elif not any(_is(other, existing) for other in also):
                kept_row.append(existing)
        if kept_row:
            rows.append(kept_row)
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _is(kind: type[ButtonData], button: InlineKeyboardButton) -> bool:
    data = button.callback_data or ""
    return data == kind.__prefix__ or data.startswith(f"{kind.__prefix__}{kind.__separator__}")
