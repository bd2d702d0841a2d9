"""Updates from Telegram that kept failing and were set aside (the inbox itself lives in storage)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


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

    async def purge_handled(self, before: datetime, *, limit: int) -> int:
        """Delete up to `limit` updates handled before the moment; returns how many went."""
