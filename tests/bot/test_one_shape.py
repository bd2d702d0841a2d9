"""Every conversation is of the one shape (`bot/conversation.py`): no second way is left beside it.

Walks the production router tree (as `tests/bot/test_doors.py` does) and reads the product's source, so a new
conversation wired by hand (a message handler waiting in a state that is not a `Step`, or a handler reaching
into the raw conversation state: `get_data`, `set_data`, `update_data`, `set_state`, `clear`) fails here.
"""
from __future__ import annotations

import ast
from pathlib import Path

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.state import State, StatesGroup

from bot.conversation import Nothing, Step
from tests.bot.test_doors import commands_of, handlers, routers, states_of

BOT = Path(__file__).resolve().parents[2] / "bot"
# The shape itself, and the storage it writes through.
ALLOWED = {BOT / "conversation.py", BOT / "fsm_storage.py"}
RAW = {"get_data", "set_data", "update_data", "set_state", "clear"}


def waiting_by_hand(root: Router) -> list[tuple[str, str]]:
    """Message handlers that wait in a conversation's state without being a `Step` (a command such as /cancel may)."""
    return [
        (router.name, getattr(handler.callback, "__qualname__", repr(handler.callback)))
        for router in routers(root) for event, handler in handlers(router)
        if event == "message" and states_of(handler) and not commands_of(handler)
        and not isinstance(getattr(handler.callback, "__self__", None), Step)
    ]


def raw_state_calls(source: str, name: str) -> list[str]:
    return [
        f"{name}:{node.lineno} {node.func.attr}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in RAW
        and isinstance(node.func.value, ast.Name) and node.func.value.id == "state"
    ]


def test_every_step_a_person_is_waited_on_at_is_a_step_of_the_shape(app):
    assert waiting_by_hand(app.dispatcher) == []


def test_nothing_outside_the_shape_reaches_into_the_conversation_state():
    found = [
        call for path in sorted(BOT.rglob("*.py")) if path not in ALLOWED
        for call in raw_state_calls(path.read_text(), str(path.relative_to(BOT.parent)))
    ]
    assert found == []


def test_the_walk_finds_a_step_wired_by_hand():
    class Asking(StatesGroup):
        typed = State()
        shaped = State()

    async def typed_by_hand() -> None: ...

    router = Router(name="by-hand")
    router.message.register(typed_by_hand, Asking.typed, F.text)
    router.message.register(typed_by_hand, Asking.typed, Command("cancel"))

    async def expected() -> tuple[str, None]:
        return "", None

    Step(Asking.shaped, Nothing, expected=expected).register(router)

    assert waiting_by_hand(router) == [("by-hand", "test_the_walk_finds_a_step_wired_by_hand.<locals>.typed_by_hand")]


def test_the_reading_finds_a_raw_state_call():
    source = "async def f(state, other):\n    await other.clear()\n    return await state.get_data()\n"
    assert raw_state_calls(source, "bot/sneaky.py") == ["bot/sneaky.py:3 get_data"]
