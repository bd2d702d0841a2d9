"""The unit of work: one database session, committed only when a use case says so.

Inside an update the unit of work belongs to the update (`for_update=True`): a use case's `commit()` there
only flushes what it wrote, and the update middleware commits once, with the inbox mark and the conversation
state, when the whole update is done. Elsewhere (the scheduler, the pages, a test) `commit()` commits.

On SQLite a unit of work takes the write lock at its first statement, as before, unless it says it may only
read (`writes_first=False`, an update's first try): then it reads without the lock and takes it at its first
write, which SQLite refuses (`storage.db.WriteRefused`) if another transaction wrote in between.
"""
from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from types import TracebackType
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import WRITES_FIRST
from storage.privacy import personal_data
from storage.repositories.applications import SqlApplicationRepository
from storage.repositories.bookings import SqlBookingRepository
from storage.repositories.broadcasts import SqlBroadcastRepository
from storage.repositories.conversations import SqlConversationRepository
from storage.repositories.inbox import SqlInboxRepository
from storage.repositories.matching import SqlMatchingRepository
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
from storage.repositories.waitlist import SqlWaitlistRepository

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


class NestedUnitOfWork(RuntimeError):
    """A unit of work opened inside an update's (bot/middlewares/unit_of_work.py)."""


class SqlUnitOfWork:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], *, for_update: bool = False, writes_first: bool = True
    ) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None
        self._for_update = for_update
        self._writes_first = writes_first

    async def __aenter__(self) -> SqlUnitOfWork:
        if current_unit_of_work.get() is not None:
            raise NestedUnitOfWork(
                "a unit of work was opened inside an update's: use the update's own (the handler's `uow`). "
                "A second one would commit apart from the update, and on SQLite wait for the update's own write "
                "lock until the busy timeout"
            )
        self._session = self._sessions()
        self._session.info[WRITES_FIRST] = self._writes_first
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
        self.matching = SqlMatchingRepository(self._session)
        self.waitlist = SqlWaitlistRepository(self._session)
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
        if self._for_update:
            await self.session.flush()  # the update commits once, at its end (`finish`)
            return
        await self.finish()

    async def finish(self) -> None:
        """Commit for real: the update's one commit, or any other unit of work's `commit()`."""
        await self.session.commit()
        if self.session.info.pop(TIMED_MESSAGES_WRITTEN, False):
            listener = _timed_messages_committed.get(self._sessions)
            if listener is not None:
                listener()

    async def rollback(self) -> None:
        """Let go of a transaction that changed nothing.

        Inside an update it lets go of nothing: what the update read and wrote before the use case (the person,
        the conversation state) is the update's, committed or undone with it as a whole.
        """
        if self._for_update:
            return
        self.session.info.pop(TIMED_MESSAGES_WRITTEN, None)
        await self.session.rollback()
