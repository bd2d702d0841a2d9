from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.conversations import Conversation, RelayedMessage
from storage.db import on_postgresql
from storage.tables.conversations import ChatFocusRow, ConversationRow, RelayedMessageRow


class SqlConversationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _insert(self, table: type[Any]) -> Any:
        insert = pg_insert if on_postgresql(self._session) else sqlite_insert
        return insert(table)

    async def get(self, conversation_id: int) -> Conversation | None:
        row = await self._session.get(ConversationRow, conversation_id, populate_existing=True)
        return _to_conversation(row) if row else None

    async def open(self, client_id: int, therapist_id: int) -> Conversation:
        # Two booking requests at once both "open" it; the unique pair makes one row of them.
        await self._session.execute(
            self._insert(ConversationRow)
            .values(client_id=client_id, therapist_id=therapist_id)
            .on_conflict_do_nothing(index_elements=[ConversationRow.client_id, ConversationRow.therapist_id])
        )
        row = await self._session.scalar(
            select(ConversationRow).where(
                ConversationRow.client_id == client_id, ConversationRow.therapist_id == therapist_id
            )
        )
        assert row is not None
        return _to_conversation(row)

    async def of_client(self, client_id: int) -> list[Conversation]:
        return await self._recent(ConversationRow.client_id == client_id)

    async def of_therapist(self, therapist_id: int) -> list[Conversation]:
        return await self._recent(ConversationRow.therapist_id == therapist_id)

    async def _recent(self, condition: Any) -> list[Conversation]:
        rows = await self._session.scalars(
            select(ConversationRow)
            .where(condition)
            .order_by(ConversationRow.last_message_at.desc().nulls_last(), ConversationRow.id.desc())
            .execution_options(populate_existing=True)
        )
        return [_to_conversation(row) for row in rows]

    async def touch(self, conversation_id: int, at: datetime) -> None:
        await self._session.execute(
            update(ConversationRow)
            .where(
                ConversationRow.id == conversation_id,
                or_(ConversationRow.last_message_at.is_(None), ConversationRow.last_message_at < at),
            )
            .values(last_message_at=at)
        )

    async def focus_of(self, user_id: int) -> Conversation | None:
        row = await self._session.scalar(
            select(ConversationRow)
            .join(ChatFocusRow, ChatFocusRow.conversation_id == ConversationRow.id)
            .where(ChatFocusRow.user_id == user_id)
            .execution_options(populate_existing=True)
        )
        return _to_conversation(row) if row else None

    async def set_focus(self, user_id: int, conversation_id: int) -> None:
        statement = self._insert(ChatFocusRow).values(user_id=user_id, conversation_id=conversation_id)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[ChatFocusRow.user_id], set_={"conversation_id": statement.excluded.conversation_id}
            )
        )

    async def clear_focus(self, user_id: int) -> None:
        await self._session.execute(delete(ChatFocusRow).where(ChatFocusRow.user_id == user_id))

    async def remember_relayed(self, message: RelayedMessage) -> None:
        await self._session.execute(
            self._insert(RelayedMessageRow)
            .values(
                conversation_id=message.conversation_id,
                recipient_chat_id=message.recipient_chat_id,
                delivered_message_id=message.delivered_message_id,
                origin_chat_id=message.origin_chat_id,
                origin_message_id=message.origin_message_id,
                header=message.header,
            )
            .on_conflict_do_nothing(
                index_elements=[RelayedMessageRow.recipient_chat_id, RelayedMessageRow.delivered_message_id]
            )
        )

    async def delivered_as(self, chat_id: int, message_id: int) -> RelayedMessage | None:
        row = await self._session.scalar(
            select(RelayedMessageRow).where(
                RelayedMessageRow.recipient_chat_id == chat_id, RelayedMessageRow.delivered_message_id == message_id
            )
        )
        return _to_relayed(row) if row else None

    async def originals_of(self, chat_id: int, message_id: int) -> list[RelayedMessage]:
        rows = await self._session.scalars(
            select(RelayedMessageRow)
            .where(RelayedMessageRow.origin_chat_id == chat_id, RelayedMessageRow.origin_message_id == message_id)
            .order_by(RelayedMessageRow.id)
        )
        return [_to_relayed(row) for row in rows]


def _to_conversation(row: ConversationRow) -> Conversation:
    return Conversation(
        id=row.id, client_id=row.client_id, therapist_id=row.therapist_id, last_message_at=row.last_message_at
    )


def _to_relayed(row: RelayedMessageRow) -> RelayedMessage:
    return RelayedMessage(
        conversation_id=row.conversation_id,
        recipient_chat_id=row.recipient_chat_id,
        delivered_message_id=row.delivered_message_id,
        origin_chat_id=row.origin_chat_id,
        origin_message_id=row.origin_message_id,
        header=row.header,
    )
