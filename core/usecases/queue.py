"""The admin's view of the timed-message queue."""
from __future__ import annotations

from core.clock import Clock
from core.notices import KindFigures
from core.ports import UnitOfWork


async def queue_figures(uow: UnitOfWork, clock: Clock) -> list[KindFigures]:
    """Per kind: due now, due later, in flight, sent, dropped, failed, and the oldest overdue."""
    figures = await uow.timed_messages.figures(clock.now())
    await uow.rollback()  # read only; let go of the transaction
    return figures
