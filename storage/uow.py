"""The unit of work: one database session, committed only when a use case says so."""
from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from types import TracebackType
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.privacy import personal_data
from storage.repositories.applications import SqlApplicationRepository
from storage.repositories.bookings import SqlBookingRepository
from storage.repositories.broadcasts import SqlBroadcastRepository
from storage.repositories.conversations import SqlConversationRepository
from storage.repositories.inbox import SqlInboxRepository
from storage.repositories.payments import SqlPaymentRepository, SqlPayoutRepository, SqlRefundRepository
from storage.repositories.profile_changes import SqlProfileChangeRepository
from storage.repositories.roster import SqlTherapistRoster
from storage.repositories.staff import SqlAuditLog, SqlStaffRepository
from storage.repositories.stats import SqlStatsRepository
from storage.repositories.support import SqlSupportRepository
from storage.repositories.testimonials import SqlTestimonialRepository
from storage.repositories.therapists import SqlTherapistRepository
from storage.repositories.timed_messages import TIMED_MESSAGES_WRITTEN, SqlTimedMessageRepository
from storage.repositories.users import SqlUserRepository

# The unit of work of the update being handled, so that conversation state
# joins its transaction instead of waiting on it (SQLite has one writer).
current_unit_of_work: ContextVar[SqlUnitOfWork | None] = ContextVar("current_unit_of_work", default=None)

# Per session factory (that is, per app): called after a commit that wrote
# timed messages, so delivery sends them now instead of at its next alarm.
_timed_messages_committed: WeakKeyDictionary[async_sessionmaker[AsyncSession], Callable[[], None]] = (
    WeakKeyDictionary()
)


def on_timed_messages_committed(sessions: async_sessionmaker[AsyncSession], listener: Callable[[], None]) -> None:
    _timed_messages_committed[sessions] = listener


class SqlUnitOfWork:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None

    async def __aenter__(self) -> SqlUnitOfWork:
        self._session = self._sessions()
        self.users = SqlUserRepository(self._session)
        self.timed_messages = SqlTimedMessageRepository(self._session)
        self.therapists = SqlTherapistRepository(self._session)
        self.staff = SqlStaffRepository(self._session)
        self.audit = SqlAuditLog(self._session)
        self.support = SqlSupportRepository(self._session)
        self.testimonials = SqlTestimonialRepository(self._session)
        self.personal_data = personal_data(self._session)
        self.stats = SqlStatsRepository(self._session)
        self.broadcasts = SqlBroadcastRepository(self._session)
        self.roster = SqlTherapistRoster(self._session)
        self.conversations = SqlConversationRepository(self._session)
        self.bookings = SqlBookingRepository(self._session)
        self.applications = SqlApplicationRepository(self._session)
        self.payments = SqlPaymentRepository(self._session)
        self.refunds = SqlRefundRepository(self._session)
        self.payouts = SqlPayoutRepository(self._session)
        self.profile_changes = SqlProfileChangeRepository(self._session)
        self.inbox = SqlInboxRepository(self._session)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._session is not None
        try:
            await self._session.rollback()
        finally:
            await self._session.close()

    @property
    def session(self) -> AsyncSession:
        assert self._session is not None, "unit of work used outside `async with`"
        return self._session

    async def commit(self) -> None:
        await self.session.commit()
        if self.session.info.pop(TIMED_MESSAGES_WRITTEN, False):
            listener = _timed_messages_committed.get(self._sessions)
            if listener is not None:
                listener()

    async def rollback(self) -> None:
        self.session.info.pop(TIMED_MESSAGES_WRITTEN, None)
        await self.session.rollback()
