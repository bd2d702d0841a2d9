"""The platform's figures, computed live: for staff (/stats) and for applicants deciding whether to join."""
from __future__ import annotations

from dataclasses import dataclass

from core.applications import Step
from core.clock import Clock
from core.matching import MatchFigures
from core.ports import UnitOfWork
from core.rules.platform_figures import (
    PlatformFigures,
    RefundTotal,
    funnel,
    month_of,
    platform_figures,
    refund_totals,
)
from core.waitlist import WaitlistFigures


@dataclass(frozen=True)
class StaffStats:
    figures: PlatformFigures
    funnel: list[tuple[Step, int]]
    refunds: list[RefundTotal]  # granted this month, per currency
    matches: MatchFigures  # "Help me choose" this month
    waitlists: WaitlistFigures  # waitlists joined this month


async def figures_now(uow: UnitOfWork, clock: Clock, zone: str) -> PlatformFigures:
    """The page's four figures for this month so far in the platform's zone."""
    now = clock.now()
    month = month_of(now, zone)
    return platform_figures(
        month,
        now,
        await uow.stats.therapists(),
        await uow.stats.bookings_between(month.start, month.end),
        await uow.stats.first_payments(month.start, month.end),
        await uow.stats.earnings(month.start, month.end),
    )


async def staff_stats(uow: UnitOfWork, clock: Clock, zone: str) -> StaffStats:
    figures = await figures_now(uow, clock, zone)
    month = figures.month
    return StaffStats(
        figures=figures,
        funnel=funnel(await uow.stats.applications_by_step()),
        refunds=refund_totals(await uow.stats.granted_refunds(month.start, month.end)),
        matches=await uow.matching.figures(month.start, month.end),
        waitlists=await uow.waitlist.figures(month.start, month.end),
    )
