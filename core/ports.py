"""What the domain needs from the outside world, as small protocols.

Storage implements the repositories and the unit of work; the bot layer
implements nothing here but calls use cases with a unit of work.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from core.applications import ApplicationRepository
from core.audit import AuditLog
from core.bookings import BookingRepository
from core.broadcasts import BroadcastRepository
from core.conversations import ConversationRepository
from core.inbox import InboxRepository
from core.notices import TimedMessageRepository
from core.payments import PaymentRepository, PayoutRepository, RefundRepository
from core.privacy import PersonalData
from core.profile_changes import ProfileChangeRepository
from core.roster import TherapistRoster
from core.staff import StaffRepository
from core.stats import StatsRepository
from core.support import SupportRepository
from core.testimonials import TestimonialRepository
from core.therapists import TherapistProfile
from core.users import User

if TYPE_CHECKING:  # the directory's use cases import this module
    from core.usecases.directory import Filters


class UserRepository(Protocol):
    async def get(self, telegram_id: int) -> User | None: ...

    async def add(self, user: User) -> None: ...

    async def save(self, user: User) -> None: ...

    async def mark_unreachable(self, telegram_id: int) -> None: ...


class TherapistRepository(Protocol):
    async def get(self, telegram_id: int, *, for_update: bool = False) -> TherapistProfile | None:
        """`for_update` locks the profile until commit, so two changes to it queue up."""

    async def by_share_code(self, code: str) -> TherapistProfile | None: ...

    async def count_listed(self, filters: Filters, now: datetime) -> int:
        """How many therapists the directory lists at `now` that match `filters` (core.usecases.directory.is_listed)."""

    async def listed(self, filters: Filters, now: datetime, *, offset: int, limit: int) -> list[TherapistProfile]:
        """Those therapists by name (then id), `limit` of them from `offset`."""

    async def listed_share_codes(self, now: datetime) -> list[str]:
        """The share codes of everyone the directory lists at `now`, by name."""

    async def add(self, profile: TherapistProfile) -> None: ...

    async def save(self, profile: TherapistProfile) -> None: ...


class UnitOfWork(Protocol):
    users: UserRepository
    timed_messages: TimedMessageRepository
    therapists: TherapistRepository
    conversations: ConversationRepository
    bookings: BookingRepository
    applications: ApplicationRepository
    payments: PaymentRepository
    refunds: RefundRepository
    payouts: PayoutRepository
    profile_changes: ProfileChangeRepository

    staff: StaffRepository
    audit: AuditLog
    support: SupportRepository
    testimonials: TestimonialRepository
    personal_data: PersonalData
    stats: StatsRepository
    broadcasts: BroadcastRepository
    roster: TherapistRoster
    inbox: InboxRepository

    async def commit(self) -> None:
        """The use case's change is whole. Inside an update it is committed with the update, once, at its end."""
        ...

    async def rollback(self) -> None:
        """Let go of a transaction that changed nothing (inside an update: nothing to do)."""
        ...
