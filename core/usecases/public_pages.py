"""What the platform's public web pages show: a therapist's landing and the page for specialists.

Nothing private leaves here: a landing carries the therapist's public profile and free times,
the page for specialists carries only the platform-wide figures and published testimonials.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from core.clock import Clock
from core.ports import UnitOfWork
from core.rules.platform_figures import PlatformFigures
from core.testimonials import Testimonial
from core.therapists import TherapistProfile
from core.usecases.booking import BookingPolicy, free_times
from core.usecases.directory import is_listed
from core.usecases.stats import figures_now

LANDING_TIMES = 8


class Standing(StrEnum):
    LISTED = "listed"  # taking clients: the full landing
    AWAY = "away"  # paused, hidden or on vacation: a kind page pointing to the directory
    UNKNOWN = "unknown"  # no such page (never published, or no such code)


@dataclass(frozen=True)
class Landing:
    standing: Standing
    therapist: TherapistProfile | None = None
    free: list[datetime] = field(default_factory=list)  # the next free starts, soonest first


@dataclass(frozen=True)
class SpecialistsPage:
    figures: PlatformFigures
    testimonials: list[Testimonial]


async def therapist_landing(
    uow: UnitOfWork, clock: Clock, share_code: str, policy: BookingPolicy, *, times: int = LANDING_TIMES
) -> Landing:
    therapist = await uow.therapists.by_share_code(share_code)
    # A profile that was never published has no public page yet: to the world it does not exist.
    if therapist is None or not therapist.verified:
        return Landing(Standing.UNKNOWN)
    if not is_listed(therapist, clock.now()):
        return Landing(Standing.AWAY, therapist)
    free = await free_times(uow, clock, therapist, policy)
    return Landing(Standing.LISTED, therapist, free[:times])


async def specialists_page(uow: UnitOfWork, clock: Clock, zone: str) -> SpecialistsPage:
    """The four figures by the same rules as /stats, and the testimonials in their order."""
    return SpecialistsPage(await figures_now(uow, clock, zone), await uow.testimonials.in_order())
