"""In-memory repositories and one unit of work over them, for core's use cases in tests/unit.

Each fake does what its storage counterpart promises and no more: reads hand out copies
(a change counts only when saved), a second active booking of one slot is refused as the
partial unique index refuses it, and a timed message keeps its first version once sent or dropped.
"""
from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from core.applications import FINISHED, Application, ApplicationEvent, Step
from core.audit import AuditEntry
from core.bookings import Booking, SlotTaken
from core.conversations import Conversation, RelayedMessage
from core.matching import KeptAnswers, MatchRecord
from core.notices import NoticeStatus, TimedMessage
from core.rules.matching import Answers
from core.staff import StaffRole
from core.therapists import TherapistProfile
from core.usecases.matching import can_be_matched
from core.users import Role, User
from core.waitlist import EntryStatus, WaitlistEntry


class FakeUsers:
    """The given people; with `anyone_joined_at`, anyone else is a client who joined then."""

    def __init__(self, *users: User, anyone_joined_at: datetime | None = None) -> None:
        self.rows = {user.telegram_id: user for user in users}
        self.saved: list[User] = []
        self._anyone_joined_at = anyone_joined_at

    async def get(self, telegram_id: int) -> User | None:
        if telegram_id not in self.rows and self._anyone_joined_at is not None:
            return User(telegram_id, f"User {telegram_id}", "uk", "Europe/Kyiv", self._anyone_joined_at, roles={Role.CLIENT})
        return self.rows.get(telegram_id)

    async def save(self, user: User) -> None:
        self.rows[user.telegram_id] = user
        self.saved.append(user)


class FakeTherapists:
    def __init__(self, *profiles: TherapistProfile) -> None:
        self.rows = {profile.telegram_id: profile for profile in profiles}

    async def get(self, telegram_id: int, *, for_update: bool = False) -> TherapistProfile | None:
        return self.rows.get(telegram_id)

    async def by_share_code(self, code: str) -> TherapistProfile | None:
        return next((p for p in self.rows.values() if p.share_code == code), None)

    async def add(self, profile: TherapistProfile) -> None:
        self.rows[profile.telegram_id] = profile

    async def save(self, profile: TherapistProfile) -> None:
        self.rows[profile.telegram_id] = profile

    async def count_matching(self, answers: Answers, now: datetime) -> int:
        return len(self._matching(answers, now))

    async def matching(
        self, answers: Answers, now: datetime, *, seed: int, offset: int, limit: int
    ) -> list[tuple[TherapistProfile, int]]:
        factor = 1 + seed % 65_520  # the same shuffle as storage's
        found = [(p, sum(t in p.topics for t in answers.topics)) for p in self._matching(answers, now)]
        found.sort(key=lambda item: (-item[1], item[0].telegram_id % 65_521 * factor % 65_521, item[0].telegram_id))
        return [(copy.deepcopy(p), shared) for p, shared in found[offset:offset + limit]]

    def _matching(self, answers: Answers, now: datetime) -> list[TherapistProfile]:
        low, high = answers.price_range
        return [
            p
            for p in self.rows.values()
            if can_be_matched(p, now)
            and (not answers.topics or set(answers.topics) & set(p.topics))
            and (answers.language is None or answers.language in p.languages)
            and (answers.approach is None or answers.approach in p.approaches)
            and (low is None or p.price_minor >= low)
            and (high is None or p.price_minor < high)
        ]


class FakeMatching:
    def __init__(self) -> None:
        self.answers: dict[int, KeptAnswers] = {}
        self.matches: list[MatchRecord] = []

    async def answers_of(self, client_id: int) -> KeptAnswers | None:
        return self.answers.get(client_id)

    async def keep_answers(self, client_id: int, kept: KeptAnswers) -> None:
        self.answers[client_id] = kept

    async def forget_answers(self, client_id: int) -> bool:
        return self.answers.pop(client_id, None) is not None

    async def record_match(self, client_id: int, made_at: datetime, offered: list[int], full: list[int]) -> int:
        self.matches.append(MatchRecord(len(self.matches) + 1, client_id, made_at, tuple(offered), tuple(full)))
        return len(self.matches)

    async def match_of(self, match_id: int, client_id: int) -> MatchRecord | None:
        return next((m for m in self.matches if (m.id, m.client_id) == (match_id, client_id)), None)


class FakeWaitlist:
    """One entry a client and therapist, as the unique constraint keeps it."""

    def __init__(self) -> None:
        self.rows: dict[int, WaitlistEntry] = {}

    async def get(self, entry_id: int, *, for_update: bool = False) -> WaitlistEntry | None:
        return copy.deepcopy(self.rows.get(entry_id))

    async def of_pair(self, client_id: int, therapist_id: int) -> WaitlistEntry | None:
        return copy.deepcopy(
            next((e for e in self.rows.values() if (e.client_id, e.therapist_id) == (client_id, therapist_id)), None)
        )

    async def add(self, entry: WaitlistEntry) -> None:
        assert await self.of_pair(entry.client_id, entry.therapist_id) is None
        entry.id = len(self.rows) + 1
        self.rows[entry.id] = copy.deepcopy(entry)

    async def save(self, entry: WaitlistEntry) -> None:
        assert entry.id in self.rows
        self.rows[entry.id] = copy.deepcopy(entry)

    async def waiting_for(self, therapist_id: int, now: datetime) -> list[WaitlistEntry]:
        return self._waiting(now, lambda e: e.therapist_id == therapist_id)

    async def waiting_of(self, client_id: int, now: datetime) -> list[WaitlistEntry]:
        return self._waiting(now, lambda e: e.client_id == client_id)

    async def in_group(self, group: int) -> list[WaitlistEntry]:
        return [copy.deepcopy(e) for e in self.rows.values() if e.group == group]

    async def count_waiting(self, therapist_id: int, now: datetime) -> int:
        return len(await self.waiting_for(therapist_id, now))

    def _waiting(self, now: datetime, wanted: Callable[[WaitlistEntry], bool]) -> list[WaitlistEntry]:
        found = [e for e in self.rows.values() if wanted(e) and e.status is EntryStatus.WAITING and e.waiting(now)]
        return [copy.deepcopy(e) for e in sorted(found, key=lambda e: (e.joined_at, e.id))]


class FakeTimedMessages:
    def __init__(self) -> None:
        self.rows: dict[str, TimedMessage] = {}  # by dedup key
        self.status: dict[str, NoticeStatus] = {}

    async def put(self, message: TimedMessage, now: datetime) -> None:
        if self.status.get(message.dedup_key, NoticeStatus.PENDING) is NoticeStatus.PENDING:
            self.rows[message.dedup_key] = message
            self.status[message.dedup_key] = NoticeStatus.PENDING

    async def cancel(self, dedup_key: str) -> None:
        await self.cancel_prefix(dedup_key)

    async def cancel_prefix(self, prefix: str) -> None:
        for key, status in self.status.items():
            if key.startswith(prefix) and status is NoticeStatus.PENDING:
                self.status[key] = NoticeStatus.DROPPED

    def pending(self, kind: str | None = None) -> list[TimedMessage]:
        return [
            message
            for key, message in self.rows.items()
            if self.status[key] is NoticeStatus.PENDING and kind in (None, message.kind)
        ]


class FakeBookings:
    def __init__(self) -> None:
        self.rows: dict[int, Booking] = {}

    async def add(self, booking: Booking) -> None:
        self._guard(booking)
        booking.id = len(self.rows) + 1
        self.rows[booking.id] = replace(booking)

    async def save(self, booking: Booking) -> None:
        self._guard(booking)
        self.rows[booking.id] = replace(booking)

    async def get(self, booking_id: int, *, for_update: bool = False) -> Booking | None:
        row = self.rows.get(booking_id)
        return replace(row) if row else None

    async def active_of_therapist(self, therapist_id: int) -> list[Booking]:
        return await self.active_of_therapists([therapist_id])

    async def active_of_therapists(self, therapist_ids: list[int]) -> list[Booking]:
        found = [b for b in self.rows.values() if b.therapist_id in therapist_ids and b.active]
        return [replace(b) for b in sorted(found, key=lambda b: (b.starts_at, b.id))]

    async def of_person(self, person_id: int, *, since: datetime) -> list[Booking]:
        return [replace(b) for b in self.rows.values() if person_id in (b.client_id, b.therapist_id)]

    async def ever_confirmed(self, client_id: int, therapist_id: int) -> bool:
        return any(
            b.client_id == client_id and b.therapist_id == therapist_id and b.confirmed_at for b in self.rows.values()
        )

    async def last_request(self, client_id: int, therapist_id: int) -> Booking | None:
        mine = [b for b in self.rows.values() if (b.client_id, b.therapist_id) == (client_id, therapist_id) and b.topics]
        return replace(mine[-1]) if mine else None

    def _guard(self, booking: Booking) -> None:
        """What the partial unique index does in the database."""
        if booking.active and any(
            other.id != booking.id
            and other.active
            and (other.therapist_id, other.starts_at) == (booking.therapist_id, booking.starts_at)
            for other in self.rows.values()
        ):
            raise SlotTaken


class FakeConversations:
    def __init__(self) -> None:
        self.rows: dict[int, Conversation] = {}
        self.focus: dict[int, int] = {}
        self.relayed: list[RelayedMessage] = []

    @property
    def opened(self) -> set[tuple[int, int]]:
        return {(c.client_id, c.therapist_id) for c in self.rows.values()}

    async def get(self, conversation_id: int) -> Conversation | None:
        return self.rows.get(conversation_id)

    async def open(self, client_id: int, therapist_id: int) -> Conversation:
        for row in self.rows.values():
            if (row.client_id, row.therapist_id) == (client_id, therapist_id):
                return row
        row = Conversation(len(self.rows) + 1, client_id, therapist_id)
        self.rows[row.id] = row
        return row

    async def of_client(self, client_id: int) -> list[Conversation]:
        return self._recent(lambda c: c.client_id == client_id)

    async def of_therapist(self, therapist_id: int) -> list[Conversation]:
        return self._recent(lambda c: c.therapist_id == therapist_id)

    def _recent(self, wanted: Callable[[Conversation], bool]) -> list[Conversation]:
        found = [c for c in self.rows.values() if wanted(c)]
        # The latest message first; a conversation with no message yet last.
        return sorted(
            found,
            key=lambda c: (c.last_message_at is None, -(c.last_message_at.timestamp() if c.last_message_at else 0), -c.id),
        )

    async def touch(self, conversation_id: int, at: datetime) -> None:
        row = self.rows[conversation_id]
        self.rows[conversation_id] = Conversation(row.id, row.client_id, row.therapist_id, at)

    async def focus_of(self, user_id: int) -> Conversation | None:
        return self.rows.get(self.focus.get(user_id, 0))

    async def set_focus(self, user_id: int, conversation_id: int) -> None:
        self.focus[user_id] = conversation_id

    async def clear_focus(self, user_id: int) -> None:
        self.focus.pop(user_id, None)

    async def remember_relayed(self, message: RelayedMessage) -> None:
        self.relayed.append(message)

    async def delivered_as(self, chat_id: int, message_id: int) -> RelayedMessage | None:
        return next(
            (m for m in self.relayed if (m.recipient_chat_id, m.delivered_message_id) == (chat_id, message_id)), None
        )

    async def originals_of(self, chat_id: int, message_id: int) -> list[RelayedMessage]:
        return [m for m in self.relayed if (m.origin_chat_id, m.origin_message_id) == (chat_id, message_id)]


class FakeApplications:
    def __init__(self) -> None:
        self.rows: dict[int, Application] = {}
        self.events: list[ApplicationEvent] = []

    async def get(self, application_id: int) -> Application | None:
        return _copy(self.rows.get(application_id))

    async def active_for(self, applicant_id: int) -> Application | None:
        return _copy(next((a for a in self.rows.values() if a.applicant_id == applicant_id and a.step not in FINISHED), None))

    async def latest_for(self, applicant_id: int) -> Application | None:
        mine = [a for a in self.rows.values() if a.applicant_id == applicant_id]
        return _copy(mine[-1] if mine else None)

    async def by_referral_code(self, code: str) -> Application | None:
        return _copy(next((a for a in self.rows.values() if a.referral_code == code), None))

    async def in_steps(self, steps: tuple[Step, ...]) -> list[Application]:
        return sorted((a for a in self.rows.values() if a.step in steps), key=lambda a: a.updated_at)

    async def add(self, application: Application) -> None:
        application.id = len(self.rows) + 1
        self.rows[application.id] = copy.deepcopy(application)

    async def save(self, application: Application) -> None:
        assert application.id is not None  # saved after add, as the real repository expects
        self.rows[application.id] = copy.deepcopy(application)

    async def delete(self, application: Application) -> None:
        assert application.id is not None
        del self.rows[application.id]

    async def log(self, event: ApplicationEvent) -> None:
        self.events.append(event)

    async def history(self, application_id: int) -> list[ApplicationEvent]:
        return [e for e in self.events if e.application_id == application_id]


class FakeStaff:
    def __init__(self, grants: dict[StaffRole, list[int]]) -> None:
        self.grants = grants

    async def holders(self, role: StaffRole) -> list[int]:
        return self.grants.get(role, [])


class FakeAudit:
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    async def add(self, entry: AuditEntry) -> None:
        self.entries.append(entry)


class FakeUnitOfWork:
    """The repositories core's use cases in tests/unit reach; `commits` counts what they committed."""

    def __init__(
        self,
        *users: User,
        therapists: Sequence[TherapistProfile] = (),
        staff: dict[StaffRole, list[int]] | None = None,
        anyone_joined_at: datetime | None = None,
    ) -> None:
        self.users = FakeUsers(*users, anyone_joined_at=anyone_joined_at)
        self.therapists = FakeTherapists(*therapists)
        self.timed_messages = FakeTimedMessages()
        self.bookings = FakeBookings()
        self.conversations = FakeConversations()
        self.applications = FakeApplications()
        self.staff = FakeStaff(staff or {})
        self.audit = FakeAudit()
        self.matching = FakeMatching()
        self.waitlist = FakeWaitlist()
        self.commits = 0

    async def commit(self) -> None:
        self.commits += 1

    async def rollback(self) -> None:
        """Nothing is held in memory."""


def _copy(application: Application | None) -> Application | None:
    """What storage does: every read is a fresh object, so a change counts only when saved."""
    return copy.deepcopy(application)
