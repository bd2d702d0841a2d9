"""No door of the bot is left open by forgetting it: every router that holds handlers says who may use them
(an OpenRouter, a StaffRouter with its permission, a CabinetRouter), and the gate holds that door.

These walk the production router tree as the app includes it, not a list kept by hand: a new router without a
door, a console command outside its permission's router, or a cabinet step outside the cabinet fails here.
"""
from __future__ import annotations

from collections.abc import Iterator

from aiogram import Dispatcher, Router
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.filters import Command, StateFilter
from aiogram.fsm.state import State, StatesGroup

from bot import access
from bot.access import Gate, OpenRouter, StaffRouter
from bot.cabinet_gate import CabinetRouter, CabinetSteps
from bot.menus import STAFF_COMMANDS
from bot.routing import layer
from core.staff import Permission

DOORS = (OpenRouter, StaffRouter, CabinetRouter)


def routers(root: Router) -> Iterator[Router]:
    """A router and every router under it; from the dispatcher, the routers the app includes (the dispatcher's
    own update listener is aiogram's)."""
    if not isinstance(root, Dispatcher):
        yield root
    for child in root.sub_routers:
        yield from routers(child)


def handlers(router: Router) -> Iterator[tuple[str, HandlerObject]]:
    for event, observer in router.observers.items():
        for handler in observer.handlers:
            yield event, handler


def without_a_door(root: Router) -> list[str]:
    return [r.name for r in routers(root) if any(handlers(r)) and not isinstance(r, DOORS)]


def required_permission(router: Router, handler: HandlerObject) -> Permission | None:
    own: Permission | None = handler.flags.get(access.FLAG)
    return own or (router.permission if isinstance(router, StaffRouter) else None)


def commands_of(handler: HandlerObject) -> set[str]:
    return {
        str(command) for item in handler.filters or () if isinstance(item.callback, Command)
        for command in item.callback.commands
    }


def states_of(handler: HandlerObject) -> set[State]:
    found: set[State] = set()
    for item in handler.filters or ():
        named = item.callback.states if isinstance(item.callback, StateFilter) else (item.callback,)
        for state in named:
            if isinstance(state, State):
                found.add(state)
            elif isinstance(state, type) and issubclass(state, StatesGroup):
                found.update(state.__states__)
    return found


def test_every_router_with_handlers_says_who_may_use_them(app):
    assert without_a_door(app.dispatcher) == []


def test_the_gate_stands_wherever_a_door_is_closed(app):
    watched = {event for event, observer in app.dispatcher.observers.items()
               if any(isinstance(m, Gate) for m in observer.middleware)}
    closed = {
        (router.name, event) for router in routers(app.dispatcher) if isinstance(router, (StaffRouter, CabinetRouter))
        for event, _ in handlers(router)
    }
    assert {(name, event) for name, event in closed if event not in watched} == set()


def test_a_staff_mark_only_narrows_a_staff_router(app):
    marked_elsewhere = [
        (router.name, handler.callback.__name__) for router in routers(app.dispatcher)
        if not isinstance(router, StaffRouter) for _, handler in handlers(router) if access.FLAG in handler.flags
    ]
    assert marked_elsewhere == []


def test_every_console_command_is_behind_its_permission(app):
    needed = {command: permission for command, _, permission in STAFF_COMMANDS}
    found: dict[str, set[Permission | None]] = {}
    for router in routers(app.dispatcher):
        for _, handler in handlers(router):
            for command in commands_of(handler) & needed.keys():
                found.setdefault(command, set()).add(required_permission(router, handler))
    assert found == {command: {permission} for command, permission in needed.items()}


def test_every_cabinet_step_is_behind_the_cabinet_door(app):
    outside = [
        (router.name, handler.callback.__name__) for router in routers(app.dispatcher)
        if not isinstance(router, CabinetRouter) for _, handler in handlers(router)
        if any(issubclass(state.group, CabinetSteps) for state in states_of(handler))
    ]
    assert outside == []


def test_what_a_door_hands_over_is_asked_for_only_behind_it(app):
    """The gate hands a staff handler the person's `authority` and a cabinet handler the `therapist`: a handler
    asking for one elsewhere would never get it."""
    misplaced = [
        (router.name, handler.callback.__name__, name) for router in routers(app.dispatcher)
        for _, handler in handlers(router) for name, door in (("authority", StaffRouter), ("therapist", CabinetRouter))
        if name in handler.params and not isinstance(router, door)
    ]
    assert misplaced == []


def test_the_walk_finds_a_router_whose_door_was_forgotten():
    async def show_secrets() -> None: ...

    forgotten = Router(name="forgotten")
    forgotten.message.register(show_secrets, Command("secrets"))
    open_one = OpenRouter(name="open")
    open_one.message.register(show_secrets, Command("faq"))

    assert without_a_door(layer("tree", open_one, layer("inner", forgotten))) == ["forgotten"]
