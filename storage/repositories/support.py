from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.support import Relay, RelayKind, Ticket, TicketStatus
from storage.tables import SupportRelayRow, SupportTicketRow, SupportTopicRow


class SqlSupportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, ticket_id: int) -> Ticket | None:
        row = await self._session.get(SupportTicketRow, ticket_id)
        return _ticket(row) if row is not None else None

    async def open_ticket_of(self, person_id: int) -> Ticket | None:
        row = await self._session.scalar(
            select(SupportTicketRow)
            .where(SupportTicketRow.person_id == person_id, SupportTicketRow.status == TicketStatus.OPEN.value)
            .order_by(SupportTicketRow.id.desc())
            .limit(1)
        )
        return _ticket(row) if row is not None else None

    async def latest_ticket_of(self, person_id: int) -> Ticket | None:
        row = await self._session.scalar(
            select(SupportTicketRow).where(SupportTicketRow.person_id == person_id).order_by(SupportTicketRow.id.desc()).limit(1)
        )
        return _ticket(row) if row is not None else None

    async def tickets_of(self, person_id: int) -> list[Ticket]:
        rows = await self._session.scalars(
            select(SupportTicketRow).where(SupportTicketRow.person_id == person_id).order_by(SupportTicketRow.id)
        )
        return [_ticket(row) for row in rows]

    async def open(self, person_id: int, at: datetime) -> Ticket:
        row = SupportTicketRow(person_id=person_id, status=TicketStatus.OPEN.value, opened_at=at)
        self._session.add(row)
        await self._session.flush()
        return _ticket(row)

    async def save(self, ticket: Ticket) -> None:
        await self._session.execute(
            update(SupportTicketRow)
            .where(SupportTicketRow.id == ticket.id)
            .values(status=ticket.status.value, closed_at=ticket.closed_at, closed_by=ticket.closed_by)
        )

    async def remember(self, relay: Relay) -> None:
        self._session.add(
            SupportRelayRow(
                ticket_id=relay.ticket_id, chat_id=relay.chat_id, message_id=relay.message_id,
                kind=relay.kind.value, origin_message_id=relay.origin_message_id,
            )
        )
        await self._session.flush()

    async def relay_at(self, chat_id: int, message_id: int) -> Relay | None:
        row = await self._session.scalar(
            select(SupportRelayRow).where(SupportRelayRow.chat_id == chat_id, SupportRelayRow.message_id == message_id)
        )
        return _relay(row) if row is not None else None

    async def relays(self, ticket_id: int) -> list[Relay]:
        rows = await self._session.scalars(
            select(SupportRelayRow).where(SupportRelayRow.ticket_id == ticket_id).order_by(SupportRelayRow.id)
        )
        return [_relay(row) for row in rows]

    async def topic_of(self, person_id: int, chat_id: int) -> int | None:
        return await self._session.scalar(
            select(SupportTopicRow.thread_id).where(SupportTopicRow.person_id == person_id, SupportTopicRow.chat_id == chat_id)
        )

    async def remember_topic(self, person_id: int, chat_id: int, thread_id: int) -> None:
        await self._session.merge(SupportTopicRow(person_id=person_id, chat_id=chat_id, thread_id=thread_id))
        await self._session.flush()

    async def person_in_topic(self, chat_id: int, thread_id: int) -> int | None:
        return await self._session.scalar(
            select(SupportTopicRow.person_id).where(SupportTopicRow.chat_id == chat_id, SupportTopicRow.thread_id == thread_id)
        )

    async def forget_person(self, person_id: int) -> int:
        tickets = await self._session.scalar(
            select(func.count()).select_from(SupportTicketRow).where(SupportTicketRow.person_id == person_id)
        )
        ids = select(SupportTicketRow.id).where(SupportTicketRow.person_id == person_id)
        await self._session.execute(delete(SupportRelayRow).where(SupportRelayRow.ticket_id.in_(ids)))
        await self._session.execute(delete(SupportTicketRow).where(SupportTicketRow.person_id == person_id))
        await self._session.execute(delete(SupportTopicRow).where(SupportTopicRow.person_id == person_id))
        return int(tickets or 0)


def _ticket(row: SupportTicketRow) -> Ticket:
    return Ticket(
        id=row.id, person_id=row.person_id, opened_at=row.opened_at, status=TicketStatus(row.status),
        closed_at=row.closed_at, closed_by=row.closed_by,
    )


def _relay(row: SupportRelayRow) -> Relay:
    return Relay(row.ticket_id, row.chat_id, row.message_id, RelayKind(row.kind), row.origin_message_id)
