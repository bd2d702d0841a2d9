"""The shared chat: one conversation per client and therapist, relayed by the bot.

Telegram cannot put two people in a group on their behalf, so the bot stands
in for the group: it copies each message to the other side and remembers
where every copy landed, so that a reply finds its way back.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class Side(StrEnum):
    CLIENT = "client"
    THERAPIST = "therapist"


@dataclass(frozen=True)
class Conversation:
    id: int
    client_id: int
    therapist_id: int
    last_message_at: datetime | None = None

    def side_of(self, user_id: int) -> Side | None:
        if user_id == self.client_id:
            return Side.CLIENT
        if user_id == self.therapist_id:
            return Side.THERAPIST
        return None

    def other_party(self, user_id: int) -> int:
        side = self.side_of(user_id)
        if side is None:
            raise ValueError(f"{user_id} is not part of conversation {self.id}")
        return self.therapist_id if side is Side.CLIENT else self.client_id


@dataclass(frozen=True)
class RelayedMessage:
    """One message the bot delivered on someone's behalf, and the original it copies.

    A header (the sender's name above the copy) is remembered too, so that a
    reply to the header routes as well as a reply to the copy itself.
    """

    conversation_id: int
    recipient_chat_id: int
    delivered_message_id: int
    origin_chat_id: int
    origin_message_id: int
    header: bool = False


class ConversationRepository(Protocol):
    async def get(self, conversation_id: int) -> Conversation | None: ...

    async def open(self, client_id: int, therapist_id: int) -> Conversation:
        """The pair's conversation, created if it does not exist yet; safe under concurrency."""

    async def of_client(self, client_id: int) -> list[Conversation]:
        """Most recently active first."""

    async def of_therapist(self, therapist_id: int) -> list[Conversation]:
        """Most recently active first."""

    async def touch(self, conversation_id: int, at: datetime) -> None:
        """A message went through the conversation at this moment."""

    async def focus_of(self, user_id: int) -> Conversation | None:
        """The conversation a person's plain messages go to, if they chose one."""

    async def set_focus(self, user_id: int, conversation_id: int) -> None: ...

    async def clear_focus(self, user_id: int) -> None: ...

    async def remember_relayed(self, message: RelayedMessage) -> None:
        """Idempotent: the same delivered message is remembered once."""

    async def delivered_as(self, chat_id: int, message_id: int) -> RelayedMessage | None:
        """The relayed message that arrived in this chat under this id."""

    async def originals_of(self, chat_id: int, message_id: int) -> list[RelayedMessage]:
        """What became of a message someone sent: its header and copy on the other side."""
