"""The directory: which therapists a client can find, and by what."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from core.clock import Clock
from core.ports import UnitOfWork
from core.therapists import TherapistProfile

# Price ranges a client can pick, per 50-minute session, in kopiyky: [low, high).
PRICE_BANDS: tuple[tuple[int | None, int | None], ...] = (
    (None, 100_000),
    (100_000, 150_000),
    (150_000, None),
)


class TherapistUnavailable(LookupError):
    """Not listed now: unknown, not verified, paused, hidden or away on vacation."""


@dataclass(frozen=True)
class Filters:
    topic: str | None = None
    approach: str | None = None
    language: str | None = None
    price_band: int | None = None  # an index into PRICE_BANDS

    def admit(self, therapist: TherapistProfile) -> bool:
        if self.topic and self.topic not in therapist.topics:
            return False
        if self.approach and self.approach not in therapist.approaches:
            return False
        if self.language and self.language not in therapist.languages:
            return False
        if self.price_band is not None:
            low, high = PRICE_BANDS[self.price_band]
            if (low is not None and therapist.price_minor < low) or (high is not None and therapist.price_minor >= high):
                return False
        return True


def is_listed(therapist: TherapistProfile, now: datetime) -> bool:
    """Verified, taking clients, not hidden, and not hidden for a vacation today (in their own zone)."""
    today = now.astimezone(ZoneInfo(therapist.timezone)).date()
    return therapist.listed(today_vacation=any(vacation.covers(today) for vacation in therapist.vacations))


async def find_therapists(uow: UnitOfWork, clock: Clock, filters: Filters) -> list[TherapistProfile]:
    now = clock.now()
    found = [t for t in await uow.therapists.all() if is_listed(t, now) and filters.admit(t)]
    return sorted(found, key=lambda t: (t.full_name, t.telegram_id))


async def listed_therapist(uow: UnitOfWork, clock: Clock, *, therapist_id: int | None = None, share_code: str | None = None) -> TherapistProfile:
    """A therapist a client may open and book, by id or by the code of their share link."""
    if share_code is not None:
        therapist = await uow.therapists.by_share_code(share_code)
    elif therapist_id is not None:
        therapist = await uow.therapists.get(therapist_id)
    else:
        raise ValueError("give a therapist id or a share code")
    if therapist is None or not is_listed(therapist, clock.now()):
        raise TherapistUnavailable(therapist_id or share_code)
    return therapist
