"""The person's support tickets (the bot never stored what was written, only which copy went where)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.privacy import IN_SUPPORT_CHATS, Erasure, Kept, Obstacle
from core.support import RelayKind
from storage.repositories.support import SqlSupportRepository
from storage.tables import SupportRelayRow, SupportTicketRow


class SupportData:
    topic = "support_tickets"
    tables = ("support_tickets", "support_relays", "support_topics")

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def export(self, person_id: int) -> Any:
        tickets = await SqlSupportRepository(self._session).tickets_of(person_id)
        exported = []
        for ticket in tickets:
            counts = dict(
                (
                    await self._session.execute(
                        select(SupportRelayRow.kind, func.count(func.distinct(SupportRelayRow.origin_message_id)))
                        .where(SupportRelayRow.ticket_id == ticket.id, SupportRelayRow.kind != RelayKind.HEADER.value)
                        .group_by(SupportRelayRow.kind)
                    )
                ).all()
            )
            exported.append(
                {
                    "ticket": ticket.id,
                    "opened_at": ticket.opened_at.isoformat(),
                    "status": ticket.status.value,
                    "closed_at": ticket.closed_at.isoformat() if ticket.closed_at else None,
                    "messages_to_support": counts.get(RelayKind.TO_STAFF.value, 0),
                    "answers_from_support": counts.get(RelayKind.TO_PERSON.value, 0),
                }
            )
        return exported

    async def obstacles(self, person_id: int, now: datetime) -> list[Obstacle]:
        return []

    async def erase(self, erasure: Erasure) -> list[Kept]:
        sent = await self._session.scalar(
            select(func.count(func.distinct(SupportRelayRow.origin_message_id)))
            .join(SupportTicketRow, SupportTicketRow.id == SupportRelayRow.ticket_id)
            .where(SupportTicketRow.person_id == erasure.person_id, SupportRelayRow.kind == RelayKind.TO_STAFF.value)
        )
        await SqlSupportRepository(self._session).forget_person(erasure.person_id)
        return [Kept(self.topic, IN_SUPPORT_CHATS, int(sent))] if sent else []
