"""The admins' view of updates that kept failing and were set aside."""
from __future__ import annotations

from core.inbox import SetAsideUpdate
from core.ports import UnitOfWork

SHOWN = 20


async def set_aside_updates(uow: UnitOfWork) -> tuple[int, list[SetAsideUpdate]]:
    """How many are set aside, and the newest of them."""
    return await uow.inbox.count_set_aside(), await uow.inbox.set_aside(limit=SHOWN)
