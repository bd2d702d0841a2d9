"""Scheduling what the platform says on its own initiative.

These never commit: they join the caller's transaction, so the message and
the change that causes it are saved together or not at all.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from core.clock import Clock
from core.notices import Notice, TimedMessage
from core.ports import UnitOfWork


async def schedule(
    uow: UnitOfWork, clock: Clock, *, kind: Notice, recipient_id: int, at: datetime, key: str, **params: Any
) -> None:
    await uow.timed_messages.put(TimedMessage(str(kind), recipient_id, at, key, params), clock.now())


async def notify(uow: UnitOfWork, clock: Clock, *, kind: Notice, recipient_id: int, key: str, **params: Any) -> None:
    """A message due now: delivered as soon as the transaction commits."""
    await schedule(uow, clock, kind=kind, recipient_id=recipient_id, at=clock.now(), key=key, **params)


async def cancel(uow: UnitOfWork, key: str) -> None:
    await uow.timed_messages.cancel(key)


async def cancel_all(uow: UnitOfWork, prefix: str) -> None:
    await uow.timed_messages.cancel_prefix(prefix)
