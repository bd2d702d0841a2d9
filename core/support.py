"""Support tickets: a person's conversation with the platform's support team.

The bot keeps no message contents: it copies messages between the person and
the support chats, and remembers only which copy belongs to which ticket, so
that a reply to a copy finds its way back.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class TicketStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass
class Ticket:
    id: int
    person_id: int
    opened_at: datetime
    status: TicketStatus = TicketStatus.OPEN
    closed_at: datetime | None = None
    closed_by: int | None = None

    @property
    def is_open(self) -> bool:
        return self.status is TicketStatus.OPEN


class RelayKind(StrEnum):
    HEADER = "header"  # the ticket's heading in a support chat
    TO_STAFF = "to_staff"  # the person's message as support sees it
    TO_PERSON = "to_person"  # support's answer as the person sees it


@dataclass(frozen=True)
class Relay:
    """A message the bot put into a chat for a ticket; `origin` is the message it copies."""

    ticket_id: int
    chat_id: int
    message_id: int
    kind: RelayKind
    origin_message_id: int | None = None


@dataclass(frozen=True)
class Desk:
    """Where support reads a ticket: one admin group (maybe a forum topic in it), or staff's own chats."""

    chats: tuple[int, ...]
    thread_id: int | None = None


class SupportRepository(Protocol):
    async def get(self, ticket_id: int) -> Ticket | None: ...

    async def open_ticket_of(self, person_id: int) -> Ticket | None: ...

    async def latest_ticket_of(self, person_id: int) -> Ticket | None: ...

    async def tickets_of(self, person_id: int) -> list[Ticket]: ...

    async def open(self, person_id: int, at: datetime) -> Ticket: ...

    async def save(self, ticket: Ticket) -> None: ...

    async def remember(self, relay: Relay) -> None: ...

    async def relay_at(self, chat_id: int, message_id: int) -> Relay | None: ...

    async def relays(self, ticket_id: int) -> list[Relay]: ...

    async def topic_of(self, person_id: int, chat_id: int) -> int | None: ...

    async def remember_topic(self, person_id: int, chat_id: int, thread_id: int) -> None: ...

    async def person_in_topic(self, chat_id: int, thread_id: int) -> int | None: ...

    async def forget_person(self, person_id: int) -> int:
        """Delete the person's tickets, relays and topics; how many tickets there were."""
