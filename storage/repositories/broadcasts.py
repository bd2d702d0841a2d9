"""Broadcasts, their segments as queries, and their outcomes as the timed messages that carry them stand."""
from __future__ import annotations

from sqlalchemy import Select, and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.broadcasts import Audience, Broadcast, DuplicateBroadcast, Outcomes, Segment
from core.notices import NoticeStatus
from core.usecases.broadcasts import BroadcastNotice, key_prefix
from core.users import Role
from storage.tables import ApplicationRow, BroadcastRow, TimedMessageRow, UserRoleRow, UserRow


class SqlBroadcastRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def recipients(self, segment: Segment) -> list[int]:
        if segment.audience is Audience.APPLICANTS:
            assert segment.step is not None
            later = aliased(ApplicationRow)
            newer_exists = (
                select(later.id)
                .where(later.applicant_id == ApplicationRow.applicant_id, later.id > ApplicationRow.id)
                .exists()
            )
            statement = (
                select(ApplicationRow.applicant_id)
                .where(ApplicationRow.step == segment.step.value, ~newer_exists)
                .distinct()
                .order_by(ApplicationRow.applicant_id)
            )
        elif segment.audience is Audience.THERAPISTS:
            statement = _with_role(Role.THERAPIST)
        else:
            therapists = select(UserRoleRow.telegram_id).where(UserRoleRow.role == Role.THERAPIST.value)
            statement = _with_role(Role.CLIENT).where(UserRoleRow.telegram_id.not_in(therapists))
        return list(await self._session.scalars(statement))

    async def add(self, broadcast: Broadcast) -> None:
        row = BroadcastRow(
            author_id=broadcast.author_id, segment=broadcast.segment.code, from_chat_id=broadcast.from_chat_id,
            message_id=broadcast.message_id, recipients=broadcast.recipients, created_at=broadcast.created_at,
        )
        try:
            # A savepoint: losing to a second tap undoes this insert only.
            async with self._session.begin_nested():
                self._session.add(row)
        except IntegrityError as error:
            raise DuplicateBroadcast(broadcast.segment.code) from error
        broadcast.id = row.id

    async def get(self, broadcast_id: int) -> Broadcast | None:
        row = await self._session.get(BroadcastRow, broadcast_id)
        return _to_broadcast(row) if row else None

    async def latest(self, limit: int) -> list[Broadcast]:
        rows = await self._session.scalars(select(BroadcastRow).order_by(BroadcastRow.id.desc()).limit(limit))
        return [_to_broadcast(row) for row in rows]

    async def outcomes(self, broadcast_id: int) -> Outcomes:
        rows = await self._session.execute(
            select(TimedMessageRow.status, UserRow.reachable, func.count())
            .outerjoin(UserRow, UserRow.telegram_id == TimedMessageRow.recipient_id)
            .where(
                TimedMessageRow.kind == BroadcastNotice.COPY,
                TimedMessageRow.dedup_key.like(f"{key_prefix(broadcast_id)}%"),
            )
            .group_by(TimedMessageRow.status, UserRow.reachable)
        )
        counts = {"delivered": 0, "pending": 0, "unreachable": 0, "not_delivered": 0}
        for status, reachable, count in rows:
            counts[_outcome(NoticeStatus(status), reachable)] += int(count)
        return Outcomes(**counts)


def _outcome(status: NoticeStatus, reachable: bool | None) -> str:
    if status is NoticeStatus.SENT:
        return "delivered"
    if status in (NoticeStatus.PENDING, NoticeStatus.SENDING):
        return "pending"
    # Delivery marks a person unreachable when Telegram says they blocked the bot.
    if status is NoticeStatus.FAILED and reachable is False:
        return "unreachable"
    return "not_delivered"


def _with_role(role: Role) -> Select[int]:
    return (
        select(UserRoleRow.telegram_id)
        .join(UserRow, and_(UserRow.telegram_id == UserRoleRow.telegram_id, UserRow.telegram_id > 0))
        .where(UserRoleRow.role == role.value)
        .order_by(UserRoleRow.telegram_id)
    )


def _to_broadcast(row: BroadcastRow) -> Broadcast:
    return Broadcast(
        author_id=row.author_id,
        segment=Segment.parse(row.segment),
        from_chat_id=row.from_chat_id,
        message_id=row.message_id,
        recipients=row.recipients,
        created_at=row.created_at,
        id=row.id,
    )
