"""Writing to and reading the audit log."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.audit import AuditEntry
from core.clock import Clock
from core.ports import UnitOfWork

PAGE_SIZE = 10


async def record(
    uow: UnitOfWork, clock: Clock, actor_id: int, action: str, subject_id: int | None, **details: Any
) -> None:
    """Note an action in the log; joins the caller's transaction, so it is saved with the action or not at all."""
    await uow.audit.add(AuditEntry(actor_id, action, subject_id, clock.now(), details))


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    number: int  # from 0
    pages: int
    subject_id: int | None


async def audit_page(uow: UnitOfWork, number: int, subject_id: int | None = None) -> AuditPage:
    total = await uow.audit.count(subject_id=subject_id)
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(max(number, 0), pages - 1)
    entries = await uow.audit.latest(limit=PAGE_SIZE, offset=number * PAGE_SIZE, subject_id=subject_id)
    return AuditPage(entries, number, pages, subject_id)
