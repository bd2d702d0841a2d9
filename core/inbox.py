"""Updates from Telegram that kept failing and were set aside (the inbox itself lives in storage)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

# The audit log's codes for what an admin did with a set-aside update (core/audit.py).
UPDATE_RETRIED = "inbox.update_retried"
UPDATE_DROPPED = "inbox.update_dropped"


@dataclass(frozen=True)
class SetAsideUpdate:
    update_id: int
    chat_id: int
    kind: str
    attempts: int
    received_at: datetime
    set_aside_at: datetime
    error: str


class InboxRepository(Protocol):
    async def set_aside(self, *, limit: int) -> list[SetAsideUpdate]:
        """The newest set-aside updates first, at most `limit` of them."""

    async def count_set_aside(self) -> int: ...

    async def one_set_aside(self, update_id: int) -> SetAsideUpdate | None:
        """That update, if it is set aside (neither handled nor dropped since)."""

    async def retry(self, update_id: int) -> int | None:
        """Put a set-aside update back in line for its chat, its tries counted afresh; its chat, or None when it is
        not set aside (any more)."""

    async def drop(self, update_id: int, now: datetime) -> int | None:
        """Clear a set-aside update's payload and mark it dropped (never handled); its chat, or None when it is not
        set aside (any more)."""

    async def drop_set_aside(self, before: datetime, now: datetime, *, limit: int) -> int:
        """Drop up to `limit` updates set aside before the moment; returns how many were dropped."""

    async def purge_handled(self, before: datetime, *, limit: int) -> int:
        """Delete up to `limit` updates handled or dropped before the moment; returns how many went."""
