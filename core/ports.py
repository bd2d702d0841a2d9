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
from core.matching import MatchingRepository
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
from core.waitlist import WaitlistRepository

if TYPE_CHECKING:  # the directory's use cases import this module
    from core.rules.matching import Answers
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

    async def count_matching(self, answers: Answers, now: datetime) -> int:
        """How many could be matched at `now` (core.usecases.matching.can_be_matched) and fit every answer about
        the profile: the language, the price range, the approach and at least one of the topics."""

    async def matching(
        self, answers: Answers, now: datetime, *, seed: int, offset: int, limit: int
    ) -> list[tuple[TherapistProfile, int]]:
        """Those therapists, each with how many of the chosen topics they work with: most first, then in an order
        the seed shuffles (the same for the same seed), `limit` of them from `offset`."""

    async def add(self, profile: TherapistProfile) -> None: ...

    async def save(self, profile: TherapistProfile) -> None: ...


class UnitOfWork(Protocol):
    # Read-only: a protocol's writable attribute must match its type exactly (it is invariant),
    # so a unit of work holding its own repository classes would not satisfy it.
    @property
    def users(self) -> UserRepository: ...

    @property
    def timed_messages(self) -> TimedMessageRepository: ...

    @property
    def therapists(self) -> TherapistRepository: ...

    @property
    def conversations(self) -> ConversationRepository: ...

    @property
    def bookings(self) -> BookingRepository: ...

    @property
    def applications(self) -> ApplicationRepository: ...

    @property
    def payments(self) -> PaymentRepository: ...

    @property
    def refunds(self) -> RefundRepository: ...

    @property
    def payouts(self) -> PayoutRepository: ...

    @property
    def profile_changes(self) -> ProfileChangeRepository: ...

    @property
    def staff(self) -> StaffRepository: ...

    @property
    def audit(self) -> AuditLog: ...

    @property
    def support(self) -> SupportRepository: ...

    @property
    def testimonials(self) -> TestimonialRepository: ...

    @property
    def personal_data(self) -> PersonalData: ...

    @property
    def stats(self) -> StatsRepository: ...

    @property
    def broadcasts(self) -> BroadcastRepository: ...

    @property
    def roster(self) -> TherapistRoster: ...

    @property
    def inbox(self) -> InboxRepository: ...

    @property
    def matching(self) -> MatchingRepository: ...

    @property
    def waitlist(self) -> WaitlistRepository: ...

    async def commit(self) -> None:
        """The use case's change is whole. Inside an update it is committed with the update, once, at its end."""
        ...

    async def rollback(self) -> None:
        """Let go of a transaction that changed nothing (inside an update: nothing to do)."""
        ...
