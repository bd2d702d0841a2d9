from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import bindparam, event, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from core.bookings import ACTIVE, Booking, BookingStatus, SlotTaken
from core.conversations import Side
from storage.db import UnitSession
from storage.tables.bookings import BookingRow
from storage.tables.payments import RefundRow

ACTIVE_VALUES = [status.value for status in ACTIVE]
_ACTIVE_READ = "active_bookings_read"  # on the session's info: therapist id -> their active bookings as read
# Built once: most updates of a booking read a therapist's active bookings (building costs more than running it).
_ACTIVE_OF_THERAPISTS = (
    select(BookingRow)
    .where(BookingRow.therapist_id.in_(bindparam("therapist_ids", expanding=True)), BookingRow.status.in_(ACTIVE_VALUES))
    .order_by(BookingRow.starts_at, BookingRow.id)
)


class SqlBookingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, booking: Booking) -> None:
        row = BookingRow(**_fields(booking))
        await self._guarded(lambda: self._session.add(row))
        booking.id = row.id

    async def save(self, booking: Booking) -> None:
        row = await self._session.get(BookingRow, booking.id)
        if row is None:
            raise LookupError(f"no booking {booking.id}")

        def apply() -> None:
            for name, value in _fields(booking).items():
                setattr(row, name, value)

        await self._guarded(apply)

    async def get(self, booking_id: int, *, for_update: bool = False) -> Booking | None:
        statement = select(BookingRow).where(BookingRow.id == booking_id).execution_options(populate_existing=True)
        if for_update:
            statement = statement.with_for_update()
        row = await self._session.scalar(statement)
        return _to_booking(row) if row else None

    async def active_of_therapist(self, therapist_id: int) -> list[Booking]:
        """Read once a transaction: a booking step asks for a therapist's free times more than once.

        Any write to the bookings through the session (ORM or `update(...)`) forgets what was read.
        """
        read: dict[int, list[Booking]] = self._session.info.setdefault(_ACTIVE_READ, {})
        if therapist_id not in read:
            read[therapist_id] = await self.active_of_therapists([therapist_id])
        return [copy.copy(booking) for booking in read[therapist_id]]  # each caller its own, as a read

    async def active_of_therapists(self, therapist_ids: list[int]) -> list[Booking]:
        rows = await self._session.scalars(_ACTIVE_OF_THERAPISTS, {"therapist_ids": therapist_ids})
        return [_to_booking(row) for row in rows]

    async def of_person(self, person_id: int, *, since: datetime) -> list[Booking]:
        rows = await self._session.scalars(
            select(BookingRow)
            .where(
                or_(BookingRow.client_id == person_id, BookingRow.therapist_id == person_id),
                or_(BookingRow.starts_at >= since, BookingRow.status.in_(ACTIVE_VALUES)),
            )
            .order_by(BookingRow.starts_at, BookingRow.id)
        )
        return [_to_booking(row) for row in rows]

    async def ever_confirmed(self, client_id: int, therapist_id: int) -> bool:
        found = await self._session.scalar(
            select(
                exists().where(
                    BookingRow.client_id == client_id,
                    BookingRow.therapist_id == therapist_id,
                    BookingRow.confirmed_at.is_not(None),
                )
            )
        )
        return bool(found)

    async def last_request(self, client_id: int, therapist_id: int) -> Booking | None:
        row = await self._session.scalar(
            select(BookingRow)
            .where(
                BookingRow.client_id == client_id,
                BookingRow.therapist_id == therapist_id,
                BookingRow.request_topics.is_not(None),
            )
            .order_by(BookingRow.created_at.desc(), BookingRow.id.desc())
            .limit(1)
        )
        return _to_booking(row) if row else None

    async def settled_for_good(self, booking_ids: list[int], *, ended_before: datetime) -> set[int]:
        refunded = exists().where(RefundRow.booking_id == BookingRow.id)
        found = await self._session.scalars(
            select(BookingRow.id).where(BookingRow.id.in_(booking_ids), BookingRow.ends_at < ended_before, ~refunded)
        )
        return set(found)

    async def _guarded(self, change: Callable[[], None]) -> None:
        # Inside a savepoint, so that losing the race undoes this change only and
        # the caller's transaction can still answer with the next free times.
        try:
            async with self._session.begin_nested():
                change()
        except IntegrityError as error:
            if _is_slot_conflict(error):
                raise SlotTaken from error
            raise


def _is_slot_conflict(error: IntegrityError) -> bool:
    message = str(error.orig)
    # PostgreSQL names the index; SQLite names its columns.
    return "uq_bookings_active_slot" in message or "bookings.therapist_id, bookings.starts_at" in message


def _fields(booking: Booking) -> dict[str, object]:
    return {
        "client_id": booking.client_id,
        "therapist_id": booking.therapist_id,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "price_minor": booking.price_minor,
        "status": booking.status.value,
        "version": booking.version,
        "created_at": booking.created_at,
        "confirmed_at": booking.confirmed_at,
        "lapses_at": booking.lapses_at,
        "payment_due_at": booking.payment_due_at,
        "paid_at": booking.paid_at,
        "paid_minor": booking.paid_minor,
        "closed_at": booking.closed_at,
        "cancelled_by": booking.cancelled_by.value if booking.cancelled_by else None,
        "refund_due_minor": booking.refund_due_minor,
        "meeting_room": booking.meeting_room,
        "request_topics": list(booking.topics) or None,
        "request_note": booking.note,
    }


def _to_booking(row: BookingRow) -> Booking:
    return Booking(
        id=row.id,
        client_id=row.client_id,
        therapist_id=row.therapist_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        price_minor=row.price_minor,
        status=BookingStatus(row.status),
        version=row.version,
        created_at=row.created_at,
        confirmed_at=row.confirmed_at,
        lapses_at=row.lapses_at,
        payment_due_at=row.payment_due_at,
        paid_at=row.paid_at,
        paid_minor=row.paid_minor,
        closed_at=row.closed_at,
        cancelled_by=Side(row.cancelled_by) if row.cancelled_by else None,
        refund_due_minor=row.refund_due_minor,
        meeting_room=row.meeting_room,
        topics=tuple(row.request_topics or ()),
        note=row.request_note,
    )


@event.listens_for(UnitSession, "do_orm_execute")
def _forget_on_write(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if table is None or table is BookingRow.__table__:
            state.session.info.pop(_ACTIVE_READ, None)


@event.listens_for(UnitSession, "after_flush")
def _forget_on_flush(session: Session, _flush: UOWTransaction) -> None:
    if any(isinstance(row, BookingRow) for row in (*session.new, *session.dirty, *session.deleted)):
        session.info.pop(_ACTIVE_READ, None)


@event.listens_for(UnitSession, "after_transaction_end")
def _forget_at_the_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the transaction itself, not a savepoint inside it
        session.info.pop(_ACTIVE_READ, None)
