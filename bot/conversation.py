"""The one shape of a conversation: a typed draft, steps that wait for the person, and where an answer goes.

A conversation is a `StatesGroup` (its steps), a `Draft` (what it holds so far, typed, kept in the
conversation state, so in the update's own transaction) and handlers. Buttons carry what they are
about in their callback data and work from any message, in any state, after a restart too; a step's
state only says which typed messages are its answers. A `Step` takes those: typed text
(`take`), and anything else (`expected`), each with what the person is told. `bot/flows/timezone.py`
is the smallest example; CONTRIBUTING («Conversations») shows how to add one and a step.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import EllipsisType
from typing import Any, ClassVar, Generic, Self, TypeVar

from aiogram import F, Router
from aiogram.dispatcher.event.handler import CallableObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import InlineKeyboardMarkup, Message, ReplyKeyboardMarkup
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from magic_filter import MagicFilter
from pydantic import BaseModel, ValidationError

from bot.editing import replace_message
from bot.fsm_storage import DatabaseStorage
from bot.middlewares.callback_answer import alert

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | None  # a reply keyboard: for a step asking for a person or a contact


class Draft(BaseModel):
    """What a conversation holds so far, typed; kept in the conversation state under one key.

    A draft kept by an older release that no longer reads as this class is no draft: the step says
    the conversation was left unfinished rather than failing.
    """

    key: ClassVar[str] = "draft"

    @classmethod
    async def load(cls, state: FSMContext) -> Self | None:
        kept = (await state.get_data()).get(cls.key)
        if kept is None:
            return None
        try:
            return cls.model_validate(kept)
        except ValidationError:
            return None

    def kept(self) -> dict[str, Any]:
        return {self.key: self.model_dump(mode="json")}


class Nothing(Draft):
    """The draft of a conversation that holds nothing: its step is all it knows."""

    @classmethod
    async def load(cls, state: FSMContext) -> Self:
        return cls()

    def kept(self) -> dict[str, Any]:
        return {}


async def settle(state: FSMContext, step: State | None, draft: Draft | None) -> None:
    """The conversation is at `step` now, holding `draft`: one write where the storage can (ours, in the database).

    """
    data = draft.kept() if draft is not None else {}
    if isinstance(state.storage, DatabaseStorage):
        await state.storage.settle(state.key, step, data)
        return
    await state.set_state(step)
    await state.set_data(data)


async def end(state: FSMContext) -> None:
    """The conversation is over: no step, no draft (`state.clear()` in one write)."""
    await settle(state, None, None)


async def unfinished(state: FSMContext) -> dict[str, Any] | None:
    """An unfinished conversation as it is kept (its step, and what was entered so far), for the person's data export."""
    entered = await state.get_data()
    if not entered:
        return None
    return {"step": await state.get_state(), "entered": entered}


@dataclass
class Reply:
    """Where the next view goes: the pressed message, edited in place, or a new message after typed text."""

    message: Message
    answer: CallbackAnswer | None = None  # the press that asked for it; None after typed text
    lead: str = ""  # a line that goes above the next view (what the step before did)

    async def show(self, text: str, markup: Markup = None) -> None:
        if self.lead:
            text, self.lead = f"{self.lead}\n{text}", ""
        if self.answer is None or isinstance(markup, ReplyKeyboardMarkup):
            # A reply keyboard goes with a new message: an edit cannot carry one.
            await self.message.answer(text, reply_markup=markup)
            return
        await replace_message(self.message, text, markup)

    async def refuse(self, text: str) -> None:
        """A refusal: an alert on a press, a message after typed text."""
        if self.answer is None:
            await self.message.answer(text)
        else:
            alert(self.answer, text)


class Stay(Exception):
    """The answer cannot be taken: the person is told why, with the step's buttons, and the step waits.

    `Stay(why, markup)` shows these buttons instead (`None`: none).
    """

    def __init__(self, text: str, markup: Markup | EllipsisType = ...) -> None:
        super().__init__(text)
        self.text, self.markup = text, markup


class Leave(Exception):
    """The conversation cannot go on (what it was about is gone): it ends, and the person is told why."""

    def __init__(self, text: str, markup: Markup = None) -> None:
        super().__init__(text)
        self.text, self.markup = text, markup


D = TypeVar("D", bound=Draft)


class Step(Generic[D]):
    """A step waiting for the person: typed text is its answer, anything else is answered with what is expected.

    `take(message, text, draft, ...)` gets the text and the draft (and any handler argument it names:
    `uow`, `user`, `state`, ...); a step that takes other messages says which (`takes=F.photo`). It moves the conversation on (a next step's `ask`, or `state.clear()`
    and an answer), or raises `Stay(why)`: the person reads why, with the step's buttons, and nothing
    entered is lost. `expected(draft, ...)` is what anything else gets: the step's words and buttons
    (without `take`, text too: the step's answers are its buttons). Either may raise `Leave(why)` when
    what the conversation is about is gone; a step whose draft is gone (cleared, or kept by an older
    release) ends with `lost` (by default: it was left unfinished, start again).
    """

    def __init__(
        self,
        state: State,
        draft: type[D],
        *,
        expected: Callable[..., Awaitable[tuple[str, Markup]]],
        lost: Callable[[], tuple[str, Markup]] | None = None,
        take: Callable[..., Awaitable[None]] | None = None,
        takes: MagicFilter = F.text,
    ) -> None:
        self.state = state
        self.draft = draft
        self.lost = lost
        self.takes = takes
        self._expected = CallableObject(expected)
        self._take = CallableObject(take) if take is not None else None

    def register(self, router: Router, *filters: Any) -> None:
        """Its handlers, after the conversation's buttons; who may is `router`'s door, `filters` narrow it further."""
        if self._take is not None:
            router.message.register(self._typed, self.state, self.takes, *filters)
        router.message.register(self._other, self.state, *filters)

    async def ask(self, reply: Reply, state: FSMContext, draft: D, text: str, markup: Markup = None) -> None:
        """Show the step's question and wait here, with the draft kept."""
        await settle(state, self.state, draft)
        await reply.show(text, markup)

    async def _typed(self, message: Message, state: FSMContext, **data: Any) -> None:
        assert self._take is not None
        draft = await self._draft(message, state)
        if draft is None:
            return
        try:
            try:
                await self._take.call(message=message, text=message.text or "", draft=draft, state=state, **data)
            except Stay as stay:
                markup = stay.markup
                if isinstance(markup, EllipsisType):
                    _text, markup = await self._expected.call(message=message, draft=draft, state=state, **data)
                await message.answer(stay.text, reply_markup=markup)
        except Leave as leave:
            await end(state)
            await message.answer(leave.text, reply_markup=leave.markup)

    async def _other(self, message: Message, state: FSMContext, **data: Any) -> None:
        draft = await self._draft(message, state)
        if draft is None:
            return
        try:
            text, markup = await self._expected.call(message=message, draft=draft, state=state, **data)
        except Leave as leave:
            await end(state)
            await message.answer(leave.text, reply_markup=leave.markup)
            return
        await message.answer(text, reply_markup=markup)

    async def _draft(self, message: Message, state: FSMContext) -> D | None:
        draft = await self.draft.load(state)
        if draft is None:
            await end(state)
            text, markup = self.lost() if self.lost is not None else (_("This was left unfinished. Please start again."), None)
            await message.answer(text, reply_markup=markup)
        return draft
