"""The admins' view of updates that kept failing and were set aside, and what they do with one: retry or drop it."""
from __future__ import annotations

from core.clock import Clock
from core.inbox import UPDATE_DROPPED, UPDATE_RETRIED, SetAsideUpdate
from core.ports import UnitOfWork
from core.usecases.audit import record
from core.users import User

SHOWN = 20


async def set_aside_updates(uow: UnitOfWork) -> tuple[int, list[SetAsideUpdate]]:
    """How many are set aside, and the newest of them."""
    return await uow.inbox.count_set_aside(), await uow.inbox.set_aside(limit=SHOWN)


async def set_aside_update(uow: UnitOfWork, update_id: int) -> SetAsideUpdate | None:
    """That update, if it is still set aside."""
    return await uow.inbox.one_set_aside(update_id)


async def retry_update(uow: UnitOfWork, clock: Clock, actor: User, update_id: int) -> bool:
    """Back in line for the process holding its chat (or the first to claim it), with all its tries; False when it
    is no longer set aside (retried, dropped or handled meanwhile, or no such update)."""
    chat = await uow.inbox.retry(update_id)
    if chat is None:
        return False
    await record(uow, clock, actor.telegram_id, UPDATE_RETRIED, _person(chat), update=update_id)
    await uow.commit()
    return True


async def drop_update(uow: UnitOfWork, clock: Clock, actor: User, update_id: int) -> bool:
    """Never handled: what it held is erased, its id stays (a re-send is still known) until the retention purges it;
    False when it is no longer set aside."""
    chat = await uow.inbox.drop(update_id, clock.now())
    if chat is None:
        return False
    await record(uow, clock, actor.telegram_id, UPDATE_DROPPED, _person(chat), update=update_id)
    await uow.commit()
    return True


def _person(chat: int) -> int | None:
    """A private chat's key is its person (a group's is negative and names nobody)."""
    return chat if chat > 0 else None
