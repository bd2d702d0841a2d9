"""Timed messages: what the platform will say, to whom, and when.

A message is data written in the same transaction as the change that causes
it, so a booking never exists without its reminder. Delivery happens later
(scheduler/); by then the reason may be gone, and the message is dropped.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol


class Notice(StrEnum):
    """A kind of timed message. Each topic declares its kinds as a subclass of this, in its use cases'
    module (`BookingNotice`, `VettingNotice`, ...), and `bot/notices/<topic>.py` renders each; the value is
    what the message's row stores. `notify` and `schedule` take nothing else, so a kind nobody declared is
    a type error, and tests/bot/test_notice_kinds.py checks that every declared kind has its renderer.
    """


class NoticeStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DROPPED = "dropped"  # its reason was gone at send time, or it was cancelled
    FAILED = "failed"  # undeliverable: the person blocked the bot, or retries ran out


@dataclass(frozen=True)
class TimedMessage:
    kind: str
    recipient_id: int
    due_at: datetime
    dedup_key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.due_at.tzinfo is None:
            raise ValueError("a timed message needs an aware due time")
        if not 0 < len(self.dedup_key) <= 200:
            raise ValueError("a dedup key is 1 to 200 characters")


@dataclass(frozen=True)
class DueMessage:
    """A stored timed message as delivery sees it once it is due."""

    id: int
    kind: str
    recipient_id: int
    due_at: datetime
    dedup_key: str
    params: Mapping[str, Any]
    attempts: int = 0
    parts_sent: int = 0


@dataclass(frozen=True)
class KindFigures:
    """Where the messages of one kind stand: what the admin queue view shows."""

    kind: str
    due: int = 0  # pending and due by now: waiting for delivery
    later: int = 0  # pending, due in the future
    sending: int = 0
    sent: int = 0
    dropped: int = 0
    failed: int = 0
    oldest_due_at: datetime | None = None  # of the due ones: how far delivery lags behind

    def overdue_by(self, now: datetime) -> timedelta | None:
        return None if self.oldest_due_at is None else max(now - self.oldest_due_at, timedelta(0))


class TimedMessageRepository(Protocol):
    async def put(self, message: TimedMessage, now: datetime) -> None:
        """Store it; a pending message with the same key is replaced, a sent one is left alone."""

    async def cancel(self, dedup_key: str) -> None:
        """A pending message with this key will not be sent."""

    async def cancel_prefix(self, prefix: str) -> None:
        """Every pending message whose key starts with the prefix will not be sent."""

    async def figures(self, now: datetime) -> list[KindFigures]:
        """Counts per kind and status, for the admin queue view."""

    async def settled(self, before: datetime, *, after_id: int, limit: int) -> list[tuple[int, str]]:
        """(id, key) of messages sent, dropped or failed before the moment, by id, from after `after_id` on."""

    async def delete(self, message_ids: list[int]) -> None: ...
